import { clientOf } from '../../world/engine';
import { createHash } from 'crypto';

import { DAY, seededAgo } from '../../world/clock';
import type { Device, Operation, Threat, World } from '../../world/types';
import { SANDBOX_TENANT } from '../microsoft-login/directory';
import { guidFrom, sliceOf } from './common';

export const SEVERITY: Record<Threat['severity'], string> = {
	critical: 'High',
	high: 'High',
	medium: 'Medium',
	low: 'Low',
	informational: 'Informational',
};
export const STATUS: Record<Threat['status'], string> = {
	new: 'New',
	inProgress: 'InProgress',
	resolved: 'Resolved',
};

const CATEGORY: Record<Exclude<Threat['scenario'], 'injected'>, string> = {
	ransomware: 'Ransomware',
	pup: 'UnwantedSoftware',
	falsePositiveAdminTool: 'LateralMovement',
	serverCredentialTheft: 'CredentialAccess',
	generated: 'Malware',
};

/** MITRE technique (or its parent) -> the alert category Defender files it under. */
const TECHNIQUE_CATEGORY: Record<string, string> = {
	T1486: 'Ransomware',
	T1490: 'Ransomware',
	T1003: 'CredentialAccess',
	T1555: 'CredentialAccess',
	T1558: 'CredentialAccess',
	T1021: 'LateralMovement',
	T1569: 'LateralMovement',
	T1547: 'Persistence',
	T1053: 'Persistence',
	T1543: 'Persistence',
	T1059: 'Execution',
	T1218: 'DefenseEvasion',
	T1562: 'DefenseEvasion',
};

/** Seeded threats carry their category; an injected one is filed by its techniques, then its classification. */
function categoryOf(threat: Threat): string {
	if (threat.scenario !== 'injected') return CATEGORY[threat.scenario];
	for (const technique of threat.mitreTechniques) {
		const category = TECHNIQUE_CATEGORY[technique.split('.')[0]];
		if (category) return category;
	}
	if (/ransom/i.test(threat.classification)) return 'Ransomware';
	if (/pua|pup|adware|unwanted/i.test(threat.classification)) return 'UnwantedSoftware';
	return 'Malware';
}

/** `osPlatform` and `version` as Defender reports them, read from the device's OS and build. */
function osPlatform(device: Device): string {
	const server = /Windows Server (\d{4})/i.exec(device.os);
	if (server) return `WindowsServer${server[1]}`;
	const client = /Windows (\d+)/i.exec(device.os);
	return client ? `Windows${client[1]}` : 'Windows';
}

const VERSION_OF_BUILD: Record<string, string> = {
	'26100': '24H2',
	'22631': '23H2',
	'22621': '22H2',
	'19045': '22H2',
	'20348': '21H2',
	'17763': '1809',
	'14393': '1607',
};

/** Machine action `type` per engine operation. */
const ACTION_TYPE: Record<string, string> = {
	isolate: 'Isolate',
	release: 'Unisolate',
	stopAndQuarantineFile: 'StopAndQuarantineFile',
	antivirusScan: 'RunAntiVirusScan',
};

export function dnsName(world: World, device: Device): string {
	return `${device.hostname}.${clientOf(world, device).code}.local`.toLowerCase();
}

export function rbacGroupId(world: World, device: Device): number {
	return 4100 + world.clients.indexOf(clientOf(world, device));
}

export function machineOf(world: World, device: Device): Record<string, unknown> {
	const client = clientOf(world, device);
	const isServer = device.type !== 'workstation';
	const open = world.threats.filter((t) => t.deviceKey === device.key && t.status !== 'resolved');
	const risk = open.some((t) => t.severity === 'critical' || t.severity === 'high')
		? 'High'
		: open.length
			? 'Medium'
			: 'None';
	return {
		id: device.ids.defenderMachineId,
		computerDnsName: dnsName(world, device),
		firstSeen: seededAgo(world, 316 * DAY),
		lastSeen: device.lastSeen,
		osPlatform: osPlatform(device),
		osVersion: null,
		osProcessor: 'x64',
		version: VERSION_OF_BUILD[device.osBuild.split('.')[2]] ?? null,
		lastIpAddress: device.ipAddress,
		lastExternalIpAddress: '203.0.113.' + (10 + world.clients.indexOf(client)),
		agentVersion: '10.8760.' + device.osBuild.split('.').slice(2).join('.'),
		osBuild: Number(device.osBuild.split('.')[2]),
		healthStatus: device.online ? 'Active' : 'Inactive',
		deviceValue: isServer ? 'High' : 'Normal',
		rbacGroupId: rbacGroupId(world, device),
		rbacGroupName: client.ids.defenderMachineGroup,
		riskScore: risk,
		exposureLevel: isServer ? 'Medium' : 'Low',
		isAadJoined: !isServer,
		aadDeviceId: isServer ? null : guidFrom(`aad:${device.key}`),
		machineTags: [client.code],
		defenderAvStatus: 'Updated',
		onboardingStatus: 'Onboarded',
		osArchitecture: '64-bit',
		managedBy: 'MicrosoftDefenderForEndpoint',
		managedByStatus: 'Success',
		ipAddresses: [
			{
				ipAddress: device.ipAddress,
				macAddress: device.macAddress.replace(/:/g, ''),
				type: 'Ethernet',
				operationalStatus: 'Up',
			},
		],
		vmMetadata: null,
	};
}

