import type { IHttpRequestMethods } from 'n8n-workflow';

import type { RequestSpec } from './types';

export const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 30000;

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
	'GET',
	'HEAD',
	'PUT',
	'DELETE',
	'OPTIONS',
]);
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
// 500 included: vendors answer passing overloads with it, and only idempotent requests get here.
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

const NETWORK_CODES: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNREFUSED',
	'ESOCKETTIMEDOUT',
	'EAI_AGAIN',
	'EPIPE',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ECONNABORTED',
]);
const NETWORK_MESSAGE = /socket hang up|timeout|timed out|network error/i;
/** A cancelled execution must not be retried. */
const CANCELLED_CODES: ReadonlySet<string> = new Set(['ERR_CANCELED', 'ABORT_ERR']);
const CANCELLED_NAMES: ReadonlySet<string> = new Set(['AbortError', 'CanceledError']);

export function isRead(spec: Pick<RequestSpec, 'method' | 'readOnly'>): boolean {
	return READ_METHODS.has(spec.method) || spec.readOnly === true;
}

export function isIdempotent(
	spec: Pick<RequestSpec, 'method' | 'idempotent' | 'readOnly'>,
): boolean {
	if (spec.idempotent !== undefined) return spec.idempotent;
	return spec.readOnly === true || IDEMPOTENT_METHODS.has(spec.method as IHttpRequestMethods);
}

/**
 * Whether a failed attempt may be sent again.
 *
 * 429 is retried for every request, writes included: the vendor rejected the
 * request before processing it, so sending it again cannot duplicate anything.
 * 5xx and network errors are retried only for idempotent requests: a POST that
 * timed out or got a 502 may well have been applied, and sending it again could
 * create a second ticket or run a script twice.
 */
export function isRetryable(
	spec: Pick<RequestSpec, 'method' | 'idempotent' | 'readOnly'>,
	failure: { statusCode?: number; networkCode?: string },
): boolean {
	if (failure.statusCode === 429) return true;
	if (!isIdempotent(spec)) return false;
	if (failure.statusCode !== undefined) return TRANSIENT_STATUSES.has(failure.statusCode);
	return failure.networkCode !== undefined;
}

/** Exponential backoff with full jitter: uniform in [0, base * 2^(attempt-1)], capped. */
export function backoffDelay(attempt: number, random: () => number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
	return Math.round(random() * ceiling);
}

/** `Retry-After` as delta seconds or an HTTP date -> milliseconds to wait. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const at = Date.parse(trimmed);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - nowMs);
}

function errorCodeOf(error: object): {
	codes: string[];
	message?: string;
	name?: string;
} {
	const { code, httpCode, message, name } = error as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
	// n8n 1.x wraps the request error in a NodeApiError that drops its `cause`: the socket's code
	// survives only as the wrapper's `httpCode` ("ECONNRESET"), its message is replaced by n8n's own.
	const codes = [text(code), text(httpCode)].filter((c): c is string => c !== undefined);
	return { codes, message: text(message), name: text(name) };
}

/**
 * The network failure code of a thrown request error (looking through n8n's
 * wrappers), or undefined when the error is not a transient network failure.
 * n8n 2.x keeps the request error as `cause`; n8n 1.x keeps only its code, as
 * `httpCode`. Both shapes count.
 */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	let timeoutSeen: string | undefined;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { codes, message, name } = errorCodeOf(current);
		if (codes.some((c) => CANCELLED_CODES.has(c)) || CANCELLED_NAMES.has(name ?? '')) {
			return undefined;
		}
		const network = codes.find((c) => NETWORK_CODES.has(c));
		if (network) return network;
		if (message && NETWORK_MESSAGE.test(message))
			timeoutSeen ??= /hang up/i.test(message) ? 'ECONNRESET' : 'ETIMEDOUT';
		current = (current as { cause?: unknown }).cause;
	}
	return timeoutSeen;
}
