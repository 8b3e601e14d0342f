import { z } from 'zod';

import { Id, Raw, Severity, Timestamp } from './common';

export const DeviceType = z.enum(['workstation', 'server', 'domainController']);
export type DeviceType = z.infer<typeof DeviceType>;

export const DeviceSchema = z.object({
	id: Id,
	hostname: z.string(),
	displayName: z.string().optional(),
	companyId: Id.optional().describe('Organization, client or site owner of the device in the RMM'),
	companyName: z.string().optional(),
	os: z.string().optional(),
	type: DeviceType.optional(),
	online: z.boolean().optional(),
	lastSeen: Timestamp.optional(),
	ipAddress: z.string().optional(),
	raw: Raw,
});
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
	releasedAt: Timestamp.optional(),
	installedAt: Timestamp.optional(),
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
	startedAt: Timestamp.optional(),
	finishedAt: Timestamp.optional(),
	exitCode: z.number().optional(),
	output: z.string().optional().describe('Script output, truncated by the vendor if long'),
	raw: Raw,
});
export type Job = z.infer<typeof JobSchema>;

export const AlertSchema = z.object({
	id: Id,
	deviceId: Id.optional(),
	hostname: z.string().optional(),
	companyId: Id.optional(),
	severity: Severity,
	message: z.string(),
	category: z.string().optional().describe('Monitor or condition type that raised the alert'),
	createdAt: Timestamp.optional(),
	resolved: z.boolean().optional(),
	raw: Raw,
});
export type Alert = z.infer<typeof AlertSchema>;
