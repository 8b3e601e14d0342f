import { clientName } from '../../world/names';
import { nextId } from '../../world/seed';
import type { Client, Device, World } from '../../world/types';

/** Records only HaloPSA has, kept in `world.vendors.halopsa`. Field names are Halo's (spec `Faults`, `Actions`, `TStatus`...). */
export interface HaloStatus {
	id: number;
	name: string;
	shortname: string;
	type: number;
	sequence: number;
	colour: string;
	/** Sandbox bookkeeping: which statuses count as closed (Halo's own "Closed" is id 9). */
	closed: boolean;
}

export interface HaloTicketType {
	id: number;
	name: string;
	sequence: number;
}

export interface HaloTeam {
	id: number;
	name: string;
	sequence: number;
	department_id: number;
	department_name: string;
	inactive: boolean;
	forrequests: boolean;
}

export interface HaloPriority {
	id: string;
	slaid: number;
	priorityid: number;
	name: string;
	colour: string;
	fixtime: number;
	fixunits: string;
	responsetime: number;
	responseunits: string;
	ishidden: boolean;
}

export interface HaloTicket {
	id: number;
	summary: string;
	details: string;
	tickettype_id: number;
	client_id: number;
	site_id: number;
	user_id: number;
	status_id: number;
	priority_id: number;
	team: string;
	agent_id: number;
	third_party_id_string: string;
	dateoccurred: string;
	datecreated: string;
	last_update: string;
	lastactiondate: string;
	dateclosed: string | null;
	hasbeenclosed: boolean;
	assets: number[];
	timetaken: number;
}

export interface HaloAction {
	id: number;
	ticket_id: number;
	outcome: string;
	note: string;
	hiddenfromuser: boolean;
	timetaken: number;
	actisbillable: boolean;
	who_agentid: number;
	actionby_agent_id: number;
	datetime: string;
	actiondatecreated: string;
	new_status: number | null;
	important: boolean;
}

export interface HaloSlice {
	statuses: HaloStatus[];
	ticketTypes: HaloTicketType[];
	teams: HaloTeam[];
	priorities: HaloPriority[];
	tickets: HaloTicket[];
	actions: HaloAction[];
}

export const SLICE = 'halopsa';
/** The agent the API application acts as. */
export const API_AGENT = { id: 1, name: 'API Agent' };

export function slice(world: World): HaloSlice {
	return world.vendors[SLICE] as HaloSlice;
}

