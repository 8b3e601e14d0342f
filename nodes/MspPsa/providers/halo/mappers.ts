import type { z } from 'zod';

import type { Company, Configuration, Ticket, TicketNote, TimeEntry } from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import type { HaloActionSchema, HaloAssetSchema, HaloClientSchema, HaloTicket } from './schemas';

export interface HaloNames {
	status(id: number | null | undefined): string | undefined;
	priority(id: number | null | undefined): string | undefined;
	isClosed(statusId: number | null | undefined): boolean;
	/** Agent UI root, e.g. https://acme.halopsa.com */
	instanceUrl: string;
}

/** A Halo ticket names its team but not the team's id: `boardId` is absent on HaloPSA. */
export function toTicket(ticket: HaloTicket, names: HaloNames): Ticket {
	const company = companyRefOf(ticket.client_id || undefined, ticket.client_name);
	return {
		id: String(ticket.id),
		number: String(ticket.id),
		summary: ticket.summary ?? '',
		description: ticket.details || undefined,
		// A status missing from /Status (hidden from the list, or deleted) keeps the name the ticket carries.
		status: names.status(ticket.status_id) ?? (ticket.status_name || undefined),
		isClosed: names.isClosed(ticket.status_id),
		priority: names.priority(ticket.priority_id) ?? (ticket.priority_name || undefined),
		companyId: company?.id,
		companyName: company?.name,
		company,
		board: ticket.team || undefined,
		externalReference: ticket.third_party_id_string || undefined,
		url: `${names.instanceUrl}/tickets?id=${ticket.id}`,
		createdAt: isoUtc(ticket.dateoccurred),
		updatedAt: isoUtc(ticket.last_update),
		raw: ticket,
	};
}

export function toCompany(client: z.infer<typeof HaloClientSchema>): Company {
	return {
		id: String(client.id),
		name: client.name,
		identifier: client.accountsid || undefined,
		raw: client,
	};
}

export function toNote(action: z.infer<typeof HaloActionSchema>, ticketId: string): TicketNote {
	return {
		id: String(action.id),
		ticketId: action.ticket_id ? String(action.ticket_id) : ticketId,
		text: action.note ?? '',
		internal: action.hiddenfromuser === true,
		createdBy: action.who ?? undefined,
		createdAt: isoUtc(action.actiondatecreated ?? action.datetime),
		raw: action,
	};
}

export function toTimeEntry(
	action: z.infer<typeof HaloActionSchema>,
	ticketId: string,
	startedAt: string,
): TimeEntry {
	const hours = action.timetaken ?? 0;
	const start = isoUtc(action.datetime) ?? startedAt;
	return {
		id: String(action.id),
		ticketId: action.ticket_id ? String(action.ticket_id) : ticketId,
		member: action.who ?? undefined,
		startedAt: start,
		endedAt: new Date(Date.parse(start) + hours * 3_600_000).toISOString(),
		hours,
		notes: action.note || undefined,
		billable: action.actisbillable ?? undefined,
		raw: action,
	};
}

/** The serial number lives in an asset field; which one depends on the asset type, so both places are read. */
export function serialOf(asset: z.infer<typeof HaloAssetSchema>): string | undefined {
	const field = asset.fields?.find((f) => /serial/i.test(f.name ?? ''));
	return (typeof field?.value === 'string' && field.value) || asset.key_field2 || undefined;
}

export function toConfiguration(asset: z.infer<typeof HaloAssetSchema>): Configuration {
	const name = asset.inventory_number || asset.key_field || String(asset.id);
	const hostname = asset.key_field || asset.inventory_number || undefined;
	return {
		id: String(asset.id),
		name,
		companyId: asset.client_id ? String(asset.client_id) : undefined,
		type: asset.assettype_name || undefined,
		serialNumber: serialOf(asset),
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		active: asset.inactive === undefined || asset.inactive === null ? undefined : !asset.inactive,
		raw: asset,
	};
}
