import { clientName } from '../../world/names';
import type { Client, Device, World } from '../../world/types';

import {
	API_AGENT,
	siteIdOf,
	slice,
	type HaloAction,
	type HaloStatus,
	type HaloTicket,
} from './data';

/** The JSON Halo returns for each record; only properties of the spec's schemas appear. */

export function clientOfHalo(world: World, id: number): Client | undefined {
	return world.clients.find((c) => c.ids.haloClientId === id);
}

export function ticketOut(world: World, ticket: HaloTicket, detail: boolean) {
	const data = slice(world);
	const client = clientOfHalo(world, ticket.client_id);
	const status = data.statuses.find((s) => s.id === ticket.status_id);
	const priority = data.priorities.find((p) => p.priorityid === ticket.priority_id);
	const type = data.ticketTypes.find((t) => t.id === ticket.tickettype_id);
	const base = {
		id: ticket.id,
		summary: ticket.summary,
		details: ticket.details,
		tickettype_id: ticket.tickettype_id,
		client_id: ticket.client_id,
		client_name: client ? clientName(client, 'psa') : '',
		site_id: ticket.site_id,
		user_id: ticket.user_id,
		status_id: ticket.status_id,
		priority_id: ticket.priority_id,
		team: ticket.team,
		agent_id: ticket.agent_id,
		third_party_id_string: ticket.third_party_id_string,
		dateoccurred: ticket.dateoccurred,
		datecreated: ticket.datecreated,
		last_update: ticket.last_update,
		lastactiondate: ticket.lastactiondate,
		hasbeenclosed: ticket.hasbeenclosed,
		dateclosed: ticket.dateclosed,
		inactive: false,
		timetaken: ticket.timetaken,
	};
	if (!detail) return base;
	// includedetails=true adds the names and linked records.
	return {
		...base,
		status_name: status?.name ?? '',
		priority_name: priority?.name ?? '',
		tickettype_name: type?.name ?? '',
		agent_name: ticket.agent_id ? API_AGENT.name : '',
		assets: world.devices
			.filter((d) => ticket.assets.includes(d.ids.haloAssetId))
			.map((d) => assetListOut(world, d)),
		customfields: [],
	};
}

export function statusOut(status: HaloStatus) {
	const { closed: _closed, ...fields } = status;
	return fields;
}

export function actionOut(action: HaloAction) {
	return { ...action, who_type: 1 };
}

export function clientOut(client: Client) {
	return {
		id: client.ids.haloClientId,
		name: clientName(client, 'psa'),
		toplevel_id: 1,
		toplevel_name: 'Clients',
		inactive: false,
		colour: '#2a84c6',
		accountsid: client.code,
		website: `https://www.${client.code.toLowerCase()}.example`,
		main_site_id: siteIdOf(client),
		main_site_name: 'Main',
		main_phonenumber: '+1 217 555 0100',
		customfields: [],
	};
}

function assetType(device: Device): { assettype_id: number; assettype_name: string } {
	if (device.type === 'workstation') return { assettype_id: 1, assettype_name: 'Workstation' };
	return {
		assettype_id: 2,
		assettype_name: device.type === 'domainController' ? 'Domain Controller' : 'Server',
	};
}

function assetListOut(world: World, device: Device) {
	const client = world.clients.find((c) => c.key === device.clientKey)!;
	return {
		id: device.ids.haloAssetId,
		inventory_number: device.hostname,
		key_field: device.hostname,
		key_field2: device.serialNumber,
		client_id: client.ids.haloClientId,
		client_name: clientName(client, 'psa'),
		site_id: siteIdOf(client),
		site_name: 'Main',
		...assetType(device),
		inactive: false,
		status_id: 1,
		status_name: 'Active',
		ninjarmm_id: device.ids.ninjaDeviceId,
	};
}

export function assetOut(world: World, device: Device) {
	return {
		...assetListOut(world, device),
		fields: [
			{ id: 1, name: 'Hostname', value: device.hostname },
			{ id: 2, name: 'Serial Number', value: device.serialNumber },
			{ id: 3, name: 'Operating System', value: device.os },
			{ id: 4, name: 'IP Address', value: device.ipAddress },
		],
		customfields: [],
	};
}
