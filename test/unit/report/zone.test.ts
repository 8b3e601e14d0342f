import { toIso } from '../../../nodes/MspReport/report/evidence';
import { periodLabel, resolvePeriod } from '../../../nodes/MspReport/report/period';
import { isTimeZone, localDateTime, zonedInstant } from '../../../nodes/MspReport/report/zone';

/**
 * Calendar months in the report's time zone. Dates are built from this year (taken from the clock), so
 * the tests mean the same thing whatever day they run: Berlin is UTC+1 in winter and UTC+2 in summer.
 */
const year = new Date().getUTCFullYear();
const HOUR = 3_600_000;
/** English month name, from the runtime rather than a copy of the node's list. */
const monthName = (month: number) =>
	new Date(Date.UTC(year, month, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });

describe('report periods in a time zone', () => {
	it('a previous month in summer starts at 22:00 UTC the day before in Berlin', () => {
		const now = new Date(Date.UTC(year, 6, 15, 12));
		const { start, end } = resolvePeriod('previousMonth', now, undefined, 'Europe/Berlin');
		expect(start.getTime()).toBe(Date.UTC(year, 5, 1) - 2 * HOUR);
		expect(end.getTime()).toBe(Date.UTC(year, 6, 1) - 2 * HOUR - 1);
		expect(periodLabel(start, end, 'Europe/Berlin')).toBe(`June ${year}`);
		// The same instants are no calendar month in UTC.
		expect(periodLabel(start, end)).toBe(`${year}-05-31 to ${year}-06-30`);
	});

	it('a month with the change to summer time has two offsets', () => {
		const now = new Date(Date.UTC(year, 3, 15));
		const { start, end } = resolvePeriod('previousMonth', now, undefined, 'Europe/Berlin');
		expect(start.getTime()).toBe(Date.UTC(year, 2, 1) - HOUR);
		expect(end.getTime()).toBe(Date.UTC(year, 3, 1) - 2 * HOUR - 1);
		expect(periodLabel(start, end, 'Europe/Berlin')).toBe(`March ${year}`);
	});

	it('follows the zone across a year end and west of UTC', () => {
		const now = new Date(Date.UTC(year, 0, 10));
		const { start, end } = resolvePeriod('previousMonth', now, undefined, 'America/New_York');
		expect(start.getTime()).toBe(Date.UTC(year - 1, 11, 1) + 5 * HOUR);
		expect(end.getTime()).toBe(Date.UTC(year, 0, 1) + 5 * HOUR - 1);
		expect(periodLabel(start, end, 'America/New_York')).toBe(`December ${year - 1}`);
	});

	it('at 00:30 on the 1st in Berlin (still the last day in UTC) the previous month is the one that just ended there', () => {
		const now = new Date(Date.UTC(year, 10, 30, 23, 30));
		const berlin = resolvePeriod('previousMonth', now, undefined, 'Europe/Berlin');
		expect(periodLabel(berlin.start, berlin.end, 'Europe/Berlin')).toBe(`${monthName(10)} ${year}`);
		const utc = resolvePeriod('previousMonth', now);
		expect(periodLabel(utc.start, utc.end)).toBe(`${monthName(9)} ${year}`);
	});

	it('custom dates are whole days in the zone; an offset in the value wins', () => {
		const day = (m: number, d: number) =>
			`${year}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
		const days = resolvePeriod(
			'custom',
			new Date(),
			{ start: day(0, 3), end: day(0, 9) },
			'Europe/Berlin',
		);
		expect(days.start.getTime()).toBe(Date.UTC(year, 0, 3) - HOUR);
		expect(days.end.getTime()).toBe(Date.UTC(year, 0, 10) - HOUR - 1);
		expect(periodLabel(days.start, days.end, 'Europe/Berlin')).toBe(`${day(0, 3)} to ${day(0, 9)}`);
		const wall = resolvePeriod(
			'custom',
			new Date(),
			{ start: `${day(0, 3)}T08:30`, end: `${day(0, 3)}T17:00:00.05Z` },
			'Europe/Berlin',
		);
		expect(wall.start.getTime()).toBe(Date.UTC(year, 0, 3, 7, 30));
		expect(wall.end.getTime()).toBe(Date.UTC(year, 0, 3, 17, 0, 0, 50));
	});

	it('shows times in the zone, named', () => {
		const instant = zonedInstant('Europe/Berlin', year, 6, 1, 9, 5);
		expect(instant).toBe(Date.UTC(year, 6, 1, 7, 5));
		expect(localDateTime(instant, 'Europe/Berlin')).toBe(`${year}-07-01 09:05`);
		expect(localDateTime(instant, 'UTC')).toBe(`${year}-07-01 07:05`);
	});

	it('knows real zone names only', () => {
		expect(isTimeZone('Europe/Berlin')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
	});

	it("reads an evidence date-time without an offset as UTC, not as the host clock's zone", () => {
		const date = `${year}-03-05`;
		expect(toIso(`${date} 10:15`)).toBe(`${date}T10:15:00.000Z`);
		expect(toIso(`${date}T10:15:30.5`)).toBe(`${date}T10:15:30.500Z`);
		expect(toIso(`${date}T10:15:00+02:00`)).toBe(`${date}T08:15:00.000Z`);
		expect(toIso(date)).toBe(`${date}T00:00:00.000Z`);
	});
});
