import { localDate, localTime, zonedInstant, type LocalTime } from './zone';

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

/**
 * Start (inclusive) and end (inclusive, last millisecond) of a preset period. Calendar months and
 * date-only custom bounds are whole days in `zone`; a custom date-time without an offset is a wall
 * time in `zone`; one with `Z` or an offset is that instant.
 */
export function resolvePeriod(
	preset: PeriodPreset,
	now: Date,
	custom?: { start: string; end: string },
	zone = 'UTC',
): { start: Date; end: Date } {
	const { year, month } = localTime(now.getTime(), zone);
	const monthStart = (offset: number) => zonedInstant(zone, year, month + offset, 1);
	switch (preset) {
		case 'previousMonth':
			return { start: new Date(monthStart(-1)), end: new Date(monthStart(0) - 1) };
		case 'currentMonth':
			return { start: new Date(monthStart(0)), end: new Date(monthStart(1) - 1) };
		case 'last7Days':
			return { start: new Date(now.getTime() - 7 * DAY_MS), end: now };
		case 'last30Days':
			return { start: new Date(now.getTime() - 30 * DAY_MS), end: now };
		case 'custom':
			return {
				start: new Date(boundary(custom?.start ?? '', zone, 'start')),
				end: new Date(boundary(custom?.end ?? '', zone, 'end')),
			};
	}
}

const WALL_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** A custom bound as an instant; a date-only end means the whole day. NaN when it is not a date. */
function boundary(value: string, zone: string, side: 'start' | 'end'): number {
	const text = value.trim();
	const wall = WALL_TIME.exec(text);
	if (!wall)
		return /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : NaN;
	const [, y, mo, d, h, mi, s] = wall.map((part) =>
		part === undefined ? undefined : Number(part),
	);
	// Fractions are digits after the point: ".05" is 50 ms, not 5.
	const ms = Number((wall[7] ?? '0').padEnd(3, '0'));
	const dateOnly = h === undefined;
	const instant = zonedInstant(
		zone,
		y!,
		mo! - 1,
		d! + (dateOnly && side === 'end' ? 1 : 0),
		h ?? 0,
		mi ?? 0,
		s ?? 0,
		ms,
	);
	return dateOnly && side === 'end' ? instant - 1 : instant;
}

/** "November 2026" for a calendar month in `zone`, else "2026-11-01 to 2026-11-24". */
export function periodLabel(start: Date, end: Date, zone = 'UTC'): string {
	const from = localTime(start.getTime(), zone);
	const after = localTime(end.getTime() + 1, zone);
	const midnight = (t: LocalTime) =>
		t.day === 1 && t.hour === 0 && t.minute === 0 && t.second === 0;
	const nextMonth = after.year * 12 + after.month - (from.year * 12 + from.month) === 1;
	if (midnight(from) && midnight(after) && nextMonth) return `${MONTHS[from.month]} ${from.year}`;
	return `${localDate(start.getTime(), zone)} to ${localDate(end.getTime(), zone)}`;
}