/** Halo returns UTC datetimes; the sandbox writes them with a Z so they are valid RFC 3339 as the spec's `date-time` requires. */
export function haloDate(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const STATUSES: HaloStatus[] = [
	{ id: 1, name: 'New', shortname: 'New', type: 0, sequence: 1, colour: '#2a84c6', closed: false },
	{
		id: 2,
		name: 'In Progress',
		shortname: 'InProg',
		type: 0,
		sequence: 2,
		colour: '#f5a623',
		closed: false,
	},
	{
		id: 3,
		name: 'Action Required',
		shortname: 'ActReq',
		type: 0,
		sequence: 3,
		colour: '#d0021b',
		closed: false,
	},
	{
		id: 4,
		name: 'With User',
		shortname: 'WithUsr',
		type: 0,
		sequence: 4,
		colour: '#7ed321',
		closed: false,
	},
	{
		id: 5,
		name: 'With Supplier',
		shortname: 'WithSup',
		type: 0,
		sequence: 5,
		colour: '#9013fe',
		closed: false,
	},
	{
		id: 9,
		name: 'Closed',
		shortname: 'Closed',
		type: 1,
		sequence: 99,
		colour: '#4a4a4a',
		closed: true,
	},
];

const TICKET_TYPES: HaloTicketType[] = [
	{ id: 1, name: 'Incident', sequence: 1 },
	{ id: 3, name: 'Service Request', sequence: 2 },
	{ id: 21, name: 'Alert', sequence: 3 },
];

const TEAMS: HaloTeam[] = [
	{
		id: 1,
		name: 'Service Desk',
		sequence: 1,
		department_id: 1,
		department_name: 'Support',
		inactive: false,
		forrequests: true,
	},
	{
		id: 2,
		name: 'Security Operations',
		sequence: 2,
		department_id: 1,
		department_name: 'Support',
		inactive: false,
		forrequests: true,
	},
	{
		id: 3,
		name: 'Patching',
		sequence: 3,
		department_id: 1,
		department_name: 'Support',
		inactive: false,
		forrequests: true,
	},
];

const PRIORITIES: HaloPriority[] = [
	{
		id: '6f1e9b2a-0c1d-4a11-9b01-000000000001',
		slaid: 1,
		priorityid: 1,
		name: 'Critical',
		colour: '#d0021b',
		fixtime: 4,
		fixunits: 'h',
		responsetime: 0.5,
		responseunits: 'h',
		ishidden: false,
	},
	{
		id: '6f1e9b2a-0c1d-4a11-9b01-000000000002',
		slaid: 1,
		priorityid: 2,
		name: 'High',
		colour: '#f5a623',
		fixtime: 8,
		fixunits: 'h',
		responsetime: 1,
		responseunits: 'h',
		ishidden: false,
	},
	{
		id: '6f1e9b2a-0c1d-4a11-9b01-000000000003',
		slaid: 1,
		priorityid: 3,
		name: 'Medium',
		colour: '#f8e71c',
		fixtime: 2,
		fixunits: 'd',
		responsetime: 4,
		responseunits: 'h',
		ishidden: false,
	},
	{
		id: '6f1e9b2a-0c1d-4a11-9b01-000000000004',
		slaid: 1,
		priorityid: 4,
		name: 'Low',
		colour: '#7ed321',
		fixtime: 5,
		fixunits: 'd',
		responsetime: 1,
		responseunits: 'd',
		ishidden: false,
	},
];

const SUMMARIES = [
	'Cannot print to the upstairs printer',
	'Laptop {host} running very slowly',
	'Password reset request',
	'Shared mailbox access for new starter',
	'Antivirus alert on {host}',
	'Wi-Fi keeps disconnecting in the meeting room',
	'Software install request: Adobe Acrobat',
	'Low disk space warning on {host}',
	'Phone system voicemail not working',
	'Windows update stuck on {host}',
	'Email bouncing from supplier domain',
	'Replace failed keyboard',
];

export function seedHalo(world: World): void {
	const data: HaloSlice = {
		statuses: STATUSES.map((s) => ({ ...s })),
		ticketTypes: TICKET_TYPES.map((t) => ({ ...t })),
		teams: TEAMS.map((t) => ({ ...t })),
		priorities: PRIORITIES.map((p) => ({ ...p })),
		tickets: [],
		actions: [],
	};
	world.vendors[SLICE] = data;
	const perClient = world.scale?.ticketsPerClient ?? 14;
	world.clients.forEach((client, clientIndex) => {
		const devices = world.devices.filter((d) => d.clientKey === client.key);
		for (let n = 0; n < perClient; n++)
			seedTicket(world, data, client, devices, clientIndex * perClient + n);
	});
}

function seedTicket(
	world: World,
	data: HaloSlice,
	client: Client,
	devices: Device[],
	n: number,
): void {
	const closed = n % 5 === 3;
	const open = data.statuses.filter((s) => !s.closed);
	const status = closed ? data.statuses.find((s) => s.closed)! : open[n % open.length];
	const host = devices.length ? devices[n % devices.length].hostname : client.code;
	// Seeded tickets sit before the world's clock, spread over the previous weeks.
	const occurred = Date.parse(world.createdAt) - (n + 1) * 3_600_000 * 5;
	const updated = occurred + 2_700_000 * ((n % 3) + 1);
	data.tickets.push({
		id: nextId(world, 'halo-ticket', 1401),
		summary: SUMMARIES[n % SUMMARIES.length].replace('{host}', host),
		details: `Reported by the ${clientName(client, 'psa')} office.`,
		tickettype_id: data.ticketTypes[n % 2].id,
		client_id: client.ids.haloClientId,
		site_id: siteIdOf(client),
		user_id: 0,
		status_id: status.id,
		priority_id: data.priorities[n % data.priorities.length].priorityid,
		team: data.teams[n % data.teams.length].name,
		agent_id: 0,
		third_party_id_string: '',
		dateoccurred: haloDate(occurred),
		datecreated: haloDate(occurred),
		last_update: haloDate(updated),
		lastactiondate: haloDate(updated),
		dateclosed: closed ? haloDate(updated) : null,
		hasbeenclosed: closed,
		assets: [],
		timetaken: 0,
	});
}

/** Every client has one main site in Halo. */
export function siteIdOf(client: Client): number {
	return 100 + client.ids.haloClientId;
}
