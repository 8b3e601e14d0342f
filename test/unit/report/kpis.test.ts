import { buildReports, UNASSIGNED } from '../../../nodes/MspReport/report/aggregate';
import { buildEvidence } from '../../../nodes/MspReport/report/evidence';
import { percentile } from '../../../nodes/MspReport/report/kpis';
import { periodLabel, resolvePeriod } from '../../../nodes/MspReport/report/period';
import type { ReportSettings } from '../../../nodes/MspReport/report/types';
import { DEFAULT_SLA_HOURS } from '../../../nodes/MspReport/actions/report/settings';

/**
 * The fixtures live in November of last year (taken from the clock): a whole, past 30-day month whatever day the
 * tests run. Every function here takes its clock as `now`, so only the calendar shape matters.
 */
const Y = new Date().getUTCFullYear() - 1;

const settings = (overrides: Partial<ReportSettings> = {}): ReportSettings => ({
	periodStart: new Date(`${Y}-11-01T00:00:00Z`),
	periodEnd: new Date(`${Y}-11-30T23:59:59.999Z`),
	now: new Date(`${Y}-12-01T06:00:00Z`),
	slaHours: DEFAULT_SLA_HOURS,
	knownClients: [],
	titleTemplate: 'Compliance report {client} {period}',
	timeZone: 'UTC',
	...overrides,
});

const ev = (fields: Record<string, unknown>) => ({
	client: 'Acme',
	kind: 'patch',
	severity: 'critical',
	actions: [],
	...fields,
});

/** Client Acme, hand-computed below. SLA: patch critical/high 336 h, medium 720 h; incident critical 4 h. */
const ACME = [
	// 24 h, verified, within SLA.
	ev({
		device: 'WS01',
		reference: 'KB1',
		detectedAt: `${Y}-11-01T00:00:00Z`,
		remediatedAt: `${Y}-11-02T00:00:00Z`,
		verifiedAt: `${Y}-11-02T01:00:00Z`,
		outcome: 'remediated',
	}),
	// Exactly 336 h: on the SLA boundary counts as within.
	ev({
		device: 'WS02',
		reference: 'KB2',
		severity: 'high',
		detectedAt: `${Y}-11-01T00:00:00Z`,
		remediatedAt: `${Y}-11-15T00:00:00Z`,
		verifiedAt: `${Y}-11-15T02:00:00Z`,
		outcome: 'remediated',
	}),
	// Failed and open past its due date (Nov 15): failed + overdue.
	ev({
		device: 'WS03',
		reference: 'KB3',
		detectedAt: `${Y}-11-01T00:00:00Z`,
		outcome: 'failed',
		actions: [{ at: `${Y}-11-03T00:00:00Z`, action: 'install patch', result: '0x80070643' }],
	}),
	// Incident: isolated, resolved in 6 h against a 4 h SLA, never verified: overdue + unverified.
	ev({
		device: 'ws01',
		kind: 'incident',
		reference: 'T-1',
		detectedAt: `${Y}-11-10T00:00:00Z`,
		remediatedAt: `${Y}-11-10T06:00:00Z`,
		outcome: 'remediated',
		actions: [{ at: `${Y}-11-10T00:05:00Z`, action: 'isolate device' }],
	}),
	// Pending, due Dec 20: not overdue, but the device is not compliant.
	ev({
		device: 'WS04',
		reference: 'KB4',
		severity: 'medium',
		detectedAt: `${Y}-11-20T00:00:00Z`,
		outcome: 'pending',
	}),
	// Remediated before the period started: outside the period.
	ev({
		device: 'WS05',
		reference: 'KB0',
		detectedAt: `${Y}-10-01T00:00:00Z`,
		remediatedAt: `${Y}-10-20T00:00:00Z`,
		verifiedAt: `${Y}-10-20T00:00:00Z`,
		outcome: 'remediated',
	}),
];

