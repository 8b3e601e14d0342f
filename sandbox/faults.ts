import type { Rng } from './world/rng';

export type FaultProfile = 'none' | 'flaky' | 'throttled' | 'chaos';

export interface FaultSettings {
	profile: FaultProfile;
	/** Share of requests that get a random fault under flaky and chaos. */
	rate: number;
	/** Vendors the profile applies to; empty means all. */
	vendors: string[];
	/** Throttle windows are multiplied by this (e.g. 0.05 turns a 60 s window into 3 s). */
	throttleWindowScale: number;
	/** How long a simulated timeout hangs before the socket is dropped. */
	timeoutMs: number;
	/** Extra delay of a slow response under chaos. */
	slowMs: number;
}

export const DEFAULT_FAULTS: FaultSettings = {
	profile: 'none',
	rate: 0.1,
	vendors: [],
	throttleWindowScale: 1,
	timeoutMs: 3000,
	slowMs: 1500,
};

/**
 * A random fault and when it strikes. `before`: the request never reaches the vendor logic, so it
 * did not happen. `after`: the vendor applied it and the response was lost, so it happened exactly once.
 */
export interface Fault {
	kind: 'serverError' | 'reset' | 'timeout' | 'malformed' | 'slow';
	phase: 'before' | 'after';
	status?: number;
}

export function chooseFault(settings: FaultSettings, vendor: string, rng: Rng): Fault | undefined {
	if (settings.profile !== 'flaky' && settings.profile !== 'chaos') return undefined;
	if (settings.vendors.length && !settings.vendors.includes(vendor)) return undefined;
	if (!rng.chance(settings.rate)) return undefined;
	const kinds: Array<Fault['kind']> =
		settings.profile === 'chaos'
			? ['serverError', 'serverError', 'reset', 'timeout', 'malformed', 'slow']
			: ['serverError', 'serverError', 'reset', 'timeout'];
	const kind = rng.pick(kinds);
	if (kind === 'malformed' || kind === 'slow') return { kind, phase: 'after' };
	const phase = rng.chance(0.5) ? 'before' : 'after';
	return {
		kind,
		phase,
		status: kind === 'serverError' ? rng.pick([500, 502, 503, 504]) : undefined,
	};
}

export function throttlingOn(settings: FaultSettings, vendor: string): boolean {
	if (settings.profile !== 'throttled' && settings.profile !== 'chaos') return false;
	return !settings.vendors.length || settings.vendors.includes(vendor);
}

/** Sliding-window counter per key: how vendors describe their per-minute limits. */
export class SlidingWindow {
	private hits = new Map<string, number[]>();

	/** Returns 0 when the request may pass, else the ms until a slot frees up. */
	take(key: string, limit: number, windowMs: number, now = Date.now()): number {
		const recent = (this.hits.get(key) ?? []).filter((t) => now - t < windowMs);
		if (recent.length >= limit) {
			this.hits.set(key, recent);
			return windowMs - (now - recent[0]);
		}
		recent.push(now);
		this.hits.set(key, recent);
		return 0;
	}

	clear(): void {
		this.hits.clear();
	}
}
