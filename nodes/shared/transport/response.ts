import type { IDataObject } from 'n8n-workflow';

/** Header names lower-cased, multi-value headers joined as HTTP would. */
export function normalizeHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return result;
	for (const [name, value] of Object.entries(headers as IDataObject)) {
		if (value === undefined || value === null) continue;
		result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

/** RFC 8288 `Link` header -> `{ next: url, last: url, ... }`. */
export function parseLinkHeader(header: string | undefined): Record<string, string> {
	const links: Record<string, string> = {};
	if (!header) return links;
	for (const part of header.split(/,(?=\s*<)/)) {
		const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
		if (!match) continue;
		const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
		if (!rel) continue;
		for (const name of rel[1].trim().split(/\s+/)) links[name.toLowerCase()] = match[1];
	}
	return links;
}

export interface FailedResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
}

function asResponse(candidate: unknown): FailedResponse | undefined {
	if (!candidate || typeof candidate !== 'object') return undefined;
	const { status, statusCode, headers, data, body } = candidate as Record<string, unknown>;
	const code = typeof status === 'number' ? status : statusCode;
	if (typeof code !== 'number') return undefined;
	return { statusCode: code, headers: normalizeHeaders(headers), body: data ?? body };
}

/**
 * The HTTP response carried by a thrown request error. n8n wraps the axios
 * error (`cause`) in a NodeApiError for statuses it does not ignore (401, so its
 * credential refresh can run), so the chain is searched.
 */
export function responseFromError(error: unknown): FailedResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { response, cause } = current as { response?: unknown; cause?: unknown };
		const found = asResponse(response);
		if (found) return found;
		current = cause;
	}
	// n8n 1.x drops the axios error (`cause`): only the status (`httpCode`) and the parsed body
	// (`context.data`, when it was an object) are left; the headers are lost.
	const httpCode = Number((error as { httpCode?: unknown } | undefined)?.httpCode);
	if (Number.isInteger(httpCode) && httpCode >= 400) {
		const { description, message, context } = error as {
			description?: unknown;
			message?: unknown;
			context?: { data?: unknown };
		};
		return { statusCode: httpCode, headers: {}, body: context?.data ?? description ?? message };
	}
	return undefined;
}

/**
 * Whether a successful answer's body is JSON that does not parse: a truncated or mangled body,
 * as proxies, load balancers and overloaded vendors send. n8n's HTTP client (axios) parses JSON
 * silently: when parsing fails it hands over the text as a string instead of throwing, so the
 * text is checked here. Only text that starts like JSON (`{`, `[` or `"`) counts, and not when
 * the vendor declared another content type: a plain-text answer stays an answer, and a JSON
 * string axios already parsed (`"ok"` -> `ok`) does not start like JSON any more.
 */
export function isUnparsableJson(body: unknown, headers: Record<string, string>): boolean {
	if (typeof body !== 'string') return false;
	const text = body.trim();
	if (!/^[[{"]/.test(text)) return false;
	const type = headers['content-type'];
	if (type && !/json/i.test(type)) return false;
	try {
		JSON.parse(text);
		return false;
	} catch {
		return true;
	}
}

const JSON_PARSE_MESSAGE =
	/JSON|Unexpected (end|token|non-whitespace)|Unterminated string|Bad control character/i;

/**
 * Whether a thrown request error is a body that failed to parse as JSON rather than a failed
 * request: strict JSON parsing in axios (`ERR_BAD_RESPONSE` around a SyntaxError) or a caller's
 * own `JSON.parse`. n8n wraps the axios error, so the cause chain is searched.
 */
export function isJsonParseFailure(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { name, code, message, cause } = current as Record<string, unknown>;
		const text = typeof message === 'string' ? message : '';
		if (name === 'SyntaxError' && JSON_PARSE_MESSAGE.test(text)) return true;
		if (code === 'ERR_BAD_RESPONSE' && JSON_PARSE_MESSAGE.test(text)) return true;
		current = cause;
	}
	return false;
}
