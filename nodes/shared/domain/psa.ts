import { z } from 'zod';

import { checkHostnameKey, CompanyRefSchema, HostnameKey, Id, Raw, UtcTimestamp } from './common';

export const CompanySchema = z.object({
	id: Id,
	name: z.string(),
	identifier: z.string().optional().describe('Short code or account number used by the PSA'),
	raw: Raw,
});
export type Company = z.infer<typeof CompanySchema>;

export const TicketSchema = z.object({
	id: Id,
	number: z.string().optional().describe('Human-facing ticket number when it differs from the id'),
	summary: z.string(),
	description: z.string().optional(),
	status: z.string().optional().describe('Vendor status name (boards define their own statuses)'),
	isClosed: z.boolean().optional(),
	priority: z.string().optional(),
	companyId: Id.optional().describe('Same as company.id'),
	companyName: z.string().optional().describe('Same as company.name'),
	company: CompanyRefSchema.optional().describe("The ticket's company (client), from the PSA"),
	board: z.string().optional().describe('Board, queue or team the ticket belongs to'),
	boardId: Id.optional(),
	externalReference: z
		.string()
		.optional()
		.describe('Reference set by the automation (e.g. alert id) used to find the ticket again'),
	url: z.string().optional().describe('Link to the ticket in the PSA user interface'),
	createdAt: UtcTimestamp.optional(),
	updatedAt: UtcTimestamp.optional(),
	raw: Raw,
});
export type Ticket = z.infer<typeof TicketSchema>;

export const TicketNoteSchema = z.object({
	id: Id,
	ticketId: Id,
	text: z.string(),
	internal: z.boolean().optional().describe('Hidden from the end customer'),
	createdBy: z.string().optional(),
	createdAt: UtcTimestamp.optional(),
	raw: Raw,
});
export type TicketNote = z.infer<typeof TicketNoteSchema>;

export const TimeEntrySchema = z.object({
	id: Id,
	ticketId: Id.optional(),
	member: z.string().optional().describe('Technician or resource the time is logged for'),
	startedAt: UtcTimestamp.optional(),
	endedAt: UtcTimestamp.optional(),
	hours: z.number().nonnegative(),
	notes: z.string().optional(),
	billable: z.boolean().optional(),
	raw: Raw,
});
export type TimeEntry = z.infer<typeof TimeEntrySchema>;

/** A configuration item / asset in the PSA (the CMDB side of a device). */
export const ConfigurationSchema = z
	.object({
		id: Id,
		name: z.string(),
		companyId: Id.optional(),
		type: z.string().optional(),
		serialNumber: z.string().optional(),
		hostname: z.string().optional(),
		hostnameKey: HostnameKey.optional(),
		deviceId: Id.optional().describe('Id of the matching RMM device, when the PSA stores it'),
		active: z.boolean().optional(),
		raw: Raw,
	})
	.superRefine(checkHostnameKey);
export type Configuration = z.infer<typeof ConfigurationSchema>;
