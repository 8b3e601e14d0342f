import type { Evidence } from '../../shared';
import { describeZodIssues, EvidenceSchema } from '../../shared';
import { escapeHtml } from './render/format';

/**
 * The period's evidence kept inside the published article, so the next publish for the same
 * client, title and period can recompute the figures from every run, not the last one alone.
 *
 * Each record is one token `msp-evidence:v1:<base64url of its JSON>`, and one
 * `msp-evidence-period:v1:<…>` token names the client and period. Base64url has only letters,
 * digits, `-` and `_`: whatever a record holds (an attacker's hostname or process title, quotes,
 * markup) can never become HTML, and an editor or sanitiser that rewrites the article's markup or
 * entities keeps plain words as they are.
 */
const RECORD = 'msp-evidence:v1:';
const PERIOD = 'msp-evidence-period:v1:';
const TOKEN = /msp-evidence(-period)?:v1:([A-Za-z0-9_-]*)/g;

/**
 * At most this many records are kept in one article (about 1 KB each once encoded). Past it the
 * most recently active ones are kept and the rest are named as not stored: a later publish counts
 * only what was stored.
 */
export const MAX_STORED_RECORDS = 2000;
/** Longer texts (a script's output in an action result) are cut: the article is not a log store. */
const MAX_TEXT = 1000;

export interface StoredPeriod {
	client: string;
	start: string;
	end: string;
	timeZone: string;
}

export interface StoredEvidence {
	period?: StoredPeriod;
	records: Evidence[];
	/** Tokens that did not read back as an Evidence record, with why; kept as they are. */
	unreadable: Array<{ token: string; problem: string }>;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decode(token: string): unknown {
	return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
}

function cut(value: string): string {
	return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
}

/** A record as stored: no raw input, long texts cut. */
function compact(record: Evidence): Evidence {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(record))
		if (key !== 'raw') out[key] = typeof value === 'string' ? cut(value) : value;
	out.actions = record.actions.map((a) => ({
		...a,
		action: cut(a.action),
		...(a.result ? { result: cut(a.result) } : {}),
	}));
	return out as Evidence;
}

/** The latest time a record shows activity: what "newer" means when two runs recorded the same thing. */
export function lastActivity(record: Evidence): number {
	const times = [
		record.detectedAt,
		record.remediatedAt,
		record.verifiedAt,
		...record.actions.map((a) => a.at),
	]
		.map((t) => (t ? Date.parse(t) : NaN))
		.filter((t) => !Number.isNaN(t));
	return times.length ? Math.max(...times) : 0;
}

export interface EmbedResult {
	html: string;
	stored: number;
	/** Records past MAX_STORED_RECORDS, not written into the article. */
	notStored: number;
}

/** The article section holding the period's records (unreadable tokens carried as they were). */
export function embedEvidence(
	period: StoredPeriod,
	records: Evidence[],
	unreadable: string[] = [],
): EmbedResult {
	const room = Math.max(0, MAX_STORED_RECORDS - unreadable.length);
	const kept = [...records].sort((a, b) => lastActivity(b) - lastActivity(a)).slice(0, room);
	const tokens = [
		`${PERIOD}${encode(period)}`,
		...kept.map((r) => `${RECORD}${encode(compact(r))}`),
		...unreadable.map((t) => `${RECORD}${t}`),
	];
	const notStored = records.length - kept.length;
	const note = notStored
		? ` ${notStored} older record(s) past the limit of ${MAX_STORED_RECORDS} were not stored and will not count when the report is published again.`
		: '';
	const html = [
		'<h3>Evidence records</h3>',
		`<p style="color:#64748b;font-size:12px">${kept.length} evidence record(s) of this period in machine-readable form: publishing this report again for the same period adds the new run's records to these and recomputes every figure. Do not edit.${escapeHtml(note)}</p>`,
		`<p style="font-family:monospace;font-size:9px;color:#94a3b8;word-break:break-all">${tokens.map(escapeHtml).join(' ')}</p>`,
	].join('\n');
	return { html, stored: kept.length, notStored };
}

function readPeriod(token: string): StoredPeriod | undefined {
	try {
		const value = decode(token) as Partial<StoredPeriod> | null;
		if (
			value &&
			typeof value.client === 'string' &&
			typeof value.start === 'string' &&
			typeof value.end === 'string'
		)
			return {
				client: value.client,
				start: value.start,
				end: value.end,
				timeZone: String(value.timeZone ?? 'UTC'),
			};
	} catch {
		// Reported by the caller as "no period": its records are not merged.
	}
	return undefined;
}

/**
 * The period and records an article holds; nothing when it holds none (a new or hand-written
 * article). Only tokens from the last period token on are read: the section is written at the end
 * of the article, after every text a record carries (an exceptions row showing a hostname), so
 * token-like text an attacker put into a hostname is never read back as a record.
 */
export function readEmbeddedEvidence(content: string | undefined): StoredEvidence {
	const found: StoredEvidence = { records: [], unreadable: [] };
	const text = content ?? '';
	const from = text.lastIndexOf(PERIOD);
	if (from < 0) return found;
	for (const match of text.slice(from).matchAll(TOKEN)) {
		const [, isPeriod, token] = match;
		if (isPeriod) {
			found.period ??= readPeriod(token);
			continue;
		}
		let value: unknown;
		try {
			value = decode(token);
		} catch (error) {
			found.unreadable.push({
				token,
				problem: `not readable as JSON (${(error as Error).message})`,
			});
			continue;
		}
		const parsed = EvidenceSchema.safeParse(value);
		if (parsed.success) found.records.push(parsed.data);
		else
			found.unreadable.push({
				token,
				problem: `not an evidence record: ${describeZodIssues(parsed.error.issues).join('; ')}`,
			});
	}
	return found;
}

/** Whether stored records belong to this client and period (the same instants, whatever the title says). */
export function samePeriod(a: StoredPeriod | undefined, b: StoredPeriod): boolean {
	return (
		!!a &&
		a.client.trim().toLowerCase() === b.client.trim().toLowerCase() &&
		Date.parse(a.start) === Date.parse(b.start) &&
		Date.parse(a.end) === Date.parse(b.end)
	);
}
