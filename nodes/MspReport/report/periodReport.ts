import type { Evidence } from '../../shared';
import { buildClientReport } from './aggregate';
import { mergeEvidence } from './merge';
import { renderArticleHtml } from './render/html';
import type { Thresholds } from './render/format';
import { embedEvidence, readEmbeddedEvidence, samePeriod, type StoredPeriod } from './store';
import type { ClientReport, ExceptionReason, ReportException } from './types';
import { DEFAULT_SLA_HOURS } from './sla';

/** The part of a Build Report item the period's report is recomputed from. */
export interface BuiltReport {
	client: string;
	title: string;
	period: { start: string; end: string; label: string; timeZone: string };
	generatedAt: string;
	exceptions: Array<Omit<ReportException, 'reason'> & { reason: string }>;
	records: Evidence[];
}

/** Exceptions about this run's input items: they are not records, so they are carried as they are. */
const INPUT_PROBLEMS = new Set<string>([
	'unknownClient',
	'invalidRecord',
	'invalidDate',
	'negativeDuration',
]);

/** What publishing did with the evidence kept in the article. */
export interface EvidenceStoreSummary {
	/** Records read back from the article for this client and period. */
	readBack: number;
	/** Of those, replaced by a newer record of this run for the same device or threat. */
	replaced: number;
	/** Records the article holds now. */
	stored: number;
	/** Records past the limit, not stored (see store.ts). */
	notStored: number;
	/** Stored records that could not be read back (kept in the article, listed as exceptions). */
	unreadable: number;
	/** The period of records the article held for another period, not merged. */
	otherPeriod?: { start: string; end: string };
}

export interface PeriodReport {
	report: ClientReport;
	html: string;
	store: EvidenceStoreSummary;
}

function storedException(detail: string, itemIndex: number): ReportException {
	const blank = { device: '', reference: '', kind: '', severity: '' };
	return { reason: 'unreadableRecord', detail, itemIndex, ...blank };
}

/**
 * The report of the whole period: the records the published article holds for this client and
 * period, merged with this run's (a newer record for the same device or threat replaces the
 * older), KPIs recomputed over all of them. Records of another period are never merged; a stored
 * record that does not read back is an exception, and stays in the article as it was.
 */
export function reportForPeriod(
	built: BuiltReport,
	articleContent: string | undefined,
	thresholds: Thresholds,
): PeriodReport {
	const period: StoredPeriod = {
		client: built.client,
		start: built.period.start,
		end: built.period.end,
		timeZone: built.period.timeZone,
	};
	const stored = readEmbeddedEvidence(articleContent);
	const same = samePeriod(stored.period, period);
	const merged = same
		? mergeEvidence(stored.records, built.records)
		: { records: built.records, replaced: 0, kept: 0 };
	const unreadable = same ? stored.unreadable : [];
	const lost = stored.records.length + stored.unreadable.length;
	const carried: ReportException[] = [
		...(!stored.period && lost
			? [
					storedException(
						`${lost} evidence record(s) stored in the article name no readable period and were not merged`,
						-1,
					),
				]
			: []),
		...built.exceptions
			.filter((e) => INPUT_PROBLEMS.has(e.reason))
			.map((e) => ({ ...e, reason: e.reason as ExceptionReason })),
		...unreadable.map((u, index) =>
			storedException(
				`Evidence record stored in the article could not be read back (${u.problem}); it stays in the article and is not counted`,
				-1 - index,
			),
		),
	];
	const report = buildClientReport(
		built.client,
		merged.records,
		{
			periodStart: new Date(built.period.start),
			periodEnd: new Date(built.period.end),
			now: new Date(built.generatedAt),
			// Records carry the due date they were judged by; these only fill in for ones that do not.
			slaHours: DEFAULT_SLA_HOURS,
			knownClients: [],
			titleTemplate: built.title,
			timeZone: built.period.timeZone,
		},
		carried,
	);
	report.title = built.title;
	const embedded = embedEvidence(
		period,
		report.records,
		unreadable.map((u) => u.token),
	);
	return {
		report,
		html: `${renderArticleHtml(report, thresholds)}\n${embedded.html}`,
		store: {
			readBack: same ? stored.records.length : 0,
			replaced: merged.replaced,
			stored: embedded.stored,
			notStored: embedded.notStored,
			unreadable: unreadable.length,
			...(!same && stored.period
				? { otherPeriod: { start: stored.period.start, end: stored.period.end } }
				: {}),
		},
	};
}
