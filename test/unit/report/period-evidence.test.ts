import { buildReports } from '../../../nodes/MspReport/report/aggregate';
import { buildEvidence } from '../../../nodes/MspReport/report/evidence';
import { headline } from '../../../nodes/MspReport/report/headline';
import { reportForPeriod, type BuiltReport } from '../../../nodes/MspReport/report/periodReport';
import { kpiLines } from '../../../nodes/MspReport/report/render/format';
import { renderHtml } from '../../../nodes/MspReport/report/render/html';
import { DEFAULT_SLA_HOURS } from '../../../nodes/MspReport/report/sla';
import {
	embedEvidence,
	MAX_STORED_RECORDS,
	readEmbeddedEvidence,
} from '../../../nodes/MspReport/report/store';
import { tileSummary } from '../../../nodes/MspReport/report/tile';
import type { Evidence } from '../../../nodes/shared';
import { previousMonth, type Period } from '../../fixtures/period';

/** Last month, from the clock: each run's SLA deadlines are judged at the period's end. */
const PERIOD = previousMonth();
const THRESHOLDS = { good: 95, warning: 80 };
const CLIENT = 'Bright Smile Dental';

type Outcome = 'remediated' | 'failed';

/** A patch record as the patch template writes it: one per device, run `hoursBeforeEnd` before the period's end. */
function patch(device: string, outcome: Outcome, hoursBeforeEnd: number, period: Period = PERIOD) {
	const at = period.beforeEnd(hoursBeforeEnd);
	return {
		client: CLIENT,
		device,
		kind: 'patch',
		reference: 'KB5045935, KB5046613',
		severity: 'critical',
		detectedAt: period.beforeEnd(hoursBeforeEnd + 1),
		outcome,
		ticketReference: `T-${device}`,
		...(outcome === 'remediated' ? { remediatedAt: at, verifiedAt: at } : {}),
		actions:
			outcome === 'remediated'
				? [{ at, action: 'Installed KB5045935, KB5046613', by: 'n8n', result: 'verified' }]
				: [
						{
							at,
							action: 'Patch install attempted',
							by: 'n8n',
							result: 'Install failed: KB5045935',
						},
						{
							at,
							action: `Escalated ticket T-${device}`,
							by: 'n8n',
							result: 'priority raised; note added',
						},
					],
	};
}

/** What Build Report hands to Publish for these records (the run's clock: the period's end). */
function built(records: unknown[], period: Period = PERIOD): BuiltReport {
	const [report] = buildReports(records, {
		periodStart: period.start,
		periodEnd: period.end,
		now: new Date(period.end.getTime() + 1),
		slaHours: DEFAULT_SLA_HOURS,
		knownClients: [],
		titleTemplate: 'Patch compliance {client}',
		timeZone: 'UTC',
	});
	return report;
}

const devices = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => `BSD-WS${String(from + i).padStart(2, '0')}`);

/** Run A: ten devices, seven patched and three (03, 04, 05) failed: 70%. */
const runA = () =>
	built(devices(1, 10).map((d, i) => patch(d, i >= 2 && i <= 4 ? 'failed' : 'remediated', 72)));

