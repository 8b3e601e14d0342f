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
	Verdict,
} from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { firstTextOf, techniqueIdsOf, textOf } from '../common';
import type { S1Agent, S1Threat } from './schemas';

/**
 * `agent.networkStatus` to a containment state. The reference lists `connected`, `connecting`,
 * `disconnecting` and `disconnected` and marks the enum unverified; its real fixtures show
 * `connecting` on agents that are not network-quarantined (`networkQuarantineEnabled: false`, one of
 * them inactive), and it gives `disconnected -> connecting -> connected` as the release path
 * (unverified). So `connecting` only says the agent has not (yet) confirmed its connection: it is
 * not isolated, and it is not a pending release that a disconnect would conflict with (SentinelOne
 * accepts a disconnect for such an agent). It reads as `unknown`: Isolate sends the disconnect,
 * Release sends the (harmless) connect, and Wait for Completion goes on until `connected`, so a
 * release is never reported done before the agent confirms it. Values are matched without case or
 * separators (`Disconnected`, `disconnect_pending`); anything else is `unknown`.
 */
export const NETWORK_STATE: Record<string, ContainmentState> = {
	connected: 'released',
	connecting: 'unknown',
	reconnecting: 'unknown',
	connectpending: 'unknown',
	pendingconnect: 'unknown',
	disconnecting: 'pendingIsolation',
	disconnectpending: 'pendingIsolation',
	pendingdisconnect: 'pendingIsolation',
	disconnected: 'isolated',
};

export function networkStateOf(status: string | null | undefined): ContainmentState {
	const key = String(status ?? '')
		.toLowerCase()
		.replace(/[^a-z]/g, '');
	return NETWORK_STATE[key] ?? 'unknown';
}

/**
 * `agent.machineType` to a role. The reference shows `server`; the console also reports `desktop`
 * and `laptop` for workstations and server-class types such as `kubernetes node` or `storage`
 * [unverified: full list]. Server-class types count as servers (protected by default); an empty or
 * unrecognized type is left unknown rather than guessed. No SentinelOne agent field marks a domain
 * controller, so a DC reads as `server` here; Known Device Role or a hostname pattern names it.
 */
export function roleOfMachineType(machineType: string | null | undefined): DeviceType | undefined {
	const type = String(machineType ?? '')
		.trim()
		.toLowerCase();
	if (/server|kubernetes|storage/.test(type)) return 'server';
	if (/desktop|laptop|workstation/.test(type)) return 'workstation';
	return undefined;
}

export const INCIDENT: Record<ThreatStatus, string> = {
	new: 'unresolved',
	inProgress: 'in_progress',
	resolved: 'resolved',
};
export const VERDICT: Record<Verdict, string> = {
	truePositive: 'true_positive',
	falsePositive: 'false_positive',
	suspicious: 'suspicious',
};

/**
 * `threatInfo.mitigationStatus` in the shared words. The reference shows `mitigated`; the console's
 * filter also names `not_mitigated`, `marked_as_benign`, `partially_mitigated` and the older
 * `active`, `blocked`, `pending` [unverified: full list]. A blocked threat never ran, so it is
 * mitigated; an active or pending one is not (yet). Anything else is left absent (the vendor's word
 * stays in `raw`) rather than guessed.
 */
const MITIGATION: Record<string, MitigationStatus> = {
	mitigated: 'mitigated',
	blocked: 'mitigated',
	notmitigated: 'notMitigated',
	active: 'notMitigated',
	pending: 'notMitigated',
	partiallymitigated: 'partiallyMitigated',
	markedasbenign: 'markedAsBenign',
};

export function mitigationStatusOf(value: string | null | undefined): MitigationStatus | undefined {
	return MITIGATION[
		String(value ?? '')
			.toLowerCase()
			.replace(/[^a-z]/g, '')
	];
}

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

/** `threatInfo.confidenceLevel` as the EDR's own confidence; any other value says nothing. */
export function edrConfidenceOf(confidence: string | null | undefined): EdrConfidence | undefined {
	return confidence === 'malicious' || confidence === 'suspicious' ? confidence : undefined;
}

/**
 * Whether the detected file is validly signed: `isFileSigned`, or the plausible shapes
 * `isValidCertificate` and `certificateId` [unverified: the reference's fixture carries none of
 * them]. A certificate that is present but not valid does not count as signed: a publisher name can
 * be copied into an unsigned or badly signed binary, so any field saying "no" wins.
 */
