import { z } from 'zod';

import { Raw, Severity } from './common';

export const TriageRoute = z.enum(['contain', 'needsApproval', 'investigate', 'dismiss']);
export type TriageRoute = z.infer<typeof TriageRoute>;

export const TriageSource = z.enum(['model', 'rules', 'rules-fallback']);
export type TriageSource = z.infer<typeof TriageSource>;

/** A field where the model proposed something the rules overruled, and the rule that did. */
export const TriageDisagreementSchema = z.object({
	field: z.enum(['severity', 'route', 'category']),
	proposed: z.string(),
	final: z.string(),
	rule: z.string(),
});
export type TriageDisagreement = z.infer<typeof TriageDisagreementSchema>;

export const TriageVerdictSchema = z.object({
	severity: Severity,
	category: z.string(),
	confidence: z.number().min(0).max(1),
	route: TriageRoute,
	rationale: z.string(),
	recommendedActions: z
		.array(z.string())
		.default([])
		.describe('Next steps in plain language, for the ticket'),
	matchedRules: z.array(z.string()).default([]),
	disagreements: z.array(TriageDisagreementSchema).default([]),
	source: TriageSource.describe('rules-fallback: the model failed or was unsure and rules decided'),
	model: z.string().optional().describe('Chat model name when the model decided'),
	hint: z.string().optional().describe('Why the rules decided although a model was connected'),
	raw: Raw,
});
export type TriageVerdict = z.infer<typeof TriageVerdictSchema>;