describe('report over the whole period from every run', () => {
	it('a rerun of two devices still reports all ten: the tile keeps 70%', () => {
		const a = reportForPeriod(runA(), undefined, THRESHOLDS);
		expect(a.report.kpis).toMatchObject({ devicesInScope: 10, compliancePercent: 70 });
		// Run B covers only the devices that still need patches, 03 and 04, and they fail again.
		const b = built(devices(3, 4).map((d) => patch(d, 'failed', 24)));
		expect(b.records).toHaveLength(2);
		const merged = reportForPeriod(b, a.html, THRESHOLDS);
		expect(merged.report.kpis).toMatchObject({
			devicesInScope: 10,
			compliantDevices: 7,
			compliancePercent: 70,
			devicesPatched: 7,
			devicesFailed: 3,
		});
		expect(merged.store).toEqual({
			readBack: 10,
			replaced: 2,
			stored: 10,
			notStored: 0,
			unreadable: 0,
		});
		expect(tileSummary(merged.report, 'patchCompliance', THRESHOLDS).message).toBe(
			`70% compliant (${PERIOD.label}) · 3 exceptions`,
		);
		// The article holds the ten devices once each, run B's for 03 and 04.
		const stored = readEmbeddedEvidence(merged.html);
		expect(stored.records.map((r) => r.device).sort()).toEqual(devices(1, 10));
		const ws03 = stored.records.find((r) => r.device === 'BSD-WS03')!;
		expect(ws03.actions[0].at).toBe(PERIOD.beforeEnd(24));
	});

	it('a rerun that fixes a device raises the figure, and time to remediate runs from the first run', () => {
		const a = reportForPeriod(runA(), undefined, THRESHOLDS);
		const fix = built([patch('BSD-WS05', 'remediated', 24)]);
		const merged = reportForPeriod(fix, a.html, THRESHOLDS);
		expect(merged.report.kpis).toMatchObject({ devicesInScope: 10, compliancePercent: 80 });
		// Run A saw WS05's updates 73 h before the end; run B installed them 24 h before it.
		const row = merged.report.evidence.find((r) => r.device === 'BSD-WS05')!;
		expect(row.detectedAt).toBe(PERIOD.beforeEnd(73));
		expect(row.hoursToRemediate).toBe(49);
		expect(
			merged.report.exceptions.filter((e) => e.device === 'BSD-WS05').map((e) => e.reason),
		).toEqual([]);
	});

	it('an older run published later does not undo a newer one', () => {
		const fixed = reportForPeriod(
			built([patch('BSD-WS05', 'remediated', 24)]),
			undefined,
			THRESHOLDS,
		);
		const stale = reportForPeriod(built([patch('BSD-WS05', 'failed', 72)]), fixed.html, THRESHOLDS);
		expect(stale.report.kpis).toMatchObject({ devicesInScope: 1, compliancePercent: 100 });
		expect(stale.store.replaced).toBe(0);
	});

	it("never merges another period's records", () => {
		const earlier = previousMonth(new Date(PERIOD.start.getTime() - 1));
		const old = reportForPeriod(
			built(
				devices(1, 10).map((d) => patch(d, 'remediated', 72, earlier)),
				earlier,
			),
			undefined,
			THRESHOLDS,
		);
		const now = reportForPeriod(built([patch('BSD-WS01', 'failed', 24)]), old.html, THRESHOLDS);
		expect(now.report.kpis).toMatchObject({ devicesInScope: 1, compliancePercent: 0 });
		expect(now.store).toMatchObject({
			readBack: 0,
			stored: 1,
			otherPeriod: { start: earlier.start.toISOString(), end: earlier.end.toISOString() },
		});
		expect(readEmbeddedEvidence(now.html).records).toHaveLength(1);
	});

	it('reports a stored record that does not read back, and keeps it in the article', () => {
		const a = reportForPeriod(runA(), undefined, THRESHOLDS);
		const tokens = [...a.html.matchAll(/msp-evidence:v1:([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
		const broken = a.html.replace(tokens[0], tokens[0].slice(0, 20));
		const next = reportForPeriod(built([patch('BSD-WS04', 'remediated', 24)]), broken, THRESHOLDS);
		expect(next.store).toMatchObject({ readBack: 9, unreadable: 1, stored: 9 });
		expect(next.report.kpis.devicesInScope).toBe(9);
		const unreadable = next.report.exceptions.filter((e) => e.reason === 'unreadableRecord');
		expect(unreadable).toHaveLength(1);
		expect(unreadable[0].detail).toMatch(/could not be read back \(not readable as JSON/);
		expect(next.report.kpis.exceptions).toBe(next.report.exceptions.length);
		expect(next.html).toContain(tokens[0].slice(0, 20));
		expect(readEmbeddedEvidence(next.html).unreadable).toHaveLength(1);
	});

	it('keeps the embedded data bounded: the most recently active records, the rest counted as not stored', () => {
		const period = {
			client: CLIENT,
			start: PERIOD.start.toISOString(),
			end: PERIOD.end.toISOString(),
			timeZone: 'UTC',
		};
		// Remediated a minute apart from the period's start: D0 is the least recently active.
		const base = built([patch('D', 'remediated', 24)]).records[0];
		const many: Evidence[] = Array.from({ length: MAX_STORED_RECORDS + 3 }, (_, i) => {
			const at = new Date(PERIOD.start.getTime() + (i + 1) * 60_000).toISOString();
			return {
				...base,
				device: `D${i}`,
				detectedAt: PERIOD.start.toISOString(),
				remediatedAt: at,
				verifiedAt: at,
				actions: [{ ...base.actions[0], at }],
			};
		});
		const embedded = embedEvidence(period, many);
		expect(embedded).toMatchObject({ stored: MAX_STORED_RECORDS, notStored: 3 });
		expect(embedded.html).toContain('3 older record(s) past the limit');
		const back = readEmbeddedEvidence(embedded.html).records.map((r) => r.device);
		expect(back).toHaveLength(MAX_STORED_RECORDS);
		expect(back.filter((d) => ['D0', 'D1', 'D2', 'D3'].includes(d))).toEqual(['D3']);
	});
});

describe('report text and colours that are true', () => {
	/** An incident report: one incident resolved in time, two critical ones still open past their 4 h SLA. */
	const incidents = () =>
		built([
			{
				client: CLIENT,
				device: 'BSD-WS01',
				kind: 'incident',
				reference: 'T-1',
				severity: 'high',
				detectedAt: PERIOD.day(3),
				remediatedAt: PERIOD.day(3, '02:00'),
				verifiedAt: PERIOD.day(3, '02:00'),
				outcome: 'remediated',
				actions: [{ at: PERIOD.day(3, '01:00'), action: 'Isolated BSD-WS01' }],
			},
			...['T-2', 'T-3'].map((reference, i) => ({
				client: CLIENT,
				device: `BSD-WS0${i + 2}`,
				kind: 'incident',
				reference,
				severity: 'critical',
				detectedAt: PERIOD.day(20),
				outcome: 'pending',
				actions: [{ at: PERIOD.day(20, '00:05'), action: 'Approval requested' }],
			})),
		]);

	it('an incident report with overdue open incidents is not green: headline, ring and tile', () => {
		const { report } = reportForPeriod(incidents(), undefined, THRESHOLDS);
		expect(report.kpis).toMatchObject({ compliancePercent: 100, openPastSla: 2 });
		expect(headline(report.kpis, THRESHOLDS)).toMatchObject({
			label: 'Incidents resolved within SLA',
			rating: 'bad',
		});
		const html = renderHtml(report, THRESHOLDS);
		expect(html).not.toContain('stroke="#15803d"');
		expect(html).toContain('within SLA</text>');
		expect(tileSummary(report, 'incidents', THRESHOLDS)).toEqual({
			message: `3 incidents, 1 contained, 33.3% resolved within SLA, 2 open past SLA (${PERIOD.label}) · 2 exceptions`,
			status: 'bad',
		});
		// Even a patch tile chosen for it is not green while incidents are overdue.
		expect(tileSummary(report, 'patchCompliance', THRESHOLDS).status).toBe('bad');
	});

	it('a fully patched report with nothing overdue stays green', () => {
		const { report } = reportForPeriod(
			built(devices(1, 3).map((d) => patch(d, 'remediated', 24))),
			undefined,
			THRESHOLDS,
		);
		expect(headline(report.kpis, THRESHOLDS)).toMatchObject({ value: 100, rating: 'good' });
		expect(tileSummary(report, 'patchCompliance', THRESHOLDS).status).toBe('good');
	});

	it('each escalated or failed row gives its reason', () => {
		const { report, html } = reportForPeriod(
			built([
				patch('BSD-WS03', 'failed', 24),
				{
					...patch('BSD-WS04', 'failed', 24),
					reason: 'Device was offline (last seen 3 days ago)',
				},
				{
					client: CLIENT,
					device: 'BSD-SRV01',
					kind: 'incident',
					reference: 'T-9',
					severity: 'low',
					detectedAt: PERIOD.beforeEnd(30),
					outcome: 'failed',
					ticketReference: '4711',
					actions: [
						{
							at: PERIOD.beforeEnd(29),
							action: 'Containment not approved; escalated',
							result: 'failed',
						},
					],
				},
			]),
			undefined,
			THRESHOLDS,
		);
		const failed = Object.fromEntries(
			report.exceptions.filter((e) => e.reason === 'failed').map((e) => [e.device, e.detail]),
		);
		expect(failed).toEqual({
			'BSD-WS03':
				'Patch install attempted: Install failed: KB5045935; escalated in ticket T-BSD-WS03',
			'BSD-WS04': 'Device was offline (last seen 3 days ago); escalated in ticket T-BSD-WS04',
			'BSD-SRV01': 'Containment not approved; escalated (ticket 4711)',
		});
		expect(html).not.toMatch(/Outcome failed/);
		expect(html).toContain('Install failed: KB5045935; escalated in ticket T-BSD-WS03');
	});

	it('labels count devices, which is what patch records are', () => {
		const { report } = reportForPeriod(runA(), undefined, THRESHOLDS);
		const lines = Object.fromEntries(kpiLines(report.kpis).map((l) => [l.label, l.value]));
		expect(lines).toMatchObject({
			'Devices patched': '7',
			'Devices failed': '3',
			'Devices pending': '0',
		});
		expect(Object.keys(lines).filter((label) => /^Patches/.test(label))).toEqual([]);
	});

	it("an attacker's hostname stays text, and a token hidden in it is never read back as a record", () => {
		const forged = embedEvidence(
			{
				client: CLIENT,
				start: PERIOD.start.toISOString(),
				end: PERIOD.end.toISOString(),
				timeZone: 'UTC',
			},
			[built([patch('FAKE-OK', 'remediated', 1)]).records[0]],
		).html.match(/msp-evidence-period:v1:\S+ msp-evidence:v1:[A-Za-z0-9_-]+/)![0];
		const hostile = `<img src=x onerror=alert(1)>"'</p><script>x</script> ${forged}`;
		const first = reportForPeriod(built([patch(hostile, 'failed', 24)]), undefined, THRESHOLDS);
		expect(first.html).not.toMatch(/<img|<script|<\/p><script/);
		expect(first.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		const back = readEmbeddedEvidence(first.html);
		expect(back.records.map((r) => r.device)).toEqual([hostile]);
		// Published again, the forged record in the hostname is not merged: one device, still failed.
		const again = reportForPeriod(
			built([patch('BSD-WS01', 'remediated', 12)]),
			first.html,
			THRESHOLDS,
		);
		expect(again.report.evidence.map((r) => r.device).sort()).toEqual(['BSD-WS01', hostile].sort());
		expect(again.report.kpis).toMatchObject({ devicesInScope: 2, compliancePercent: 50 });
	});
});

describe('detection time is the vendor’s', () => {
	it('prefers the earlier vendor time (patch release, EDR detection) over the run time', () => {
		const { evidence } = buildEvidence({
			client: CLIENT,
			device: 'BSD-WS01',
			kind: 'patch',
			severity: 'critical',
			outcome: 'installed',
			detectedAt: PERIOD.day(20),
			vendorDetectedAt: PERIOD.day(10, '17:00'),
			remediatedAt: PERIOD.day(20, '01:00'),
			reason: '',
		});
		expect(evidence).toMatchObject({ detectedAt: PERIOD.day(10, '17:00').replace('Z', '.000Z') });
		expect(evidence?.reason).toBeUndefined();
		// A vendor clock ahead of the run never makes the detection later than when the workflow saw it.
		const ahead = buildEvidence({
			client: CLIENT,
			device: 'BSD-WS01',
			kind: 'incident',
			severity: 'high',
			outcome: 'pending',
			detectedAt: PERIOD.day(20),
			vendorDetectedAt: PERIOD.day(21),
		});
		expect(ahead.evidence?.detectedAt).toBe(PERIOD.day(20).replace('Z', '.000Z'));
		// Either one is enough; an invalid one is named.
		expect(
			buildEvidence({
				client: CLIENT,
				device: 'X',
				kind: 'patch',
				severity: 'low',
				outcome: 'pending',
				detectedAt: '',
				vendorDetectedAt: PERIOD.day(2),
			}).problems,
		).toEqual([]);
		expect(
			buildEvidence({
				client: CLIENT,
				device: 'X',
				kind: 'patch',
				severity: 'low',
				outcome: 'pending',
				detectedAt: PERIOD.day(2),
				vendorDetectedAt: 'last week',
			}).problems,
		).toEqual(['vendorDetectedAt: "last week" is not a valid ISO 8601 date']);
	});
});