export function alertOf(
	world: World,
	threat: Threat,
	expandEvidence: boolean,
): Record<string, unknown> {
	const device = world.devices.find((d) => d.key === threat.deviceKey) as Device;
	const extra = sliceOf(world).alerts[threat.defenderAlertId] ?? {};
	const classification =
		extra.classification !== undefined
			? extra.classification
			: threat.verdict === 'truePositive'
				? 'TruePositive'
				: threat.verdict === 'falsePositive'
					? 'FalsePositive'
					: null;
	const [userDomain, userName] = device.lastLoggedOnUser.includes('\\')
		? device.lastLoggedOnUser.split('\\')
		: [clientOf(world, device).code, device.lastLoggedOnUser];
	return {
		id: threat.defenderAlertId,
		incidentId: 1100 + Number(threat.key.replace(/\D/g, '')),
		investigationId: null,
		assignedTo: extra.assignedTo ?? null,
		severity: SEVERITY[threat.severity],
		status: STATUS[threat.status],
		classification,
		determination: extra.determination ?? null,
		investigationState: threat.status === 'resolved' ? 'Benign' : 'Queued',
		detectionSource: threat.confidence === 'malicious' ? 'WindowsDefenderAv' : 'WindowsDefenderAtp',
		detectorId: guidFrom(`detector:${threat.classification}`),
		category: categoryOf(threat),
		threatFamilyName: threat.confidence === 'malicious' ? threat.classification : null,
		title: threat.title,
		description: `${threat.processName} on ${device.hostname}: ${threat.title}.`,
		alertCreationTime: threat.detectedAt,
		firstEventTime: threat.detectedAt,
		lastEventTime: threat.detectedAt,
		lastUpdateTime: threat.updatedAt,
		resolvedTime: threat.status === 'resolved' ? (extra.resolvedTime ?? threat.updatedAt) : null,
		machineId: device.ids.defenderMachineId,
		computerDnsName: dnsName(world, device),
		rbacGroupName: clientOf(world, device).ids.defenderMachineGroup,
		aadTenantId: SANDBOX_TENANT.id,
		threatName:
			threat.confidence === 'malicious'
				? `${threat.classification}:Win32/${threat.processName.replace(/\.exe$/i, '')}`
				: null,
		mitreTechniques: threat.mitreTechniques,
		relatedUser: { userName, domainName: userDomain.toUpperCase() },
		loggedOnUsers: [{ accountName: userName, domainName: userDomain.toUpperCase() }],
		comments: threat.notes.map((n) => ({
			comment: n.text,
			createdBy: n.author,
			createdTime: n.at,
		})),
		evidence: expandEvidence ? evidenceOf(threat) : [],
	};
}

/**
 * The alert's process evidence: the image name, its folder, hashes and the command line as the sensor saw it.
 * The signer is not an evidence property; Defender carries it on the File entity (`GET /api/files/{sha1}`).
 */
function evidenceOf(threat: Threat): Array<Record<string, unknown>> {
	const slash = threat.filePath.lastIndexOf('\\');
	return [
		{
			entityType: 'Process',
			evidenceCreationTime: threat.detectedAt,
			sha1: threat.sha1,
			sha256: threat.sha256,
			fileName: threat.processName,
			filePath: slash >= 0 ? threat.filePath.slice(0, slash) : threat.filePath,
			processId: 4000 + Number(threat.key.replace(/\D/g, '')),
			processCommandLine: threat.commandLine,
			processCreationTime: threat.detectedAt,
			parentProcessFileName: 'explorer.exe',
			detectionStatus: threat.mitigationStatus === 'mitigated' ? 'Prevented' : 'Detected',
		},
	];
}

