import { DAY, seededAgo } from '../../world/clock';
import { clientName } from '../../world/names';
import type { Client, Device, World } from '../../world/types';

import {
	API_MEMBER,
	cwDate,
	slice,
	type CwBoard,
	type CwBoardStatus,
	type CwNote,
	type CwPriority,
	type CwTicket,
	type CwTimeEntry,
} from './data';

/** The JSON ConnectWise returns for each record: references carry `_info` hrefs, as the API does. */
export interface Api {
	url: string;
	world: World;
}

export function companyRef(api: Api, client: Client) {
	const id = client.ids.connectwiseCompanyId;
	return {
		id,
		identifier: client.ids.connectwiseIdentifier,
		name: clientName(client, 'psa'),
		_info: { company_href: `${api.url}/company/companies/${id}` },
	};
}

export function clientByCompanyId(world: World, id: number): Client | undefined {
	return world.clients.find((c) => c.ids.connectwiseCompanyId === id);
}

export function boardOut(api: Api, board: CwBoard) {
	return {
		id: board.id,
		name: board.name,
		location: { id: 2, name: 'Main Office' },
		department: { id: 10, identifier: 'Services', name: 'Services' },
		inactiveFlag: board.inactiveFlag,
		projectFlag: board.projectFlag,
		billTime: board.billTime,
		_info: {
			lastUpdated: cwDate(Date.parse(seededAgo(api.world, 323 * DAY))),
			updatedBy: 'admin1',
		},
	};
}

export function statusOut(api: Api, status: CwBoardStatus) {
	const board = slice(api.world).boards.find((b) => b.id === status.boardId)!;
	const { boardId: _boardId, ...fields } = status;
	return {
		...fields,
		board: {
			id: board.id,
			name: board.name,
			_info: { board_href: `${api.url}/service/boards/${board.id}` },
		},
		_info: {
			lastUpdated: cwDate(Date.parse(seededAgo(api.world, 323 * DAY))),
			updatedBy: 'admin1',
		},
	};
}

export function priorityOut(_api: Api, priority: CwPriority) {
	return {
		...priority,
		_info: { image_href: `https://sandbox.invalid/priority/${priority.id}.gif` },
	};
}

export function ticketOut(api: Api, ticket: CwTicket) {
	const data = slice(api.world);
	const board = data.boards.find((b) => b.id === ticket.boardId)!;
	const status = data.statuses.find((s) => s.id === ticket.statusId)!;
	const priority = data.priorities.find((p) => p.id === ticket.priorityId)!;
	const client = clientByCompanyId(api.world, ticket.companyId)!;
	const href = `${api.url}/service/tickets/${ticket.id}`;
	return {
		id: ticket.id,
		summary: ticket.summary,
		recordType: ticket.recordType,
		board: {
			id: board.id,
			name: board.name,
			_info: { board_href: `${api.url}/service/boards/${board.id}` },
		},
		status: {
			id: status.id,
			name: status.name,
			Sort: status.sortOrder,
			_info: { status_href: `${api.url}/service/boards/${board.id}/statuses/${status.id}` },
		},
		company: companyRef(api, client),
		priority: {
			id: priority.id,
			name: priority.name,
			sort: priority.sortOrder,
			_info: { priority_href: `${api.url}/service/priorities/${priority.id}` },
		},
		severity: ticket.severity,
		impact: ticket.impact,
		externalXRef: ticket.externalXRef,
		closedFlag: ticket.closedFlag,
		closedDate: ticket.closedDate,
		closedBy: ticket.closedBy,
		customerUpdatedFlag: false,
		automaticEmailContactFlag: false,
		automaticEmailResourceFlag: false,
		automaticEmailCcFlag: false,
		approved: true,
		hasChildTicket: false,
		billTime: 'NoDefault',
		billExpenses: 'NoDefault',
		billProducts: 'NoDefault',
		_info: {
			lastUpdated: ticket.lastUpdated,
			updatedBy: ticket.updatedBy,
			dateEntered: ticket.dateEntered,
			enteredBy: ticket.enteredBy,
			activities_href: `${api.url}/sales/activities?conditions=ticket/id=${ticket.id}`,
			timeentries_href: `${api.url}/time/entries?conditions=(chargeToType="ServiceTicket" OR chargeToType="ProjectTicket") AND chargeToId=${ticket.id}`,
			notes_href: `${href}/notes`,
			configurations_href: `${href}/configurations`,
		},
	};
}

