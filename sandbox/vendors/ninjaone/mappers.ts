import { clientOf } from '../../world/engine';
import { createHash } from 'crypto';

import { DAY, seededAgo, worldNow } from '../../world/clock';
import { clientName } from '../../world/names';
import type { Client, Device, Patch, Script, World } from '../../world/types';

/** Epoch seconds (NinjaOne's timestamps are seconds as doubles). */
export function epochSeconds(iso: string | undefined): number | undefined {
	return iso ? Date.parse(iso) / 1000 : undefined;
}

/** A stable uuid for a sandbox record, so the same record always has the same uid. */
export function stableUuid(...parts: Array<string | number>): string {
	const h = createHash('sha1').update(parts.join(':')).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function organization(client: Client) {
	return {
		id: client.ids.ninjaOrganizationId,
		name: clientName(client, 'rmm'),
		description: client.industry,
		nodeApprovalMode: 'AUTOMATIC',
		userData: {},
	};
}

export function locationId(client: Client): number {
	return client.ids.ninjaOrganizationId * 10 + 1;
}

/**
 * `GET /v2/roles` ("List device roles", `NodeRole`): the tenant's device roles. Ids and names are the
 * tenant's own; this estate has a desktop and a server role, and a custom "Domain Controller" role
 * under the server role, which its domain controllers carry as `nodeRoleId`.
 */
export function deviceRoles(world: World) {
	const created = Date.parse(seededAgo(world, 900 * DAY)) / 1000;
	return [
		{
			id: 1,
			name: 'Windows Desktop',
			description: 'Windows workstations',
			nodeClass: 'WINDOWS_WORKSTATION',
			custom: false,
			chassisType: 'DESKTOP',
			created,
		},
		{
			id: 2,
			name: 'Windows Server',
			description: 'Windows servers',
			nodeClass: 'WINDOWS_SERVER',
			custom: false,
			chassisType: 'UNKNOWN',
			created,
		},
		{
			id: 3,
			name: 'Domain Controller',
			description: 'Active Directory domain controllers',
			nodeClass: 'WINDOWS_SERVER',
			custom: true,
			chassisType: 'UNKNOWN',
			created: created + 86_400,
			nodeRoleParentId: 2,
		},
	];
}

export function nodeClass(device: Device): string {
	return device.type === 'workstation' ? 'WINDOWS_WORKSTATION' : 'WINDOWS_SERVER';
}

/** `NodeWithDetailedReferences`, as `GET /v2/devices` returns it. */
export function deviceSummary(world: World, device: Device) {
	const client = clientOf(world, device);
	const lastContact = device.online ? worldNow(world) / 1000 : (epochSeconds(device.lastSeen) ?? 0);
	return {
		id: device.ids.ninjaDeviceId,
		uid: stableUuid('ninja-device', device.ids.ninjaDeviceId),
		organizationId: client.ids.ninjaOrganizationId,
		locationId: locationId(client),
		nodeClass: nodeClass(device),
		nodeRoleId: device.type === 'workstation' ? 1 : device.type === 'server' ? 2 : 3,
		rolePolicyId: device.type === 'workstation' ? 11 : 12,
		policyId: device.type === 'workstation' ? 11 : 12,
		approvalStatus: 'APPROVED',
		offline: !device.online,
		displayName: device.hostname,
		systemName: device.hostname,
		dnsName: `${device.hostname.toLowerCase()}.${client.code.toLowerCase()}.local`,
		netbiosName: device.hostname,
		created: Date.parse(seededAgo(world, 661 * DAY)) / 1000 + device.ids.ninjaDeviceId,
		lastContact,
		lastUpdate: lastContact,
		userData: {},
		tags: [],
	};
}

/**
 * `GET /v2/device/{id}`: the spec's `Device` adds addresses and notes. `os`, `system` and
 * `lastLoggedInUser` are not in the spec but live tenants return them [unverified].
 */
export function deviceDetail(world: World, device: Device) {
	const client = clientOf(world, device);
	return {
		...deviceSummary(world, device),
		ipAddresses: [device.ipAddress],
		macAddresses: [device.macAddress],
		publicIP: `203.0.113.${10 + world.clients.indexOf(client)}`,
		notes: [],
		deviceType: 'AGENT',
		references: {
			organization: organization(client),
			location: {
				id: locationId(client),
				name: 'Main Office',
				address: '',
				description: '',
				userData: {},
			},
		},
		os: { name: device.os, buildNumber: device.osBuild, needsReboot: false },
		system: {
			manufacturer: device.type === 'workstation' ? 'HP' : 'Dell Inc.',
			serialNumber: device.serialNumber,
		},
		lastLoggedInUser: device.lastLoggedOnUser,
	};
}

const SEVERITY: Record<Patch['severity'], string> = {
	critical: 'CRITICAL',
	high: 'IMPORTANT',
	medium: 'MODERATE',
	low: 'OPTIONAL',
	informational: 'OPTIONAL',
};

const TYPE: Record<Patch['category'], string> = {
	security: 'SECURITY_UPDATES',
	critical: 'CRITICAL_UPDATES',
	definition: 'DEFINITION_UPDATES',
	featurePack: 'FEATURE_PACKS',
	updateRollup: 'UPDATE_ROLLUPS',
};

/**
 * NinjaOne's patch status of a neutral patch: `MANUAL` waits for approval, `APPROVED` is
 * approved by policy (also while installing), `FAILED`/`REJECTED`; installed ones are only in
 * the installs report.
 */
export function patchStatus(patch: Patch): string {
	switch (patch.status) {
		case 'pending':
			return 'MANUAL';
		case 'approved':
		case 'installing':
			return 'APPROVED';
		case 'failed':
			return 'FAILED';
		case 'rejected':
			return 'REJECTED';
		case 'installed':
			return 'INSTALLED';
	}
}

/** `OSPatch`; with `deviceId` and `timestamp` it is the query report's `DeviceOSPatch`. */
export function osPatch(world: World, patch: Patch, withDevice: boolean) {
	const device = world.devices.find((d) => d.key === patch.deviceKey);
	const row: Record<string, unknown> = {
		id: patch.uuid,
		name: `${patch.title} (${patch.kb})`,
		severity: SEVERITY[patch.severity],
		status: patchStatus(patch),
		type: TYPE[patch.category],
		kbNumber: patch.kb,
	};
	const installedAt = epochSeconds(patch.installedAt);
	if (installedAt !== undefined) row.installedAt = installedAt;
	if (withDevice && device) {
		row.deviceId = device.ids.ninjaDeviceId;
		row.timestamp = epochSeconds(patch.installedAt ?? patch.releasedAt);
	}
	return row;
}

export function scriptUid(script: Script): string {
	return stableUuid('ninja-script', script.ninjaScriptId);
}

export function scriptCategoryId(script: Script): number {
	return { Security: 1, Patching: 2, Maintenance: 3, Testing: 4 }[script.category] ?? 5;
}
