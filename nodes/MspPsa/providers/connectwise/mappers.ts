import type { z } from 'zod';

import type { Company, Configuration, Ticket, TicketNote, TimeEntry } from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { fitReference } from '../common';
import type {
	CwCompanySchema,
	CwConfigurationSchema,
	CwNoteSchema,
	CwTicket,
	CwTimeEntrySchema,
} from './schemas';

/**
 * Link to the ticket in the ConnectWise UI: the UI host is the API host without its `api-` prefix,
 * under the same path (the codebase, `v4_6_release`, and whatever sits before it on a server
 * behind a path prefix).
 */
export function ticketUrl(apiBase: string, id: number): string | undefined {
	const match = /^(https?:\/\/)(?:api-)?([^/]+)((?:\/[^/]+)*?)\/apis\/3\.0(?:\/|$)/.exec(apiBase);
	if (!match) return undefined;
	return `${match[1]}${match[2]}${match[3]}/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}`;
}

/** ConnectWise keeps at most 100 characters in a ticket's `externalXRef` and answers 400 for more. */
export const EXTERNAL_XREF_MAX = 100;

/** The `externalXRef` a ticket carries for an external reference (shortened past 100 characters, see fitReference). */
export function externalXRefOf(reference: string): string {
	return fitReference(reference, EXTERNAL_XREF_MAX);
}

export function toTicket(ticket: CwTicket, apiBase: string): Ticket {
	const info = ticket._info ?? {};
	const company = companyRefOf(ticket.company?.id, ticket.company?.name);
	return {
		id: String(ticket.id),
		number: String(ticket.id),
		summary: ticket.summary,
		status: ticket.status?.name,
		isClosed: ticket.closedFlag === true,
		priority: ticket.priority?.name,
		companyId: company?.id,
		companyName: company?.name,
		company,
		board: ticket.board?.name,
		boardId: ticket.board ? String(ticket.board.id) : undefined,
		externalReference: ticket.externalXRef || undefined,
		url: ticketUrl(apiBase, ticket.id),
		createdAt: isoUtc(info.dateEntered),
		updatedAt: isoUtc(info.lastUpdated),
		raw: ticket,
	};
}

export function toCompany(company: z.infer<typeof CwCompanySchema>): Company {
	return {
		id: String(company.id),
		name: company.name,
		identifier: company.identifier,
		raw: company,
	};
}

export function toNote(note: z.infer<typeof CwNoteSchema>, ticketId: string): TicketNote {
	return {
		id: String(note.id),
		ticketId: note.ticketId ? String(note.ticketId) : ticketId,
		text: note.text ?? '',
		internal: note.internalAnalysisFlag === true,
		createdBy: note.createdBy ?? undefined,
		createdAt: isoUtc(note.dateCreated),
		raw: note,
	};
}

export function toTimeEntry(entry: z.infer<typeof CwTimeEntrySchema>): TimeEntry {
	return {
		id: String(entry.id),
		ticketId: entry.chargeToId ? String(entry.chargeToId) : undefined,
		member: entry.member?.identifier ?? entry.member?.name,
		startedAt: isoUtc(entry.timeStart),
		endedAt: isoUtc(entry.timeEnd),
		hours: entry.actualHours ?? 0,
		notes: entry.notes ?? undefined,
		billable: entry.billableOption ? entry.billableOption === 'Billable' : undefined,
		raw: entry,
	};
}

export function toConfiguration(config: z.infer<typeof CwConfigurationSchema>): Configuration {
	return {
		id: String(config.id),
		name: config.name,
		companyId: config.company ? String(config.company.id) : undefined,
		type: config.type?.name,
		serialNumber: config.serialNumber || undefined,
		hostname: config.name,
		hostnameKey: hostnameKeyOf(config.name),
		deviceId: config.deviceIdentifier || undefined,
		active: config.activeFlag ?? undefined,
		raw: config,
	};
}
