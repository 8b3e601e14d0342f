/**
 * Automate's dates and their zone.
 *
 * The reference does not say which zone Automate's date-times are in, and its spec types them only
 * `date-time`. The spec marks its UTC fields by name (`LastFailDateUtc`, `LockOutExpirationDateUtc`),
 * gives computers a `UTCOffset`, and serves `GET /DatabaseServerTime`
 * ("GetDatabaseServerDateTimeWithUtcOffset"): a date without a zone is the Automate server's local
 * time. So a date with a zone (`Z`, `+02:00`) is read as it says, and one without is read in the
 * offset the server reports for its own clock. [unverified] When that offset cannot be read, UTC is
 * assumed; comparisons made on the server are widened by the largest offset there is
 * (`MAX_ZONE_OFFSET_MS`), so no reading of a zone-less date can hide a row or let an older one in.
 */

/** UTC-12 to UTC+14: how far a zone-less date can be from the instant it means. */
export const MAX_ZONE_OFFSET_MS = 14 * 60 * 60 * 1000;

/** A zone after a time of day (a date alone, `2024-07-09`, has none: its `-09` is the day). */
const ZONED = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(z|([+-])(\d{2}):?(\d{2})?)$/i;
const LOCAL = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;

/** Whether an Automate date-time names its zone. */
export function hasZone(value: string): boolean {
	return ZONED.test(value.trim());
}

/** Epoch ms of an Automate date; a zone-less one is in the server's offset (minutes east of UTC). */
export function automateEpoch(
	value: string | null | undefined,
	offsetMinutes: number,
): number | undefined {
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const text = value.trim();
	if (hasZone(text)) {
		const zoned = Date.parse(text);
		return Number.isNaN(zoned) ? undefined : zoned;
	}
	const local = LOCAL.exec(text);
	if (!local) return undefined;
	const wall = Date.parse(`${local[1]}T${local[2] ?? '00:00:00'}Z`);
	return Number.isNaN(wall) ? undefined : wall - offsetMinutes * 60_000;
}

/** An Automate date as ISO 8601 in UTC, or undefined when it is empty or not a date. */
export function automateIso(
	value: string | null | undefined,
	offsetMinutes: number,
): string | undefined {
	const epoch = automateEpoch(value, offsetMinutes);
	return epoch === undefined ? undefined : new Date(epoch).toISOString();
}

/**
 * The server's offset from UTC, in minutes, from `GET /DatabaseServerTime`: the zone of its answer,
 * or, when the answer has none, its wall clock against `nowMs` rounded to a quarter hour (offsets
 * are whole quarter hours, and the round trip is far shorter).
 */
export function offsetFromServerTime(answer: unknown, nowMs: number): number | undefined {
	if (typeof answer !== 'string' || !answer.trim()) return undefined;
	const text = answer.trim();
	const zone = ZONED.exec(text);
	if (zone) {
		if (zone[1].toLowerCase() === 'z') return 0;
		const minutes = Number(zone[3]) * 60 + Number(zone[4] ?? 0);
		return zone[2] === '-' ? -minutes : minutes;
	}
	const wall = automateEpoch(text, 0);
	if (wall === undefined) return undefined;
	const quarters = Math.round((wall - nowMs) / (15 * 60_000));
	const minutes = quarters * 15;
	return Math.abs(minutes) * 60_000 <= MAX_ZONE_OFFSET_MS ? minutes : undefined;
}
