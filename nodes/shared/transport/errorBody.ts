/**
 * Readers for the error body shapes vendors use, so a provider only has to
 * supply `errorMessage` when its shape is unusual.
 */

const MAX_MESSAGE_LENGTH = 500;
const MAX_FIELD_ERRORS = 10;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

function truncate(value: string): string {
	return value.length > MAX_MESSAGE_LENGTH ? `${value.slice(0, MAX_MESSAGE_LENGTH)}…` : value;
}

/** Plain-text or HTML error pages (proxies, gateways) -> one readable line. */
function textBodyMessage(body: string): string | undefined {
	const trimmed = body.trim();
	// JSON that arrived as text, including a bare JSON string ("Unable to contact the agent").
	if (/^[[{"]/.test(trimmed)) {
		try {
			return commonErrorMessage(JSON.parse(trimmed));
		} catch {
			// Not JSON after all: fall through and treat it as text.
		}
	}
	const plain = trimmed
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain ? truncate(plain) : undefined;
}

function entryMessage(entry: unknown): string | undefined {
	if (typeof entry === 'string') return text(entry);
	if (!isObject(entry)) return undefined;
	return (
		text(entry.detail) ??
		text(entry.message) ??
		text(entry.Message) ??
		text(entry.title) ??
		text(entry.error) ??
		(typeof entry.code === 'string' ? entry.code : undefined)
	);
}

function errorsMessage(errors: unknown): string | undefined {
	if (Array.isArray(errors)) {
		const messages = errors.map(entryMessage).filter((m): m is string => m !== undefined);
		return messages.length ? truncate(messages.join('; ')) : undefined;
	}
	if (isObject(errors)) {
		const lines = fieldErrorMap(errors);
		return lines.length ? truncate(lines.join('; ')) : entryMessage(errors);
	}
	return text(errors);
}

function objectMessage(body: Json): string | undefined {
	const direct =
		text(body.message) ??
		text(body.Message) ??
		text(body.errorMessage) ??
		text(body.error_description);
	if (direct) return direct;
	if (text(body.detail))
		return text(body.title) ? `${text(body.title)}: ${text(body.detail)}` : text(body.detail);
	if (isObject(body.error)) return objectMessage(body.error);
	return (
		text(body.error) ??
		errorsMessage(body.errors) ??
		text(body.title) ??
		text(body.resultCode) ??
		text(body.msg) ??
		text(body.reason) ??
		text(body.description)
	);
}

/**
 * Message from common error shapes: `{message}`, `{error: {message}}`,
 * `{error: 'x', error_description}`, `{errors: ['..']}`, `{errors: [{detail|message|title}]}`,
 * `{errors: {field: ['..']}}`, `{title, detail}`, `{resultCode}`, plain text or HTML.
 */
export function commonErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return textBodyMessage(body);
	if (Array.isArray(body)) return errorsMessage(body);
	if (isObject(body)) {
		const message = objectMessage(body);
		return message ? truncate(message) : undefined;
	}
	return undefined;
}

function fieldErrorMap(map: Json): string[] {
	const lines: string[] = [];
	for (const [field, value] of Object.entries(map)) {
		const messages = (Array.isArray(value) ? value : [value]).map(entryMessage).filter(Boolean);
		if (messages.length) lines.push(`${field}: ${messages.join(', ')}`);
	}
	return lines;
}

function fieldOf(entry: Json): string | undefined {
	const source = isObject(entry.source) ? entry.source : {};
	return (
		text(entry.field) ??
		text(entry.propertyName) ??
		text(entry.property) ??
		text(entry.target) ??
		text(source.pointer) ??
		text(source.parameter)
	);
}

function fieldErrorList(entries: unknown[]): string[] {
	return entries
		.map((entry) => {
			if (typeof entry === 'string') return text(entry);
			if (!isObject(entry)) return undefined;
			const message = entryMessage(entry);
			const field = fieldOf(entry);
			if (!message) return undefined;
			return field ? `${field}: ${message}` : message;
		})
		.filter((line): line is string => line !== undefined);
}

/** Per-field validation errors, when the body carries them (400/422). */
export function fieldErrors(body: unknown): string[] {
	if (typeof body === 'string' && /^\s*[[{]/.test(body)) {
		try {
			return fieldErrors(JSON.parse(body));
		} catch {
			return [];
		}
	}
	if (!isObject(body))
		return Array.isArray(body) ? fieldErrorList(body).slice(0, MAX_FIELD_ERRORS) : [];
	const nested = isObject(body.error) ? body.error : undefined;
	const candidates = [body.errors, body.details, nested?.details, nested?.errors];
	for (const candidate of candidates) {
		const lines = Array.isArray(candidate)
			? fieldErrorList(candidate)
			: isObject(candidate)
				? fieldErrorMap(candidate)
				: [];
		if (lines.length) return lines.slice(0, MAX_FIELD_ERRORS);
	}
	return [];
}
