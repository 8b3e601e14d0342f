import type {
	Containment,
	ContainmentState,
	Device,
	DeviceType,
	Severity,
	Threat,
	ThreatStatus,
	Verdict,
} from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { techniqueIdsOf, textOf } from '../common';
import type { MdeAlert, MdeEvidence, MdeFile, MdeMachine, MdeMachineAction } from './schemas';

export const SEVERITY: Record<Severity, string> = {
	critical: 'High',
	high: 'High',
	medium: 'Medium',
	low: 'Low',
	informational: 'Informational',
};
export const STATUS: Record<ThreatStatus, string> = {
	new: 'New',
	inProgress: 'InProgress',
	resolved: 'Resolved',
};

const FROM_SEVERITY: Record<string, Severity> = {
	High: 'high',
	Medium: 'medium',
	Low: 'low',
	Informational: 'informational',
	UnSpecified: 'informational',
};
const FROM_STATUS: Record<string, ThreatStatus> = {
	New: 'new',
	InProgress: 'inProgress',
	Resolved: 'resolved',
	Unknown: 'new',
};
/** "Informational, expected activity" is benign: for routing it is not a threat, like a false positive. */
const FROM_CLASSIFICATION: Record<string, Verdict> = {
	TruePositive: 'truePositive',
	FalsePositive: 'falsePositive',
	InformationalExpectedActivity: 'falsePositive',
};

export const FINISHED = ['Succeeded', 'Failed', 'TimeOut', 'Cancelled'];

/** The first DNS label is the hostname other tools use: "bsd-ws02.bsd.local" -> "bsd-ws02". */
export function hostOf(dnsName: string | null | undefined): string | undefined {
	return dnsName ? dnsName.split('.')[0] : undefined;
}

const sameName = (a: string | null | undefined, b: string | null | undefined) =>
	!!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The process evidence that says how the detected file ran: an entry of entityType Process that
 * carries a command line, preferably the detected file's own process (an alert may also list the
 * parent or a sibling), else the first. Without a command line anywhere, the detected file's
 * Process entry (or the first) still gives the parent and the account.
 */
export function processEvidenceOf(
	evidence: MdeEvidence[],
	detectedFile: string | null | undefined,
): MdeEvidence | undefined {
	const processes = evidence.filter((e) => e.entityType?.trim().toLowerCase() === 'process');
	const withCommandLine = processes.filter((e) => textOf(e.processCommandLine));
	const ofFile = (e: MdeEvidence) => sameName(e.fileName, detectedFile);
	return (
		withCommandLine.find(ofFile) ?? withCommandLine[0] ?? processes.find(ofFile) ?? processes[0]
	);
}

/** `DOMAIN\user`, or the bare user name when there is no domain; nothing without a user name. */
function accountOf(
	userName: string | null | undefined,
	domainName: string | null | undefined,
): string | undefined {
	const user = textOf(userName);
	if (!user) return undefined;
	const domain = textOf(domainName);
	return domain ? `${domain}\\${user}` : user;
}

/**
 * The facts triage reads, in the MSP's words. Defender alerts carry no signer (it is on the File
 * entity, `GET /api/files/{sha1}`, one more request per alert that is not made here), no EDR
 * confidence besides the severity, and no device role: those stay absent.
 */
function triageFactsOf(raw: MdeAlert, file: MdeEvidence | undefined) {
	const process = processEvidenceOf(raw.evidence ?? [], file?.fileName);
	return {
		title: textOf(raw.title),
		commandLine: textOf(process?.processCommandLine),
		parentProcess: textOf(process?.parentProcessFileName),
		user:
			accountOf(raw.relatedUser?.userName, raw.relatedUser?.domainName) ??
			accountOf(process?.accountName, process?.domainName),
		// The detected file's hash only: another process entry's md5 would be a different file's.
		md5: textOf(file?.md5),
		mitreTechniques: techniqueIdsOf(raw.mitreTechniques ?? []),
	};
}

export interface FileSignature {
	signer?: string;
	signed: boolean;
}

/**
 * The File entity's signature: signed only with a valid certificate (an invalid or expired one is
 * what a tampered copy of a signed tool shows), the signer as Defender names it.
 */
export function signatureOf(file: MdeFile): FileSignature {
	const signed = file.isValidCertificate === true;
	const signer = textOf(file.signer);
	return signed && signer ? { signer, signed } : { signed: false };
}

