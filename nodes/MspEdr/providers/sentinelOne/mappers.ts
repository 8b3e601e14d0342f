import type {
	Containment,
	ContainmentState,
	Device,
	Severity,
	Threat,
	ThreatStatus,
	Verdict,
} from '../../../shared';
import type { S1Agent, S1Threat } from './schemas';

export const NETWORK_STATE: Record<string, ContainmentState> = {
	connected: 'released',
	disconnecting: 'pendingIsolation',
	disconnected: 'isolated',
	connecting: 'pendingRelease',
};

export const INCIDENT: Record<ThreatStatus, string> = {
	new: 'unresolved',
	inProgress: 'in_progress',
	resolved: 'resolved',
};
export const VERDICT: Record<Exclude<Verdict, 'undefined'>, string> = {
	truePositive: 'true_positive',
	falsePositive: 'false_positive',
	suspicious: 'suspicious',
};

/**
 * Threats carry no severity, only a confidence level: malicious is treated as high and
 * suspicious as medium. [unverified: no numeric severity on classic threats]
 */
export function severityOf(confidence: string | null | undefined): Severity {
	return confidence === 'malicious' ? 'high' : confidence === 'suspicious' ? 'medium' : 'low';
}

/** Confidence levels to ask for so that every requested severity can match. */
export function confidenceFor(severities: Severity[]): string[] {
	const levels = new Set<string>();
	for (const s of severities)
		levels.add(s === 'critical' || s === 'high' ? 'malicious' : 'suspicious');
	return [...levels];
}

export function toThreat(raw: S1Threat): Threat {
	const info = raw.threatInfo;
	const status = Object.entries(INCIDENT).find(([, v]) => v === info.incidentStatus)?.[0] as
		| ThreatStatus
		| undefined;
	const verdict = (Object.entries(VERDICT).find(([, v]) => v === info.analystVerdict)?.[0] ??
		'undefined') as Verdict;
	return {
		id: raw.id,
		deviceId: raw.agentRealtimeInfo.agentId ?? undefined,
		hostname: raw.agentRealtimeInfo.agentComputerName ?? undefined,
		companyId: raw.agentRealtimeInfo.siteId ?? undefined,
		severity: severityOf(info.confidenceLevel),
		classification: info.classification ?? undefined,
		processName: info.originatorProcess ?? info.threatName ?? undefined,
		processPath: info.filePath ?? undefined,
		sha1: info.sha1 ?? undefined,
		sha256: info.sha256 ?? undefined,
		verdict,
		status: status ?? 'new',
		detectedAt: info.createdAt,
		updatedAt: info.updatedAt ?? info.createdAt,
		mitigationStatus: info.mitigationStatus ?? undefined,
		raw,
	};
}

export function toDevice(raw: S1Agent): Device {
	return {
		id: raw.id,
		hostname: raw.computerName,
		companyId: raw.siteId ?? undefined,
		companyName: raw.siteName ?? undefined,
		os: raw.osName ?? undefined,
		type: raw.machineType === 'server' ? 'server' : 'workstation',
		online: raw.isActive,
		lastSeen: raw.lastActiveDate ?? undefined,
		ipAddress: raw.networkInterfaces?.[0]?.inet?.[0],
		raw,
	};
}

export function toContainment(raw: S1Agent): Containment {
	return {
		deviceId: raw.id,
		state: NETWORK_STATE[raw.networkStatus ?? ''] ?? 'unknown',
		changedAt: raw.updatedAt ?? undefined,
		raw,
	};
}
