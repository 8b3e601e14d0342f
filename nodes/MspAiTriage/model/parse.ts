import type { z } from 'zod';

import { ModelAnswerSchema, type ModelAnswer } from './schema';

export type ParseResult = { ok: true; answer: ModelAnswer } | { ok: false; problem: string };

/** The JSON object in a model's text: fenced code, or the outermost braces. */
export function extractJson(text: string): string | undefined {
	const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
	const body = fenced ? fenced[1] : text;
	const start = body.indexOf('{');
	const end = body.lastIndexOf('}');
	return start >= 0 && end > start ? body.slice(start, end + 1) : undefined;
}

function describe(issues: z.ZodIssue[]): string {
	return issues
		.slice(0, 5)
		.map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`)
		.join('; ');
}

export function parseAnswer(text: string): ParseResult {
	const json = extractJson(text);
	if (!json) return { ok: false, problem: 'the answer contains no JSON object' };
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch (error) {
		return { ok: false, problem: `the answer is not valid JSON (${(error as Error).message})` };
	}
	const result = ModelAnswerSchema.safeParse(value);
	return result.success
		? { ok: true, answer: result.data }
		: { ok: false, problem: describe(result.error.issues) };
}