/**
 * Alerts name the machine group (`rbacGroupName`) but not its id, which only the machine carries:
 * a threat's `company` is `{ name }` and `companyId` is absent, rather than a name posing as an id.
 */
export function toThreat(raw: MdeAlert): Threat {
	const file = raw.evidence?.find((e) => e.sha1 || e.fileName);
	const mitigated = raw.evidence?.some(
		(e) => e.detectionStatus === 'Prevented' || e.detectionStatus === 'Blocked',
	);
	const hostname = hostOf(raw.computerDnsName);
	const company = companyRefOf(undefined, raw.rbacGroupName);
	return {
		id: raw.id,
		deviceId: raw.machineId ?? undefined,
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyName: company?.name,
		company,
		severity: FROM_SEVERITY[raw.severity ?? ''] ?? 'informational',
		classification: raw.threatFamilyName ?? raw.category ?? undefined,
		processName: file?.fileName ?? undefined,
		processPath:
			file?.filePath && file.fileName
				? `${file.filePath}\\${file.fileName}`
				: (file?.filePath ?? undefined),
		sha1: file?.sha1 ?? undefined,
		sha256: file?.sha256 ?? undefined,
		// Unknown or no classification yet: no verdict.
		verdict: FROM_CLASSIFICATION[raw.classification ?? ''],
		status: FROM_STATUS[raw.status ?? ''] ?? 'new',
		detectedAt: isoUtc(raw.alertCreationTime),
		updatedAt: isoUtc(raw.lastUpdateTime) ?? isoUtc(raw.alertCreationTime),
		mitigationStatus: mitigated ? 'mitigated' : 'notMitigated',
		...triageFactsOf(raw, file),
		raw,
	};
}

export function toDevice(raw: MdeMachine): Device {
	const hostname = hostOf(raw.computerDnsName) ?? raw.computerDnsName;
	const company = companyRefOf(raw.rbacGroupId, raw.rbacGroupName);
	return {
		id: raw.id,
		hostname,
		hostnameKey: hostnameKeyOf(hostname),
		displayName: raw.computerDnsName,
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: raw.osPlatform ?? undefined,
		type: roleOfPlatform(raw.osPlatform),
		online: raw.healthStatus === 'Active',
		lastSeen: isoUtc(raw.lastSeen),
		ipAddress: raw.lastIpAddress ?? undefined,
		raw,
	};
}

/**
 * `osPlatform` to a role: `WindowsServer2019`, `WindowsServer2022`, … are servers; Windows client
 * editions, macOS and mobile platforms are workstations. `Linux` and anything unrecognized stay
 * unknown rather than guessed. The machine entity has no role field (`deviceValue` is the
 * admin's asset value and `machineTags` are free text), so nothing in it marks a domain
 * controller: a DC reads as `server`; Known Device Role or a hostname pattern names it.
 */
export function roleOfPlatform(osPlatform: string | null | undefined): DeviceType | undefined {
	const platform = String(osPlatform ?? '').toLowerCase();
	if (platform.startsWith('windowsserver')) return 'server';
	if (/^(windows|macos|ios|android)/.test(platform)) return 'workstation';
	return undefined;
}

/**
 * Defender has no isolation flag on the machine: the state is the newest Isolate/Unisolate action
 * that did not fail. [unverified: inferred, as third-party tools do]
 */
export function containmentFrom(machineId: string, actions: MdeMachineAction[]): Containment {
	const relevant = actions
		.filter(
			(a) =>
				(a.type === 'Isolate' || a.type === 'Unisolate') &&
				!['Failed', 'TimeOut', 'Cancelled'].includes(a.status),
		)
		.sort((a, b) => b.creationDateTimeUtc.localeCompare(a.creationDateTimeUtc));
	const newest = relevant[0];
	if (!newest) return { deviceId: machineId, state: 'released' };
	return {
		deviceId: machineId,
		state: stateOf(newest),
		changedAt: isoUtc(newest.lastUpdateDateTimeUtc) ?? isoUtc(newest.creationDateTimeUtc),
		actionId: newest.id,
		raw: newest,
	};
}

export function stateOf(action: MdeMachineAction): ContainmentState {
	const done = action.status === 'Succeeded';
	if (action.type === 'Isolate') return done ? 'isolated' : 'pendingIsolation';
	return done ? 'released' : 'pendingRelease';
}
