import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep as n8nSleep } from 'n8n-workflow';

import type { Sleep } from '../cancellation';
import {
	cancelSignalOf,
	cancellableSleep,
	ExecutionCancelled,
	stopIfCancelled,
} from '../cancellation';
import type { SecretSet } from '../redact';
import { executionSecrets, redact, redactSecretValues } from '../redact';
import { profilePacer } from './pacing';
import { sharedPacerFor } from './sharedBudget';
import type { CredentialInfo } from './credentialInfo';
import { describeCredentials, holdsRenewableToken, resolveUrl } from './credentialInfo';
import { DryRunStop } from './dryRun';
import type { ErrorContext } from './errors';
import { httpError, networkError, unreadableAnswerError } from './errors';
import type { FailedResponse } from './response';
import {
	isJsonParseFailure,
	isUnparsableJson,
	normalizeHeaders,
	responseFromError,
} from './response';
import { isAmbiguousWrite, markAmbiguous } from '../ambiguousWrite';
import { backoffDelay, isRead, isRetryable, networkErrorCode, parseRetryAfter } from './retry';
import type {
	BudgetPacer,
	DryRunRequest,
	RawResponse,
	RequestContext,
	RequestSpec,
	TransportOptions,
	VendorProfile,
} from './types';

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_MAX_TOTAL_WAIT_MS = 60000;
const DEFAULT_TIMEOUT_MS = 30000;

/**
 * A failed try. Without `response` the answer never arrived (`networkCode`) or arrived unreadable
 * (`unreadableStatus`: a success status with a body that is not valid JSON); both are a lost
 * answer to the retry and ambiguous-write rules. `returned`: n8n handed the failed status back as an
 * answer rather than throwing it.
 */
type Outcome =
	| { response: FailedResponse; error?: undefined; returned?: boolean }
	| {
			response?: undefined;
			returned?: undefined;
			error: unknown;
			networkCode?: string;
			unreadableStatus?: number;
	  };

/** Stands in for a network code so that an unreadable answer is retried exactly like a lost one. */
const UNREADABLE_ANSWER = 'UNREADABLE_ANSWER';

const NOTHING_TO_RELEASE = (): void => undefined;

/** The node runs that have been told the shared budget is not available. */
const budgetNoticeShown = new WeakSet<object>();

/** A retry after `waitMs`; `rateLimited` when the vendor throttled (the pacer then slows down). */
type Step = { waitMs: number; rateLimited?: boolean; error?: undefined } | { error: Error };

function formEncode(body: IDataObject): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) {
		if (value !== undefined && value !== null) params.append(key, String(value));
	}
	return params.toString();
}

/**
 * The one way providers talk to a vendor: authenticated request through n8n,
 * pacing per credential, retry with backoff that honours the vendor's wait
 * hints, errors as NodeApiError with secrets removed, and dry runs.
 *
 * Secrets follow the credential: n8n may log in or refresh a token inside any
 * request (preAuthentication, also after a 401 halfway through a batch) and
 * stores the new token in the credential, so the credential is read again after
 * every request. The execution's secret set then holds the token before the
 * response that may echo it reaches a provider, an item or an error.
 */
export class Transport {
	private info?: Promise<CredentialInfo>;

	private readonly secrets: SecretSet;

	private readonly sleep: Sleep;

	/** The execution's cancel signal: every wait ends on it and nothing is sent after it. */
	private readonly signal?: AbortSignal;

	private readonly now: () => number;

	private readonly random: () => number;

	/** The credential keeps a login token n8n renews (read again after every request). */
	private renewableToken = false;

	constructor(
		private readonly ctx: RequestContext,
		readonly profile: VendorProfile,
		private readonly options: TransportOptions = {},
	) {
		this.sleep = options.sleep ?? n8nSleep;
		this.now = options.now ?? (() => Date.now());
		this.random = options.random ?? Math.random;
		this.signal = options.cancelSignal ?? cancelSignalOf(ctx);
		this.secrets = executionSecrets(ctx);
	}

	get dryRun(): boolean {
		return this.options.dryRun === true;
	}

	async request<T = unknown>(spec: RequestSpec): Promise<T> {
		return (await this.requestRaw<T>(spec)).body;
	}

