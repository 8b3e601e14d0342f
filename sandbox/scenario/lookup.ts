import { clientOf } from '../world/engine';
import { clientName } from '../world/names';
import type { Client, Device, World } from '../world/types';
import { ScenarioError } from './errors';

/** A client as the scenario API shows it: enough to tell two same-named devices apart. */
export function clientRef(client: Client): { key: string; code: string; name: string } {
	return { key: client.key, code: client.code, name: client.name };
}

/** A client by key, code or name (any product's spelling of it), case-insensitively. */
export function findClient(world: World, ref: string, field = 'client'): Client {
	const wanted = ref.trim().toLowerCase();
	const client = world.clients.find((c) =>
		[
			c.key,
			c.code,
			c.name,
			clientName(c, 'psa'),
			clientName(c, 'rmm'),
			clientName(c, 'edr'),
			clientName(c, 'documentation'),
		].some((v) => v.toLowerCase() === wanted),
	);
	if (!client) {
		throw new ScenarioError(
			404,
			`${field}: no client ${JSON.stringify(ref)}; give a client key, code or name`,
			{ field, clients: world.clients.map(clientRef) },
		);
	}
	return client;
}

/** Windows hostnames are case-insensitive: BSD-WS01 and bsd-ws01 are one machine name. */
export function sameHostname(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

function match(world: World, device: Device) {
	return { key: device.key, hostname: device.hostname, client: clientRef(clientOf(world, device)) };
}

/**
 * The device a drill means: by key, or by hostname narrowed by client. A hostname several clients share is
 * ambiguous without a client (409 listing them), as it is for a technician reading an alert.
 */
export function findDevice(
	world: World,
	ref: { device?: string; hostname?: string; client?: string },
): Device {
	if (ref.device !== undefined) {
		const device = world.devices.find((d) => d.key === ref.device);
		if (!device)
			throw new ScenarioError(
				404,
				`device: no device ${JSON.stringify(ref.device)}; device keys look like device-12`,
				{ field: 'device' },
			);
		if (ref.client !== undefined && device.clientKey !== findClient(world, ref.client).key) {
			throw new ScenarioError(
				404,
				`device: ${ref.device} does not belong to client ${JSON.stringify(ref.client)}`,
				{ field: 'client', matches: [match(world, device)] },
			);
		}
		return device;
	}
	const hostname = ref.hostname ?? '';
	const client = ref.client !== undefined ? findClient(world, ref.client) : undefined;
	const named = world.devices.filter((d) => sameHostname(d.hostname, hostname));
	const matches = client ? named.filter((d) => d.clientKey === client.key) : named;
	if (matches.length === 1) return matches[0];
	if (!matches.length) {
		const where = client ? ` at client ${client.key} (${client.name})` : '';
		throw new ScenarioError(404, `hostname: no device named ${JSON.stringify(hostname)}${where}`, {
			field: 'hostname',
			matches: named.map((d) => match(world, d)),
		});
	}
	throw new ScenarioError(
		409,
		`hostname: ${matches.length} devices are named ${JSON.stringify(hostname)}; give client (key, code or name) to choose one`,
		{
			field: 'hostname',
			matches: matches.map((d) => match(world, d)),
		},
	);
}
