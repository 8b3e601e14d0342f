import type { Request, Response, Router } from 'express';

import type { EngineTiming } from './world/engine';
import type { World } from './world/types';

export type VendorId =
	| 'connectwise-psa'
	| 'halopsa'
	| 'autotask'
	| 'ninjaone'
	| 'connectwise-automate'
	| 'datto-rmm'
	| 'sentinelone'
	| 'defender'
	| 'crowdstrike'
	| 'huntress'
	| 'microsoft-login'
	| 'hudu'
	| 'itglue'
	| 'openai';

/** What a vendor module gets from the server: the live world (replaced on reset) and settings. */
export interface VendorContext {
	world(): World;
	timing(): EngineTiming;
	/** Absolute base URL of this vendor's prefix, e.g. http://127.0.0.1:8787/halopsa */
	baseUrl(): string;
	/** Absolute base URL of the whole sandbox. */
	sandboxUrl(): string;
}

/** One entry of `n8n import:credentials`. */
export interface N8nCredentialEntry {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A vendor's published rate limit, enforced under the `throttled` and `chaos` profiles. */
export interface ThrottlePolicy {
	/** Requests allowed per window per key. */
	limit: number;
	windowMs: number;
	/** The bucket a request counts against (per token, per tenant, per endpoint...). */
	key(req: Request): string;
	/** Send the vendor's own 429 (status, headers and body as documented). */
	reject(res: Response, retryAfterMs: number, resetAtMs: number): void;
}

/**
 * A vendor's cap on requests in flight at once (Autotask's thread limit). The sandbox counts every
 * request from its arrival to its answer (the injected latency included) and logs the count of its
 * bucket on each request (`RequestLogEntry.inFlight`); under the `throttled` and `chaos` profiles,
 * as the vendors' rate limits, a request over the cap is refused.
 */
export interface ConcurrencyPolicy {
	/** Requests of one bucket allowed in flight at once. */
	limit: number;
	/** The bucket a request counts against (per integration and endpoint...); undefined: not counted. */
	key(req: Request): string | undefined;
	/** Send the vendor's own refusal. */
	reject(res: Response): void;
}

export interface SandboxVendor {
	id: VendorId;
	title: string;
	/** Adds this vendor's slice to a freshly seeded world (tickets, statuses, tokens, ...). */
	seed?(world: World): void;
	/** The vendor's API, mounted at `/<id>`. */
	router(ctx: VendorContext): Router;
	/** Credentials that work against the sandbox, printed by the CLI. */
	credentials(baseUrl: string): Record<string, string>;
	/** Entries for `n8n import:credentials`, pointing at this sandbox. */
	n8nCredentials(baseUrl: string, sandboxUrl: string): N8nCredentialEntry[];
	throttle?: ThrottlePolicy;
	concurrency?: ConcurrencyPolicy;
	/** The vendor's error body for an injected server error. */
	serverError?(res: Response, status: number): void;
}