export function noteOut(_api: Api, note: CwNote) {
	return {
		...note,
		member: { id: API_MEMBER.id, identifier: API_MEMBER.identifier, name: API_MEMBER.name },
		_info: { lastUpdated: note.dateCreated, updatedBy: note.createdBy },
	};
}

export function timeEntryOut(api: Api, entry: CwTimeEntry) {
	const client = clientByCompanyId(api.world, entry.companyId)!;
	const member =
		slice(api.world).members.find((m) => m.identifier === entry.memberIdentifier) ?? API_MEMBER;
	const ticket = slice(api.world).tickets.find((t) => t.id === entry.ticketId);
	return {
		id: entry.id,
		company: companyRef(api, client),
		companyType: 'Client',
		chargeToId: entry.ticketId,
		chargeToType: 'ServiceTicket',
		member: { id: member.id, identifier: member.identifier, name: member.name },
		timeStart: entry.timeStart,
		timeEnd: entry.timeEnd,
		hoursDeduct: entry.hoursDeduct,
		actualHours: entry.actualHours,
		billableOption: entry.billableOption,
		notes: entry.notes,
		internalNotes: entry.internalNotes,
		addToDetailDescriptionFlag: entry.addToDetailDescriptionFlag,
		addToInternalAnalysisFlag: entry.addToInternalAnalysisFlag,
		addToResolutionFlag: entry.addToResolutionFlag,
		status: entry.status,
		ticket: ticket ? { id: ticket.id, summary: ticket.summary } : undefined,
		dateEntered: entry.dateEntered,
		_info: { lastUpdated: entry.dateEntered, updatedBy: API_MEMBER.identifier },
	};
}

export function companyOut(api: Api, client: Client) {
	const { _info: _ref, ...ref } = companyRef(api, client);
	return {
		...ref,
		status: { id: 1, name: 'Active' },
		addressLine1: `${client.code} House, 1 High Street`,
		city: 'Springfield',
		state: 'IL',
		zip: '62701',
		country: { id: 1, name: 'United States' },
		phoneNumber: '2175550100',
		website: `www.${client.code.toLowerCase()}.example`,
		territory: { id: 1, name: 'Main' },
		types: [{ id: 1, name: 'Client' }],
		site: { id: 1000 + client.ids.connectwiseCompanyId, name: 'Main' },
		deletedFlag: false,
		integratorTags: [],
		_info: {
			lastUpdated: cwDate(Date.parse(seededAgo(api.world, 323 * DAY))),
			updatedBy: 'admin1',
			dateEntered: cwDate(Date.parse(seededAgo(api.world, 633 * DAY))),
		},
	};
}

export function configurationOut(api: Api, device: Device) {
	const client = api.world.clients.find((c) => c.key === device.clientKey)!;
	const server = device.type !== 'workstation';
	return {
		id: device.ids.connectwiseConfigurationId,
		name: device.hostname,
		type: server ? { id: 3, name: 'Managed Server' } : { id: 2, name: 'Managed Workstation' },
		status: { id: 1, name: 'Active' },
		company: companyRef(api, client),
		deviceIdentifier: String(device.ids.ninjaDeviceId),
		serialNumber: device.serialNumber,
		modelNumber: server ? 'ProLiant DL360 Gen11' : 'EliteBook 840 G10',
		tagNumber: '',
		macAddress: device.macAddress,
		ipAddress: device.ipAddress,
		osType: device.os,
		osInfo: device.osBuild,
		lastLoginName: device.lastLoggedOnUser,
		activeFlag: true,
		billFlag: false,
		manufacturer: { id: 1, name: 'HP' },
		_info: { lastUpdated: device.lastSeen, updatedBy: 'RMM Integration' },
	};
}

/** `GET /service/tickets/{id}/configurations` rows: a ConfigurationReference plus a few summary fields. */
export function ticketConfigurationOut(api: Api, device: Device) {
	const full = configurationOut(api, device);
	return {
		id: full.id,
		deviceIdentifier: full.deviceIdentifier,
		name: full.name,
		type: full.type,
		status: full.status,
		serialNumber: full.serialNumber,
		modelNumber: full.modelNumber,
		_info: { configuration_href: `${api.url}/company/configurations/${full.id}` },
	};
}