describe('report KPIs', () => {
	it('computes every KPI of a mixed client by hand', () => {
		const [report] = buildReports(ACME, settings());
		expect(report.client).toBe('Acme');
		expect(report.title).toBe(`Compliance report Acme November ${Y}`);
		expect(report.kpis).toEqual({
			devicesInScope: 4, // WS01 (patch + incident, case-insensitive), WS02, WS03, WS04
			compliantDevices: 2, // WS03 failed, WS04 pending
			compliancePercent: 50,
			patchesInstalled: 2,
			patchesFailed: 1,
			patchesPending: 1,
			devicesPatched: 2, // WS01, WS02
			devicesFailed: 1, // WS03
			devicesPending: 1, // WS04
			incidentsDetected: 1,
			incidentsContained: 1,
			incidentsResolved: 1,
			remediated: 3, // 24, 336, 6 h
			meanHoursToRemediate: 122, // 366 / 3
			p90HoursToRemediate: 336, // nearest rank: ceil(0.9 * 3) = 3rd of [6, 24, 336]
			slaMeasured: 4, // two within, WS03 open overdue, incident late; WS04 not due yet
			withinSla: 2,
			withinSlaPercent: 50,
			incidentSlaMeasured: 1, // T-1 resolved after its 4 h SLA
			incidentsWithinSla: 0,
			incidentsWithinSlaPercent: 0,
			openPastSla: 1, // WS03
			exceptions: 4,
		});
		expect(report.outsidePeriod).toBe(1);
		expect(report.exceptions.map((e) => `${e.reason}:${e.reference}`).sort()).toEqual([
			'failed:KB3',
			'overdue:KB3',
			'overdue:T-1',
			'unverified:T-1',
		]);
		expect(report.exceptions.find((e) => e.reason === 'failed')?.detail).toBe(
			'install patch: 0x80070643',
		);
		const boundary = report.evidence.find((r) => r.reference === 'KB2');
		expect(boundary).toMatchObject({
			hoursToRemediate: 336,
			withinSla: true,
			slaDueAt: `${Y}-11-15T00:00:00.000Z`,
		});
	});

	it('one second past the SLA is late', () => {
		const late = ev({
			device: 'WS02',
			severity: 'high',
			detectedAt: `${Y}-11-01T00:00:00Z`,
			remediatedAt: `${Y}-11-15T00:00:01Z`,
			verifiedAt: `${Y}-11-15T01:00:00Z`,
			outcome: 'remediated',
		});
		const [report] = buildReports([late], settings());
		expect(report.kpis.withinSla).toBe(0);
		expect(report.kpis.withinSlaPercent).toBe(0);
		expect(report.exceptions.map((e) => e.reason)).toEqual(['overdue']);
	});

	it('an open record exactly at its due time is not yet overdue', () => {
		const open = ev({
			device: 'WS09',
			kind: 'incident',
			detectedAt: `${Y}-11-30T20:00:00Z`,
			outcome: 'pending',
		});
		const [report] = buildReports(
			[open],
			settings({
				now: new Date(`${Y}-12-01T00:00:00Z`),
				periodEnd: new Date(`${Y}-12-01T00:00:00Z`),
			}),
		);
		expect(report.kpis.slaMeasured).toBe(0);
		expect(report.exceptions).toEqual([]);
	});

	it('a record-level slaDueAt overrides the SLA hours', () => {
		const withDue = ev({
			device: 'WS01',
			detectedAt: `${Y}-11-01T00:00:00Z`,
			slaDueAt: `${Y}-11-01T12:00:00Z`,
			remediatedAt: `${Y}-11-02T00:00:00Z`,
			verifiedAt: `${Y}-11-02T00:00:00Z`,
			outcome: 'remediated',
		});
		const [report] = buildReports([withDue], settings());
		expect(report.kpis.withinSla).toBe(0);
	});

	it('all failed: zero compliance, no remediation times', () => {
		const failed = ['WS01', 'WS02'].map((device) =>
			ev({ client: 'Beta', device, detectedAt: `${Y}-11-25T00:00:00Z`, outcome: 'failed' }),
		);
		const [report] = buildReports(failed, settings());
		expect(report.kpis).toMatchObject({
			devicesInScope: 2,
			compliantDevices: 0,
			compliancePercent: 0,
			patchesFailed: 2,
			patchesInstalled: 0,
			remediated: 0,
			meanHoursToRemediate: null,
			p90HoursToRemediate: null,
			slaMeasured: 0,
			withinSlaPercent: null,
			exceptions: 2,
		});
	});

	it('zero devices: an explicit "no activity in period" report', () => {
		const reports = buildReports([], settings());
		expect(reports).toHaveLength(1);
		expect(reports[0]).toMatchObject({ client: 'All clients', noActivity: true });
		expect(reports[0].kpis).toMatchObject({
			devicesInScope: 0,
			compliancePercent: null,
			withinSlaPercent: null,
			meanHoursToRemediate: null,
		});
		// An empty item (a node that always outputs data) is no evidence, not an error.
		expect(buildReports([{}], settings())[0].noActivity).toBe(true);
	});

	it('a known client without evidence gets its own no-activity report', () => {
		const reports = buildReports(ACME, settings({ knownClients: ['Acme', 'Quiet Ltd'] }));
		expect(reports.map((r) => [r.client, r.noActivity])).toEqual([
			['Acme', false],
			['Quiet Ltd', true],
		]);
	});

	it('groups records per client, case-insensitively', () => {
		const reports = buildReports(
			[
				...ACME,
				ev({
					client: 'acme',
					device: 'WS06',
					detectedAt: `${Y}-11-05T00:00:00Z`,
					remediatedAt: `${Y}-11-05T10:00:00Z`,
					verifiedAt: `${Y}-11-05T10:00:00Z`,
					outcome: 'installed',
				}),
			],
			settings(),
		);
		expect(reports).toHaveLength(1);
		expect(reports[0].itemIndexes).toEqual([0, 1, 2, 3, 4, 5, 6]);
	});
});

