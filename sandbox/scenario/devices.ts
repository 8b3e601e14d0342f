import { clientOf } from '../world/engine';
import { worldIso } from '../world/clock';
import { createRng } from '../world/rng';
import { addPatches, buildDevice } from '../world/seed';
import type { Client, Device, DeviceType, World } from '../world/types';
import { flag, invalid, oneOf, readBody, ScenarioError, text, type Body } from './errors';
import { clientRef, findClient, findDevice, sameHostname } from './lookup';
import { FALCON_IDS } from '../vendors/crowdstrike/common';

const TYPES: readonly DeviceType[] = ['workstation', 'server', 'domainController'];
const ADD_FIELDS = ['hostname', 'client', 'type', 'os', 'online'] as const;
const UPDATE_FIELDS = ['hostname', 'type', 'client', 'online', 'os'] as const;
/** A DNS label: what Windows, the RMM agents and the EDR sensors accept as a computer name. */
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const HOSTNAME_HINT =
	'a computer name of letters, digits and hyphens (1 to 63, not starting or ending with a hyphen)';

/** Windows editions and the build the estate's agents report for them (the OS decides the build, the role does not). */
const OS_BUILDS: Array<[RegExp, string]> = [
	[/Windows Server 2025/i, '10.0.26100.2314'],
	[/Windows Server 2022/i, '10.0.20348.2762'],
	[/Windows Server 2019/i, '10.0.17763.6414'],
	[/Windows Server 2016/i, '10.0.14393.7428'],
	[/Windows 11/i, '10.0.26100.2161'],
	[/Windows 10/i, '10.0.19045.5011'],
];

/** What POST /_sandbox/devices takes. */
export interface DeviceEnrolment {
	hostname: string;
	/** Client key, code or name. */
	client: string;
	type?: DeviceType;
	os?: string;
	online?: boolean;
}

/** What PATCH /_sandbox/devices/:device takes: any of these. */
export interface DeviceChange {
	hostname?: string;
	type?: DeviceType;
	client?: string;
	online?: boolean;
	os?: string;
}

/** A device and its id in every vendor, as the scenario API answers. */
export interface DeviceAnswer {
	device: Device;
	client: { key: string; code: string; name: string };
	ids: {
		connectwisePsa: { configurationId: number };
		haloPsa: { assetId: number };
		ninjaOne: { deviceId: number };
		automate: { computerId: number };
		sentinelOne: { agentId: string; agentUuid: string };
		defender: { machineId: string };
		crowdStrike: { hostId: string };
		hudu: { assetId: number };
	};
}

export function deviceAnswer(world: World, device: Device): DeviceAnswer {
	const ids = device.ids;
	return {
		device,
		client: clientRef(clientOf(world, device)),
		ids: {
			connectwisePsa: { configurationId: ids.connectwiseConfigurationId },
			haloPsa: { assetId: ids.haloAssetId },
			ninjaOne: { deviceId: ids.ninjaDeviceId },
			automate: { computerId: ids.automateComputerId },
			sentinelOne: { agentId: ids.sentinelOneAgentId, agentUuid: ids.sentinelOneAgentUuid },
			defender: { machineId: ids.defenderMachineId },
			crowdStrike: { hostId: FALCON_IDS.aid(device) },
			hudu: { assetId: ids.huduAssetId },
		},
	};
}

/**
 * Enrols a device for a client, as an RMM and EDR agent install would: fresh ids in every vendor (the
 * estate's sequences continue) and the Windows updates a device of its type gets. Two clients may each have
 * a PC called FRONTDESK; one client may not have two.
 */
export function addDevice(world: World, input: unknown): DeviceAnswer {
	const body = readBody(input, ADD_FIELDS);
	const hostname = text(body, 'hostname', {
		maxLength: 63,
		pattern: HOSTNAME,
		hint: HOSTNAME_HINT,
	});
	if (hostname === undefined) throw invalid('hostname', `is required: ${HOSTNAME_HINT}`);
	const clientRefText = text(body, 'client', { maxLength: 200 });
	if (clientRefText === undefined)
		throw invalid('client', 'is required: a client key, code or name');
	const type = oneOf(body, 'type', TYPES) ?? 'workstation';
	const os = operatingSystem(body);
	const online = flag(body, 'online') ?? true;
	const client = findClient(world, clientRefText);
	refuseDuplicate(world, client, hostname);

	const sequence = world.sequences.device ?? world.devices.length;
	const rng = createRng(world.seed * 104_729 + sequence * 7919);
	// Release dates and install times follow the world's generation instant, like every seeded patch row.
	const generatedAt = Date.parse(world.createdAt);
	const device = buildDevice(
		world,
		client,
		{
			hostname,
			type,
			os,
			osBuild: os ? buildOf(os) : undefined,
			ipAddress: freeAddress(world, client, type),
		},
		rng,
		generatedAt,
	);
	// Enrolled just now: it checked in at sandbox now (or was last seen then, when it enrols offline).
	device.online = online;
	device.lastSeen = worldIso(world);
	world.devices.push(device);
	addPatches(world, device, rng, generatedAt);
	return deviceAnswer(world, device);
}

