import { z } from 'zod';

import { ROUTES, SEVERITIES } from '../rules/types';

const ROUTE_ALIASES: Record<string, (typeof ROUTES)[number]> = {
	contain: 'contain',
	needsapproval: 'needsApproval',
	investigate: 'investigate',
	dismiss: 'dismiss',
};

/** Case and spacing differences ("Needs approval", "CONTAIN") are not worth a repair call. */
const lenientEnum = <T extends string>(values: readonly [T, ...T[]], aliases?: Record<string, T>) =>
	z.preprocess((value) => {
		if (typeof value !== 'string') return value;
		const key = value.toLowerCase().replace(/[^a-z]/g, '');
		return aliases?.[key] ?? values.find((v) => v.toLowerCase() === key) ?? value;
	}, z.enum(values));

/** What the model must answer. Validated strictly apart from the lenient enums above. */
export const ModelAnswerSchema = z.object({
	severity: lenientEnum(SEVERITIES),
	category: z.string().trim().min(1).max(80),
	confidence: z.number().min(0).max(1),
	route: lenientEnum(ROUTES, ROUTE_ALIASES),
	rationale: z.string().trim().min(1).max(2000),
	recommendedActions: z.array(z.string().max(300)).max(10).default([]),
});
export type ModelAnswer = z.infer<typeof ModelAnswerSchema>;

/** The same contract as JSON Schema, for the prompt (kept by hand: zod 3 has no JSON Schema export). */
export const MODEL_ANSWER_JSON_SCHEMA = {
	type: 'object',
	additionalProperties: false,
	required: ['severity', 'category', 'confidence', 'route', 'rationale', 'recommendedActions'],
	properties: {
		severity: { type: 'string', enum: [...SEVERITIES] },
		category: {
			type: 'string',
			description:
				'Short threat category, e.g. ransomware, credential-theft, pua, hacktool, malware, benign',
		},
		confidence: { type: 'number', minimum: 0, maximum: 1 },
		route: {
			type: 'string',
			enum: [...ROUTES],
			description:
				'contain: isolate now; needsApproval: a human approves containment; investigate: an analyst reviews; dismiss: benign',
		},
		rationale: {
			type: 'string',
			description: 'One or two plain-language sentences for the ticket',
		},
		recommendedActions: { type: 'array', items: { type: 'string' }, maxItems: 5 },
	},
} as const;
