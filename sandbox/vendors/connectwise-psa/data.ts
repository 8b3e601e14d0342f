import { nextId } from '../../world/seed';
import type { Client, Device, World } from '../../world/types';

/** Records only ConnectWise PSA has, kept in `world.vendors['connectwise-psa']`. Field names are ConnectWise's. */
export interface CwRef {
	id: number;
	name: string;
}

export interface CwBoard {
	id: number;
	name: string;
	inactiveFlag: boolean;
	projectFlag: boolean;
	billTime: string;
}

export interface CwBoardStatus {
	id: number;
	name: string;
	boardId: number;
	sortOrder: number;
	displayOnBoard: boolean;
	inactive: boolean;
	closedStatus: boolean;
	timeEntryNotAllowed: boolean;
	defaultFlag: boolean;
	escalationStatus: string;
	customerPortalDescription: string;
	customerPortalFlag: boolean;
}

export interface CwPriority {
	id: number;
	name: string;
	color: string;
	sortOrder: number;
	defaultFlag: boolean;
	level: string;
}

export interface CwTicket {
	id: number;
	summary: string;
	recordType: 'ServiceTicket';
	boardId: number;
	statusId: number;
	companyId: number;
	priorityId: number;
	severity: 'Low' | 'Medium' | 'High';
	impact: 'Low' | 'Medium' | 'High';
	externalXRef: string | null;
	closedFlag: boolean;
	closedDate: string | null;
	closedBy: string | null;
	dateEntered: string;
	enteredBy: string;
	lastUpdated: string;
	updatedBy: string;
}

export interface CwNote {
	id: number;
	ticketId: number;
	text: string;
	detailDescriptionFlag: boolean;
	internalAnalysisFlag: boolean;
	resolutionFlag: boolean;
	issueFlag: boolean;
	customerUpdatedFlag: boolean;
	processNotifications: boolean;
	dateCreated: string;
	createdBy: string;
	internalFlag: boolean;
	externalFlag: boolean;
}

export interface CwTimeEntry {
	id: number;
	ticketId: number;
	companyId: number;
	memberIdentifier: string;
	timeStart: string;
	timeEnd: string | null;
	hoursDeduct: number;
	actualHours: number;
	billableOption: string;
	notes: string;
	internalNotes: string;
	addToDetailDescriptionFlag: boolean;
	addToInternalAnalysisFlag: boolean;
	addToResolutionFlag: boolean;
	status: string;
	dateEntered: string;
}

export interface CwMember {
	id: number;
	identifier: string;
	name: string;
}

export interface CwSlice {
	boards: CwBoard[];
	statuses: CwBoardStatus[];
	priorities: CwPriority[];
	members: CwMember[];
	tickets: CwTicket[];
	notes: CwNote[];
	timeEntries: CwTimeEntry[];
	ticketConfigurations: Array<{ ticketId: number; configurationId: number }>;
}

export const SLICE = 'connectwise-psa';
/** The member the API keys belong to: ConnectWise records it as the author of API writes. */
export const API_MEMBER: CwMember = { id: 176, identifier: 'apimember', name: 'API Member' };

