import { z } from 'zod';

/** The fields the provider relies on; everything else passes through under `raw`. */
export const NinjaDeviceSchema = z
	.object({
		id: z.number(),
		systemName: z.string().optional(),
		displayName: z.string().optional(),
		dnsName: z.string().optional(),
		organizationId: z.number().optional(),
		nodeClass: z.string().optional(),
		nodeRoleId: z.number().nullish(),
		offline: z.boolean().optional(),
		lastContact: z.number().optional(),
		ipAddresses: z.array(z.string()).optional(),
		references: z
			.object({ organization: z.object({ name: z.string().optional() }).passthrough().optional() })
			.passthrough()
			.optional(),
		// [unverified] not in the spec; live tenants return it on the device detail.
		os: z.object({ name: z.string().optional() }).passthrough().optional(),
	})
	.passthrough();
export type NinjaDevice = z.infer<typeof NinjaDeviceSchema>;

export const NinjaDeviceListSchema = z.array(NinjaDeviceSchema);
export const NinjaDeviceSearchSchema = z
	.object({ devices: z.array(NinjaDeviceSchema) })
	.passthrough();

/** `NodeRole` of `GET /v2/roles` ("List device roles"). */
export const NinjaNodeRoleListSchema = z.array(
	z
		.object({
			id: z.number(),
			name: z.string().optional(),
			nodeClass: z.string().optional(),
			nodeRoleParentId: z.number().nullish(),
		})
		.passthrough(),
);

export const NinjaOrganizationSchema = z.object({ id: z.number(), name: z.string() }).passthrough();
export const NinjaOrganizationListSchema = z.array(NinjaOrganizationSchema);

export const NinjaPatchSchema = z
	.object({
		id: z.string(),
		name: z.string().optional(),
		severity: z.string().optional(),
		status: z.string().optional(),
		type: z.string().optional(),
		installedAt: z.number().optional(),
		kbNumber: z.string().optional(),
		deviceId: z.number().optional(),
		timestamp: z.number().optional(),
	})
	.passthrough();
export type NinjaPatch = z.infer<typeof NinjaPatchSchema>;
export const NinjaPatchListSchema = z.array(NinjaPatchSchema);
export const NinjaPatchReportSchema = z.object({
	cursor: z.object({ name: z.string().optional() }).passthrough().nullable().optional(),
	results: z.array(NinjaPatchSchema),
});

export const NinjaJobSchema = z
	.object({
		uid: z.string(),
		deviceId: z.number().optional(),
		jobStatus: z.string().optional(),
		jobType: z.string().optional(),
		sourceConfigUid: z.string().optional(),
		sourceName: z.string().optional(),
		createTime: z.number().optional(),
		updateTime: z.number().optional(),
	})
	.passthrough();
export const NinjaJobListSchema = z.array(NinjaJobSchema);

export const NinjaActivitySchema = z
	.object({
		id: z.number(),
		activityTime: z.number().optional(),
		seriesUid: z.string().optional(),
		activityType: z.string().optional(),
		statusCode: z.string().optional(),
		activityResult: z.string().optional(),
		sourceConfigUid: z.string().optional(),
		sourceName: z.string().optional(),
		message: z.string().optional(),
		data: z.record(z.unknown()).optional(),
	})
	.passthrough();
export type NinjaActivity = z.infer<typeof NinjaActivitySchema>;
export const NinjaActivityPageSchema = z.object({
	lastActivityId: z.number().optional(),
	activities: z.array(NinjaActivitySchema),
});

export const NinjaScriptingOptionsSchema = z.object({
	scripts: z.array(
		z
			.object({
				type: z.string(),
				id: z.number().optional(),
				uid: z.string().optional(),
				name: z.string(),
				language: z.string().optional(),
				description: z.string().optional(),
				categoryId: z.number().optional(),
			})
			.passthrough(),
	),
	categories: z.array(z.object({ id: z.number(), name: z.string() }).passthrough()).optional(),
	credentials: z
		.object({
			roles: z.array(z.string()).optional(),
			credentials: z.array(z.object({ id: z.number() }).passthrough()).optional(),
		})
		.passthrough()
		.optional(),
});

export const NinjaAutomationScriptListSchema = z.array(
	z
		.object({
			id: z.number(),
			name: z.string(),
			description: z.string().optional(),
			language: z.string().optional(),
		})
		.passthrough(),
);

export const NinjaAlertSchema = z
	.object({
		uid: z.string(),
		deviceId: z.number().optional(),
		message: z.string().optional(),
		subject: z.string().optional(),
		sourceType: z.string().optional(),
		sourceName: z.string().optional(),
		severity: z.string().optional(),
		createTime: z.number().optional(),
		device: z
			.object({ systemName: z.string().optional(), organizationId: z.number().optional() })
			.passthrough()
			.optional(),
	})
	.passthrough();
export const NinjaAlertListSchema = z.array(NinjaAlertSchema);
