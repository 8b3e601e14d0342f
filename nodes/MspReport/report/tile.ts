import { headline, tileKpiFor, worst, type TileKpi } from './headline';
import { pct, rate, type Rating, type Thresholds } from './render/format';
import type { ReportKpis } from './types';

export { tileKpiFor, type TileKpi };

export interface TileReport {
	noActivity: boolean;
	period: { label: string };
	kpis: ReportKpis;
}

export interface TileSummary {
	message: string;
	status: Rating;
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The tile's message and rating. Patch compliance: "96% compliant (November 2026)", rated on the
 * compliant share of devices. Incidents: "3 incidents, 2 contained, 67% resolved within SLA
 * (November 2026)", rated on the share of incidents resolved within their SLA (incidents still
 * open and not yet due are not measured; with none measured the tile is not rated). Either way the
 * colour is never better than the report's headline: work open past its SLA makes it red.
 */
export function tileSummary(report: TileReport, kpi: TileKpi, thresholds: Thresholds): TileSummary {
	const { kpis, period } = report;
	const capped = (rating: Rating) =>
		kpis.openPastSla > 0 || rating !== 'none'
			? worst(rating, headline(kpis, thresholds).rating)
			: rating;
	if (report.noActivity) return { message: `No activity in ${period.label}`, status: 'none' };
	const exceptions = kpis.exceptions ? ` · ${plural(kpis.exceptions, 'exception')}` : '';
	if (kpi === 'patchCompliance') {
		return {
			message: `${pct(kpis.compliancePercent)} compliant (${period.label})${exceptions}`,
			status: capped(rate(kpis.compliancePercent, thresholds)),
		};
	}
	if (kpis.incidentsDetected === 0)
		return {
			message: `No incidents in ${period.label}${exceptions}`,
			status: kpis.openPastSla > 0 ? 'bad' : 'good',
		};
	const sla = kpis.incidentSlaMeasured
		? `${pct(kpis.incidentsWithinSlaPercent)} resolved within SLA`
		: 'SLA not due yet';
	const overdue = kpis.openPastSla ? `, ${kpis.openPastSla} open past SLA` : '';
	return {
		message: `${plural(kpis.incidentsDetected, 'incident')}, ${kpis.incidentsContained} contained, ${sla}${overdue} (${period.label})${exceptions}`,
		status: capped(rate(kpis.incidentsWithinSlaPercent, thresholds)),
	};
}
