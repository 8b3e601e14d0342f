/**
 * Lower bounds the figures are compared with. Pure functions, so the README can state them and a
 * reader can recompute them.
 */

/** Fewest requests to move `items` records when the vendor takes `perRequest` per call. */
export function requestFloor(items: number, perRequest: number): number {
	return Math.ceil(items / perRequest);
}

/**
 * Shortest wall time for `requests` calls under a sliding-window limit of `limit` calls per
 * `windowMs`, each taking `latencyMs`, at most `concurrency` in flight: call k cannot start before
 * call k - limit is a window old, nor before a lane is free.
 */
export function rateLimitFloorMs(
	requests: number,
	limit: number,
	windowMs: number,
	latencyMs: number,
	concurrency: number,
): number {
	const starts: number[] = [];
	const laneFree = new Array<number>(Math.max(1, concurrency)).fill(0);
	let last = 0;
	for (let k = 0; k < requests; k++) {
		const lane = laneFree.indexOf(Math.min(...laneFree));
		const start = Math.max(k >= limit ? starts[k - limit] + windowMs : 0, laneFree[lane]);
		starts.push(start);
		laneFree[lane] = start + latencyMs;
		last = Math.max(last, laneFree[lane]);
	}
	return last;
}

/**
 * Shortest wall time for `requests` calls of `latencyMs` each when the vendor allows at most
 * `concurrency` in flight at once (Autotask's thread limit): ceil(requests / concurrency) rounds.
 */
export function concurrencyFloorMs(
	requests: number,
	concurrency: number,
	latencyMs: number,
): number {
	return Math.ceil(requests / Math.max(1, concurrency)) * latencyMs;
}

/** Sequential chain of dependent calls: nothing can overlap. */
export function chainFloorMs(requests: number, latencyMs: number): number {
	return requests * latencyMs;
}
