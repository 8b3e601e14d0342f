import { z } from 'zod';

import { Id, Raw, Severity, Timestamp } from './common';

export const ThreatStatus = z.enum(['new', 'inProgress', 'resolved']);
export type ThreatStatus = z.infer<typeof ThreatStatus>;

export const Verdict = z.enum(['truePositive', 'falsePositive', 'suspicious', 'undefined']);
export type Verdict = z.infer<typeof Verdict>;

export const ThreatSchema = z.object({
	id: Id,
	deviceId: Id.optional(),
	hostname: z.string().optional(),
	companyId: Id.optional(),
	severity: Severity,
	classification: z.string().optional().describe('Malware family or detection category'),
	processName: z.string().optional(),
	processPath: z.string().optional(),
	sha256: z.string().optional(),
	sha1: z.string().optional(),
	verdict: Verdict.optional(),
	status: ThreatStatus,
	detectedAt: Timestamp.optional(),
	updatedAt: Timestamp.optional().describe(
		"When the vendor last created or changed the record, on the vendor's clock",
	),
	mitigationStatus: z
		.string()
		.optional()
		.describe('Vendor mitigation state, e.g. mitigated or not mitigated'),
	raw: Raw,
});
export type Threat = z.infer<typeof ThreatSchema>;

export const ContainmentState = z.enum([
	'isolated',
	'pendingIsolation',
	'released',
	'pendingRelease',
	'unknown',
]);
export type ContainmentState = z.infer<typeof ContainmentState>;

export const ContainmentSchema = z.object({
	deviceId: Id,
	state: ContainmentState,
	changedAt: Timestamp.optional(),
	actionId: Id.optional().describe('Vendor action id to follow the request'),
	alreadyInState: z
		.boolean()
		.optional()
		.describe('True when the device was already in the requested state and nothing was sent'),
	raw: Raw,
});
export type Containment = z.infer<typeof ContainmentSchema>;

export const MitigationActionSchema = z.object({
	id: Id.optional(),
	threatId: Id.optional(),
	deviceId: Id.optional(),
	action: z.string().describe('kill, quarantine, remediate, rollback, …'),
	status: z.enum(['pending', 'succeeded', 'failed']),
	requestedAt: Timestamp.optional(),
	completedAt: Timestamp.optional(),
	raw: Raw,
});
export type MitigationAction = z.infer<typeof MitigationActionSchema>;
