import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const REDACTED = '[redacted]';

/**
 * Key names whose values are credentials wherever they appear: request headers,
 * credential objects, vendor echoes of our own request in an error body.
 */
const SECRET_KEY =
	/authorization|password|passwd|passphrase|passcode|secret|token|api[-_ ]?key|access[-_ ]?key|private[-_ ]?key|signing[-_ ]?key|integration[-_ ]?code|cookie|credential|signature/i;

/**
 * Pagination tokens contain "token" but are opaque positions, not credentials;
 * redacting them would make dry-run output and error context useless.
 */
const NOT_SECRET_KEY = /^(next_?|prev(ious)?_?)?page_?token$|^(next|continuation)_?token$/i;

/** Secret strings shorter than this are not matched in free text (too many false hits). */
const MIN_SECRET_LENGTH = 4;

/**
 * Vendor data (response bodies, output items) is only searched for secrets at least this long:
 * a shorter one, such as a six-digit two-factor passcode, would also match ordinary numbers and
 * corrupt the data. Errors and logs still drop secrets from MIN_SECRET_LENGTH on.
 */
const MIN_DATA_SECRET_LENGTH = 8;

/** Fewer base64 characters than this could occur by chance in ordinary text. */
const MIN_BASE64_FRAGMENT = 8;

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

/**
 * The base64 characters that encode `secret` alone when it follows `offset` bytes (modulo 3) of
 * anything else. base64 works in 3-byte groups, so a secret inside a longer value always shows
 * up as one of three fixed strings, whatever comes before or after it. This is how a Basic token,
 * `base64(user:secret)`, is recognised without knowing how the credential builds its user part.
 */
function base64Core(secret: Buffer, offset: number): string {
	const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString('base64');
	const firstBit = offset * 8;
	const endBit = (offset + secret.length) * 8;
	// Character k carries bits [6k, 6k + 6): keep those that fall entirely inside the secret.
	return encoded.slice(Math.ceil(firstBit / 6), Math.floor(endBit / 6));
}

interface SecretForms {
	/** The secret as written in text, JSON and URLs: replaced where found. */
	plain: string[];
	/** Pieces of base64 text: the whole base64 value around them is replaced. */
	base64: string[];
}

/** Every way a secret can be written in what a vendor echoes or an error quotes. */
function formsOf(secret: string): SecretForms {
	const plain = new Set([
		secret,
		encodeURIComponent(secret),
		new URLSearchParams({ s: secret }).toString().slice(2),
		JSON.stringify(secret).slice(1, -1),
	]);
	const bytes = Buffer.from(secret, 'utf8');
	const base64 = new Set<string>();
	const whole = bytes.toString('base64');
	if (whole.length >= MIN_BASE64_FRAGMENT) base64.add(whole);
	for (const offset of [0, 1, 2]) {
		const core = base64Core(bytes, offset);
		if (core.length < MIN_BASE64_FRAGMENT) continue;
		base64.add(core);
		base64.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
		base64.add(encodeURIComponent(core));
	}
	return { plain: [...plain], base64: [...base64] };
}

const BASE64_CHAR = /[A-Za-z0-9+/_-]/;
const PERCENT_ESCAPE = /^%[0-9A-F]{2}$/i;
/** base64's `+` and `/` URL-encoded; `=` only ends a value. */
const PERCENT_BASE64_CHAR = /^%2[BF]$/i;
const PERCENT_BASE64 = /^%(2[BF]|3D)$/i;

/** How many characters before `index` still belong to a base64 value (0 when none). */
function base64StepBack(text: string, index: number): number {
	const escape = index >= 3 ? text.slice(index - 3, index) : '';
	// `%20` before a token (`Basic%20…`) ends the value; `%2B` and `%2F` are base64's own + and /.
	if (PERCENT_ESCAPE.test(escape)) return PERCENT_BASE64_CHAR.test(escape) ? 3 : 0;
	return index > 0 && BASE64_CHAR.test(text[index - 1]) ? 1 : 0;
}

/** The whole base64 value (plain, URL-safe or percent-encoded) around [start, end). */
function base64ValueAround(text: string, start: number, end: number): [number, number] {
	let from = start;
	for (let step = base64StepBack(text, from); step > 0; step = base64StepBack(text, from))
		from -= step;
	let to = end;
	for (;;) {
		if (to < text.length && (BASE64_CHAR.test(text[to]) || text[to] === '=')) to += 1;
		else if (PERCENT_BASE64.test(text.slice(to, to + 3))) to += 3;
		else break;
	}
	return [from, to];
}

