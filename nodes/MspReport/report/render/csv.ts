import type { ClientReport, EvidenceRow } from '../types';

const COLUMNS: Array<keyof EvidenceRow> = [
	'client',
	'device',
	'kind',
	'reference',
	'severity',
	'outcome',
	'detectedAt',
	'slaDueAt',
	'remediatedAt',
	'verifiedAt',
	'verifiedHow',
	'ticketReference',
	'hoursToRemediate',
	'withinSla',
	'counted',
];

/** RFC 4180 quoting; text starting like a formula is prefixed so spreadsheets do not run it. */
function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	let text = String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per evidence row, CRLF line ends as RFC 4180 asks. */
export function renderCsv(report: ClientReport): string {
	const lines = [
		COLUMNS.join(','),
		...report.evidence.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(',')),
	];
	return `${lines.join('\r\n')}\r\n`;
}
