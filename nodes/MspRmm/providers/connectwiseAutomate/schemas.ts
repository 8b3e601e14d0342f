import { z } from 'zod';

/** Automate's spec types most ids as strings while servers send numbers: both are accepted. */
const AnyId = z.union([z.string(), z.number()]).transform((v) => String(v));

export const ComputerSchema = z
	.object({
		Id: AnyId,
		ComputerName: z.string(),
		FriendlyName: z.string().optional().nullable(),
		Client: z
			.object({ Id: AnyId.optional(), Name: z.string().optional() })
			.passthrough()
			.optional()
			.nullable(),
		OperatingSystemName: z.string().optional().nullable(),
		Type: z.string().optional().nullable(),
		Status: z.string().optional().nullable(),
		RemoteAgentLastContact: z.string().optional().nullable(),
		LocalIPAddress: z.string().optional().nullable(),
	})
	.passthrough();
export type Computer = z.infer<typeof ComputerSchema>;
export const ComputerListSchema = z.array(ComputerSchema);

export const ClientListSchema = z.array(z.object({ Id: AnyId, Name: z.string() }).passthrough());

export const MicrosoftUpdateSchema = z
	.object({
		ComputerId: AnyId.optional(),
		KnowledgeBaseId: z.union([z.number(), z.string()]).optional().nullable(),
		MicrosoftUpdateId: z.string().optional().nullable(),
		Title: z.string().optional().nullable(),
		Severity: z.string().optional().nullable(),
		InstallState: z.string().optional().nullable(),
		IsInstalled: z.boolean().optional().nullable(),
		IsFailed: z.boolean().optional().nullable(),
		InstallDate: z.string().optional().nullable(),
		ReleaseDate: z.string().optional().nullable(),
		PolicyApproval: z
			.object({ Id: z.number().optional(), Name: z.string().optional().nullable() })
			.passthrough()
			.optional()
			.nullable(),
	})
	.passthrough();
export type MicrosoftUpdate = z.infer<typeof MicrosoftUpdateSchema>;
export const MicrosoftUpdateListSchema = z.array(MicrosoftUpdateSchema);

export const PatchingStatsSchema = z
	.object({ PatchJobRunning: z.boolean().optional().nullable() })
	.passthrough();

export const ScriptListSchema = z.array(
	z
		.object({
			Id: AnyId,
			Name: z.string(),
			Comments: z.string().optional().nullable(),
			Folder: z.object({ Name: z.string().optional() }).passthrough().optional().nullable(),
		})
		.passthrough(),
);

export const ScheduledScriptSchema = z
	.object({
		Id: AnyId,
		ScriptId: z.number(),
		ComputerId: z.number().optional(),
		NextRun: z.string().optional().nullable(),
		EffectiveStartDate: z.string().optional().nullable(),
		LastUpdate: z.string().optional().nullable(),
	})
	.passthrough();

export const ScriptHistoryListSchema = z.array(
	z
		.object({
			Id: z.number(),
			ScriptId: z.number(),
			Name: z.string().optional(),
			Status: z.string().optional(),
			State: z.string().optional(),
			HistoryDate: z.string().optional(),
			DiagnosticMessage: z.string().optional().nullable(),
		})
		.passthrough(),
);
export const RunningScriptListSchema = z.array(
	z.object({ ScriptId: z.number(), StartDate: z.string().optional().nullable() }).passthrough(),
);

export const AlertSchema = z
	.object({
		AlertId: AnyId,
		Client: z.object({ Id: AnyId.optional() }).passthrough().optional().nullable(),
		Computer: z
			.object({ Id: AnyId.optional(), Name: z.string().optional() })
			.passthrough()
			.optional()
			.nullable(),
		Monitor: z.object({ Name: z.string().optional() }).passthrough().optional().nullable(),
		AlertDate: z.string().optional().nullable(),
		Severity: z.object({ Name: z.string().optional() }).passthrough().optional().nullable(),
		Message: z.string().optional().nullable(),
		Source: z.string().optional().nullable(),
	})
	.passthrough();
export const AlertListSchema = z.array(AlertSchema);
