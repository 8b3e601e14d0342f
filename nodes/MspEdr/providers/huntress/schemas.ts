import { z } from 'zod';

/**
 * The parts of Huntress API v1 payloads the provider relies on; everything else passes through
 * under raw. Ids are integers (int64) in the swagger; timestamps ISO 8601, `null` when not applicable.
 */
const HuntressId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const Text = z.string().nullable().optional();

export const HuntressAgent = z
	.object({
		id: HuntressId,
		hostname: z.string(),
		organization_id: HuntressId.nullable().optional(),
		platform: Text,
		os: Text,
		ipv4_address: Text,
		firewall_status: Text,
		tags: z.array(z.string()).nullable().optional(),
		last_callback_at: Text,
		updated_at: Text,
	})
	.passthrough();
export type HuntressAgent = z.infer<typeof HuntressAgent>;

export const HuntressOrganization = z
	.object({
		id: HuntressId,
		name: z.string().nullable().optional(),
		/** How many agents the organization has: sizes the account's agent list before reading it. */
		agents_count: z.number().int().nonnegative().nullable().optional(),
	})
	.passthrough();
export type HuntressOrganization = z.infer<typeof HuntressOrganization>;

/**
 * A remediation Huntress proposes: `type` assisted, manual or containment; `status` unapproved,
 * approved, completed, failed or cancelled. `parameters` is an array of `{name, description}` pairs
 * for assisted ones, a string for containment and empty for manual ones, so any shape is accepted.
 */
export const HuntressRemediation = z
	.object({
		id: HuntressId,
		type: Text,
		action: Text,
		status: Text,
		parameters: z.unknown().optional(),
		approved_at: Text,
		completed_at: Text,
	})
	.passthrough();
export type HuntressRemediation = z.infer<typeof HuntressRemediation>;

export const HuntressIncident = z
	.object({
		id: HuntressId,
		agent_id: HuntressId.nullable().optional(),
		organization_id: HuntressId.nullable().optional(),
		platform: Text,
		severity: Text,
		status: Text,
		subject: Text,
		summary: Text,
		indicator_types: z.array(z.string()).nullable().optional(),
		indicator_counts: z.record(z.unknown()).nullable().optional(),
		/** The first 10 remediations; `has_more` says the remediations endpoint holds more. */
		remediations: z
			.object({
				total_count: z.number().nullable().optional(),
				has_more: z.boolean().nullable().optional(),
				items: z.array(HuntressRemediation).nullable().optional(),
			})
			.passthrough()
			.nullable()
			.optional(),
		sent_at: Text,
		status_updated_at: Text,
		closed_at: Text,
		updated_at: Text,
	})
	.passthrough();
export type HuntressIncident = z.infer<typeof HuntressIncident>;

const Pagination = z
	.object({ next_page_token: Text, next_page_url: Text })
	.passthrough()
	.nullable()
	.optional();

/** A list answer: `{"<plural>": [...], "pagination": {...}}`. */
export const HuntressList = <T extends z.ZodTypeAny>(key: string, item: T) =>
	z.object({ [key]: z.array(item), pagination: Pagination }).passthrough();

/** A single answer: `{"<singular>": {...}}`. */
export const HuntressOne = <T extends z.ZodTypeAny>(key: string, item: T) =>
	z.object({ [key]: item }).passthrough();