function replaceRanges(text: string, ranges: Array<[number, number]>): string {
	ranges.sort((a, b) => a[0] - b[0]);
	let result = '';
	let position = 0;
	for (const [start, end] of ranges) {
		if (end <= position) continue;
		if (start >= position) result += `${text.slice(position, start)}${REDACTED}`;
		position = end;
	}
	return result + text.slice(position);
}

/** Finds every known form of a set of secrets in one pass over the text. */
class SecretMatcher {
	private readonly search?: RegExp;

	private readonly probe?: RegExp;

	private readonly base64 = new Set<string>();

	constructor(secrets: Iterable<string>, minLength: number) {
		const forms = new Set<string>();
		for (const secret of secrets) {
			if (secret.length < minLength) continue;
			const { plain, base64 } = formsOf(secret);
			plain.forEach((form) => forms.add(form));
			base64.forEach((form) => {
				forms.add(form);
				this.base64.add(form);
			});
		}
		if (!forms.size) return;
		const source = sortLongestFirst([...forms])
			.map(escapeRegExp)
			.join('|');
		this.search = new RegExp(source, 'g');
		this.probe = new RegExp(source);
	}

	test(text: string): boolean {
		return this.probe?.test(text) === true;
	}

	replace(text: string): string {
		const search = this.search;
		if (!search || !this.test(text)) return text;
		const ranges: Array<[number, number]> = [];
		search.lastIndex = 0;
		for (let match = search.exec(text); match; match = search.exec(text)) {
			const end = match.index + match[0].length;
			ranges.push(
				this.base64.has(match[0]) ? base64ValueAround(text, match.index, end) : [match.index, end],
			);
		}
		return replaceRanges(text, ranges);
	}
}

/**
 * The secrets one execution has seen so far: the credential's secret fields and every token the
 * credential obtained since. It only grows, so a value is redacted from the moment it is known.
 */
export class SecretSet {
	private readonly known = new Set<string>();

	/** Bumped on every new secret, so compiled matchers know they are stale. */
	private changes = 0;

	constructor(secrets: Iterable<string> = []) {
		this.add(secrets);
	}

	add(secrets: Iterable<string>): void {
		for (const secret of secrets) {
			if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.known.has(secret))
				continue;
			this.known.add(secret);
			this.changes += 1;
		}
	}

	/** Adds the secret fields of a credential as n8n hands it over (tokens included). */
	addCredentials(credentials: ICredentialDataDecryptedObject | undefined): void {
		this.add(secretsOf(credentials));
	}

	get values(): string[] {
		return sortLongestFirst([...this.known]);
	}

	get revision(): number {
		return this.changes;
	}
}

/** Known secrets: a plain list, or the live set of an execution. */
export type Secrets = readonly string[] | SecretSet;

type Purpose = 'text' | 'data';

const compiled = new WeakMap<
	SecretSet,
	{ revision: number; text?: SecretMatcher; data?: SecretMatcher }
>();

function compile(values: Iterable<string>, purpose: Purpose): SecretMatcher {
	return new SecretMatcher(values, purpose === 'data' ? MIN_DATA_SECRET_LENGTH : MIN_SECRET_LENGTH);
}

/** A set's matchers are built once per change, not once per string. */
function matcherOf(secrets: Secrets, purpose: Purpose): SecretMatcher {
	if (!(secrets instanceof SecretSet)) return compile(secrets, purpose);
	let entry = compiled.get(secrets);
	if (!entry || entry.revision !== secrets.revision) {
		entry = { revision: secrets.revision };
		compiled.set(secrets, entry);
	}
	entry[purpose] ??= compile(secrets.values, purpose);
	return entry[purpose];
}

const executionSets = new WeakMap<object, SecretSet>();

/**
 * The secret set of one n8n execution context (`this` of execute, poll or loadOptions). Every
 * Transport made with the context adds to it and runPerItem redacts with it, so a token fetched by
 * one request is also removed from the items and errors of all others.
 */
