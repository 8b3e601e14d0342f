import { DAY, seededAgo } from '../../world/clock';
import { clientOf, isFinished } from '../../world/engine';
import { clientName } from '../../world/names';
import type {
	ContainmentState,
	Device,
	MitigationKind,
	Threat,
	ThreatStatus,
	ThreatVerdict,
	World,
} from '../../world/types';
import { ACCOUNT_NAME, groupIdOf } from './common';

/**
 * Network quarantine as the agent reports it in `networkStatus`. The reference's real fixtures show
 * `connecting` on agents that are not quarantined (`networkQuarantineEnabled: false`; the agent in
 * them is inactive) and give `disconnected -> connecting -> connected` as the release path: so a
 * release in progress reads `connecting`, and so does an agent that is not quarantined but offline
 * (it has not confirmed its connection). It never means "isolated".
 */
export const NETWORK_STATUS: Record<ContainmentState, string> = {
	released: 'connected',
	pendingIsolation: 'disconnecting',
	isolated: 'disconnected',
	pendingRelease: 'connecting',
};

export function networkStatusOf(device: Device): string {
	if (device.containment === 'released' && !device.online) return 'connecting';
	return NETWORK_STATUS[device.containment];
}

export const INCIDENT_STATUS: Record<ThreatStatus, string> = {
	new: 'unresolved',
	inProgress: 'in_progress',
	resolved: 'resolved',
};
export const ANALYST_VERDICT: Record<ThreatVerdict, string> = {
	undefined: 'undefined',
	truePositive: 'true_positive',
	falsePositive: 'false_positive',
	suspicious: 'suspicious',
};

const MITIGATION_STATUS: Record<Threat['mitigationStatus'], string> = {
	notMitigated: 'not_mitigated',
	mitigated: 'mitigated',
	partiallyMitigated: 'active',
	benign: 'marked_as_benign',
};

/** The console's action names in `mitigationStatus[].action`. */
const ACTION_NAME: Partial<Record<MitigationKind, string>> = {
	kill: 'kill',
	quarantine: 'quarantine',
	remediate: 'remediate',
	rollback: 'rollback',
};

const OS_NAME = (device: Device) => device.os;

export function machineType(device: Device): string {
	return device.type === 'workstation' ? 'laptop' : 'server';
}

export function agentOf(world: World, device: Device): Record<string, unknown> {
	const client = clientOf(world, device);
	const activeThreats = world.threats.filter(
		(t) => t.deviceKey === device.key && t.status !== 'resolved',
	).length;
	return {
		id: device.ids.sentinelOneAgentId,
		uuid: device.ids.sentinelOneAgentUuid,
		computerName: device.hostname,
		domain: client.code,
		osType: 'windows',
		osName: OS_NAME(device),
		osRevision: device.osBuild,
		machineType: machineType(device),
		agentVersion: '24.2.3.471',
		isActive: device.online,
		isDecommissioned: false,
		isUninstalled: false,
		networkStatus: networkStatusOf(device),
		networkQuarantineEnabled:
			device.containment === 'isolated' || device.containment === 'pendingIsolation',
		infected: activeThreats > 0,
		activeThreats,
		lastLoggedInUserName: device.lastLoggedOnUser,
		externalIp: '203.0.113.' + (10 + world.clients.indexOf(client)),
		lastActiveDate: device.lastSeen,
		networkInterfaces: [
			{
				id: String(BigInt(device.ids.sentinelOneAgentId) + 7n),
				inet: [device.ipAddress],
				inet6: [],
				name: 'Ethernet',
				physical: device.macAddress.toLowerCase(),
			},
		],
		siteId: client.ids.sentinelOneSiteId,
		siteName: clientName(client, 'edr'),
		groupId: groupIdOf(client),
		groupName: 'Default Group',
		accountId: client.ids.sentinelOneAccountId,
		accountName: ACCOUNT_NAME,
		mitigationMode: 'protect',
		mitigationModeSuspicious: 'detect',
		serialNumber: device.serialNumber,
		createdAt: toS1Time(seededAgo(world, 316 * DAY)),
		updatedAt: device.containmentChangedAt ?? device.lastSeen,
	};
}

