import { z } from 'zod';

/**
 * The fields the provider relies on; everything else passes through under `raw`. Datto's spec
 * types timestamps as date-time strings while the live API sends epoch milliseconds, and leaves
 * nullability out although `null` is common: both forms and `null` are taken.
 */
const When = z.union([z.number(), z.string()]).nullish();
const Text = z.string().nullish();

/** `PaginationData`: the next page is an absolute URL; the last page has null or "". */
const PageDetails = z
	.object({ nextPageUrl: z.string().nullish(), count: z.number().nullish() })
	.passthrough()
	.nullish();

export const DattoDeviceSchema = z
	.object({
		id: z.number().nullish(),
		uid: z.string(),
		siteUid: Text,
		siteName: Text,
		hostname: Text,
		description: Text,
		deviceType: z.object({ category: Text, type: Text }).passthrough().nullish(),
		intIpAddress: Text,
		operatingSystem: Text,
		online: z.boolean().nullish(),
		lastSeen: When,
		deviceClass: Text,
		patchManagement: z
			.object({
				patchStatus: Text,
				patchesApprovedPending: z.number().nullish(),
				patchesNotApproved: z.number().nullish(),
				patchesInstalled: z.number().nullish(),
			})
			.passthrough()
			.nullish(),
	})
	.passthrough();
export type DattoDevice = z.infer<typeof DattoDeviceSchema>;

export const DattoDevicesPageSchema = z
	.object({ pageDetails: PageDetails, devices: z.array(DattoDeviceSchema).nullish() })
	.passthrough();

export const DattoSiteSchema = z
	.object({ id: z.number().nullish(), uid: z.string(), name: z.string() })
	.passthrough();
export type DattoSite = z.infer<typeof DattoSiteSchema>;

export const DattoSitesPageSchema = z
	.object({ pageDetails: PageDetails, sites: z.array(DattoSiteSchema).nullish() })
	.passthrough();

/** Build 235's `Patch` of `GET /v2/device/{deviceUid}/patches`. */
export const DattoPatchSchema = z
	.object({
		patchId: z.string(),
		title: Text,
		description: Text,
		releaseDate: When,
		severity: Text,
		kbArticleId: Text,
		installStatus: Text,
	})
	.passthrough();
export type DattoPatch = z.infer<typeof DattoPatchSchema>;

export const DattoPatchesPageSchema = z
	.object({ pageDetails: PageDetails, patches: z.array(DattoPatchSchema).nullish() })
	.passthrough();

export const DattoComponentSchema = z
	.object({
		uid: z.string(),
		name: z.string(),
		description: Text,
		categoryCode: Text,
		variables: z
			.array(z.object({ name: z.string(), type: Text, defaultVal: Text }).passthrough())
			.nullish(),
	})
	.passthrough();
export type DattoComponent = z.infer<typeof DattoComponentSchema>;

export const DattoComponentsPageSchema = z
	.object({ pageDetails: PageDetails, components: z.array(DattoComponentSchema).nullish() })
	.passthrough();

export const DattoJobSchema = z
	.object({
		uid: z.string(),
		name: Text,
		dateCreated: When,
		status: Text,
	})
	.passthrough();
export type DattoJob = z.infer<typeof DattoJobSchema>;

export const DattoQuickJobSchema = z.object({ job: DattoJobSchema }).passthrough();

export const DattoJobResultsSchema = z
	.object({
		jobUid: Text,
		deviceUid: Text,
		ranOn: When,
		jobDeploymentStatus: Text,
		componentResults: z
			.array(
				z
					.object({
						componentName: Text,
						componentStatus: Text,
						hasStdOut: z.boolean().nullish(),
						hasStdErr: z.boolean().nullish(),
					})
					.passthrough(),
			)
			.nullish(),
	})
	.passthrough();
export type DattoJobResults = z.infer<typeof DattoJobResultsSchema>;

export const DattoStdDataSchema = z.array(
	z.object({ componentName: Text, stdData: Text }).passthrough(),
);

export const DattoAlertSchema = z
	.object({
		alertUid: z.string(),
		priority: Text,
		diagnostics: Text,
		resolved: z.boolean().nullish(),
		timestamp: When,
		alertContext: z.object({ '@class': Text }).passthrough().nullish(),
		alertSourceInfo: z
			.object({ deviceUid: Text, deviceName: Text, siteUid: Text, siteName: Text })
			.passthrough()
			.nullish(),
	})
	.passthrough();
export type DattoAlert = z.infer<typeof DattoAlertSchema>;

export const DattoAlertsPageSchema = z
	.object({ pageDetails: PageDetails, alerts: z.array(DattoAlertSchema).nullish() })
	.passthrough();

/** `ActivityLog` of `GET /v2/activity-logs`; `details` is a string whose content the spec leaves open. */
export const DattoActivityPageSchema = z
	.object({
		activities: z
			.array(
				z
					.object({
						details: Text,
						category: Text,
						action: Text,
						/** The device's numeric `id` (int64), not its uid. */
						deviceId: z.number().nullish(),
					})
					.passthrough(),
			)
			.nullish(),
	})
	.passthrough();
