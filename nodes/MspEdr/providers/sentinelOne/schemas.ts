import { z } from 'zod';

/** The parts of SentinelOne v2.1 payloads the provider relies on; everything else passes through under raw. */
export const S1Agent = z
	.object({
		id: z.string(),
		computerName: z.string(),
		networkStatus: z.string().nullable().optional(),
		isActive: z.boolean().optional(),
		osName: z.string().nullable().optional(),
		machineType: z.string().nullable().optional(),
		siteId: z.string().nullable().optional(),
		siteName: z.string().nullable().optional(),
		lastActiveDate: z.string().nullable().optional(),
		updatedAt: z.string().nullable().optional(),
		networkInterfaces: z
			.array(z.object({ inet: z.array(z.string()).nullable().optional() }).passthrough())
			.nullable()
			.optional(),
	})
	.passthrough();
export type S1Agent = z.infer<typeof S1Agent>;

export const S1MitigationEntry = z
	.object({
		action: z.string(),
		status: z.string().nullable().optional(),
		lastUpdate: z.string().nullable().optional(),
	})
	.passthrough();

/**
 * `indicators[].tactics[].techniques[]`: the MITRE ATT&CK matches behind a detection. The reference's
 * real fixture shows only `tactics: []`; tactic and technique `name`s are read defensively.
 */
const S1Indicator = z
	.object({
		tactics: z
			.array(
				z
					.object({
						name: z.string().nullable().optional(),
						techniques: z
							.array(z.object({ name: z.string().nullable().optional() }).passthrough())
							.nullable()
							.optional(),
					})
					.passthrough(),
			)
			.nullable()
			.optional(),
	})
	.passthrough();

export const S1Threat = z
	.object({
		id: z.string(),
		agentRealtimeInfo: z
			.object({
				agentId: z.string().nullable().optional(),
				agentComputerName: z.string().nullable().optional(),
				agentMachineType: z.string().nullable().optional(),
				siteId: z.string().nullable().optional(),
				siteName: z.string().nullable().optional(),
			})
			.passthrough(),
		threatInfo: z
			.object({
				threatName: z.string().nullable().optional(),
				classification: z.string().nullable().optional(),
				confidenceLevel: z.string().nullable().optional(),
				analystVerdict: z.string().nullable().optional(),
				incidentStatus: z.string().nullable().optional(),
				mitigationStatus: z.string().nullable().optional(),
				filePath: z.string().nullable().optional(),
				sha1: z.string().nullable().optional(),
				sha256: z.string().nullable().optional(),
				md5: z.string().nullable().optional(),
				originatorProcess: z.string().nullable().optional(),
				processUser: z.string().nullable().optional(),
				commandLineArguments: z.string().nullable().optional(),
				/** Not in the reference's fixture: accepted in case a console version names it so. */
				commandLine: z.string().nullable().optional(),
				publisherName: z.string().nullable().optional(),
				isFileSigned: z.boolean().nullable().optional(),
				/** Plausible certificate shapes [unverified]; a certificate id may be text or a number. */
				isValidCertificate: z.boolean().nullable().optional(),
				certificateId: z.union([z.string(), z.number()]).nullable().optional(),
				pendingActions: z.boolean().nullable().optional(),
				createdAt: z.string(),
				updatedAt: z.string().nullable().optional(),
			})
			.passthrough(),
		mitigationStatus: z.array(S1MitigationEntry).nullable().optional(),
		indicators: z.array(S1Indicator).nullable().optional(),
		/** A Unified Alerts node carries the command line here (reference 1.4). */
		process: z
			.object({ cmdLine: z.string().nullable().optional() })
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();
export type S1Threat = z.infer<typeof S1Threat>;

export const S1List = <T extends z.ZodTypeAny>(item: T) =>
	z
		.object({
			data: z.array(item),
			pagination: z
				.object({ nextCursor: z.string().nullable().optional(), totalItems: z.number().optional() })
				.passthrough()
				.optional(),
		})
		.passthrough();

/** A threat note (`GET /threats/{threatId}/notes`). [unverified: item fields beyond id and text] */
export const S1Note = z
	.object({ id: z.string(), text: z.string(), createdAt: z.string().nullable().optional() })
	.passthrough();
export type S1Note = z.infer<typeof S1Note>;

export const S1Affected = z
	.object({ data: z.object({ affected: z.number() }).passthrough() })
	.passthrough();
