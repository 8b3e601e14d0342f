import type { Company, Configuration, Ticket, TicketNote, TimeEntry } from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { fitReference } from '../common';
import type { AtCompany, AtConfigurationItem, AtNote, AtTicket, AtTimeEntry } from './schemas';

/** Autotask's ticket status "Complete": a system picklist value, the same in every database. */
export const COMPLETE_STATUS = 5;

/** Autotask keeps at most 50 characters in a ticket's `externalID` (Tickets entityInformation). */
export const EXTERNAL_ID_MAX = 50;

/** The `externalID` a ticket carries for an external reference (shortened past 50 characters, see fitReference). */
export function externalIdOf(reference: string): string {
	return fitReference(reference, EXTERNAL_ID_MAX);
}

/** Picklist labels and company names a ticket refers to by id. */
export interface AtNames {
	status(value: number | null | undefined): string | undefined;
	priority(value: number | null | undefined): string | undefined;
	queue(value: number | null | undefined): string | undefined;
	company(id: number | null | undefined): string | undefined;
	/** The zone's web UI root, e.g. https://ww5.autotask.net/ */
	webUrl: string;
}

/**
 * Link to the ticket in Autotask: the "Autotask Extend" command URL that opens a ticket's detail
 * page, under the zone's web address.
 */
export function ticketUrl(webUrl: string, id: number): string {
	return `${webUrl.replace(/\/+$/, '')}/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${id}`;
}

export function toTicket(ticket: AtTicket, names: AtNames): Ticket {
	const company = companyRefOf(ticket.companyID ?? undefined, names.company(ticket.companyID));
	return {
		id: String(ticket.id),
		number: ticket.ticketNumber || undefined,
		summary: ticket.title ?? '',
		description: ticket.description || undefined,
		status: names.status(ticket.status),
		isClosed: ticket.status === COMPLETE_STATUS,
		priority: names.priority(ticket.priority),
		companyId: company?.id,
		companyName: company?.name,
		company,
		board: names.queue(ticket.queueID),
		boardId: typeof ticket.queueID === 'number' ? String(ticket.queueID) : undefined,
		externalReference: ticket.externalID || undefined,
		url: ticketUrl(names.webUrl, ticket.id),
		createdAt: isoUtc(ticket.createDate),
		updatedAt: isoUtc(ticket.lastActivityDate),
		raw: ticket,
	};
}

export function toCompany(company: AtCompany): Company {
	return {
		id: String(company.id),
		name: company.companyName,
		identifier: company.companyNumber || undefined,
		raw: company,
	};
}

/** Publish 2 is "Internal Users Only" (see the client's PUBLISH). */
export function toNote(note: AtNote, ticketId: string, internalPublish: number): TicketNote {
	return {
		id: String(note.id),
		ticketId: note.ticketID ? String(note.ticketID) : ticketId,
		text: note.description ?? '',
		internal: typeof note.publish === 'number' ? note.publish === internalPublish : undefined,
		createdAt: isoUtc(note.createDateTime),
		raw: note,
	};
}

export function toTimeEntry(entry: AtTimeEntry, ticketId: string, startedAt: string): TimeEntry {
	const hours = entry.hoursWorked ?? 0;
	const start = isoUtc(entry.startDateTime) ?? startedAt;
	return {
		id: String(entry.id),
		ticketId: entry.ticketID ? String(entry.ticketID) : ticketId,
		startedAt: start,
		endedAt:
			isoUtc(entry.endDateTime) ?? new Date(Date.parse(start) + hours * 3_600_000).toISOString(),
		hours,
		notes: entry.summaryNotes || undefined,
		billable: typeof entry.isNonBillable === 'boolean' ? !entry.isNonBillable : undefined,
		raw: entry,
	};
}

export function toConfiguration(
	item: AtConfigurationItem,
	typeName: (value: number | null | undefined) => string | undefined,
): Configuration {
	const hostname = item.rmmDeviceAuditHostname || item.referenceTitle || undefined;
	return {
		id: String(item.id),
		name: item.referenceTitle || item.rmmDeviceAuditHostname || String(item.id),
		companyId: typeof item.companyID === 'number' ? String(item.companyID) : undefined,
		type: typeName(item.configurationItemType),
		serialNumber: item.serialNumber || undefined,
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		deviceId: item.rmmDeviceUID || (item.rmmDeviceID ? String(item.rmmDeviceID) : undefined),
		active: typeof item.isActive === 'boolean' ? item.isActive : undefined,
		raw: item,
	};
}
