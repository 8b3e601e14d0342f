/**
 * Errors of the scenario API: a status (400 bad input, 404 unknown device or client, 409 ambiguous or
 * duplicate) and a body that names the field and what is allowed, so a fire drill script fails with a
 * message a person can act on.
 */
export class ScenarioError extends Error {
	constructor(
		readonly status: 400 | 404 | 409,
		message: string,
		readonly details: Record<string, unknown> = {},
	) {
		super(message);
	}

	body(): Record<string, unknown> {
		return { message: this.message, ...this.details };
	}
}

export type Body = Record<string, unknown>;

export function invalid(
	field: string,
	message: string,
	allowed?: readonly unknown[],
): ScenarioError {
	return new ScenarioError(400, `${field} ${message}`, allowed ? { field, allowed } : { field });
}

/** The request body (or a nested object such as `variations`) with only the fields the endpoint knows. */
export function readBody(input: unknown, allowed: readonly string[], name = 'the body'): Body {
	if (input === undefined || input === null) return {};
	const prefix = name === 'the body' ? '' : `${name}.`;
	if (typeof input !== 'object' || Array.isArray(input))
		throw new ScenarioError(
			400,
			`${name} must be a JSON object with any of ${allowed.join(', ')}`,
			{ field: prefix ? name : undefined, allowed },
		);
	const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
	if (unknown.length) {
		throw new ScenarioError(
			400,
			`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => prefix + k).join(', ')}; allowed: ${allowed.join(', ')}`,
			{ field: prefix + unknown[0], allowed },
		);
	}
	return input as Body;
}

export function text(
	body: Body,
	field: string,
	options: { maxLength: number; allowEmpty?: boolean; pattern?: RegExp; hint?: string },
): string | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'string')
		throw invalid(field, `must be a string, got ${JSON.stringify(value)}`);
	if (!options.allowEmpty && !value.trim()) throw invalid(field, 'must not be empty');
	if (value.length > options.maxLength)
		throw invalid(field, `must be at most ${options.maxLength} characters, got ${value.length}`);
	if (options.pattern && !options.pattern.test(value))
		throw invalid(field, `must be ${options.hint}, got ${JSON.stringify(value)}`);
	return value;
}

export function oneOf<T extends string>(
	body: Body,
	field: string,
	values: readonly T[],
): T | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !values.includes(value as T))
		throw invalid(
			field,
			`must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`,
			values,
		);
	return value as T;
}

export function flag(body: Body, field: string): boolean | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'boolean')
		throw invalid(field, `must be true or false, got ${JSON.stringify(value)}`, [true, false]);
	return value;
}
