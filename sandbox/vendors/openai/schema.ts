import type { Route, SandboxVerdict } from './verdict';

/**
 * Fits a verdict to the JSON Schema the caller asked for (from `response_format`, `text.format` or
 * the prompt): every property is filled from the verdict by name, enums get the closest allowed
 * value, types are coerced. This is what a compliant model does with structured outputs.
 */
type JsonSchema = {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	enum?: unknown[];
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	minimum?: number;
	maximum?: number;
	default?: unknown;
};

const ROUTE_WORDS: Record<Route, string[]> = {
	contain: ['contain', 'isolate', 'quarantine', 'block'],
	needsApproval: ['needsapproval', 'approval', 'approve', 'escalate', 'review'],
	investigate: ['investigate', 'triage', 'monitor', 'analyze'],
	dismiss: ['dismiss', 'benign', 'ignore', 'close', 'falsepositive'],
};

/** Which verdict value a property name asks for. */
function valueFor(name: string, verdict: SandboxVerdict): unknown {
	const key = name.toLowerCase().replace(/[^a-z]/g, '');
	if (/^(severity|priority|risk|risklevel)$/.test(key)) return verdict.severity;
	if (/^(category|classification|type|threattype)$/.test(key)) return verdict.category;
	if (/^(confidence|score|certainty|probability)$/.test(key)) return verdict.confidence;
	if (/^(route|action|decision|disposition|nextstep|recommendation)$/.test(key))
		return verdict.route;
	if (/^(rationale|reason|reasoning|explanation|summary|justification)$/.test(key))
		return verdict.rationale;
	if (/actions|recommendations|steps/.test(key)) return verdict.recommendedActions;
	if (/^(ismalicious|malicious|truepositive)$/.test(key)) return verdict.malicious;
	return undefined;
}

export function fitToSchema(schema: unknown, verdict: SandboxVerdict): unknown {
	return fit(schema as JsonSchema, verdict, verdict);
}

function typeOf(schema: JsonSchema): string | undefined {
	const branch = schema.anyOf ?? schema.oneOf;
	if (branch) {
		const firstNonNull = branch.find((b) => b.type !== 'null');
		return firstNonNull ? typeOf(firstNonNull) : 'null';
	}
	if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') ?? 'null';
	if (schema.type) return schema.type;
	if (schema.properties) return 'object';
	if (schema.enum) return typeof schema.enum[0];
	return undefined;
}

function fit(schema: JsonSchema, value: unknown, verdict: SandboxVerdict): unknown {
	const branch = schema.anyOf ?? schema.oneOf;
	if (branch) return fit(branch.find((b) => b.type !== 'null') ?? branch[0], value, verdict);
	if (schema.enum?.length) return closestEnum(schema.enum, value);
	switch (typeOf(schema)) {
		case 'object':
			return fitObject(schema, verdict);
		case 'array': {
			const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
			return list.map((entry) => fit(schema.items ?? {}, entry, verdict));
		}
		case 'number':
		case 'integer':
			return toNumber(schema, value);
		case 'boolean':
			return typeof value === 'boolean' ? value : value === undefined ? false : Boolean(value);
		case 'null':
			return null;
		case 'string':
			return value === undefined ? '' : Array.isArray(value) ? value.join('; ') : String(value);
		default:
			return value ?? null;
	}
}

function fitObject(schema: JsonSchema, verdict: SandboxVerdict): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [name, property] of Object.entries(schema.properties ?? {})) {
		out[name] = fit(property, valueFor(name, verdict), verdict);
	}
	return out;
}

function toNumber(schema: JsonSchema, value: unknown): number {
	let n = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(n))
		n = typeof schema.default === 'number' ? schema.default : (schema.minimum ?? 0);
	// A 0..100 confidence scale gets a percentage.
	if (schema.maximum !== undefined && schema.maximum > 1 && n > 0 && n <= 1) n = n * 100;
	if (schema.maximum !== undefined) n = Math.min(n, schema.maximum);
	if (schema.minimum !== undefined) n = Math.max(n, schema.minimum);
	return typeOf(schema) === 'integer' ? Math.round(n) : n;
}

const norm = (v: unknown) =>
	String(v)
		.toLowerCase()
		.replace(/[^a-z0-9]/g, '');

function closestEnum(options: unknown[], value: unknown): unknown {
	if (value === undefined) return options[0];
	const wanted = norm(value);
	const exact = options.find((o) => norm(o) === wanted);
	if (exact !== undefined) return exact;
	const words = ROUTE_WORDS[value as Route];
	if (words) {
		const synonym = options.find((o) => words.some((w) => norm(o).includes(w)));
		if (synonym !== undefined) return synonym;
	}
	if (wanted === 'informational') {
		const info = options.find((o) => norm(o).startsWith('info'));
		if (info !== undefined) return info;
	}
	const partial = options.find((o) => norm(o).includes(wanted) || wanted.includes(norm(o)));
	return partial ?? options[0];
}
