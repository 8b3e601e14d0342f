import { z } from 'zod';

import { Raw, Severity } from './common';

export const TriageRoute = z.enum(['contain', 'needsApproval', 'investigate', 'dismiss']);
export type TriageRoute = z.infer<typeof TriageRoute>;

export const TriageSource = z.enum(['model', 'rules', 'rules-fallback']);
export type TriageSource = z.infer<typeof TriageSource>;

export const TriageVerdictSchema = z.object({
	severity: Severity,
	category: z.string(),
	confidence: z.number().min(0).max(1),
	route: TriageRoute,
	rationale: z.string(),
	matchedRules: z.array(z.string()).default([]),
	source: TriageSource.describe('rules-fallback: the model failed or was unsure and rules decided'),
	model: z.string().optional().describe('Chat model name when the model decided'),
	raw: Raw,
});
export type TriageVerdict = z.infer<typeof TriageVerdictSchema>;
