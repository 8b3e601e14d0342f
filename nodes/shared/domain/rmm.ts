import { z } from 'zod';

import {
	checkHostnameKey,
	CompanyRefSchema,
	HostnameKey,
	Id,
	Raw,
	Severity,
	UtcTimestamp,
} from './common';

export const DeviceType = z.enum(['workstation', 'server', 'domainController']);
export type DeviceType = z.infer<typeof DeviceType>;

export const DeviceSchema = z
	.object({
		id: Id,
		hostname: z.string().describe('The device name as the vendor shows it'),
		hostnameKey: HostnameKey,
		displayName: z.string().optional(),
		companyId: Id.optional().describe(
			'Organization, client, site or machine group of the device (same as company.id)',
		),
		companyName: z.string().optional().describe('Its name (same as company.name)'),
		company: CompanyRefSchema.optional().describe(
			"The device's organization, client, site or machine group, from the vendor's own object",
		),
		os: z.string().optional(),
		type: DeviceType.optional(),
		online: z.boolean().optional(),
		lastSeen: UtcTimestamp.optional(),
		ipAddress: z.string().optional(),
		raw: Raw,
	})
	.superRefine(checkHostnameKey);
export type Device = z.infer<typeof DeviceSchema>;

export const PatchStatus = z.enum(['pending', 'approved', 'installed', 'failed', 'rejected']);
export type PatchStatus = z.infer<typeof PatchStatus>;

export const PatchSchema = z.object({
	id: Id,
	deviceId: Id,
	title: z.string(),
	kb: z.string().optional().describe('Knowledge base article, e.g. KB5034441'),
	cves: z.array(z.string()).optional(),
	severity: Severity.optional(),
	status: PatchStatus,
	releasedAt: UtcTimestamp.optional(),
	installedAt: UtcTimestamp.optional(),
	raw: Raw,
});
export type Patch = z.infer<typeof PatchSchema>;

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'timedOut']);
export type JobStatus = z.infer<typeof JobStatus>;

/** A script run or patch job started on a device. */
export const JobSchema = z.object({
	id: Id,
	deviceId: Id,
	kind: z.enum(['script', 'patch']).describe('What the job does'),
	name: z.string().optional().describe('Script or job name'),
	status: JobStatus,
	startedAt: UtcTimestamp.optional(),
	finishedAt: UtcTimestamp.optional(),
	exitCode: z.number().optional(),
	output: z.string().optional().describe('Script output, truncated by the vendor if long'),
	raw: Raw,
});
export type Job = z.infer<typeof JobSchema>;

export const AlertSchema = z
	.object({
		id: Id,
		deviceId: Id.optional(),
		hostname: z.string().optional(),
		hostnameKey: HostnameKey.optional(),
		companyId: Id.optional(),
		companyName: z.string().optional(),
		company: CompanyRefSchema.optional(),
		severity: Severity,
		message: z.string(),
		category: z.string().optional().describe('Monitor or condition type that raised the alert'),
		createdAt: UtcTimestamp.optional(),
		resolved: z.boolean().optional(),
		raw: Raw,
	})
	.superRefine(checkHostnameKey);
export type Alert = z.infer<typeof AlertSchema>;
