import { z } from 'zod';

/** The parts of ConnectWise payloads the mappers read; everything else passes through to raw. */
const Reference = z
	.object({ id: z.number(), name: z.string().optional(), identifier: z.string().optional() })
	.passthrough();

export const CwTicketSchema = z
	.object({
		id: z.number(),
		summary: z.string(),
		board: Reference.optional(),
		status: Reference.optional(),
		priority: Reference.optional(),
		company: Reference.optional(),
		externalXRef: z.string().nullish(),
		closedFlag: z.boolean().nullish(),
		_info: z.record(z.unknown()).optional(),
	})
	.passthrough();
export type CwTicket = z.infer<typeof CwTicketSchema>;

export const CwBoardStatusSchema = z
	.object({
		id: z.number(),
		name: z.string(),
		sortOrder: z.number().nullish(),
		inactive: z.boolean().nullish(),
		closedStatus: z.boolean().nullish(),
		defaultFlag: z.boolean().nullish(),
	})
	.passthrough();
export type CwBoardStatus = z.infer<typeof CwBoardStatusSchema>;

export const CwNamedSchema = z.object({ id: z.number(), name: z.string() }).passthrough();

export const CwCompanySchema = z
	.object({ id: z.number(), identifier: z.string(), name: z.string() })
	.passthrough();

export const CwNoteSchema = z
	.object({
		id: z.number(),
		ticketId: z.number().nullish(),
		text: z.string().nullish(),
		internalAnalysisFlag: z.boolean().nullish(),
		resolutionFlag: z.boolean().nullish(),
		createdBy: z.string().nullish(),
		dateCreated: z.string().nullish(),
	})
	.passthrough();

export const CwTimeEntrySchema = z
	.object({
		id: z.number(),
		chargeToId: z.number().nullish(),
		member: Reference.optional(),
		timeStart: z.string().nullish(),
		timeEnd: z.string().nullish(),
		actualHours: z.number().nullish(),
		notes: z.string().nullish(),
		billableOption: z.string().nullish(),
	})
	.passthrough();

export const CwConfigurationSchema = z
	.object({
		id: z.number(),
		name: z.string(),
		type: Reference.optional(),
		company: Reference.optional(),
		serialNumber: z.string().nullish(),
		deviceIdentifier: z.string().nullish(),
		activeFlag: z.boolean().nullish(),
	})
	.passthrough();

export const listOf = <T extends z.ZodTypeAny>(item: T) => z.array(item);
