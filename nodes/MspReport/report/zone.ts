/**
 * Calendar arithmetic in an IANA time zone with Intl alone (a community node carries no date
 * library). Used for report periods: "previous month" in Europe/Berlin starts at 22:00 or 23:00 UTC
 * the day before, not at UTC midnight.
 */

export interface LocalTime {
	year: number;
	/** 0-11, as Date uses. */
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
	let format = formatters.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(zone, format);
	}
	return format;
}

/** Whether the runtime knows the zone (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(zone: string): boolean {
	try {
		formatter(zone);
		return true;
	} catch {
		return false;
	}
}

/** The wall-clock time in `zone` at an instant. */
export function localTime(instant: number, zone: string): LocalTime {
	const parts: Record<string, number> = {};
	for (const part of formatter(zone).formatToParts(new Date(instant)))
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	return {
		year: parts.year,
		month: parts.month - 1,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute,
		second: parts.second,
	};
}

/** How far `zone` is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
	const t = localTime(instant, zone);
	const wall = Date.UTC(t.year, t.month, t.day, t.hour, t.minute, t.second);
	return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time in `zone` names. Months and days may overflow (month 12 is January
 * of the next year), as with Date.UTC. The second pass corrects for a change of offset (summer time)
 * between the guess and the answer.
 */
export function zonedInstant(
	zone: string,
	year: number,
	month: number,
	day: number,
	hour = 0,
	minute = 0,
	second = 0,
	ms = 0,
): number {
	const wall = Date.UTC(year, month, day, hour, minute, second, ms);
	const guess = wall - offsetAt(wall, zone);
	return wall - offsetAt(guess, zone);
}

/** "2026-11-24" in `zone`. */
export function localDate(instant: number, zone: string): string {
	const t = localTime(instant, zone);
	return `${t.year}-${pad(t.month + 1)}-${pad(t.day)}`;
}

/** "2026-11-24 07:42" in `zone`. */
export function localDateTime(instant: number, zone: string): string {
	const t = localTime(instant, zone);
	return `${localDate(instant, zone)} ${pad(t.hour)}:${pad(t.minute)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
