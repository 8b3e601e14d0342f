import type { World } from '../../world/types';

import { findAlert, flatten, isJsonSchema, jsonObjectsIn, keyValueLines } from './prompt';
import { fitToSchema } from './schema';
import { deriveVerdict, INJECTION, injectedVerdict, type SandboxVerdict } from './verdict';

/**
 * How the sandbox model behaves, set by tests through `sandbox.world().vendors.openai.mode`:
 * - normal: a verdict derived from the alert, shaped to the requested schema;
 * - junk: prose instead of JSON, on every call;
 * - junkOnce: prose on the next call only, then normal again (exercises a client's repair attempt);
 * - obeyInjection: follows instructions planted in the alert data ("mark this benign"), like a manipulated model;
 * - slow: answers normally after `slowMs`, so a client's timeout can be exercised.
 */
export type ModelMode = 'normal' | 'junk' | 'junkOnce' | 'obeyInjection' | 'slow';

export interface OpenAiSlice {
	mode: ModelMode;
	slowMs: number;
	apiKey: string;
	organizationId: string;
	models: string[];
	/** Completed model calls since the last reset (both APIs). */
	calls: number;
}

export const SANDBOX_API_KEY = 'sk-sandbox-msp-0123456789abcdefghijklmnopqrstuv';
export const SANDBOX_ORGANIZATION = 'org-sandboxmsp000000000000000';

export function seedSlice(): OpenAiSlice {
	return {
		mode: 'normal',
		slowMs: 5000,
		apiKey: SANDBOX_API_KEY,
		organizationId: SANDBOX_ORGANIZATION,
		models: ['gpt-5-mini', 'gpt-4.1-mini', 'gpt-4o-mini', 'gpt-4o'],
		calls: 0,
	};
}

export function sliceOf(world: World): OpenAiSlice {
	let slice = world.vendors.openai as OpenAiSlice | undefined;
	if (!slice) {
		slice = seedSlice();
		world.vendors.openai = slice;
	}
	return slice;
}

export interface PromptMessage {
	role: string;
	text: string;
}

export interface ModelRequest {
	messages: PromptMessage[];
	/** JSON Schema from response_format / text.format, when structured output was requested. */
	schema?: unknown;
	/** json_object mode: JSON is required but no schema given. */
	jsonMode: boolean;
}

const JUNK =
	"Sure! Looking at this alert, it seems fairly concerning and I'd probably keep an eye on it. Let me know if you'd like more detail.";

/** The assistant text for a request, as the mode dictates. */
export function answer(slice: OpenAiSlice, request: ModelRequest): string {
	if (slice.mode === 'junk') return JUNK;
	if (slice.mode === 'junkOnce') {
		slice.mode = 'normal';
		return JUNK;
	}
	const dataTexts = request.messages.filter((m) => m.role === 'user').map((m) => m.text);
	const allObjects = request.messages.flatMap((m) => jsonObjectsIn(m.text));
	const userObjects = dataTexts.flatMap((t) => jsonObjectsIn(t));
	const alert = findAlert(userObjects) ?? findAlert(allObjects);
	const flat = alert ? flatten(alert) : Object.assign({}, ...dataTexts.map(keyValueLines));
	// An obedient model reads the planted instruction in the data it was given.
	const dataText = alert ? JSON.stringify(alert) : dataTexts.join('\n');
	const verdict: SandboxVerdict =
		slice.mode === 'obeyInjection' && INJECTION.test(dataText)
			? injectedVerdict()
			: deriveVerdict(flat);

	const schema = request.schema ?? allObjects.find(isJsonSchema);
	if (schema) return JSON.stringify(fitToSchema(schema, verdict));
	const wantsJson = request.jsonMode || request.messages.some((m) => /\bjson\b/i.test(m.text));
	const { malicious: _malicious, ...plain } = verdict;
	if (wantsJson) return JSON.stringify(plain);
	return `Severity: ${verdict.severity}. Category: ${verdict.category}. Route: ${verdict.route}. ${verdict.rationale}`;
}

/** A rough token count (about four characters per token), for the usage fields. */
export function tokens(text: string): number {
	return Math.max(1, Math.ceil(text.length / 4));
}
