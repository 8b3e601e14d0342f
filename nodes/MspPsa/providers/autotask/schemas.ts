import { z } from 'zod';

/**
 * The parts of Autotask REST payloads (swagger definitions TicketModel, TicketNoteModel,
 * TimeEntryModel, CompanyModel, ConfigurationItemModel, FieldInformationModel) the mappers read.
 * Autotask writes empty fields as null.
 */
const udfs = z
	.array(z.object({ name: z.string().nullish(), value: z.unknown() }).passthrough())
	.nullish();

export const AtTicketSchema = z
	.object({
		id: z.number(),
		ticketNumber: z.string().nullish(),
		title: z.string().nullish(),
		description: z.string().nullish(),
		status: z.number().nullish(),
		priority: z.number().nullish(),
		companyID: z.number().nullish(),
		queueID: z.number().nullish(),
		externalID: z.string().nullish(),
		configurationItemID: z.number().nullish(),
		createDate: z.string().nullish(),
		lastActivityDate: z.string().nullish(),
		completedDate: z.string().nullish(),
		userDefinedFields: udfs,
	})
	.passthrough();
export type AtTicket = z.infer<typeof AtTicketSchema>;

export const AtNoteSchema = z
	.object({
		id: z.number(),
		ticketID: z.number().nullish(),
		title: z.string().nullish(),
		description: z.string().nullish(),
		noteType: z.number().nullish(),
		publish: z.number().nullish(),
		creatorResourceID: z.number().nullish(),
		createDateTime: z.string().nullish(),
	})
	.passthrough();
export type AtNote = z.infer<typeof AtNoteSchema>;

export const AtTimeEntrySchema = z
	.object({
		id: z.number(),
		ticketID: z.number().nullish(),
		resourceID: z.number().nullish(),
		startDateTime: z.string().nullish(),
		endDateTime: z.string().nullish(),
		dateWorked: z.string().nullish(),
		hoursWorked: z.number().nullish(),
		summaryNotes: z.string().nullish(),
		isNonBillable: z.boolean().nullish(),
	})
	.passthrough();
export type AtTimeEntry = z.infer<typeof AtTimeEntrySchema>;

export const AtCompanySchema = z
	.object({
		id: z.number(),
		companyName: z.string(),
		companyNumber: z.string().nullish(),
		isActive: z.boolean().nullish(),
	})
	.passthrough();
export type AtCompany = z.infer<typeof AtCompanySchema>;

export const AtConfigurationItemSchema = z
	.object({
		id: z.number(),
		companyID: z.number().nullish(),
		referenceTitle: z.string().nullish(),
		referenceNumber: z.string().nullish(),
		serialNumber: z.string().nullish(),
		rmmDeviceAuditHostname: z.string().nullish(),
		rmmDeviceID: z.number().nullish(),
		rmmDeviceUID: z.string().nullish(),
		configurationItemType: z.number().nullish(),
		isActive: z.boolean().nullish(),
	})
	.passthrough();
export type AtConfigurationItem = z.infer<typeof AtConfigurationItemSchema>;

export const AtPicklistValueSchema = z
	.object({
		value: z.string(),
		label: z.string(),
		isDefaultValue: z.boolean().nullish(),
		sortOrder: z.number().nullish(),
		isActive: z.boolean().nullish(),
		isSystem: z.boolean().nullish(),
	})
	.passthrough();
export type AtPicklistValue = z.infer<typeof AtPicklistValueSchema>;

/** `GET /V1.0/Tickets/entityInformation/fields` -> `{fields: [...]}`. */
export const AtFieldsSchema = z
	.object({
		fields: z.array(
			z
				.object({
					name: z.string(),
					picklistValues: z.array(AtPicklistValueSchema).nullish(),
				})
				.passthrough(),
		),
	})
	.passthrough();

/** `GET /V1.0/{Entity}/{id}` -> `{item}`; a missing record is `{item: null}` (or a 404). */
export const atItem = <T extends z.ZodTypeAny>(schema: T) =>
	z.object({ item: schema.nullable() }).passthrough();

/** `POST /V1.0/{Entity}/query` -> `{items, pageDetails}`. */
export const atItems = <T extends z.ZodTypeAny>(schema: T) =>
	z
		.object({
			items: z.array(schema),
			pageDetails: z
				.object({ count: z.number().nullish(), nextPageUrl: z.string().nullish() })
				.passthrough()
				.nullish(),
		})
		.passthrough();

/** Create, update and delete answer `{itemId}`. */
export const AtItemIdSchema = z.object({ itemId: z.number() }).passthrough();

/** `Resources/query`: the resource time is logged for and its default service desk role. */
export const AtResourceSchema = z
	.object({ id: z.number(), defaultServiceDeskRoleID: z.number().nullish() })
	.passthrough();

/** `GET /V1.0/Tickets/{id}/AdditionalConfigurationItems`. */
export const AtAdditionalCiSchema = z
	.object({ id: z.number(), configurationItemID: z.number().nullish() })
	.passthrough();
