import { tileKpiFor, tileSummary } from '../../../nodes/MspReport/report/tile';
import type { ReportKpis } from '../../../nodes/MspReport/report/types';

const ZERO: ReportKpis = {
	devicesInScope: 0,
	compliantDevices: 0,
	compliancePercent: null,
	patchesInstalled: 0,
	patchesFailed: 0,
	patchesPending: 0,
	devicesPatched: 0,
	devicesFailed: 0,
	devicesPending: 0,
	incidentsDetected: 0,
	incidentsContained: 0,
	incidentsResolved: 0,
	remediated: 0,
	meanHoursToRemediate: null,
	p90HoursToRemediate: null,
	slaMeasured: 0,
	withinSla: 0,
	withinSlaPercent: null,
	incidentSlaMeasured: 0,
	incidentsWithinSla: 0,
	incidentsWithinSlaPercent: null,
	openPastSla: 0,
	exceptions: 0,
};
const thresholds = { good: 95, warning: 80 };
const report = (kpis: Partial<ReportKpis>, noActivity = false) => ({
	noActivity,
	period: { label: 'November 2026' },
	kpis: { ...ZERO, ...kpis },
});

describe('dashboard tile', () => {
	it('picks incidents only for reports with incidents and no patch records', () => {
		expect(tileKpiFor({ ...ZERO, incidentsDetected: 2 })).toBe('incidents');
		expect(tileKpiFor({ ...ZERO, incidentsDetected: 2, patchesPending: 1 })).toBe(
			'patchCompliance',
		);
		expect(tileKpiFor(ZERO)).toBe('patchCompliance');
	});

	it('says what the incident KPI is and rates the share resolved within SLA', () => {
		const one = report({
			devicesInScope: 1,
			compliantDevices: 1,
			compliancePercent: 100,
			incidentsDetected: 1,
			incidentsContained: 1,
			incidentSlaMeasured: 1,
			incidentsWithinSla: 1,
			incidentsWithinSlaPercent: 100,
		});
		expect(tileSummary(one, 'incidents', thresholds)).toEqual({
			message: '1 incident, 1 contained, 100% resolved within SLA (November 2026)',
			status: 'good',
		});
		const late = report({
			incidentsDetected: 4,
			incidentsContained: 3,
			incidentSlaMeasured: 4,
			incidentsWithinSla: 3,
			incidentsWithinSlaPercent: 75,
			exceptions: 1,
		});
		expect(tileSummary(late, 'incidents', thresholds)).toEqual({
			message: '4 incidents, 3 contained, 75% resolved within SLA (November 2026) · 1 exception',
			status: 'bad',
		});
		const open = report({ incidentsDetected: 2 });
		expect(tileSummary(open, 'incidents', thresholds)).toEqual({
			message: '2 incidents, 0 contained, SLA not due yet (November 2026)',
			status: 'none',
		});
	});

	it('keeps the compliance wording for patch tiles and "no activity" for empty reports', () => {
		expect(
			tileSummary(report({ compliancePercent: 96, exceptions: 2 }), 'patchCompliance', thresholds),
		).toEqual({ message: '96% compliant (November 2026) · 2 exceptions', status: 'good' });
		expect(tileSummary(report({}, true), 'incidents', thresholds)).toEqual({
			message: 'No activity in November 2026',
			status: 'none',
		});
	});
});