/**
 * Changes a device the way the estate drifts: renamed, promoted to a domain controller, moved to another
 * client, taken offline or brought back. Every vendor reads the world, so each presents the change at once.
 */
export function updateDevice(
	world: World,
	deviceRef: string,
	input: unknown,
	clientQuery?: string,
): DeviceAnswer {
	const body = readBody(input, UPDATE_FIELDS);
	if (!Object.keys(body).length)
		throw new ScenarioError(400, `nothing to change: give any of ${UPDATE_FIELDS.join(', ')}`, {
			allowed: UPDATE_FIELDS,
		});
	const hostname = text(body, 'hostname', {
		maxLength: 63,
		pattern: HOSTNAME,
		hint: HOSTNAME_HINT,
	});
	const type = oneOf(body, 'type', TYPES);
	const clientText = text(body, 'client', { maxLength: 200 });
	const online = flag(body, 'online');
	const os = operatingSystem(body);
	const device = findByKeyOrHostname(world, deviceRef, clientQuery);
	const client = clientText !== undefined ? findClient(world, clientText) : clientOf(world, device);
	refuseDuplicate(world, client, hostname ?? device.hostname, device);

	if (hostname !== undefined) device.hostname = hostname;
	if (type !== undefined) device.type = type;
	if (clientText !== undefined && client.key !== device.clientKey) device.clientKey = client.key;
	if (os !== undefined) {
		device.os = os;
		device.osBuild = buildOf(os) ?? device.osBuild;
	}
	if (online !== undefined) setOnline(world, device, online);
	return deviceAnswer(world, device);
}

/** `:device` is a key (device-12) or a hostname, narrowed by `?client=` when several clients use it. */
function findByKeyOrHostname(world: World, ref: string, client?: string): Device {
	if (world.devices.some((d) => d.key === ref)) return findDevice(world, { device: ref, client });
	return findDevice(world, { hostname: ref, client });
}

function refuseDuplicate(world: World, client: Client, hostname: string, except?: Device): void {
	const clash = world.devices.find(
		(d) => d !== except && d.clientKey === client.key && sameHostname(d.hostname, hostname),
	);
	if (!clash) return;
	throw new ScenarioError(
		409,
		`hostname: client ${client.key} (${client.name}) already has a device named ${clash.hostname}; hostnames repeat across clients, not within one`,
		{
			field: 'hostname',
			matches: [{ key: clash.key, hostname: clash.hostname, client: clientRef(client) }],
		},
	);
}

/** Offline: the agent stopped checking in now. Back online: it checks in now. */
function setOnline(world: World, device: Device, online: boolean): void {
	if (device.online === online) return;
	device.online = online;
	device.lastSeen = worldIso(world);
}

function operatingSystem(body: Body): string | undefined {
	return text(body, 'os', {
		maxLength: 100,
		pattern: /^Windows /,
		hint: "a Windows edition such as 'Windows 10 Pro' or 'Windows Server 2022 Standard' (the estate is Windows)",
	});
}

function buildOf(os: string): string | undefined {
	return OS_BUILDS.find(([pattern]) => pattern.test(os))?.[1];
}

/** The next free address in the client's server (x.x.0.x) or workstation (x.x.1.x) range. */
function freeAddress(world: World, client: Client, type: DeviceType): string {
	const prefix = `10.${10 + world.clients.indexOf(client)}.${type === 'workstation' ? 1 : 0}.`;
	const used = new Set(world.devices.map((d) => d.ipAddress));
	for (let host = 10; host < 255; host++) if (!used.has(prefix + host)) return prefix + host;
	// A range full of drill devices: continue in the next block rather than reuse an address.
	for (let host = 2; host < 255; host++) {
		const address = `10.${10 + world.clients.indexOf(client)}.${type === 'workstation' ? 3 : 2}.${host}`;
		if (!used.has(address)) return address;
	}
	throw new ScenarioError(
		409,
		`client ${client.key} has no free address left in the sandbox's ranges`,
		{ field: 'client' },
	);
}
