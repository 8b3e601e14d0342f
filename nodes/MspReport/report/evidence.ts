import type { Evidence, EvidenceOutcome } from '../../shared';
import { describeZodIssues, EvidenceSchema } from '../../shared';

/** Statuses of the other nodes' normalized shapes, mapped to an evidence outcome. */
const OUTCOME_WORDS: Record<string, EvidenceOutcome> = {
	remediated: 'remediated',
	installed: 'remediated',
	succeeded: 'remediated',
	resolved: 'remediated',
	mitigated: 'remediated',
	failed: 'failed',
	timedout: 'failed',
	exception: 'exception',
	pending: 'pending',
	approved: 'pending',
	queued: 'pending',
	running: 'pending',
	new: 'pending',
	inprogress: 'pending',
	dismissed: 'dismissed',
	falsepositive: 'dismissed',
	rejected: 'dismissed',
};

export const OUTCOME_VALUES = Object.keys(OUTCOME_WORDS);

export function normalizeOutcome(value: unknown): EvidenceOutcome | undefined {
	if (typeof value !== 'string') return undefined;
	return OUTCOME_WORDS[value.replace(/[\s_-]/g, '').toLowerCase()];
}

const SEVERITY_WORDS: Record<string, Evidence['severity']> = {
	critical: 'critical',
	high: 'high',
	important: 'high',
	medium: 'medium',
	moderate: 'medium',
	low: 'low',
	informational: 'informational',
	info: 'informational',
	unspecified: 'informational',
};

export function normalizeSeverity(value: unknown): Evidence['severity'] | undefined {
	if (typeof value !== 'string') return undefined;
	return SEVERITY_WORDS[value.trim().toLowerCase()];
}

/** ISO 8601 (UTC) of a date string, epoch ms or Date; undefined when empty, null when invalid. */
export function toIso(value: unknown): string | undefined | null {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
	if (typeof value === 'number')
		return Number.isFinite(value) ? new Date(value).toISOString() : null;
	if (typeof value !== 'string') return null;
	// Date-only and date-time strings; anything Date.parse reads loosely ("3 May") is refused.
	if (
		!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(
			value.trim(),
		)
	)
		return null;
	// Without an offset a date-time is read as UTC, never as the host's local time.
	const trimmed = value.trim().replace(' ', 'T');
	const zoned =
		/T/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? `${trimmed}Z` : trimmed;
	const ms = Date.parse(zoned);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Raw field values as the Build Evidence Record operation collects them. */
export interface EvidenceFields {
	client: unknown;
	device: unknown;
	kind: unknown;
	reference?: unknown;
	/** When the workflow first saw it (often the run time). */
	detectedAt: unknown;
	/** The vendor's time: the patch's release or first-seen date, the EDR's detection time. */
	vendorDetectedAt?: unknown;
	severity: unknown;
	outcome: unknown;
	slaDueAt?: unknown;
	remediatedAt?: unknown;
	verifiedAt?: unknown;
	verifiedBy?: unknown;
	verifiedHow?: unknown;
	ticketReference?: unknown;
	actions?: unknown;
	/** Why it is not remediated: the vendor error code, the policy state, offline. */
	reason?: unknown;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

function readActions(value: unknown, problems: string[]): Evidence['actions'] {
	if (value === undefined || value === null || value === '') return [];
	let list: unknown = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value) as unknown;
		} catch {
			problems.push('actions: must be a JSON array of {at, action, by?, result?}');
			return [];
		}
	}
	if (!Array.isArray(list)) {
		problems.push('actions: must be an array of {at, action, by?, result?}');
		return [];
	}
	return list.map((entry: unknown, index) => {
		const action = (entry ?? {}) as Record<string, unknown>;
		const at = toIso(action.at);
		if (!at) problems.push(`actions[${index}].at: must be an ISO 8601 date-time`);
		if (!text(action.action)) problems.push(`actions[${index}].action: is required`);
		return {
			at: at ?? String(action.at ?? ''),
			action: text(action.action) ?? '',
			...(text(action.by) ? { by: text(action.by) } : {}),
			...(text(action.result) ? { result: text(action.result) } : {}),
		};
	});
}

function optionalDate(name: string, value: unknown, problems: string[]): string | undefined {
	const iso = toIso(value);
	if (iso === null) problems.push(`${name}: "${String(value)}" is not a valid ISO 8601 date`);
	return iso ?? undefined;
}

/**
 * The earliest valid one of the vendor's time and the workflow's. The vendor's (a patch's release,
 * a threat's detection) is what time to remediate is measured from; the workflow's time is often
 * the run that found it, so it only counts when the vendor gives none or gives a later one (a
 * vendor clock running ahead never makes a remediation look earlier than its detection).
 */
function detectionTime(fields: EvidenceFields, problems: string[]): string {
	const vendor = optionalDate('vendorDetectedAt', fields.vendorDetectedAt, problems);
	const own = toIso(fields.detectedAt);
	if (own === null)
		problems.push(`detectedAt: "${String(fields.detectedAt)}" is not a valid ISO 8601 date`);
	const times = [vendor, own ?? undefined].filter((t): t is string => !!t);
	if (!times.length) {
		if (own === undefined && vendor === undefined) problems.push('detectedAt: is required');
		return '';
	}
	return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/**
 * Builds and validates one Evidence record. Returns every problem at once (missing and invalid
 * fields by name) so the user fixes the mapping in one go.
 */
export function buildEvidence(fields: EvidenceFields): { evidence?: Evidence; problems: string[] } {
	const problems: string[] = [];
	const client = text(fields.client);
	const device = text(fields.device);
	if (!client) problems.push('client: is required');
	if (!device) problems.push('device: is required');
	const kind = text(fields.kind);
	if (kind !== 'patch' && kind !== 'incident')
		problems.push(`kind: must be patch or incident, got "${String(fields.kind ?? '')}"`);
	const severity = normalizeSeverity(fields.severity);
	if (!severity)
		problems.push(
			`severity: must be one of critical, high, medium, low, informational, got "${String(fields.severity ?? '')}"`,
		);
	const outcome = normalizeOutcome(fields.outcome);
	if (!outcome)
		problems.push(
			`outcome: must be one of remediated, failed, exception, pending, dismissed (or a status such as ${OUTCOME_VALUES.slice(1, 6).join(', ')}), got "${String(fields.outcome ?? '')}"`,
		);
	const detectedAt = detectionTime(fields, problems);
	const remediatedAt = optionalDate('remediatedAt', fields.remediatedAt, problems);
	const candidate = {
		client,
		device,
		kind,
		reference: text(fields.reference),
		detectedAt,
		severity,
		slaDueAt: optionalDate('slaDueAt', fields.slaDueAt, problems),
		actions: readActions(fields.actions, problems),
		remediatedAt,
		verifiedAt: optionalDate('verifiedAt', fields.verifiedAt, problems),
		verifiedBy: text(fields.verifiedBy),
		verifiedHow: text(fields.verifiedHow),
		ticketReference: text(fields.ticketReference),
		outcome,
		reason: text(fields.reason),
	};
	if (detectedAt && remediatedAt && Date.parse(remediatedAt) < Date.parse(detectedAt)) {
		problems.push(`remediatedAt: ${remediatedAt} is before detectedAt ${detectedAt}`);
	}
	if (problems.length) return { problems };
	const parsed = EvidenceSchema.safeParse(dropUndefined(candidate));
	if (!parsed.success) return { problems: describeZodIssues(parsed.error.issues) };
	return { evidence: parsed.data, problems: [] };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
