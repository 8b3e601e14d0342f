export type PeriodPreset = 'previousMonth' | 'currentMonth' | 'last7Days' | 'last30Days' | 'custom';

const DAY_MS = 86_400_000;
const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December',
];

/** Start (inclusive) and end (inclusive, last millisecond) of a preset period, in UTC. */
export function resolvePeriod(
	preset: PeriodPreset,
	now: Date,
	custom?: { start: string; end: string },
): { start: Date; end: Date } {
	const y = now.getUTCFullYear();
	const m = now.getUTCMonth();
	switch (preset) {
		case 'previousMonth':
			return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1) - 1) };
		case 'currentMonth':
			return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1) - 1) };
		case 'last7Days':
			return { start: new Date(now.getTime() - 7 * DAY_MS), end: now };
		case 'last30Days':
			return { start: new Date(now.getTime() - 30 * DAY_MS), end: now };
		case 'custom': {
			const start = new Date(custom?.start ?? '');
			let end = new Date(custom?.end ?? '');
			// A date-only end means the whole day.
			if (/^\d{4}-\d{2}-\d{2}$/.test(custom?.end ?? '')) end = new Date(end.getTime() + DAY_MS - 1);
			return { start, end };
		}
	}
}

/** "November 2026" for a calendar month, else "2026-11-01 to 2026-11-24". */
export function periodLabel(start: Date, end: Date): string {
	const wholeMonth =
		start.getUTCDate() === 1 &&
		start.getUTCHours() === 0 &&
		start.getUTCMinutes() === 0 &&
		new Date(end.getTime() + 1).getUTCDate() === 1 &&
		end.getUTCMonth() === start.getUTCMonth() &&
		end.getUTCFullYear() === start.getUTCFullYear();
	if (wholeMonth) return `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`;
	return `${start.toISOString().slice(0, 10)} to ${end.toISOString().slice(0, 10)}`;
}