describe('report bad input: exceptions, never dropped, never fatal', () => {
	const bad = [
		ev({
			client: 'Ghost Co',
			device: 'G1',
			detectedAt: `${Y}-11-02T00:00:00Z`,
			outcome: 'remediated',
		}),
		ev({ device: 'WS07', detectedAt: 'yesterday', outcome: 'pending' }),
		ev({
			device: 'WS08',
			detectedAt: `${Y}-11-10T00:00:00Z`,
			remediatedAt: `${Y}-11-09T00:00:00Z`,
			outcome: 'remediated',
		}),
		ev({ device: 'WS10', detectedAt: `${Y}-11-10T00:00:00Z`, outcome: 'sort of fixed' }),
		{ client: 'Acme', note: 'not evidence at all' },
		ev({ client: '', device: 'X1', detectedAt: `${Y}-11-10T00:00:00Z`, outcome: 'failed' }),
	];

	it('reports unknown clients, invalid dates, negative durations and malformed records as exceptions', () => {
		const reports = buildReports(bad, settings({ knownClients: ['Acme'] }));
		const acme = reports.find((r) => r.client === 'Acme')!;
		const unassigned = reports.find((r) => r.client === UNASSIGNED)!;
		expect(acme.exceptions.map((e) => e.reason).sort()).toEqual([
			'invalidDate',
			'invalidRecord',
			'invalidRecord',
			'negativeDuration',
		]);
		expect(acme.exceptions.find((e) => e.reason === 'invalidDate')?.detail).toMatch(
			/detectedAt "yesterday"/,
		);
		expect(acme.exceptions.find((e) => e.device === 'WS10')?.detail).toMatch(/outcome/);
		expect(unassigned.exceptions.map((e) => e.reason)).toEqual(['unknownClient', 'unknownClient']);
		expect(unassigned.exceptions[0].detail).toMatch(/Ghost Co/);
		// Nothing invalid is counted, and every bad record is still listed as a row.
		expect(acme.kpis.devicesInScope).toBe(0);
		expect(acme.evidence).toHaveLength(4);
		expect(acme.noActivity).toBe(false);
		expect(acme.kpis.exceptions).toBe(4);
	});
});

describe('percentile and period helpers', () => {
	it('nearest-rank percentile', () => {
		expect(percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 90)).toBe(9);
		expect(percentile([5], 90)).toBe(5);
		expect(percentile([], 90)).toBeNull();
	});

	it('resolves presets in UTC and labels whole months', () => {
		const now = new Date(`${Y}-12-03T10:00:00Z`);
		const previous = resolvePeriod('previousMonth', now);
		expect(previous.start.toISOString()).toBe(`${Y}-11-01T00:00:00.000Z`);
		expect(previous.end.toISOString()).toBe(`${Y}-11-30T23:59:59.999Z`);
		expect(periodLabel(previous.start, previous.end)).toBe(`November ${Y}`);
		const custom = resolvePeriod('custom', now, { start: `${Y}-11-03`, end: `${Y}-11-09` });
		expect(custom.end.toISOString()).toBe(`${Y}-11-09T23:59:59.999Z`);
		expect(periodLabel(custom.start, custom.end)).toBe(`${Y}-11-03 to ${Y}-11-09`);
	});
});

describe('buildEvidence', () => {
	it('maps the normalized statuses of the other nodes and normalizes dates to UTC', () => {
		const { evidence, problems } = buildEvidence({
			client: 'Acme',
			device: 'WS01',
			kind: 'patch',
			severity: 'Critical',
			detectedAt: `${Y}-11-01T01:00:00+01:00`,
			outcome: 'installed',
			remediatedAt: `${Y}-11-02T00:00:00Z`,
			actions: `[{"at":"${Y}-11-01T12:00:00Z","action":"install patch"}]`,
		});
		expect(problems).toEqual([]);
		expect(evidence).toMatchObject({
			severity: 'critical',
			outcome: 'remediated',
			detectedAt: `${Y}-11-01T00:00:00.000Z`,
			actions: [{ action: 'install patch' }],
		});
	});

	it('names every missing or invalid field at once', () => {
		const { evidence, problems } = buildEvidence({
			client: '',
			device: ' ',
			kind: 'patch',
			severity: 'urgent',
			detectedAt: '',
			outcome: 'maybe',
			remediatedAt: `31/11/${Y}`,
		});
		expect(evidence).toBeUndefined();
		expect(problems.map((p) => p.split(':')[0])).toEqual([
			'client',
			'device',
			'severity',
			'outcome',
			'detectedAt',
			'remediatedAt',
		]);
	});

	it('refuses a remediation before the detection', () => {
		const { problems } = buildEvidence({
			client: 'A',
			device: 'B',
			kind: 'incident',
			severity: 'low',
			detectedAt: `${Y}-11-02`,
			outcome: 'resolved',
			remediatedAt: `${Y}-11-01`,
		});
		expect(problems).toEqual([
			`remediatedAt: ${Y}-11-01T00:00:00.000Z is before detectedAt ${Y}-11-02T00:00:00.000Z`,
		]);
	});
});
