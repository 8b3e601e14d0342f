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
	const httpCode = Number((error as { httpCode?: unknown } | undefined)?.httpCode);
	if (Number.isInteger(httpCode) && httpCode >= 400) {
		const { description, message } = error as { description?: unknown; message?: unknown };
		return { statusCode: httpCode, headers: {}, body: description ?? message };
	}
	return undefined;
}
