import { z } from 'zod';

/** The parts of Halo payloads (spec schemas Faults, Actions, TStatus, Area, Device...) the mappers read. */
export const HaloTicketSchema = z
	.object({
		id: z.number(),
		summary: z.string().nullish(),
		details: z.string().nullish(),
		client_id: z.number().nullish(),
		client_name: z.string().nullish(),
		status_id: z.number().nullish(),
		status_name: z.string().nullish(),
		priority_id: z.number().nullish(),
		priority_name: z.string().nullish(),
		team: z.string().nullish(),
		third_party_id_string: z.string().nullish(),
		dateoccurred: z.string().nullish(),
		last_update: z.string().nullish(),
		assets: z.array(z.object({ id: z.number() }).passthrough()).nullish(),
	})
	.passthrough();
export type HaloTicket = z.infer<typeof HaloTicketSchema>;

/** A POST of one element answers with the saved object; be lenient and accept a one-element array too. */
export const savedOne = <T extends z.ZodTypeAny>(schema: T) =>
	z
		.union([schema, z.array(schema).min(1)])
		.transform((value) => (Array.isArray(value) ? value[0] : value) as z.output<T>);

export const HaloTicketListSchema = z
	.object({ record_count: z.number(), tickets: z.array(HaloTicketSchema) })
	.passthrough();

/** TStatus; `type` is what tells a closed status from an open one (see the client's closed-status rule). */
export const HaloStatusSchema = z
	.object({
		id: z.number(),
		name: z.string(),
		type: z.number().nullish(),
		sequence: z.number().nullish(),
	})
	.passthrough();
export type HaloStatus = z.infer<typeof HaloStatusSchema>;
export const HaloTeamSchema = z
	.object({ id: z.number(), name: z.string(), inactive: z.boolean().nullish() })
	.passthrough();
export const HaloPrioritySchema = z
	.object({ priorityid: z.number(), name: z.string() })
	.passthrough();

/**
 * `/Status`, `/Team` and `/Priority` answer a bare array (n8n's own HaloPSA node reads them so);
 * a wrapper like the other lists' (`{statuses: [...]}` or `{records: [...]}`) is [unverified] and
 * accepted as well, so a tenant on another Halo version does not break every ticket operation.
 */
export function haloConfigList<T extends z.ZodTypeAny>(schema: T, wrapper: string) {
	return z.preprocess((body) => unwrapList(body, wrapper), z.array(schema));
}

function unwrapList(body: unknown, wrapper: string): unknown {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
	const record = body as Record<string, unknown>;
	const key = [wrapper, 'records'].find((name) => Array.isArray(record[name]));
	return key === undefined ? body : record[key];
}

export const HaloActionSchema = z
	.object({
		id: z.number(),
		ticket_id: z.number().nullish(),
		outcome: z.string().nullish(),
		note: z.string().nullish(),
		hiddenfromuser: z.boolean().nullish(),
		timetaken: z.number().nullish(),
		actisbillable: z.boolean().nullish(),
		datetime: z.string().nullish(),
		actiondatecreated: z.string().nullish(),
		who: z.string().nullish(),
	})
	.passthrough();

export type HaloAction = z.infer<typeof HaloActionSchema>;
/** `GET /Actions?ticket_id=` -> `{record_count, actions}`. */
export const HaloActionListSchema = z
	.object({ record_count: z.number(), actions: z.array(HaloActionSchema) })
	.passthrough();

export const HaloClientSchema = z
	.object({ id: z.number(), name: z.string(), accountsid: z.string().nullish() })
	.passthrough();
export const HaloClientListSchema = z
	.object({ record_count: z.number(), clients: z.array(HaloClientSchema) })
	.passthrough();

export const HaloAssetSchema = z
	.object({
		id: z.number(),
		inventory_number: z.string().nullish(),
		key_field: z.string().nullish(),
		key_field2: z.string().nullish(),
		client_id: z.number().nullish(),
		assettype_name: z.string().nullish(),
		inactive: z.boolean().nullish(),
		fields: z
			.array(z.object({ name: z.string().nullish(), value: z.unknown() }).passthrough())
			.nullish(),
	})
	.passthrough();
export const HaloAssetListSchema = z
	.object({ record_count: z.number(), assets: z.array(HaloAssetSchema) })
	.passthrough();
