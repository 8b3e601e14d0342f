import type { ExceptionReason, ReportKpis } from '../types';
import { localDateTime } from '../zone';

export function escapeHtml(value: unknown): string {
	return String(value ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

export function pct(value: number | null): string {
	return value === null ? 'n/a' : `${value}%`;
}

export function hours(value: number | null): string {
	return value === null ? 'n/a' : `${value} h`;
}

/** "2026-11-24 07:42 UTC" or "2026-11-24 08:42 Europe/Berlin"; empty stays empty. */
export function when(iso: string, zone = 'UTC'): string {
	if (!iso) return '';
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? iso : `${localDateTime(ms, zone)} ${zone}`;
}

export const REASON_LABELS: Record<ExceptionReason, string> = {
	failed: 'Failed',
	unverified: 'Not verified',
	overdue: 'Overdue',
	unknownClient: 'Unknown client',
	invalidRecord: 'Invalid record',
	invalidDate: 'Invalid date',
	negativeDuration: 'Negative duration',
	unreadableRecord: 'Unreadable stored record',
};

export interface Thresholds {
	/** Compliance at or above this is good (green). */
	good: number;
	/** At or above this is a warning (amber); below is bad (red). */
	warning: number;
}

export type Rating = 'good' | 'warning' | 'bad' | 'none';

export function rate(value: number | null, thresholds: Thresholds): Rating {
	if (value === null) return 'none';
	if (value >= thresholds.good) return 'good';
	return value >= thresholds.warning ? 'warning' : 'bad';
}

export const RATING_COLORS: Record<Rating, string> = {
	good: '#15803d',
	warning: '#b45309',
	bad: '#b91c1c',
	none: '#64748b',
};

/** The KPI list every format shows, in one order with one wording. */
export function kpiLines(k: ReportKpis): Array<{ label: string; value: string }> {
	return [
		{ label: 'Devices in scope', value: String(k.devicesInScope) },
		{ label: 'Compliant devices', value: `${k.compliantDevices} (${pct(k.compliancePercent)})` },
		// Devices, not patches: a patch record covers one device and the updates it was missing.
		{ label: 'Devices patched', value: String(k.devicesPatched) },
		{ label: 'Devices failed', value: String(k.devicesFailed) },
		{ label: 'Devices pending', value: String(k.devicesPending) },
		{ label: 'Incidents detected', value: String(k.incidentsDetected) },
		{ label: 'Incidents contained', value: String(k.incidentsContained) },
		{ label: 'Incidents resolved', value: String(k.incidentsResolved) },
		{ label: 'Mean time to remediate', value: hours(k.meanHoursToRemediate) },
		{ label: '90th percentile time to remediate', value: hours(k.p90HoursToRemediate) },
		{
			label: 'Remediated within SLA',
			value: `${k.withinSla} of ${k.slaMeasured} (${pct(k.withinSlaPercent)})`,
		},
		{ label: 'Open past SLA', value: String(k.openPastSla) },
		{ label: 'Exceptions', value: String(k.exceptions) },
	];
}
