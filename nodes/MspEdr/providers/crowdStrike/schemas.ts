import { z } from 'zod';

/**
 * The parts of Falcon payloads the provider relies on; everything else passes through under raw.
 * Every answer is `{meta, errors, resources}`; timestamps are ISO 8601 (alerts with nanoseconds).
 */
const Text = z.string().nullable().optional();

export const FalconMeta = z
	.object({
		pagination: z
			.object({
				offset: z.union([z.number(), z.string()]).nullable().optional(),
				limit: z.number().nullable().optional(),
				total: z.number().nullable().optional(),
				after: Text,
			})
			.passthrough()
			.nullable()
			.optional(),
		writes: z.object({ resources_affected: z.number() }).passthrough().nullable().optional(),
	})
	.passthrough();

export const FalconError = z
	.object({ code: z.number().optional(), message: z.string().optional() })
	.passthrough();

export const FalconEnvelope = <T extends z.ZodTypeAny>(resource: T) =>
	z
		.object({
			meta: FalconMeta.optional(),
			errors: z.array(FalconError).nullable().optional(),
			resources: z.array(resource).nullable().optional(),
		})
		.passthrough();

export const FalconIds = FalconEnvelope(z.string());

export const FalconHost = z
	.object({
		device_id: z.string(),
		cid: Text,
		hostname: Text,
		platform_name: Text,
		os_version: Text,
		product_type_desc: Text,
		local_ip: Text,
		last_seen: Text,
		status: Text,
		tags: z.array(z.string()).nullable().optional(),
	})
	.passthrough();
export type FalconHost = z.infer<typeof FalconHost>;

export const FalconAlert = z
	.object({
		composite_id: z.string(),
		id: Text,
		cid: Text,
		agent_id: Text,
		product: Text,
		name: Text,
		display_name: Text,
		description: Text,
		severity: z.number().nullable().optional(),
		severity_name: Text,
		confidence: z.number().nullable().optional(),
		status: Text,
		tactic: Text,
		technique: Text,
		technique_id: Text,
		filename: Text,
		filepath: Text,
		cmdline: Text,
		sha256: Text,
		sha1: Text,
		md5: Text,
		user_name: Text,
		parent_details: z
			.object({ filename: Text, filepath: Text, cmdline: Text })
			.passthrough()
			.nullable()
			.optional(),
		pattern_disposition_details: z.record(z.unknown()).nullable().optional(),
		device: z
			.object({
				device_id: Text,
				hostname: Text,
				product_type_desc: Text,
				status: Text,
			})
			.passthrough()
			.nullable()
			.optional(),
		comments: z
			.array(z.object({ value: Text, timestamp: Text }).passthrough())
			.nullable()
			.optional(),
		created_timestamp: Text,
		timestamp: Text,
		updated_timestamp: Text,
	})
	.passthrough();
export type FalconAlert = z.infer<typeof FalconAlert>;

/** `POST /devices/entities/devices-actions/v2` answers 202 with one resource per host it took. */
export const FalconActionResult = FalconEnvelope(z.object({ id: z.string() }).passthrough());

/** `PATCH /alerts/entities/alerts/v3`: `meta.writes.resources_affected`, resources not documented. */
export const FalconWrite = FalconEnvelope(z.unknown());
