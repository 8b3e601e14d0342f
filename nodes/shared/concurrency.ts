import { sleep as n8nSleep } from 'n8n-workflow';

/**
 * Runs `fn` over `items` with at most `limit` calls in flight and returns the
 * results in input order. The first failure rejects the whole call and stops
 * new work from starting; calls already in flight are allowed to settle.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	let next = 0;
	let failed = false;

	const worker = async (): Promise<void> => {
		while (!failed && next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index).then(undefined, async (error: unknown) => {
				failed = true;
				return await Promise.reject(error);
			});
		}
	};

	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

export interface PacerOptions {
	/** Requests allowed back to back before spacing starts; 1 means strict spacing. */
	burst?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

/**
 * Token bucket refilled at `requestsPerMinute`. Reservation is synchronous, so
 * concurrent callers each get their own slot and never exceed the budget.
 */
export class Pacer {
	readonly intervalMs: number;

	private readonly burst: number;

	private readonly now: () => number;

	private readonly sleepFn: (ms: number) => Promise<void>;

	private tokens: number;

	private updatedAt: number;

	constructor(requestsPerMinute: number, options: PacerOptions = {}) {
		this.intervalMs = 60000 / Math.max(requestsPerMinute, 0.001);
		this.burst = Math.max(1, options.burst ?? 1);
		this.now = options.now ?? (() => Date.now());
		this.sleepFn = options.sleep ?? n8nSleep;
		this.tokens = this.burst;
		this.updatedAt = this.now();
	}

	/** Takes a slot and returns how long the caller must wait before using it. */
	reserve(): number {
		const now = this.now();
		const elapsed = Math.max(0, now - this.updatedAt);
		this.tokens = Math.min(this.burst, this.tokens + elapsed / this.intervalMs);
		this.updatedAt = now;
		this.tokens -= 1;
		return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens * this.intervalMs);
	}

	/** Waits for a slot; `sleep` overrides the pacer's own sleep for this call. */
	async acquire(sleep?: (ms: number) => Promise<void>): Promise<number> {
		const waitMs = this.reserve();
		if (waitMs > 0) await (sleep ?? this.sleepFn)(waitMs);
		return waitMs;
	}
}

/**
 * Process-wide on purpose: vendor budgets are per credential, and one n8n
 * process runs many items and executions against the same credential at once.
 * A per-execution pacer would let parallel executions overrun the budget.
 */
const pacers = new Map<string, Pacer>();

/**
 * The shared pacer for `key`, or undefined when the vendor has no known budget.
 * `options` only apply when this call creates the pacer.
 */
export function pacerFor(
	key: string,
	requestsPerMinute: number | undefined,
	options?: PacerOptions,
): Pacer | undefined {
	if (!requestsPerMinute || requestsPerMinute <= 0) return undefined;
	// Two budgets for one account (another burst) are two buckets, never one with the first options.
	const burst = Math.max(1, options?.burst ?? 1);
	const registryKey = burst > 1 ? `${key}|${requestsPerMinute}|${burst}` : `${key}|${requestsPerMinute}`;
	let pacer = pacers.get(registryKey);
	if (!pacer) {
		pacer = new Pacer(requestsPerMinute, options);
		pacers.set(registryKey, pacer);
	}
	return pacer;
}
