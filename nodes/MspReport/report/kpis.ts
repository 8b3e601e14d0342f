import type { Evidence } from '../../shared';
import type { EvidenceRow, ReportKpis, SlaHours } from './types';

const HOUR_MS = 3_600_000;

/** Hours from one ISO time to another, one decimal. */
export function hoursBetween(fromIso: string, toIso: string): number {
	return round1((Date.parse(toIso) - Date.parse(fromIso)) / HOUR_MS);
}

export function round1(value: number): number {
	return Math.round(value * 10) / 10;
}

/** Percentage with one decimal; null when there is nothing to measure. */
export function percent(part: number, whole: number): number | null {
	return whole > 0 ? round1((part / whole) * 100) : null;
}

/** The record's own SLA due date, else detection plus the SLA hours for its kind and severity. */
export function dueAt(evidence: Evidence, slaHours: SlaHours): number {
	if (evidence.slaDueAt) return Date.parse(evidence.slaDueAt);
	return Date.parse(evidence.detectedAt) + slaHours[evidence.kind][evidence.severity] * HOUR_MS;
}

export function mean(values: number[]): number | null {
	return values.length ? round1(values.reduce((sum, v) => sum + v, 0) / values.length) : null;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number | null {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

/**
 * Devices with patch records, each in one state: failed (a failed or exception record) before
 * pending before patched (every record remediated). Records are not patches: a template writes one
 * per device listing several updates, so devices are what can be counted truthfully.
 */
function devicesByPatchState(patches: Evidence[]): {
	patched: number;
	failed: number;
	pending: number;
} {
	const state = new Map<string, 'patched' | 'failed' | 'pending'>();
	const rank = { patched: 0, pending: 1, failed: 2 };
	for (const e of patches) {
		const key = e.device.toLowerCase();
		const next =
			e.outcome === 'failed' || e.outcome === 'exception'
				? 'failed'
				: e.outcome === 'pending'
					? 'pending'
					: e.outcome === 'remediated'
						? 'patched'
						: undefined;
		const current = state.get(key);
		if (next && (!current || rank[next] > rank[current])) state.set(key, next);
	}
	const count = (s: string) => [...state.values()].filter((v) => v === s).length;
	return { patched: count('patched'), failed: count('failed'), pending: count('pending') };
}

/**
 * KPIs over the evidence that counts for the period. A device is compliant when none of its patch
 * records is failed, pending or an exception; devices in scope are the distinct devices named.
 */
export function computeKpis(
	counted: Evidence[],
	rows: EvidenceRow[],
	exceptionCount: number,
	isContained: (evidence: Evidence) => boolean,
): ReportKpis {
	const devices = new Set(counted.map((e) => e.device.toLowerCase()));
	const nonCompliant = new Set(
		counted
			.filter((e) => e.kind === 'patch' && ['failed', 'pending', 'exception'].includes(e.outcome))
			.map((e) => e.device.toLowerCase()),
	);
	const patches = counted.filter((e) => e.kind === 'patch');
	const incidents = counted.filter((e) => e.kind === 'incident');
	const durations = rows
		.filter((r) => r.counted && r.hoursToRemediate !== null)
		.map((r) => r.hoursToRemediate as number);
	const measured = rows.filter((r) => r.counted && r.withinSla !== null);
	const within = measured.filter((r) => r.withinSla === true).length;
	const incidentMeasured = measured.filter((r) => r.kind === 'incident');
	const incidentsWithin = incidentMeasured.filter((r) => r.withinSla === true).length;
	const compliant = devices.size - nonCompliant.size;
	const patchDevices = devicesByPatchState(patches);
	const open = rows.filter(
		(r) =>
			r.counted && r.withinSla === false && r.outcome !== 'remediated' && r.outcome !== 'dismissed',
	);
	return {
		devicesInScope: devices.size,
		compliantDevices: compliant,
		compliancePercent: percent(compliant, devices.size),
		patchesInstalled: patches.filter((e) => e.outcome === 'remediated').length,
		patchesFailed: patches.filter((e) => e.outcome === 'failed' || e.outcome === 'exception')
			.length,
		patchesPending: patches.filter((e) => e.outcome === 'pending').length,
		devicesPatched: patchDevices.patched,
		devicesFailed: patchDevices.failed,
		devicesPending: patchDevices.pending,
		incidentsDetected: incidents.length,
		incidentsContained: incidents.filter(isContained).length,
		incidentsResolved: incidents.filter(
			(e) => e.outcome === 'remediated' || e.outcome === 'dismissed',
		).length,
		remediated: durations.length,
		meanHoursToRemediate: mean(durations),
		p90HoursToRemediate: percentile(durations, 90),
		slaMeasured: measured.length,
		withinSla: within,
		withinSlaPercent: percent(within, measured.length),
		incidentSlaMeasured: incidentMeasured.length,
		incidentsWithinSla: incidentsWithin,
		incidentsWithinSlaPercent: percent(incidentsWithin, incidentMeasured.length),
		openPastSla: open.length,
		exceptions: exceptionCount,
	};
}
