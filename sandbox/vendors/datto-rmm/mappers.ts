import { clientOf } from '../../world/engine';
import { clientName } from '../../world/names';
import type { Client, Device, Patch, Script, World } from '../../world/types';
import { dattoUid, type DattoComponentRecord } from './slice';

/** Datto's numeric ids, derived from the estate's own numbering so they stay stable. */
export const siteId = (client: Client) => 5000 + client.ids.automateClientId;
export const siteUid = (client: Client) => dattoUid('site', client.key);
export const deviceId = (device: Device) => 700000 + device.ids.automateComputerId;
export const deviceUid = (device: Device) => dattoUid('device', device.key);
export const componentUid = (script: Script) => dattoUid('component', script.key);

/**
 * Each component's input variables (Datto components declare theirs; the estate's scripts take a
 * free-form parameter string). A quick job may only set these.
 */
const VARIABLES: Record<string, string[]> = {
	'Check Disk Space': ['Drive'],
	'Collect Triage Package': ['Destination'],
	'Remove Malicious Persistence': ['Target'],
	'Reboot If Pending': ['DelayMinutes'],
};

export function componentVariables(script: Script): string[] {
	return VARIABLES[script.name] ?? [];
}

export function siteBody(world: World, client: Client, base: string) {
	const devices = world.devices.filter((d) => d.clientKey === client.key);
	const online = devices.filter((d) => d.online).length;
	return {
		id: siteId(client),
		uid: siteUid(client),
		accountUid: 'sandboxacct',
		name: clientName(client, 'rmm'),
		description: client.industry,
		onDemand: false,
		splashtopAutoInstall: false,
		devicesStatus: {
			numberOfDevices: devices.length,
			numberOfOnlineDevices: online,
			numberOfOfflineDevices: devices.length - online,
		},
		portalUrl: `${base}/csm/profile?id=${siteId(client)}`,
	};
}

/** Datto's install buckets; a failed install stays approved-pending (the device says InstallError). */
export function installStatus(patch: Patch): 'INSTALLED' | 'APPROVED_PENDING' | 'NOT_APPROVED' {
	if (patch.status === 'installed') return 'INSTALLED';
	if (patch.status === 'approved' || patch.status === 'installing' || patch.status === 'failed')
		return 'APPROVED_PENDING';
	return 'NOT_APPROVED';
}

function patchManagement(world: World, device: Device) {
	const patches = world.patches.filter((p) => p.deviceKey === device.key);
	const count = (status: string) => patches.filter((p) => installStatus(p) === status).length;
	const approvedPending = count('APPROVED_PENDING');
	const patchStatus = !patches.length
		? 'NoData'
		: patches.some((p) => p.status === 'failed')
			? 'InstallError'
			: approvedPending
				? 'ApprovedPending'
				: 'FullyPatched';
	return {
		patchStatus,
		patchesApprovedPending: approvedPending,
		patchesNotApproved: count('NOT_APPROVED'),
		patchesInstalled: count('INSTALLED'),
	};
}

/** `Device`, with timestamps as epoch milliseconds as the live API sends them. */
export function deviceBody(world: World, device: Device, base: string) {
	const client = clientOf(world, device);
	const server = device.type !== 'workstation';
	return {
		id: deviceId(device),
		uid: deviceUid(device),
		siteId: siteId(client),
		siteUid: siteUid(client),
		siteName: clientName(client, 'rmm'),
		deviceType: { category: server ? 'Server' : 'Desktop', type: 'Physical' },
		hostname: device.hostname,
		intIpAddress: device.ipAddress,
		operatingSystem: device.os,
		lastLoggedInUser: device.lastLoggedOnUser,
		domain: `${client.code.toLowerCase()}.local`,
		cagVersion: '4.4.2211.2211',
		displayVersion: '4.4.2211.2211',
		extIpAddress: '203.0.113.5',
		description: '',
		a64Bit: true,
		rebootRequired: false,
		online: device.online,
		suspended: false,
		deleted: false,
		lastSeen: Date.parse(device.lastSeen),
		snmpEnabled: false,
		deviceClass: 'device',
		portalUrl: `${base}/csm/search?qs=uid%3A${deviceUid(device)}`,
		antivirus: { antivirusProduct: 'Windows Defender', antivirusStatus: 'RunningAndUpToDate' },
		patchManagement: patchManagement(world, device),
		softwareStatus: 'Compliant',
		networkProbe: false,
		onboardedViaNetworkMonitor: false,
	};
}

const SEVERITY: Record<Patch['severity'], string> = {
	critical: 'CRITICAL',
	high: 'IMPORTANT',
	medium: 'MODERATE',
	low: 'LOW',
	informational: 'UNSPECIFIED',
};

/** Build 235's `Patch` of a device. */
export function patchBody(patch: Patch) {
	return {
		patchId: patch.uuid,
		category: [patch.category === 'security' ? 'Security Updates' : 'Updates'],
		type: 'SOFTWARE',
		title: patch.title,
		description: patch.title,
		releaseDate: patch.releasedAt,
		severity: SEVERITY[patch.severity],
		maxSize: 104857600,
		rebootRequired: patch.category !== 'definition',
		requireUserInput: false,
		kbArticleId: patch.kb.replace(/^KB/i, ''),
		installStatus: installStatus(patch),
		manualOverride: false,
	};
}

export function componentBody(script: Script, index: number) {
	return {
		id: 5500 + index,
		credentialsRequired: false,
		uid: componentUid(script),
		name: script.name,
		description: script.description,
		categoryCode: 'script',
		variables: componentVariables(script).map((name, variablesIdx) => ({
			name,
			defaultVal: '',
			type: 'string',
			direction: false,
			description: name,
			variablesIdx,
		})),
	};
}

/** A component of the account's own (ComStore or custom), after the estate's scripts. */
export function accountComponentBody(component: DattoComponentRecord, index: number) {
	return {
		id: 5600 + index,
		credentialsRequired: false,
		uid: component.uid,
		name: component.name,
		description: component.description,
		categoryCode: 'script',
		variables: [],
	};
}
