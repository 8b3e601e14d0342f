import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const REDACTED = '[redacted]';

/**
 * Key names whose values are credentials wherever they appear: request headers,
 * credential objects, vendor echoes of our own request in an error body.
 */
const SECRET_KEY =
	/authorization|password|passwd|passphrase|passcode|secret|token|api[-_ ]?key|access[-_ ]?key|private[-_ ]?key|signing[-_ ]?key|cookie|credential|signature/i;

/**
 * Pagination tokens contain "token" but are opaque positions, not credentials;
 * redacting them would make dry-run output and error context useless.
 */
const NOT_SECRET_KEY = /^(next_?|prev(ious)?_?)?page_?token$|^(next|continuation)_?token$/i;

/** Secret strings shorter than this are not matched in free text (too many false hits). */
const MIN_SECRET_LENGTH = 4;

export function isSecretKey(key: string): boolean {
	return SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
}

/** Values of the credential's secret-looking fields, longest first. */
export function secretsOf(credentials: ICredentialDataDecryptedObject | undefined): string[] {
	if (!credentials) return [];
	const found = new Set<string>();
	for (const [key, value] of Object.entries(credentials)) {
		if (typeof value === 'string' && isSecretKey(key) && value.length >= MIN_SECRET_LENGTH) {
			found.add(value);
		}
	}
	return sortLongestFirst([...found]);
}

function sortLongestFirst(values: string[]): string[] {
	return values.sort((a, b) => b.length - a.length);
}

function escapeRegExp(value: string): string {
	return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Basic token is only a credential when it decodes to `user:password`. */
function isBasicCredential(token: string): boolean {
	const decoded = Buffer.from(token, 'base64').toString('utf8');
	// eslint-disable-next-line no-control-regex
	return decoded.includes(':') && !/[\u0000-\u001f\ufffd]/.test(decoded);
}

const AUTH_SCHEME = /\b(Bearer|ApiToken|Token|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const KEY_VALUE =
	/\b([A-Za-z0-9_-]*(?:password|passwd|secret|token|api[-_]?key|access[-_]?key|passcode|signature)[A-Za-z0-9_-]*)(["']?\s*[:=]\s*["']?)([^\s&"',;}]+)/gi;

function redactSchemes(text: string): string {
	return text.replace(AUTH_SCHEME, (match, scheme: string, space: string, token: string) => {
		if (scheme.toLowerCase() === 'basic' && !isBasicCredential(token)) return match;
		if (scheme.toLowerCase() === 'token' && !/\d/.test(token)) return match;
		return `${scheme}${space}${REDACTED}`;
	});
}

function redactKeyValues(text: string): string {
	return text.replace(KEY_VALUE, (match, key: string, separator: string, value: string) => {
		if (!isSecretKey(key) || value === REDACTED) return match;
		return `${key}${separator}${REDACTED}`;
	});
}

/**
 * Removes known secrets and anything shaped like a credential from free text:
 * `Bearer …`/`Basic …` tokens, JWTs and `password=…` style pairs.
 */
export function redactString(text: string, secrets: readonly string[] = []): string {
	let result = text;
	for (const secret of sortLongestFirst([...secrets])) {
		if (secret.length < MIN_SECRET_LENGTH) continue;
		result = result.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
		const encoded = Buffer.from(secret, 'utf8').toString('base64');
		if (encoded.length >= 8) result = result.split(encoded).join(REDACTED);
	}
	return redactKeyValues(redactSchemes(result.replace(JWT, REDACTED)));
}

function redactValue(value: unknown, secrets: readonly string[], seen: WeakSet<object>): unknown {
	if (typeof value === 'string') return redactString(value, secrets);
	if (value === null || typeof value !== 'object') return value;
	if (seen.has(value)) return '[circular]';
	seen.add(value);
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, secrets, seen));
	if (value instanceof Date) return value.toISOString();
	if (value instanceof Error) {
		return { name: value.name, message: redactString(value.message, secrets) };
	}
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		copy[key] =
			isSecretKey(key) && entry !== null && entry !== undefined && entry !== ''
				? REDACTED
				: redactValue(entry, secrets, seen);
	}
	return copy;
}

/**
 * Deep copy with secret-named keys blanked and known secret strings removed
 * everywhere else. Safe on cycles and on values that are not plain JSON.
 */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
	return redactValue(value, sortLongestFirst([...secrets]), new WeakSet()) as T;
}
