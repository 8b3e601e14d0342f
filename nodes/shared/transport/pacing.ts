import { sleep as n8nSleep } from 'n8n-workflow';

import { monotonicNow } from './clock';
import type { RateLimit, VendorProfile } from './types';

export interface PacerOptions {
	/** Milliseconds on a monotonic clock (default `performance.now()`): spans only, never dates. */
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

/**
 * Extra room after a window before a request that depends on it is sent: the vendor counts a
 * request when it arrives, and the one a window earlier may have arrived later than it was sent.
 */
function guardMs(windowMs: number): number {
	return Math.min(1000, Math.max(50, Math.ceil(windowMs * 0.02)));
}

/**
 * Keeps every window a vendor counts: at most `requestsPerWindow` starts in any span of `windowMs`
 * (a sliding window, the way vendors count), so a whole window's budget can go back to back and
 * the next request waits exactly until the one a budget earlier has left the window. Several
 * windows (100 a minute and 1,500 an hour) are all honoured. Reservation is synchronous, so
 * concurrent callers each get their own slot.
 */
export class Pacer {
	readonly windows: readonly RateLimit[];

	/** Per window, the start times of the last `requestsPerWindow` reservations, oldest first. */
	private readonly starts: number[][];

	private readonly now: () => number;

	private readonly sleepFn: (ms: number) => Promise<void>;

	/** The clock reading of the last reservation, to notice a clock that went backwards. */
	private lastNow?: number;

	constructor(windows: readonly RateLimit[], options: PacerOptions = {}) {
		this.windows = windows.filter(isBudget);
		this.starts = this.windows.map(() => []);
		this.now = options.now ?? monotonicNow;
		this.sleepFn = options.sleep ?? n8nSleep;
	}

	/**
	 * The clock now, with the recorded starts moved along if it went backwards. The default clock
	 * is monotonic and never does; an injected or fallback wall clock can, and then the starts
	 * keep their distance to "now" instead of all lying in the future (which made every request
	 * wait out the step: an hour after a one-hour step).
	 */
	private readClock(): number {
		const now = this.now();
		if (this.lastNow !== undefined && now < this.lastNow) {
			const step = now - this.lastNow;
			for (const starts of this.starts) starts.forEach((start, i) => (starts[i] = start + step));
		}
		this.lastNow = now;
		return now;
	}

	/** Takes the earliest slot every window allows and returns how long the caller must wait for it. */
	reserve(): number {
		const now = this.readClock();
		let at = now;
		this.windows.forEach((window, i) => {
			const starts = this.starts[i];
			if (starts.length >= window.requestsPerWindow) {
				at = Math.max(
					at,
					starts[starts.length - window.requestsPerWindow] +
						window.windowMs +
						guardMs(window.windowMs),
				);
			}
		});
		this.windows.forEach((window, i) => {
			const starts = this.starts[i];
			// Slots only ever move forward, so the list stays sorted and only the last budget's worth matters.
			starts.push(at);
			if (starts.length > window.requestsPerWindow) starts.shift();
		});
		return at - now;
	}

	/** Waits for a slot; `sleep` overrides the pacer's own sleep for this call. */
	async acquire(sleep?: (ms: number) => Promise<void>): Promise<number> {
		const waitMs = this.reserve();
		if (waitMs > 0) await (sleep ?? this.sleepFn)(waitMs);
		return waitMs;
	}
}

function isBudget(window: RateLimit): boolean {
	return window.requestsPerWindow > 0 && window.windowMs > 0;
}

/**
 * Process-wide on purpose: vendor budgets are per credential, and one n8n
 * process runs many items and executions against the same credential at once.
 * A per-execution pacer would let parallel executions overrun the budget.
 */
const pacers = new Map<string, Pacer>();

/**
 * The shared pacer for one vendor account and budget, or undefined when there is no budget.
 * `options` only apply when this call creates the pacer.
 */
export function pacerFor(
	key: string,
	windows: readonly RateLimit[] | undefined,
	options?: PacerOptions,
): Pacer | undefined {
	const budget = (windows ?? []).filter(isBudget);
	if (!budget.length) return undefined;
	// Two budgets for one account are two pacers, never one with the first caller's windows.
	const registryKey = `${key}|${budget.map((w) => `${w.requestsPerWindow}/${w.windowMs}`).join(',')}`;
	let pacer = pacers.get(registryKey);
	if (!pacer) {
		pacer = new Pacer(budget, options);
		pacers.set(registryKey, pacer);
	}
	return pacer;
}

/** The process-wide pacer for one vendor account, from the profile's windows. */
export function profilePacer(
	key: string,
	profile: Pick<VendorProfile, 'rateLimits'>,
): Pacer | undefined {
	return pacerFor(key, profile.rateLimits);
}
