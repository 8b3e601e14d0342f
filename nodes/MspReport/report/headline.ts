import { rate, type Rating, type Thresholds } from './render/format';
import type { ReportKpis } from './types';

/** What a report leads with: patch compliance of the devices, or how incidents were handled. */
export type TileKpi = 'patchCompliance' | 'incidents';

/** An incident report (incident records and no patch records) leads with incidents; anything else with patch compliance. */
export function tileKpiFor(kpis: ReportKpis): TileKpi {
	const patches = kpis.patchesInstalled + kpis.patchesFailed + kpis.patchesPending;
	return kpis.incidentsDetected > 0 && patches === 0 ? 'incidents' : 'patchCompliance';
}

export interface Headline {
	/** What the figure is: "Device compliance" or "Incidents resolved within SLA". */
	label: string;
	/** The word under the ring: "compliant" or "within SLA". */
	caption: string;
	value: number | null;
	rating: Rating;
}

const ORDER: Rating[] = ['none', 'good', 'warning', 'bad'];

/** The worse of two ratings; "none" (nothing measured) only when both are. */
export function worst(a: Rating, b: Rating): Rating {
	return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/**
 * The headline figure of a report and its colour. An incident report (incidents, no patch records)
 * leads with the share of incidents resolved within SLA, not with device compliance: its devices
 * have no patch records, so they would all read as compliant. The colour is the worst of the
 * headline's own rating, the SLA figure's and any record still open past its SLA (always red): a
 * report with overdue work is never green.
 */
export function headline(kpis: ReportKpis, thresholds: Thresholds): Headline {
	const incidents = tileKpiFor(kpis) === 'incidents';
	const value = incidents ? kpis.incidentsWithinSlaPercent : kpis.compliancePercent;
	const overdue: Rating = kpis.openPastSla > 0 ? 'bad' : 'none';
	return {
		label: incidents ? 'Incidents resolved within SLA' : 'Device compliance',
		caption: incidents ? 'within SLA' : 'compliant',
		value,
		rating: worst(worst(rate(value, thresholds), rate(kpis.withinSlaPercent, thresholds)), overdue),
	};
}
