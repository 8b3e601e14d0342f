import type {
	Containment,
	ContainmentState,
	Device,
	DeviceType,
	EdrConfidence,
	MitigationStatus,
	Severity,
	Threat,
	ThreatStatus,
} from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { firstTextOf, techniqueIdsOf, textOf } from '../common';
import type { FalconAlert, FalconHost } from './schemas';

/**
 * Host `status` to a containment state: `normal`, `containment_pending`, `contained`,
 * `lift_containment_pending` (CrowdStrike's own caracara map and a SOAR mapper). Anything else is unknown.
 */
export const HOST_STATE: Record<string, ContainmentState> = {
	normal: 'released',
	containment_pending: 'pendingIsolation',
	contained: 'isolated',
	lift_containment_pending: 'pendingRelease',
};

/**
 * Alert `status` is `new`, `in_progress`, `reopened` or `closed`: a reopened alert is open again,
 * so it reads as in progress; closing is how Falcon resolves one.
 */
export const ALERT_STATUS: Record<string, ThreatStatus> = {
	new: 'new',
	in_progress: 'inProgress',
	reopened: 'inProgress',
	closed: 'resolved',
};
export const UPDATE_STATUS: Record<ThreatStatus, string> = {
	new: 'new',
	inProgress: 'in_progress',
	resolved: 'closed',
};

/**
 * Falcon's 10–100 severity in the shared words. `severity_name` (Informational, Low, Medium, High,
 * Critical) wins when present; the numeric cut-offs are a reading of the console's bands
 * [unverified: only 10 Informational and 70 High are seen in fixtures].
 */
export function severityOf(
	score: number | null | undefined,
	name: string | null | undefined,
): Severity {
	const named = String(name ?? '').toLowerCase();
	if (['critical', 'high', 'medium', 'low', 'informational'].includes(named))
		return named as Severity;
	const n = Number(score ?? 0);
	return n >= 90
		? 'critical'
		: n >= 70
			? 'high'
			: n >= 50
				? 'medium'
				: n >= 30
					? 'low'
					: 'informational';
}

/** The lowest Falcon severity score of each shared severity, for an FQL `severity:>=` filter. */
export const SEVERITY_FLOOR: Record<Severity, number> = {
	critical: 90,
	high: 70,
	medium: 50,
	low: 30,
	informational: 0,
};

/**
 * Falcon's 0–100 confidence: 80 and above reads as malicious, anything lower as suspicious
 * [unverified: Falcon documents no bands]. The number itself stays in raw.
 */
export function edrConfidenceOf(confidence: number | null | undefined): EdrConfidence | undefined {
	if (typeof confidence !== 'number') return undefined;
	return confidence >= 80 ? 'malicious' : 'suspicious';
}

/** `product_type_desc` is Workstation, Server or Domain Controller. */
export function roleOf(productType: string | null | undefined): DeviceType | undefined {
	const type = String(productType ?? '').toLowerCase();
	if (type.includes('domain controller')) return 'domainController';
	if (type.includes('server')) return 'server';
	if (type.includes('workstation')) return 'workstation';
	return undefined;
}

/**
 * What the sensor did (`pattern_disposition_details`): a blocked, killed or quarantined process or
 * file is mitigated; a detection without any prevention flag is not. Absent when Falcon says nothing.
 */
export function mitigationStatusOf(raw: FalconAlert): MitigationStatus | undefined {
	const details = raw.pattern_disposition_details;
	if (!details) return undefined;
	const prevented = PREVENTION_FLAGS.some((flag) => details[flag] === true);
	return prevented ? 'mitigated' : 'notMitigated';
}

const PREVENTION_FLAGS = [
	'kill_process',
	'kill_parent',
	'kill_subprocess',
	'quarantine_file',
	'process_blocked',
	'operation_blocked',
];

function fileNameOf(path: string | null | undefined): string | undefined {
	return textOf(path?.split(/[\\/]/).pop());
}

export function toThreat(raw: FalconAlert): Threat {
	const hostname = textOf(raw.device?.hostname);
	const company = companyRefOf(raw.cid, undefined);
	return {
		id: raw.composite_id,
		deviceId: textOf(raw.agent_id) ?? textOf(raw.device?.device_id),
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		company,
		severity: severityOf(raw.severity, raw.severity_name),
		classification: textOf(raw.tactic),
		processName: textOf(raw.filename) ?? fileNameOf(raw.filepath),
		processPath: textOf(raw.filepath),
		sha256: textOf(raw.sha256),
		sha1: textOf(raw.sha1),
		status: ALERT_STATUS[String(raw.status ?? '')] ?? 'new',
		detectedAt: isoUtc(raw.timestamp) ?? isoUtc(raw.created_timestamp),
		updatedAt: isoUtc(raw.updated_timestamp),
		mitigationStatus: mitigationStatusOf(raw),
		title: firstTextOf(raw.display_name, raw.name),
		commandLine: textOf(raw.cmdline),
		parentProcess: textOf(raw.parent_details?.filename) ?? fileNameOf(raw.parent_details?.filepath),
		user: textOf(raw.user_name),
		md5: textOf(raw.md5),
		edrConfidence: edrConfidenceOf(raw.confidence),
		// CrowdStrike's own techniques (CST0002) are not MITRE ids and are dropped.
		mitreTechniques: techniqueIdsOf([raw.technique_id, raw.technique]),
		deviceType: roleOf(raw.device?.product_type_desc),
		raw,
	};
}

export function toDevice(raw: FalconHost): Device {
	const hostname = textOf(raw.hostname) ?? raw.device_id;
	const company = companyRefOf(raw.cid, undefined);
	return {
		id: raw.device_id,
		hostname,
		hostnameKey: hostnameKeyOf(hostname),
		companyId: company?.id,
		company,
		os: firstTextOf(raw.os_version, raw.platform_name),
		type: roleOf(raw.product_type_desc),
		lastSeen: isoUtc(raw.last_seen),
		ipAddress: textOf(raw.local_ip),
		raw,
	};
}

export function toContainment(raw: FalconHost): Containment {
	return {
		deviceId: raw.device_id,
		state: HOST_STATE[String(raw.status ?? '')] ?? 'unknown',
		raw,
	};
}
