import { sleep as n8nSleep } from 'n8n-workflow';

import { monotonicNow } from './clock';
import type { RateLimit, VendorProfile } from './types';

export interface PacerOptions {
	/** Milliseconds on a monotonic clock (default `performance.now()`): spans only, never dates. */
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/**
	 * Slows down when the vendor answers 429 anyway (`throttled`): every request holds until the
	 * vendor's Retry-After, and each window's budget is halved (down to an eighth), then grows back
	 * by an eighth for every quiet window. Off by default: a pacer that alone spends a credential's
	 * budget is never answered 429. On for the fallback of a shared budget whose Redis is out of
	 * reach, where other workers spend the same budget unseen.
	 */
	adaptive?: boolean;
}

/** The least share of a window's budget an adaptive pacer slows down to. */
const MIN_ADAPTIVE_SHARE = 1 / 8;

/**
 * Extra room after a window before a request that depends on it is sent: the vendor counts a
 * request when it arrives, and the one a window earlier may have arrived later than it was sent.
 */
export function guardMs(windowMs: number): number {
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

	private readonly adaptive: boolean;

	/** Adaptive only: the share of each window's budget in use (1 until the vendor answers 429). */
	private share = 1;

	/** Adaptive only: no slot before this (the vendor's Retry-After), and when the share last changed. */
	private holdUntil = -Infinity;

	private shareChangedAt = 0;

	constructor(windows: readonly RateLimit[], options: PacerOptions = {}) {
		this.windows = windows.filter(isBudget);
		this.starts = this.windows.map(() => []);
		this.now = options.now ?? monotonicNow;
		this.sleepFn = options.sleep ?? n8nSleep;
		this.adaptive = options.adaptive === true;
	}

	/** The budget of one window now: all of it, or the adaptive share (at least one request). */
	private budgetOf(window: RateLimit): number {
		if (this.share >= 1) return window.requestsPerWindow;
		return Math.max(1, Math.floor(window.requestsPerWindow * this.share));
	}

	/** Adaptive only: the share grows back by an eighth for every shortest window without a 429. */
	private recover(now: number): void {
		if (this.share >= 1 || !this.windows.length) return;
		const quietMs = Math.min(...this.windows.map((w) => w.windowMs + guardMs(w.windowMs)));
		const steps = Math.floor((now - Math.max(this.shareChangedAt, this.holdUntil)) / quietMs);
		if (steps <= 0) return;
		this.share = Math.min(1, this.share + steps * MIN_ADAPTIVE_SHARE);
		this.shareChangedAt = now;
	}

	/**
	 * The vendor answered 429 (or its equivalent) although the pacer let the request through: some
	 * other client spends the same budget. An adaptive pacer holds every request for `waitMs` (the
	 * vendor's Retry-After, or the retry's backoff) and halves its share of the budget; any other
	 * pacer ignores it (the retry of the request itself waits either way).
	 */
	throttled(waitMs: number): void {
		if (!this.adaptive) return;
		const now = this.readClock();
		this.holdUntil = Math.max(this.holdUntil, now + Math.max(0, waitMs));
		this.share = Math.max(MIN_ADAPTIVE_SHARE, this.share / 2);
		this.shareChangedAt = now;
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
			this.holdUntil += step;
			this.shareChangedAt += step;
		}
		this.lastNow = now;
		return now;
	}

	/** Takes the earliest slot every window allows and returns how long the caller must wait for it. */
	reserve(): number {
		const now = this.readClock();
		if (this.adaptive) this.recover(now);
		let at = Math.max(now, this.holdUntil);
		this.windows.forEach((window, i) => {
			const starts = this.starts[i];
			const budget = this.budgetOf(window);
			// A share that grew back must not hand out a slot before one already given.
			if (this.adaptive && starts.length) at = Math.max(at, starts[starts.length - 1]);
			if (starts.length >= budget) {
				at = Math.max(
					at,
					starts[starts.length - budget] + window.windowMs + guardMs(window.windowMs),
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

	/**
	 * Records a request that was paced elsewhere (a slot `waitMs` from now, taken from a shared
	 * budget), so that when this pacer takes over it knows what this process has just sent.
	 */
	record(waitMs: number): void {
		const at = this.readClock() + Math.max(0, waitMs);
		this.windows.forEach((window, i) => {
			const starts = this.starts[i];
			let index = starts.length;
			while (index > 0 && starts[index - 1] > at) index--;
			starts.splice(index, 0, at);
			if (starts.length > window.requestsPerWindow) starts.shift();
		});
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