	async requestRaw<T = unknown>(spec: RequestSpec): Promise<RawResponse<T>> {
		const info = await this.credentialInfo();
		if (this.dryRun && !isRead(spec)) throw new DryRunStop(this.describeWith(spec, info));
		return await this.send<T>(spec, info);
	}

	/** The request as it would be sent, without authentication material. */
	async describe(spec: RequestSpec): Promise<DryRunRequest> {
		return this.describeWith(spec, await this.credentialInfo());
	}

	/** Read once per Transport: the base URL and the pacing key; the secrets seed the execution's set. */
	private async credentialInfo(): Promise<CredentialInfo> {
		this.info ??= this.ctx.getCredentials(this.profile.credentialType).then((credentials) => {
			this.secrets.addCredentials(credentials);
			this.renewableToken = holdsRenewableToken(credentials);
			return describeCredentials(
				this.profile.credentialType,
				this.profile.baseUrl(credentials),
				credentials,
			);
		});
		return await this.info;
	}

	/**
	 * n8n stores a token it fetched during a request in the credential, so reading the credential
	 * again is what tells us the token. One read per request: n8n itself reads it for every request.
	 */
	private async learnSecrets(): Promise<void> {
		try {
			const credentials = await this.ctx.getCredentials(this.profile.credentialType);
			this.secrets.addCredentials(credentials as ICredentialDataDecryptedObject);
			this.renewableToken = holdsRenewableToken(credentials as ICredentialDataDecryptedObject);
		} catch {
			// It was readable before the request; the secrets known so far stay in force, and
			// failing here would lose a response whose write already happened.
		}
	}

	private describeWith(spec: RequestSpec, info: CredentialInfo): DryRunRequest {
		const described: DryRunRequest = {
			operation: spec.operation,
			method: spec.method,
			url: resolveUrl(info.baseUrl, spec.path),
		};
		if (spec.qs && Object.keys(spec.qs).length) described.qs = spec.qs;
		if (spec.body !== undefined) described.body = spec.body;
		if (spec.headers && Object.keys(spec.headers).length) described.headers = spec.headers;
		return redact(described, this.secrets);
	}

	private buildOptions(
		spec: RequestSpec,
		info: CredentialInfo,
		renewToken = false,
	): IHttpRequestOptions {
		const headers: IDataObject = { ...spec.headers };
		let body = spec.body;
		if (spec.form && body && typeof body === 'object' && !Array.isArray(body)) {
			body = formEncode(body);
			headers['content-type'] = 'application/x-www-form-urlencoded';
		}
		const options: IHttpRequestOptions = {
			method: spec.method,
			url: resolveUrl(info.baseUrl, spec.path),
			qs: spec.qs,
			headers,
			body,
			json: !spec.form,
			returnFullResponse: true,
			// 401 still throws so n8n can refresh a pre-authenticated token and resend;
			// every other status comes back as a response we turn into a precise error.
			// n8n 1.x reads this as a plain boolean and hands the 401 back as well; the renewal resend
			// then lets every status throw, which is what takes 1.x through its refresh (`tokenRefused`).
			ignoreHttpStatusErrors: renewToken ? false : { ignore: true, except: [401] },
			timeout: spec.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		};
		if (spec.arrayFormat) options.arrayFormat = spec.arrayFormat;
		// A cancelled execution also ends the request in flight (n8n 2.x; older versions ignore it).
		if (this.signal) options.abortSignal = this.signal;
		return options;
	}

