import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
	ITriggerFunctions,
} from 'n8n-workflow';

/** Every n8n context that can send authenticated requests. */
export type RequestContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| IHookFunctions
	| ITriggerFunctions;

/** What the core needs to know about a vendor; supplied by each provider. */
export interface VendorProfile {
	/** Display name used in errors, e.g. the product name. */
	vendor: string;
	/** n8n credential type name the requests authenticate with. */
	credentialType: string;
	/** Absolute base URL read from the credential. */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Vendor error body shape -> message; undefined falls back to common shapes. */
	errorMessage?(body: unknown, statusCode: number): string | undefined;
	/** Vendor rate-limit reset headers -> epoch ms when requests may resume. */
	rateLimitResetAt?(headers: Record<string, string | undefined>, nowMs: number): number | undefined;
	/**
	 * Marks a non-429 response as throttling (a 403 IP block with Retry-After, a
	 * thread-limit 500): it is then retried and reported like a 429.
	 */
	isRateLimited?(response: {
		statusCode: number;
		headers: Record<string, string>;
		body: unknown;
	}): boolean;
	/**
	 * Client-side pacing per credential: every window the vendor counts (300 per 5 minutes; 100 a
	 * minute and 1,500 an hour), kept as sliding windows, so a window's budget may go back to back.
	 */
	rateLimits?: RateLimit[];
}

export interface RateLimit {
	requestsPerWindow: number;
	windowMs: number;
}

export interface RequestSpec {
	method: IHttpRequestMethods;
	/** Relative to the profile's base URL, or an absolute URL (next links). */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | string;
	headers?: IDataObject;
	/** Send the body as application/x-www-form-urlencoded. */
	form?: boolean;
	/** Human name of the operation, e.g. 'create ticket'; used in errors and dry runs. */
	operation: string;
	/** Default: true for GET/HEAD/PUT/DELETE, false for POST/PATCH (and true when readOnly). */
	idempotent?: boolean;
	/**
	 * The request only reads although its method is not GET (search endpoints that
	 * take a query body). Dry runs let it through and it is retried like a read.
	 */
	readOnly?: boolean;
	timeoutMs?: number;
	/**
	 * The vendor answers plain text here. By default a success body that starts like JSON but does
	 * not parse is a lost answer (retried for reads, ambiguous for writes).
	 */
	textResponse?: boolean;
	/** How array query values are encoded; vendors differ (`ids=1,2` vs `ids=1&ids=2`). */
	arrayFormat?: 'indices' | 'brackets' | 'repeat' | 'comma';
}

export interface RawResponse<T> {
	statusCode: number;
	/** Lower-cased header names. */
	headers: Record<string, string>;
	body: T;
}

export interface TransportOptions {
	/** Total tries including the first. Default 4. */
	maxAttempts?: number;
	/** Budget for all retry waits of one request. Default 60000. */
	maxTotalWaitMs?: number;
	/** Per-attempt timeout. Default 30000. */
	timeoutMs?: number;
	/** Reads are sent; the first write throws DryRunStop instead of being sent. */
	dryRun?: boolean;
	random?: () => number;
	/** Wall clock (epoch ms) for Retry-After dates and reset headers; pacing has its own monotonic clock. */
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/**
	 * Ends every wait (pacing, retry backoff) and stops before the next request when it fires.
	 * Default: the execution's cancel signal, where the context has one.
	 */
	cancelSignal?: AbortSignal;
	/**
	 * Replaces the process-wide pacer, or the shared one a credential names (tests, or callers that
	 * pace themselves). null disables pacing.
	 */
	pacer?: BudgetPacer | null;
}

/** What the transport asks of a pacer: the in-process `Pacer` and the Redis-backed `SharedPacer`. */
export interface BudgetPacer {
	/** Waits for the next slot of the budget; returns the wait. */
	acquire(sleep?: (ms: number) => Promise<void>): Promise<number>;
	/**
	 * Like `acquire`, for a pacer that counts a request until its answer is in (the shared budget):
	 * the transport calls `done` once the attempt has ended, whatever its outcome.
	 */
	slot?(
		sleep?: (ms: number) => Promise<void>,
		signal?: AbortSignal,
	): Promise<{ waitMs: number; done(): void }>;
	/** The vendor answered 429 although the pacer let the request through; `waitMs` is the retry's wait. */
	throttled?(waitMs: number): void;
	/** Why the budget is not kept as configured right now (a shared budget whose Redis is gone). */
	notice?(): { message: string; log: boolean } | undefined;
}

/** A request as it would be sent, without any authentication material. */
export interface DryRunRequest {
	operation: string;
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | string;
	headers?: IDataObject;
}