export function executionSecrets(ctx: object): SecretSet {
	let set = executionSets.get(ctx);
	if (!set) {
		set = new SecretSet();
		executionSets.set(ctx, set);
	}
	return set;
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

function redactText(text: string, matcher: SecretMatcher): string {
	return redactKeyValues(redactSchemes(matcher.replace(text).replace(JWT, REDACTED)));
}

/**
 * Removes known secrets (in every written form: plain, URL-encoded, JSON-escaped, base64 and
 * inside Basic tokens) and anything shaped like a credential from free text: `Bearer …`/`Basic …`
 * tokens, JWTs and `password=…` style pairs. For messages, descriptions, hints and logs.
 */
export function redactString(text: string, secrets: Secrets = []): string {
	return redactText(text, matcherOf(secrets, 'text'));
}

function redactValue(value: unknown, matcher: SecretMatcher, seen: WeakSet<object>): unknown {
	if (typeof value === 'string') return redactText(value, matcher);
	if (value === null || typeof value !== 'object') return value;
	if (seen.has(value)) return '[circular]';
	seen.add(value);
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, matcher, seen));
	if (value instanceof Date) return value.toISOString();
	if (value instanceof Error) {
		return { name: value.name, message: redactText(value.message, matcher) };
	}
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		copy[key] =
			isSecretKey(key) && entry !== null && entry !== undefined && entry !== ''
				? REDACTED
				: redactValue(entry, matcher, seen);
	}
	return copy;
}

/**
 * Deep copy with secret-named keys blanked and known secret strings removed
 * everywhere else. Safe on cycles and on values that are not plain JSON.
 * For what the package describes: errors, their context, dry-run requests.
 */
export function redact<T>(value: T, secrets: Secrets = []): T {
	return redactValue(value, matcherOf(secrets, 'text'), new WeakSet()) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}

function scrubArray(list: unknown[], matcher: SecretMatcher, seen: WeakSet<object>): unknown[] {
	let copy: unknown[] | undefined;
	list.forEach((entry, index) => {
		const clean = scrubValue(entry, matcher, seen);
		if (clean === entry) return;
		copy ??= list.slice();
		copy[index] = clean;
	});
	return copy ?? list;
}

function scrubObject(
	object: Record<string, unknown>,
	matcher: SecretMatcher,
	seen: WeakSet<object>,
): Record<string, unknown> {
	let changed = false;
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(object)) {
		const cleanKey = matcher.replace(key);
		const clean = scrubValue(entry, matcher, seen);
		changed ||= cleanKey !== key || clean !== entry;
		copy[cleanKey] = clean;
	}
	return changed ? copy : object;
}

function scrubValue(value: unknown, matcher: SecretMatcher, seen: WeakSet<object>): unknown {
	if (typeof value === 'string') return matcher.replace(value);
	if (value === null || typeof value !== 'object' || seen.has(value)) return value;
	seen.add(value);
	if (Array.isArray(value)) return scrubArray(value, matcher, seen);
	return isPlainObject(value) ? scrubObject(value, matcher, seen) : value;
}

/**
 * Removes the known secrets from vendor data (response bodies, output items) and nothing else:
 * unlike `redact`, keys and credential-shaped text stay, because in data they are the user's
 * content. Returns the input itself when it holds no secret, and copies only what changes.
 */
export function redactSecretValues<T>(value: T, secrets: Secrets): T {
	const matcher = matcherOf(secrets, 'data');
	if (value !== null && typeof value === 'object' && !mayHoldSecret(value, matcher)) return value;
	return scrubValue(value, matcher, new WeakSet()) as T;
}

/**
 * One search over the serialised value is several times faster than visiting every string of a
 * large page, and most pages hold no secret. Escaped characters are covered: the JSON-escaped
 * form of every secret is one of the forms searched.
 */
function mayHoldSecret(value: object, matcher: SecretMatcher): boolean {
	try {
		return matcher.test(JSON.stringify(value) ?? '');
	} catch {
		return true; // cycles or BigInt: visit it
	}
}

const ERROR_TEXT_KEYS = ['message', 'description', 'stack'] as const;

/**
 * Redacts an error in place, everywhere n8n reads it for the run data, the UI and its logs:
 * message, description, stack (written when the error was made, so it still quotes the original
 * message), messages, context, errorResponse and the cause chain.
 */
export function redactError(error: unknown, secrets: Secrets, depth = 0): void {
	if (!error || typeof error !== 'object' || depth > 4) return;
	const target = error as Record<string, unknown>;
	const matcher = matcherOf(secrets, 'text');
	for (const key of ERROR_TEXT_KEYS) {
		if (typeof target[key] === 'string') target[key] = redactText(target[key], matcher);
	}
	if (Array.isArray(target.messages)) {
		target.messages = target.messages.map((entry) =>
			typeof entry === 'string' ? redactText(entry, matcher) : entry,
		);
	}
	for (const key of ['context', 'errorResponse'] as const) {
		if (target[key] && typeof target[key] === 'object')
			target[key] = redactValue(target[key], matcher, new WeakSet());
	}
	if (target.cause instanceof Error) redactError(target.cause, secrets, depth + 1);
	else if (target.cause && typeof target.cause === 'object')
		target.cause = redactValue(target.cause, matcher, new WeakSet());
}
