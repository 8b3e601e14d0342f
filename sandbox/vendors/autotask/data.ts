import { clientName } from '../../world/names';
import { nextId } from '../../world/seed';
import type { Client, Device, World } from '../../world/types';

/**
 * Records only Autotask has, kept in `world.vendors.autotask`. Companies and configuration items
 * are the world's clients and devices under Autotask ids (see companyIdOf, ciIdOf). Field names
 * are Autotask's (swagger TicketModel, TicketNoteModel, TimeEntryModel...).
 */
export interface AtPicklistValue {
	value: string;
	label: string;
	isDefaultValue: boolean;
	sortOrder: number;
	parentValue: string;
	isActive: boolean;
	isSystem: boolean;
}

export interface AtTicketRow {
	id: number;
	ticketNumber: string;
	title: string;
	description: string;
	status: number;
	priority: number;
	queueID: number | null;
	companyID: number;
	externalID: string | null;
	configurationItemID: number | null;
	ticketType: number;
	source: number;
	resolution: string | null;
	createDate: string;
	lastActivityDate: string;
	completedDate: string | null;
	creatorResourceID: number;
}

export interface AtNoteRow {
	id: number;
	ticketID: number;
	title: string;
	description: string;
	noteType: number;
	publish: number;
	creatorResourceID: number;
	createDateTime: string;
	lastActivityDate: string;
}

export interface AtTimeEntryRow {
	id: number;
	ticketID: number;
	resourceID: number;
	roleID: number;
	dateWorked: string;
	startDateTime: string;
	endDateTime: string;
	hoursWorked: number;
	summaryNotes: string;
	isNonBillable: boolean;
	createDateTime: string;
}

export interface AtResourceRow {
	id: number;
	userName: string;
	email: string;
	firstName: string;
	lastName: string;
	isActive: boolean;
	defaultServiceDeskRoleID: number;
}

export interface AutotaskSlice {
	picklists: {
		status: AtPicklistValue[];
		priority: AtPicklistValue[];
		queueID: AtPicklistValue[];
		configurationItemType: AtPicklistValue[];
	};
	resources: AtResourceRow[];
	tickets: AtTicketRow[];
	notes: AtNoteRow[];
	timeEntries: AtTimeEntryRow[];
	additionalConfigurationItems: Array<{
		id: number;
		ticketID: number;
		configurationItemID: number;
	}>;
}

export const SLICE = 'autotask';

/** The sandbox's Autotask API user (Admin > Resources > API user). */
export const AUTOTASK_SANDBOX_USER = {
	userName: 'n8n-api@msp-sandbox.example',
	secret: 'autotask-sandbox-secret-7d3e9a51',
	integrationCode: 'MSPSANDBOXTRACKINGID0001',
};
export const API_RESOURCE_ID = 29682885;

export function slice(world: World): AutotaskSlice {
	return world.vendors[SLICE] as AutotaskSlice;
}

/** Autotask answers UTC with milliseconds and a Z (`2026-01-10T17:30:00.000Z`). */
export function atDate(ms: number): string {
	return new Date(ms).toISOString();
}

/** The client's Autotask company id. */
export function companyIdOf(client: Client): number {
	return 29683000 + client.ids.haloClientId;
}

/** The device's Autotask configuration item id. */
export function ciIdOf(device: Device): number {
	return 20000 + device.ids.haloAssetId;
}

const pick = (
	value: number,
	label: string,
	sortOrder: number,
	extra: Partial<AtPicklistValue> = {},
): AtPicklistValue => ({
	value: String(value),
	label,
	isDefaultValue: false,
	sortOrder,
	parentValue: '',
	isActive: true,
	isSystem: false,
	...extra,
});