export function isDefenderAction(operation: Operation): boolean {
	if (operation.kind === 'isolate' || operation.kind === 'release') return true;
	return (
		operation.kind === 'mitigation' &&
		(operation.mitigation === 'stopAndQuarantineFile' || operation.mitigation === 'antivirusScan')
	);
}

export function actionIdOf(world: World, operation: Operation): string {
	return sliceOf(world).actions[operation.id]?.id ?? guidFrom(`action:${operation.id}`);
}

export function actionOf(world: World, operation: Operation): Record<string, unknown> {
	const device = world.devices.find((d) => d.key === operation.deviceKey) as Device;
	const detail = sliceOf(world).actions[operation.id];
	const type =
		ACTION_TYPE[operation.kind === 'mitigation' ? (operation.mitigation ?? '') : operation.kind];
	const status =
		operation.status === 'queued'
			? 'Pending'
			: operation.status === 'running'
				? 'InProgress'
				: operation.status === 'succeeded'
					? 'Succeeded'
					: operation.error?.startsWith('Superseded')
						? 'Cancelled'
						: 'Failed';
	return {
		id: actionIdOf(world, operation),
		type,
		title: null,
		requestor: detail?.requestor ?? 'Automation',
		requestorComment: detail?.comment ?? `Requested through ${operation.vendor}`,
		status,
		machineId: device.ids.defenderMachineId,
		computerDnsName: dnsName(world, device),
		creationDateTimeUtc: operation.createdAt,
		lastUpdateDateTimeUtc: operation.finishedAt ?? operation.startedAt ?? operation.createdAt,
		cancellationRequestor: null,
		cancellationComment: null,
		cancellationDateTimeUtc: null,
		errorHResult: status === 'Failed' ? -2147467259 : 0,
		scope: detail?.scope ?? (type === 'Isolate' ? 'Full' : null),
		externalId: null,
		requestSource: 'PublicApi',
		relatedFileInfo: detail?.sha1
			? { fileIdentifier: detail.sha1, fileIdentifierType: 'Sha1' }
			: null,
		commands: [],
		troubleshootInfo: null,
	};
}

/**
 * The File entity (`GET /api/files/{id}`) of a detected file, by Sha1 or Sha256: prevalence across the estate's
 * devices, and the signing certificate as the sensor verified it (`signer`, `issuer`, `isValidCertificate`).
 */
export function fileOf(world: World, hash: string): Record<string, unknown> | undefined {
	const key = hash.toLowerCase();
	const threats = world.threats.filter((t) => t.sha1 === key || t.sha256 === key);
	const threat = threats[0];
	if (!threat) return undefined;
	const seen = threats.map((t) => t.detectedAt).sort();
	const microsoft = /microsoft/i.test(threat.signer ?? '');
	return {
		sha1: threat.sha1,
		sha256: threat.sha256,
		globalPrevalence: new Set(threats.map((t) => t.deviceKey)).size,
		globalFirstObserved: seen[0],
		globalLastObserved: seen[seen.length - 1],
		// A stable size from the hash: between 20 KB and about 5 MB.
		size: 20_480 + (parseInt(threat.sha1.slice(0, 8), 16) % 5_000_000),
		fileType: /\.(exe|dll|sys|scr|com)$/i.test(threat.filePath) ? 'APP' : null,
		isPeFile: /\.(exe|dll|sys|scr|com)$/i.test(threat.filePath),
		filePublisher: threat.signed ? (threat.signer ?? null) : null,
		fileProductName: microsoft ? 'Microsoft® Windows® Operating System' : null,
		signer: threat.signed ? (threat.signer ?? null) : null,
		issuer: threat.signed
			? microsoft
				? 'Microsoft Windows Production PCA 2011'
				: 'DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1'
			: null,
		signerHash:
			threat.signed && threat.signer
				? createHash('sha1').update(threat.signer).digest('hex')
				: null,
		isValidCertificate: threat.signed,
		determinationType: threat.confidence === 'malicious' ? 'Malware' : 'Unknown',
		determinationValue:
			threat.confidence === 'malicious'
				? `${threat.classification}:Win32/${threat.processName.replace(/\.exe$/i, '')}`
				: '',
	};
}