export function threatOf(world: World, threat: Threat): Record<string, unknown> {
	const device = world.devices.find((d) => d.key === threat.deviceKey) as Device;
	const client = clientOf(world, device);
	const pending = world.operations.filter(
		(o) => o.threatKey === threat.key && o.vendor === 'sentinelone' && !isFinished(o),
	);
	const failed = threat.mitigations.some((m) => m.result === 'failed');
	return {
		id: threat.sentinelOneThreatId,
		agentRealtimeInfo: {
			accountId: client.ids.sentinelOneAccountId,
			accountName: ACCOUNT_NAME,
			agentComputerName: device.hostname,
			agentId: device.ids.sentinelOneAgentId,
			agentUuid: device.ids.sentinelOneAgentUuid,
			agentDomain: client.code,
			agentOsType: 'windows',
			agentOsName: OS_NAME(device),
			agentNetworkStatus: networkStatusOf(device),
			agentMachineType: machineType(device),
			agentVersion: '24.2.3.471',
			agentIsActive: device.online,
			siteId: client.ids.sentinelOneSiteId,
			siteName: clientName(client, 'edr'),
			groupId: groupIdOf(client),
			groupName: 'Default Group',
			activeThreats: world.threats.filter(
				(t) => t.deviceKey === device.key && t.status !== 'resolved',
			).length,
		},
		agentDetectionInfo: {
			agentMitigationMode: 'protect',
			agentVersion: '24.2.3.471',
			agentIpV4: device.ipAddress,
			agentLastLoggedInUserName: device.lastLoggedOnUser,
		},
		threatInfo: {
			threatId: threat.sentinelOneThreatId,
			threatName: threat.processName,
			classification: threat.classification,
			classificationSource: 'Engine',
			confidenceLevel: threat.confidence,
			analystVerdict: ANALYST_VERDICT[threat.verdict],
			analystVerdictDescription: describe(ANALYST_VERDICT[threat.verdict]),
			incidentStatus: INCIDENT_STATUS[threat.status],
			incidentStatusDescription: describe(INCIDENT_STATUS[threat.status]),
			mitigationStatus: MITIGATION_STATUS[threat.mitigationStatus],
			mitigationStatusDescription: describe(MITIGATION_STATUS[threat.mitigationStatus]),
			filePath: threat.filePath,
			sha1: threat.sha1,
			sha256: threat.sha256,
			md5: null,
			originatorProcess: threat.processName,
			processUser: device.lastLoggedOnUser,
			commandLineArguments: threat.commandLine,
			isFileSigned: threat.signed,
			publisherName: threat.signer ?? '',
			detectionType: threat.confidence === 'malicious' ? 'static' : 'dynamic',
			engines: [threat.confidence === 'malicious' ? 'On-Write Static AI' : 'Behavioral AI'],
			initiatedBy: 'agent_policy',
			pendingActions: pending.length > 0,
			failedActions: failed,
			rebootRequired: false,
			storyline: threat.sha1.slice(0, 16).toUpperCase(),
			createdAt: toS1Time(threat.detectedAt),
			identifiedAt: toS1Time(threat.detectedAt),
			updatedAt: toS1Time(threat.updatedAt),
		},
		mitigationStatus: [
			...threat.mitigations
				.filter((m) => ACTION_NAME[m.kind])
				.map((m) => ({
					action: ACTION_NAME[m.kind],
					status: m.result === 'succeeded' ? 'success' : 'failed',
					lastUpdate: toS1Time(m.at),
					mitigationEndedAt: toS1Time(m.at),
					groupNotFound: false,
					latestReport: null,
				})),
			...pending
				.filter((o) => o.mitigation && ACTION_NAME[o.mitigation])
				.map((o) => ({
					action: ACTION_NAME[o.mitigation as MitigationKind],
					status: 'pending',
					lastUpdate: toS1Time(o.createdAt),
					mitigationStartedAt: toS1Time(o.createdAt),
					groupNotFound: false,
					latestReport: null,
				})),
		],
		indicators: threat.mitreTechniques.map((technique) => ({
			category: threat.classification,
			description: `Matches MITRE ATT&CK ${technique}`,
			ids: [],
			tactics: [
				{
					name: technique,
					source: 'MITRE',
					techniques: [
						{
							name: technique,
							link: `https://attack.mitre.org/techniques/${technique.replace('.', '/')}/`,
						},
					],
				},
			],
		})),
		whiteningOptions: threat.signed ? ['hash', 'certificate', 'path'] : ['hash', 'path'],
	};
}

export function noteOf(note: Threat['notes'][number]): Record<string, unknown> {
	return {
		id: note.id,
		text: note.text,
		createdAt: toS1Time(note.at),
		updatedAt: toS1Time(note.at),
		creator: note.author,
		creatorId: null,
		edited: false,
	};
}

/** The console writes microsecond timestamps: 2019-09-15T12:05:49.095889Z. */
export function toS1Time(iso: string): string {
	const date = new Date(iso);
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function describe(value: string): string {
	return value
		.split('_')
		.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
		.join(' ');
}