/** System values (1 New, 5 Complete, 7 Waiting Customer) as in every database; the rest tenant-defined like a real one. */
function picklists(): AutotaskSlice['picklists'] {
	return {
		status: [
			pick(1, 'New', 1, { isDefaultValue: true, isSystem: true }),
			pick(8, 'In Progress', 4),
			pick(7, 'Waiting Customer', 8, { isSystem: true }),
			pick(12, 'Waiting 3rd Party', 10),
			pick(9, 'Waiting Materials', 21, { isActive: false }),
			pick(5, 'Complete', 26, { isSystem: true }),
		],
		priority: [
			pick(3, 'Low', 1),
			pick(2, 'Medium', 2, { isDefaultValue: true }),
			pick(5, 'High', 3),
			pick(1, 'Critical', 5),
		],
		queueID: [
			pick(8, 'Monitoring Alert', 2, { isSystem: true }),
			pick(29683325, 'Service Desk', 4, { isDefaultValue: true }),
			pick(29683326, 'Security Operations', 5),
			pick(29683327, 'Patching', 6),
		],
		configurationItemType: [
			pick(1, 'Workstation', 1),
			pick(2, 'Server', 2),
			pick(3, 'Domain Controller', 3),
		],
	};
}

const SUMMARIES = [
	'Cannot print to the upstairs printer',
	'Laptop {host} running very slowly',
	'Password reset request',
	'Shared mailbox access for new starter',
	'Antivirus alert on {host}',
	'Wi-Fi keeps disconnecting in the meeting room',
	'Low disk space warning on {host}',
	'Windows update stuck on {host}',
];

/** `T20260110.0001`: the creation day and a sequence, as Autotask numbers tickets. */
export function ticketNumberOf(createdMs: number, id: number): string {
	const day = new Date(createdMs).toISOString().slice(0, 10).replace(/-/g, '');
	return `T${day}.${String(id % 10000).padStart(4, '0')}`;
}

export function seedAutotask(world: World): void {
	const data: AutotaskSlice = {
		picklists: picklists(),
		resources: [
			{
				id: API_RESOURCE_ID,
				userName: AUTOTASK_SANDBOX_USER.userName,
				email: AUTOTASK_SANDBOX_USER.userName,
				firstName: 'n8n',
				lastName: 'API',
				isActive: true,
				defaultServiceDeskRoleID: 8,
			},
		],
		tickets: [],
		notes: [],
		timeEntries: [],
		additionalConfigurationItems: [],
	};
	world.vendors[SLICE] = data;
	const perClient = world.scale?.ticketsPerClient ?? 14;
	const open = data.picklists.status.filter((s) => s.isActive && s.value !== '5');
	const queues = data.picklists.queueID.filter((q) => !q.isSystem);
	world.clients.forEach((client, clientIndex) => {
		const devices = world.devices.filter((d) => d.clientKey === client.key);
		for (let i = 0; i < perClient; i++) {
			const n = clientIndex * perClient + i;
			const closed = n % 5 === 3;
			const host = devices.length ? devices[n % devices.length].hostname : client.code;
			const created = Date.parse(world.createdAt) - (n + 1) * 3_600_000 * 5;
			const updated = created + 2_700_000 * ((n % 3) + 1);
			const id = nextId(world, 'autotask-ticket', 140001);
			data.tickets.push({
				id,
				ticketNumber: ticketNumberOf(created, id),
				title: SUMMARIES[n % SUMMARIES.length].replace('{host}', host),
				description: `Reported by the ${clientName(client, 'psa')} office.`,
				status: closed ? 5 : Number(open[n % open.length].value),
				priority: Number(data.picklists.priority[n % data.picklists.priority.length].value),
				queueID: Number(queues[n % queues.length].value),
				companyID: companyIdOf(client),
				externalID: null,
				configurationItemID: null,
				ticketType: 1,
				source: 2,
				resolution: null,
				createDate: atDate(created),
				lastActivityDate: atDate(updated),
				completedDate: closed ? atDate(updated) : null,
				creatorResourceID: API_RESOURCE_ID,
			});
		}
	});
}