/** ConnectWise writes UTC datetimes as yyyy-MM-ddTHH:mm:ssZ, without milliseconds. */
export function cwDate(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function slice(world: World): CwSlice {
	return world.vendors[SLICE] as CwSlice;
}

const BOARDS: Array<{
	board: CwBoard;
	statuses: Array<Partial<CwBoardStatus> & { name: string }>;
}> = [
	{
		board: {
			id: 1,
			name: 'Help Desk',
			inactiveFlag: false,
			projectFlag: false,
			billTime: 'Billable',
		},
		statuses: [
			{ name: 'New', defaultFlag: true },
			{ name: 'In Progress' },
			{ name: 'Waiting Customer' },
			{ name: 'Scheduled' },
			// An old closed status, made inactive when the board was cleaned up: must not be chosen to close tickets.
			{ name: 'Closed (old)', closedStatus: true, inactive: true },
			{ name: '>Closed', closedStatus: true },
		],
	},
	{
		board: {
			id: 2,
			name: 'Security Operations',
			inactiveFlag: false,
			projectFlag: false,
			billTime: 'Billable',
		},
		statuses: [
			{ name: 'New (Alert)', defaultFlag: true },
			{ name: 'Investigating' },
			{ name: 'Contained' },
			{ name: 'Resolved', closedStatus: true },
		],
	},
	{
		board: {
			id: 3,
			name: 'Patching',
			inactiveFlag: false,
			projectFlag: false,
			billTime: 'NoCharge',
		},
		statuses: [
			{ name: 'New', defaultFlag: true },
			{ name: 'Deploying' },
			{ name: 'Verify' },
			{ name: 'Completed', closedStatus: true },
		],
	},
];

const PRIORITIES: CwPriority[] = [
	{
		id: 1,
		name: 'Priority 1 - Emergency Response',
		color: 'Red',
		sortOrder: 2,
		defaultFlag: false,
		level: 'Level1',
	},
	{
		id: 2,
		name: 'Priority 2 - Quick Response',
		color: 'Orange',
		sortOrder: 4,
		defaultFlag: false,
		level: 'Level2',
	},
	{
		id: 3,
		name: 'Priority 3 - Normal Response',
		color: 'Yellow',
		sortOrder: 6,
		defaultFlag: true,
		level: 'Level3',
	},
	{
		id: 4,
		name: 'Priority 4 - Schedule Maintenance',
		color: 'Green',
		sortOrder: 8,
		defaultFlag: false,
		level: 'Level4',
	},
];

const SUMMARIES = [
	'Outlook keeps asking for password on {host}',
	'Printer offline in reception',
	'Disk C: below 10% free on {host}',
	'New starter laptop setup',
	'VPN drops every 30 minutes',
	'Backup job failed overnight on {host}',
	'Scanner not sending to email',
	'Teams camera not detected on {host}',
	'Reset MFA for user',
	'Patch compliance review for {host}',
	'Suspicious sign-in alert for mailbox',
	'Slow file share access from {host}',
];

export function defaultTicketsPerClient(world: World): number {
	return world.scale?.ticketsPerClient ?? 14;
}

export function seedConnectWise(world: World): void {
	const data: CwSlice = {
		boards: [],
		statuses: [],
		priorities: PRIORITIES.map((p) => ({ ...p })),
		members: [API_MEMBER, { id: 181, identifier: 'jsmith', name: 'Jordan Smith' }],
		tickets: [],
		notes: [],
		timeEntries: [],
		ticketConfigurations: [],
	};
	for (const { board, statuses } of BOARDS) {
		data.boards.push({ ...board });
		statuses.forEach((status, index) => {
			data.statuses.push({
				id: nextId(world, 'cw-status', 16),
				boardId: board.id,
				sortOrder: index,
				displayOnBoard: !status.closedStatus,
				inactive: false,
				closedStatus: false,
				timeEntryNotAllowed: Boolean(status.closedStatus),
				defaultFlag: false,
				escalationStatus: status.closedStatus ? 'NotResponded' : 'Responded',
				customerPortalDescription: status.name.replace(/^>/, ''),
				customerPortalFlag: true,
				...status,
			});
		});
	}
	world.vendors[SLICE] = data;
	const perClient = defaultTicketsPerClient(world);
	world.clients.forEach((client, clientIndex) => {
		const devices = world.devices.filter((d) => d.clientKey === client.key);
		for (let n = 0; n < perClient; n++)
			seedTicket(world, data, client, devices, clientIndex * perClient + n);
	});
}

function seedTicket(
	world: World,
	data: CwSlice,
	client: Client,
	devices: Device[],
	n: number,
): void {
	const board = data.boards[n % data.boards.length];
	const statuses = data.statuses.filter((s) => s.boardId === board.id && !s.inactive);
	// Roughly one ticket in five is closed, the rest spread over the open statuses.
	const closed = n % 5 === 4;
	const status = closed
		? statuses.find((s) => s.closedStatus)!
		: statuses.filter((s) => !s.closedStatus)[n % (statuses.length - 1)];
	const host = devices.length ? devices[n % devices.length].hostname : client.code;
	// Seeded tickets sit before the world's clock, spread over the previous weeks.
	const entered = cwDate(Date.parse(world.createdAt) - (n + 1) * 3_600_000 * 7);
	const updated = cwDate(Date.parse(entered) + 1_800_000 * ((n % 4) + 1));
	data.tickets.push({
		id: nextId(world, 'cw-ticket', 5001),
		summary: SUMMARIES[n % SUMMARIES.length].replace('{host}', host),
		recordType: 'ServiceTicket',
		boardId: board.id,
		statusId: status.id,
		companyId: client.ids.connectwiseCompanyId,
		priorityId: PRIORITIES[n % PRIORITIES.length].id,
		severity: 'Medium',
		impact: 'Medium',
		externalXRef: null,
		closedFlag: closed,
		closedDate: closed ? updated : null,
		closedBy: closed ? 'jsmith' : null,
		dateEntered: entered,
		enteredBy: 'jsmith',
		lastUpdated: updated,
		updatedBy: 'jsmith',
	});
}
