import { createHash } from 'crypto';
import { sleep as n8nSleep } from 'n8n-workflow';

import { isUnparsableJson } from '../../nodes/shared/transport/response';
import { backoffDelay, networkErrorCode } from '../../nodes/shared/transport/retry';

/**
 * Resilience for the requests that log in (OAuth token endpoints, API-user logins), shared by
 * every credential with a `preAuthentication`.
 *
 * A login that meets a passing outage (5xx, reset, timeout) is tried again a few times: without
 * it every item of the run fails on the first bad answer, although the vendor API itself would
 * have answered. A 4xx is the vendor's verdict (wrong secret, unknown tenant, missing consent)
 * and is never retried: it fails at once with the vendor's message.
 */

export const LOGIN_ATTEMPTS = 4;
/** Retry waits of one login stay within this, so a dead login host fails an item within seconds. */
export const LOGIN_MAX_TOTAL_WAIT_MS = 10000;

/** Waits and jitter of login retries; replaced in tests. Credentials may not use timers or process. */
export const loginTiming: {
	sleep: (ms: number) => Promise<void>;
	random: () => number;
} = {
	sleep: async (ms) => await n8nSleep(ms),
	random: () => Math.random(),
};

/** What a login endpoint answered. Logins ask n8n not to throw on a status, so 4xx and 5xx come back here. */
export interface LoginAnswer {
	statusCode: number;
	body: unknown;
}

/**
 * A 5xx, or a success whose JSON body was cut short on the way (a lost answer: asking for another
 * token is harmless). Everything else, 4xx included, is the vendor's answer.
 */
function isPassingFailure(answer: LoginAnswer): boolean {
	if (answer.statusCode >= 500) return true;
	return answer.statusCode < 300 && isUnparsableJson(answer.body, {});
}

function unreachable(what: string, code: string, attempts: number): Error {
	// A fresh error: the request error n8n hands back carries the request, and with it the secret.
	const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
	return Object.assign(new Error(`${what} got no answer${tries} (${code})`), { code });
}

/**
 * Sends a login until it gets an answer that is not a 5xx (nor a truncated success), at most LOGIN_ATTEMPTS times and
 * LOGIN_MAX_TOTAL_WAIT_MS of waiting, with exponential backoff and full jitter in between. Returns
 * the last answer (the caller turns a failed one into the vendor's message); throws when the
 * endpoint never answered. `what` names the login in that error ("Token request to
 * login.microsoftonline.com"): never a secret. `isVerdict` names the 5xx answers that are the
 * vendor's verdict all the same (Autotask answers an unknown API user with a 500): returned at once.
 */
export async function loginWithRetry(
	what: string,
	send: () => Promise<LoginAnswer>,
	isVerdict?: (answer: LoginAnswer) => boolean,
): Promise<LoginAnswer> {
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		const tried = await send().then(
			(answer) => ({ answer, error: undefined }),
			(error: unknown) => ({ answer: undefined, error }),
		);
		const code = tried.answer ? undefined : networkErrorCode(tried.error);
		const transient = tried.answer
			? isPassingFailure(tried.answer) && !isVerdict?.(tried.answer)
			: code !== undefined;
		const remainingMs = LOGIN_MAX_TOTAL_WAIT_MS - waitedMs;
		if (!transient || attempt >= LOGIN_ATTEMPTS || remainingMs <= 0) {
			if (tried.answer) return tried.answer;
			if (code) throw unreachable(what, code, attempt);
			// Not a network failure (invalid URL, blocked host): n8n's own error, as before.
			throw tried.error;
		}
		const waitMs = Math.min(backoffDelay(attempt, loginTiming.random), remainingMs);
		await loginTiming.sleep(waitMs);
		waitedMs += waitMs;
	}
}

/** Logins in flight, by a hash of who logs in where; the secrets themselves are never a key. */
const loginsInFlight = new Map<string, Promise<unknown>>();

/**
 * One login at a time per account. n8n calls `preAuthentication` for every request that finds the
 * stored token empty (or gets a 401), so items sent together would each log in: several tokens,
 * several two-factor passcode uses, several requests against the vendor's login limits. Requests
 * that arrive while a login for the same account is in flight share its result. A finished login
 * is not reused: n8n stores its token, and the next call means that token was refused.
 *
 * `identity` is everything that makes it the same login (URL, client id, secret, scope); only its
 * SHA-256 is kept, so a changed secret is a new login and no secret sits in the map.
 */
export async function sharedLogin<T>(identity: unknown[], login: () => Promise<T>): Promise<T> {
	const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
	const running = loginsInFlight.get(key) as Promise<T> | undefined;
	if (running) return await running;
	const started = login().finally(() => loginsInFlight.delete(key));
	loginsInFlight.set(key, started);
	return await started;
}

/** The host of a login URL, for messages: never the path or query, which may name a tenant. */
export function loginHost(url: string): string {
	const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(url.trim());
	return match ? match[1].replace(/^[^@]*@/, '') : 'the login endpoint';
}
