import { pct, rate, type Rating, type Thresholds } from './render/format';
import type { ReportKpis } from './types';

/** What a dashboard tile reports: patch compliance of the devices, or how incidents were handled. */
export type TileKpi = 'patchCompliance' | 'incidents';

export interface TileReport {
	noActivity: boolean;
	period: { label: string };
	kpis: ReportKpis;
}

export interface TileSummary {
	message: string;
	status: Rating;
}

/** An incident report (incident records and no patch records) gets the incident tile; anything else patch compliance. */
export function tileKpiFor(kpis: ReportKpis): TileKpi {
	const patches = kpis.patchesInstalled + kpis.patchesFailed + kpis.patchesPending;
	return kpis.incidentsDetected > 0 && patches === 0 ? 'incidents' : 'patchCompliance';
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The tile's message and rating. Patch compliance: "96% compliant (November 2026)", rated on the
 * compliant share of devices. Incidents: "3 incidents, 2 contained, 67% resolved within SLA
 * (November 2026)", rated on the share of incidents resolved within their SLA (incidents still
 * open and not yet due are not measured; with none measured the tile is not rated).
 */
export function tileSummary(report: TileReport, kpi: TileKpi, thresholds: Thresholds): TileSummary {
	const { kpis, period } = report;
	if (report.noActivity) return { message: `No activity in ${period.label}`, status: 'none' };
	const exceptions = kpis.exceptions ? ` · ${plural(kpis.exceptions, 'exception')}` : '';
	if (kpi === 'patchCompliance') {
		return {
			message: `${pct(kpis.compliancePercent)} compliant (${period.label})${exceptions}`,
			status: rate(kpis.compliancePercent, thresholds),
		};
	}
	if (kpis.incidentsDetected === 0)
		return { message: `No incidents in ${period.label}${exceptions}`, status: 'good' };
	const sla = kpis.incidentSlaMeasured
		? `${pct(kpis.incidentsWithinSlaPercent)} resolved within SLA`
		: 'SLA not due yet';
	return {
		message: `${plural(kpis.incidentsDetected, 'incident')}, ${kpis.incidentsContained} contained, ${sla} (${period.label})${exceptions}`,
		status: rate(kpis.incidentsWithinSlaPercent, thresholds),
	};
}