	private async send<T>(spec: RequestSpec, info: CredentialInfo): Promise<RawResponse<T>> {
		const errorContext: ErrorContext = {
			node: this.ctx.getNode(),
			profile: this.profile,
			operation: spec.operation,
			secrets: this.secrets,
		};
		let waitedMs = 0;
		let renewing = false;
		let renewed = false;
		for (let attempt = 1; ; attempt++) {
			const { pacer, done } = await this.pace(info);
			let outcome: RawResponse<T> | Outcome;
			try {
				stopIfCancelled(this.signal, `waiting to send "${spec.operation}"`);
				outcome = await this.attempt<T>(spec, info, renewing);
			} finally {
				// The shared budget counts the request until its answer is in.
				done();
			}
			if ('statusCode' in outcome) return outcome;
			renewing = !renewed && this.tokenRefused(outcome);
			if (renewing) {
				// Once per request and not counted as a retry: the vendor refused the token before
				// doing anything, so even a write is safe to send again.
				renewed = true;
				attempt--;
				continue;
			}
			const ambiguous = isAmbiguousWrite(spec, outcome.response?.statusCode);
			if (this.signal?.aborted) {
				// Cut off in flight: a write may have been applied, the caller's read-back will say.
				throw markAmbiguous(new ExecutionCancelled(`"${spec.operation}" was in flight`), ambiguous);
			}
			const step = this.nextStep(spec, outcome, attempt, waitedMs, errorContext);
			if (step.error) throw markAmbiguous(step.error, ambiguous);
			if (step.rateLimited) pacer?.throttled?.(step.waitMs);
			await this.pause(step.waitMs);
			stopIfCancelled(this.signal, `waiting to retry "${spec.operation}"`);
			waitedMs += step.waitMs;
		}
	}

	/** Every wait of this transport: the injected or n8n's sleep, cut short by a cancellation. */
	private readonly pause = async (ms: number): Promise<void> =>
		await cancellableSleep(ms, this.signal, this.sleep);

	/**
	 * The credential's budget: in Redis for every n8n process when the credential names one (queue
	 * mode), else the process-wide pacer. Returns the pacer, so a 429 can slow it down.
	 */
	private async pace(
		info: CredentialInfo,
	): Promise<{ pacer: BudgetPacer | undefined; done: () => void }> {
		let pacer: BudgetPacer | null | undefined = this.options.pacer;
		if (pacer === undefined) {
			pacer = info.sharedBudget
				? sharedPacerFor(
						info.sharedBudget,
						info.pacerKey,
						this.profile.rateLimits,
						this.profile.vendor,
					)
				: profilePacer(info.pacerKey, this.profile);
		}
		if (!pacer) return { pacer: undefined, done: NOTHING_TO_RELEASE };
		let done: () => void = NOTHING_TO_RELEASE;
		if (pacer.slot) done = (await pacer.slot(this.pause, this.signal)).done;
		else await pacer.acquire(this.pause);
		const notice = pacer.notice?.();
		if (notice) this.showBudgetNotice(notice);
		return { pacer, done };
	}

	/**
	 * A shared budget that fell back to in-process pacing says so: in n8n's log once per outage and
	 * process, and as a hint once per node run. The message names the Redis host, never a secret.
	 */
	private showBudgetNotice(notice: { message: string; log: boolean }): void {
		const message = redactSecretValues(notice.message, this.secrets);
		if (notice.log) this.ctx.logger?.warn(message);
		// Once per node run, however many transports the node creates (one per item, say).
		if (budgetNoticeShown.has(this.ctx)) return;
		budgetNoticeShown.add(this.ctx);
		const addHints = (this.ctx as { addExecutionHints?: IExecuteFunctions['addExecutionHints'] })
			.addExecutionHints;
		addHints?.call(this.ctx, { message, type: 'warning', location: 'outputPane' });
	}

	/**
	 * A 401 that n8n handed back as an answer instead of renewing the token: n8n 1.x, which takes
	 * `ignoreHttpStatusErrors` as a plain boolean (n8n 2.x throws the 401 into its own refresh).
	 * Only for credentials that log in for a token (NinjaOne, Defender...): a fixed key that is
	 * refused stays refused, and sending it again would only cost the vendor's budget.
	 */
	private tokenRefused(outcome: Outcome): boolean {
		return outcome.returned === true && outcome.response.statusCode === 401 && this.renewableToken;
	}

	/** A success status whose body should be JSON but does not parse. */
	private unreadable(spec: RequestSpec, response: FailedResponse): boolean {
		return (
			spec.textResponse !== true &&
			response.statusCode < 400 &&
			isUnparsableJson(response.body, response.headers)
		);
	}

