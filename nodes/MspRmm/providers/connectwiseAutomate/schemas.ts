import { z } from 'zod';

/** Automate's spec types most ids as strings while servers send numbers: both are accepted. */
const AnyId = z.union([z.string(), z.number()]).transform((v) => String(v));

/**
 * A number the spec types int32 (script and history ids) [unverified: like `Id`, a server may send
 * it as a string]: a number or a numeric string, read as a number.
 */
const AnyNumber = z.union([
	z.number(),
	z
		.string()
		.regex(/^\s*-?\d+\s*$/)
		.transform((v) => Number(v)),
]);

/**
 * A list answer. The spec and gavsto's client say a plain JSON array; [unverified: sources
 * conflict] another client expects `{TotalRecords, Data}`, the spec's `ResultSetWithCount` is
 * `{ResultSet, TotalRecordCount}`, and `Computers/{id}/MicrosoftUpdates` is typed only "object".
 * Every one of these shapes is read as its rows.
 */
export function automateList<T extends z.ZodTypeAny>(row: T) {
	const rows = z.array(row);
	return z.union([
		rows,
		z
			.object({ Data: rows })
			.passthrough()
			.transform((b) => b.Data),
		z
			.object({ ResultSet: rows })
			.passthrough()
			.transform((b) => b.ResultSet),
	]);
}

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
export const ComputerListSchema = automateList(ComputerSchema);

export const ClientListSchema = automateList(
	z.object({ Id: AnyId, Name: z.string() }).passthrough(),
);

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
export const MicrosoftUpdateListSchema = automateList(MicrosoftUpdateSchema);

export const PatchingStatsSchema = z
	.object({ PatchJobRunning: z.boolean().optional().nullable() })
	.passthrough();

export const ScriptListSchema = automateList(
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
		ScriptId: AnyNumber,
		ComputerId: AnyNumber.optional(),
		NextRun: z.string().optional().nullable(),
		EffectiveStartDate: z.string().optional().nullable(),
		LastUpdate: z.string().optional().nullable(),
	})
	.passthrough();

export const ScriptHistoryListSchema = automateList(
	z
		.object({
			Id: AnyNumber,
			ScriptId: AnyNumber,
			Name: z.string().optional(),
			Status: z.string().optional(),
			State: z.string().optional(),
			HistoryDate: z.string().optional(),
			DiagnosticMessage: z.string().optional().nullable(),
		})
		.passthrough(),
);
export const RunningScriptListSchema = automateList(
	z.object({ ScriptId: AnyNumber, StartDate: z.string().optional().nullable() }).passthrough(),
);
export type ScriptHistoryRow = z.output<typeof ScriptHistoryListSchema>[number];

export const AlertSchema = z
	.object({
		AlertId: AnyId,
		Client: z
			.object({ Id: AnyId.optional(), Name: z.string().optional() })
			.passthrough()
			.optional()
			.nullable(),
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
export const AlertListSchema = automateList(AlertSchema);
