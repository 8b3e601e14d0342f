import { z } from 'zod';

import { Raw, Severity, Timestamp } from './common';

export const EvidenceActionSchema = z.object({
	at: Timestamp,
	action: z.string(),
	by: z.string().optional().describe('Workflow, node or person that acted'),
	result: z.string().optional(),
});
export type EvidenceAction = z.infer<typeof EvidenceActionSchema>;

export const EvidenceOutcome = z.enum([
	'remediated',
	'failed',
	'exception',
	'pending',
	'dismissed',
]);
export type EvidenceOutcome = z.infer<typeof EvidenceOutcome>;

/** The record a template writes for every patch or incident so reports can prove SLA compliance. */
export const EvidenceSchema = z.object({
	client: z.string().describe('Customer (company) name'),
	device: z.string().describe('Hostname of the affected device'),
	kind: z.enum(['patch', 'incident']),
	reference: z.string().optional().describe('Patch KB or threat id the record is about'),
	/** The vendor's time (patch release or first seen, EDR detection) when known, else when the workflow first saw it. */
	detectedAt: Timestamp,
	severity: Severity,
	slaDueAt: Timestamp.optional(),
	actions: z.array(EvidenceActionSchema),
	remediatedAt: Timestamp.optional(),
	verifiedAt: Timestamp.optional(),
	verifiedBy: z.string().optional(),
	verifiedHow: z
		.string()
		.optional()
		.describe('How the fix was verified, e.g. patch re-scan or threat status read-back'),
	ticketReference: z.string().optional(),
	outcome: EvidenceOutcome,
	reason: z
		.string()
		.optional()
		.describe(
			'Why it is not remediated: the vendor error code, the patch policy state, the device offline',
		),
	raw: Raw,
});
export type Evidence = z.infer<typeof EvidenceSchema>;