	/**
	 * One try. Returns the success response, or the failure to decide on; never throws. A success
	 * comes back without the secrets known after the request, so an echoed token or key never
	 * reaches a provider, an output item, a report or the trigger's events.
	 */
	private async attempt<T>(
		spec: RequestSpec,
		info: CredentialInfo,
		renewToken: boolean,
	): Promise<RawResponse<T> | Outcome> {
		let outcome: RawResponse<T> | Outcome;
		try {
			const full = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.profile.credentialType,
				this.buildOptions(spec, info, renewToken),
			)) as IN8nHttpFullResponse;
			const response = {
				statusCode: full.statusCode,
				headers: normalizeHeaders(full.headers),
				body: full.body as T,
			};
			if (this.unreadable(spec, response)) {
				outcome = { error: undefined, unreadableStatus: response.statusCode };
			} else outcome = response.statusCode < 400 ? response : { response, returned: true };
		} catch (error) {
			const response = responseFromError(error);
			if (isJsonParseFailure(error) || (response && response.statusCode < 400)) {
				// Strict JSON parsing threw, or n8n threw around a success status: the body was the problem.
				outcome = { error, unreadableStatus: response?.statusCode ?? 200 };
			} else outcome = response ? { response } : { error, networkCode: networkErrorCode(error) };
		}
		await this.learnSecrets();
		if (!('statusCode' in outcome)) return outcome;
		return {
			statusCode: outcome.statusCode,
			headers: redactSecretValues(outcome.headers, this.secrets),
			body: redactSecretValues(outcome.body, this.secrets),
		};
	}

	/** When the vendor said when to come back: Retry-After, or its own reset header on 429. */
	private retryAt(
		response: FailedResponse,
		nowMs: number,
		rateLimited: boolean,
	): number | undefined {
		const hints: number[] = [];
		const delta = parseRetryAfter(response.headers['retry-after'], nowMs);
		if (delta !== undefined) hints.push(nowMs + delta);
		if (rateLimited) {
			const reset = this.profile.rateLimitResetAt?.(response.headers, nowMs);
			if (reset !== undefined && Number.isFinite(reset)) hints.push(Math.max(nowMs, reset));
		}
		return hints.length ? Math.max(...hints) : undefined;
	}

	private nextStep(
		spec: RequestSpec,
		outcome: Outcome,
		attempt: number,
		waitedMs: number,
		errorContext: ErrorContext,
	): Step {
		const nowMs = this.now();
		const maxAttempts = Math.max(1, this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
		const budgetMs = Math.max(0, this.options.maxTotalWaitMs ?? DEFAULT_MAX_TOTAL_WAIT_MS);
		const remainingMs = budgetMs - waitedMs;
		const tries = `Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}.`;

		if (!outcome.response) {
			const { error, networkCode, unreadableStatus } = outcome;
			const lost = (note?: string): Step => ({
				error:
					unreadableStatus === undefined
						? networkError(errorContext, networkCode, error, note)
						: unreadableAnswerError(errorContext, unreadableStatus, note),
			});
			const lostCode = unreadableStatus === undefined ? networkCode : UNREADABLE_ANSWER;
			if (!isRetryable(spec, { networkCode: lostCode })) return lost();
			const waitMs = Math.min(backoffDelay(attempt, this.random), remainingMs);
			if (attempt >= maxAttempts || remainingMs <= 0) return lost(tries);
			return { waitMs };
		}

		const { response } = outcome;
		const rateLimited =
			response.statusCode === 429 || this.profile.isRateLimited?.(response) === true;
		const retryAtMs = this.retryAt(response, nowMs, rateLimited);
		const fail = (note?: string): Step => ({
			error: httpError(errorContext, response, { retryAtMs, nowMs, note, rateLimited }),
		});
		if (!isRetryable(spec, { statusCode: rateLimited ? 429 : response.statusCode })) return fail();
		if (attempt >= maxAttempts) return fail(tries);
		if (retryAtMs !== undefined) {
			const waitMs = Math.max(0, retryAtMs - nowMs);
			if (waitMs > remainingMs) {
				return fail(`${this.profile.vendor} asked to wait longer than the remaining retry budget.`);
			}
			return { waitMs, rateLimited };
		}
		if (remainingMs <= 0) return fail(tries);
		return { waitMs: Math.min(backoffDelay(attempt, this.random), remainingMs), rateLimited };
	}
}