export function signedOf(info: S1Threat['threatInfo']): boolean | undefined {
	const said = [info.isFileSigned, info.isValidCertificate].filter(
		(v): v is boolean => typeof v === 'boolean',
	);
	if (said.length) return said.every(Boolean);
	const certificate = info.certificateId;
	return certificate !== null && certificate !== undefined && String(certificate).trim() !== ''
		? true
		: undefined;
}

/**
 * Technique ids from `indicators[].tactics[]`, in `techniques[].name` or a tactic's own `name`
 * [unverified: the reference's fixture has only `tactics: []`], so both are read and anything that
 * is not an id (a tactic such as "Defense Evasion") is dropped.
 */
export function mitreTechniquesOf(raw: S1Threat): string[] | undefined {
	const labels = (raw.indicators ?? []).flatMap((indicator) =>
		(indicator.tactics ?? []).flatMap((tactic) => [
			tactic.name,
			...(tactic.techniques ?? []).map((technique) => technique.name),
		]),
	);
	return techniqueIdsOf(labels);
}

/** The file name at the end of a Windows or POSIX path: `\Device\HarddiskVolume1\...\a.exe` -> `a.exe`. */
function fileNameOf(path: string | null | undefined): string | undefined {
	return textOf(path?.split(/[\\/]/).pop());
}

/**
 * The facts triage reads, in the MSP's words. `threatName` is the detected file's display name
 * (the reference's fixture: the downloaded file), so it is both the title and the process name;
 * `originatorProcess` is the process that created the threat (null in that fixture), the parent.
 */
function triageFactsOf(raw: S1Threat) {
	const info = raw.threatInfo;
	return {
		title: textOf(info.threatName),
		commandLine: firstTextOf(info.commandLineArguments, info.commandLine, raw.process?.cmdLine),
		parentProcess: textOf(info.originatorProcess),
		user: textOf(info.processUser),
		signer: textOf(info.publisherName),
		signed: signedOf(info),
		md5: textOf(info.md5),
		edrConfidence: edrConfidenceOf(info.confidenceLevel),
		mitreTechniques: mitreTechniquesOf(raw),
		deviceType: roleOfMachineType(raw.agentRealtimeInfo.agentMachineType),
	};
}

export function toThreat(raw: S1Threat): Threat {
	const info = raw.threatInfo;
	const status = Object.entries(INCIDENT).find(([, v]) => v === info.incidentStatus)?.[0] as
		| ThreatStatus
		| undefined;
	// `undefined` is SentinelOne's word for "no analyst verdict yet": the field is then absent.
	const verdict = Object.entries(VERDICT).find(([, v]) => v === info.analystVerdict)?.[0] as
		| Verdict
		| undefined;
	const agent = raw.agentRealtimeInfo;
	const hostname = textOf(agent.agentComputerName);
	const company = companyRefOf(agent.siteId, agent.siteName);
	return {
		id: raw.id,
		deviceId: agent.agentId ?? undefined,
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		severity: severityOf(info.confidenceLevel),
		classification: info.classification ?? undefined,
		processName: textOf(info.threatName) ?? fileNameOf(info.filePath),
		processPath: info.filePath ?? undefined,
		sha1: info.sha1 ?? undefined,
		sha256: info.sha256 ?? undefined,
		verdict,
		status: status ?? 'new',
		detectedAt: isoUtc(info.createdAt),
		updatedAt: isoUtc(info.updatedAt) ?? isoUtc(info.createdAt),
		mitigationStatus: mitigationStatusOf(info.mitigationStatus),
		...triageFactsOf(raw),
		raw,
	};
}

export function toDevice(raw: S1Agent): Device {
	const company = companyRefOf(raw.siteId, raw.siteName);
	return {
		id: raw.id,
		hostname: raw.computerName,
		hostnameKey: hostnameKeyOf(raw.computerName),
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: raw.osName ?? undefined,
		type: roleOfMachineType(raw.machineType),
		online: raw.isActive,
		lastSeen: isoUtc(raw.lastActiveDate),
		ipAddress: raw.networkInterfaces?.[0]?.inet?.[0],
		raw,
	};
}

export function toContainment(raw: S1Agent): Containment {
	return {
		deviceId: raw.id,
		state: networkStateOf(raw.networkStatus),
		changedAt: isoUtc(raw.updatedAt),
		raw,
	};
}
