import type { Evidence } from '../../shared';
import { describeZodIssues, EvidenceSchema } from '../../shared';
import { toIso } from './evidence';
import { computeKpis, dueAt, hoursBetween } from './kpis';
import { periodLabel } from './period';
import { failureReason } from './reason';
import { localDate } from './zone';
import type { ClientReport, EvidenceRow, ReportException, ReportSettings } from './types';

/** Bucket for evidence that cannot be attributed to a known client. */
export const UNASSIGNED = 'Unassigned';

const CONTAINMENT_ACTION = /isolat|contain|quarantin|kill|mitigat|block|disconnect/i;

interface Checked {
	itemIndex: number;
	client: string;
	row: EvidenceRow;
	evidence?: Evidence;
	problems: ReportException[];
}

function str(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function isEmptyItem(json: unknown): boolean {
	return (
		!!json && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 0
	);
}

function baseRow(itemIndex: number, source: Record<string, unknown>): EvidenceRow {
	return {
		itemIndex,
		client: str(source.client),
		device: str(source.device),
		kind: str(source.kind),
		reference: str(source.reference),
		severity: str(source.severity),
		outcome: str(source.outcome),
		detectedAt: str(source.detectedAt),
		slaDueAt: str(source.slaDueAt),
		remediatedAt: str(source.remediatedAt),
		verifiedAt: str(source.verifiedAt),
		verifiedHow: str(source.verifiedHow),
		ticketReference: str(source.ticketReference),
		hoursToRemediate: null,
		withinSla: null,
		counted: false,
	};
}

function exceptionFor(
	row: EvidenceRow,
	reason: ReportException['reason'],
	detail: string,
): ReportException {
	return {
		reason,
		detail,
		device: row.device,
		reference: row.reference,
		kind: row.kind,
		severity: row.severity,
		itemIndex: row.itemIndex,
	};
}

/** Validates one input record; problems become exceptions instead of errors. */
function check(json: unknown, itemIndex: number, settings: ReportSettings): Checked {
	const object = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
	const source =
		object.evidence && typeof object.evidence === 'object'
			? (object.evidence as Record<string, unknown>)
			: object;
	const row = baseRow(itemIndex, source);
	const problems: ReportException[] = [];
	const known = settings.knownClients.map((c) => c.toLowerCase());
	let client = row.client || UNASSIGNED;
	if (!row.client)
		problems.push(exceptionFor(row, 'unknownClient', 'The evidence names no client'));
	else if (known.length && !known.includes(row.client.toLowerCase())) {
		problems.push(
			exceptionFor(row, 'unknownClient', `"${row.client}" is not one of the known clients`),
		);
		client = UNASSIGNED;
	}
	for (const field of ['detectedAt', 'slaDueAt', 'remediatedAt', 'verifiedAt'] as const) {
		if (toIso(source[field]) === null)
			problems.push(
				exceptionFor(row, 'invalidDate', `${field} "${String(source[field])}" is not a valid date`),
			);
	}
	const parsed = EvidenceSchema.safeParse(source);
	if (!parsed.success) {
		const issues = describeZodIssues(parsed.error.issues).filter(
			(line) => !/^(detectedAt|slaDueAt|remediatedAt|verifiedAt):/.test(line),
		);
		if (issues.length)
			problems.push(
				exceptionFor(row, 'invalidRecord', `Not a valid evidence record: ${issues.join('; ')}`),
			);
	}
	const evidence = parsed.success && !problems.length ? parsed.data : undefined;
	if (evidence?.remediatedAt) {
		const hours = hoursBetween(evidence.detectedAt, evidence.remediatedAt);
		if (hours < 0) {
			problems.push(
				exceptionFor(
					row,
					'negativeDuration',
					`remediatedAt ${evidence.remediatedAt} is before detectedAt ${evidence.detectedAt}`,
				),
			);
			return { itemIndex, client, row, problems };
		}
	}
	return { itemIndex, client, row, evidence, problems };
}

function inPeriod(evidence: Evidence, settings: ReportSettings): boolean {
	const detected = Date.parse(evidence.detectedAt);
	if (detected > settings.periodEnd.getTime()) return false;
	return (
		!evidence.remediatedAt || Date.parse(evidence.remediatedAt) >= settings.periodStart.getTime()
	);
}

/** SLA, duration and follow-up exceptions of a record that counts. */
function assess(checked: Checked, evidence: Evidence, settings: ReportSettings): void {
	const { row } = checked;
	const due = dueAt(evidence, settings.slaHours);
	row.slaDueAt = new Date(due).toISOString();
	row.counted = true;
	const asOf = Math.min(settings.now.getTime(), settings.periodEnd.getTime());
	if (evidence.outcome === 'remediated' && evidence.remediatedAt) {
		row.hoursToRemediate = hoursBetween(evidence.detectedAt, evidence.remediatedAt);
		row.withinSla = Date.parse(evidence.remediatedAt) <= due;
		if (!row.withinSla) {
			const late = hoursBetween(row.slaDueAt, evidence.remediatedAt);
			checked.problems.push(
				exceptionFor(row, 'overdue', `Remediated ${late} h after the SLA (${row.slaDueAt})`),
			);
		}
		if (!evidence.verifiedAt)
			checked.problems.push(exceptionFor(row, 'unverified', 'Remediated but never verified'));
	} else if (evidence.outcome === 'failed' || evidence.outcome === 'exception') {
		checked.problems.push(exceptionFor(row, 'failed', failureReason(evidence)));
	}
	if (evidence.outcome !== 'remediated' && evidence.outcome !== 'dismissed' && asOf > due) {
		row.withinSla = false;
		checked.problems.push(exceptionFor(row, 'overdue', `Open past the SLA (${row.slaDueAt})`));
	}
}

export function isContained(evidence: Evidence): boolean {
	return (
		evidence.outcome === 'remediated' ||
		evidence.actions.some((a) => CONTAINMENT_ACTION.test(a.action))
	);
}

function title(template: string, client: string, label: string, settings: ReportSettings): string {
	return template
		.replace(/\{client\}/g, client)
		.replace(/\{period\}/g, label)
		.replace(/\{start\}/g, localDate(settings.periodStart.getTime(), settings.timeZone))
		.replace(/\{end\}/g, localDate(settings.periodEnd.getTime(), settings.timeZone));
}

/**
 * One report per client from all incoming evidence. Bad records are listed as exceptions, never
 * dropped and never fatal; no evidence at all gives one explicit "no activity" report.
 */
export function buildReports(inputs: unknown[], settings: ReportSettings): ClientReport[] {
	const byClient = new Map<string, Checked[]>();
	const keyOf = (client: string) => client.toLowerCase();
	const names = new Map<string, string>();
	for (const client of settings.knownClients) names.set(keyOf(client), client);
	inputs.forEach((json, itemIndex) => {
		if (isEmptyItem(json)) return;
		const checked = check(json, itemIndex, settings);
		const key = keyOf(checked.client);
		if (!names.has(key)) names.set(key, checked.client);
		byClient.set(key, [...(byClient.get(key) ?? []), checked]);
	});
	if (!names.size) names.set(keyOf('All clients'), 'All clients');
	const label = periodLabel(settings.periodStart, settings.periodEnd, settings.timeZone);
	return [...names.entries()].map(([key, client]) =>
		reportFor(client, byClient.get(key) ?? [], settings, label),
	);
}

/**
 * One client's report from records that are all its own: the period's records read back from the
 * published article merged with this run's (see store.ts). `carried` are exceptions about input
 * that is not among the records (unreadable stored records, this run's invalid items).
 */
export function buildClientReport(
	client: string,
	records: unknown[],
	settings: ReportSettings,
	carried: ReportException[] = [],
): ClientReport {
	const open = { ...settings, knownClients: [] };
	const checkedList = records.map((record, index) => check(record, index, open));
	const label = periodLabel(settings.periodStart, settings.periodEnd, settings.timeZone);
	return reportFor(client, checkedList, open, label, carried);
}

function reportFor(
	client: string,
	checkedList: Checked[],
	settings: ReportSettings,
	label: string,
	carried: ReportException[] = [],
): ClientReport {
	const counted: Evidence[] = [];
	let outsidePeriod = 0;
	for (const checked of checkedList) {
		if (!checked.evidence) continue;
		if (!inPeriod(checked.evidence, settings)) {
			outsidePeriod++;
			continue;
		}
		assess(checked, checked.evidence, settings);
		counted.push(checked.evidence);
	}
	const rows = checkedList.filter((c) => c.row.counted || !c.evidence).map((c) => c.row);
	const exceptions = [...checkedList.flatMap((c) => c.problems), ...carried];
	const kpis = computeKpis(counted, rows, exceptions.length, isContained);
	return {
		client,
		title: title(settings.titleTemplate, client, label, settings),
		period: {
			start: settings.periodStart.toISOString(),
			end: settings.periodEnd.toISOString(),
			label,
			timeZone: settings.timeZone,
		},
		generatedAt: settings.now.toISOString(),
		noActivity: rows.length === 0 && carried.length === 0,
		kpis,
		exceptions,
		evidence: rows,
		outsidePeriod,
		itemIndexes: checkedList.map((c) => c.itemIndex),
		// Each with the SLA due date it was judged by, so a later publish judges it the same way.
		records: counted.map((e) => {
			const record: Evidence = {
				...e,
				slaDueAt: new Date(dueAt(e, settings.slaHours)).toISOString(),
			};
			delete record.raw;
			return record;
		}),
	};
}
