import type { Sleep } from './cancellation';
import { cancellableSleep, stopIfCancelled } from './cancellation';

export interface PollOptions<T> {
	check: () => Promise<{ done: boolean; value: T }>;
	timeoutMs: number;
	intervalMs: number;
	sleep?: Sleep;
	/** The execution's cancel signal: the wait ends on it and no further check is made. */
	signal?: AbortSignal;
}

export interface PollResult<T> {
	value: T;
	timedOut: boolean;
	polls: number;
	waitedMs: number;
}

/**
 * Calls `check` until it reports done or the wait budget is spent. A timeout is
 * a result, not an error: the caller decides whether "still running" fails the
 * item or is reported with the last value seen. A cancelled execution ends the wait at once and
 * throws ExecutionCancelled before any further check is sent.
 */
export async function pollUntil<T>(options: PollOptions<T>): Promise<PollResult<T>> {
	const { signal } = options;
	const intervalMs = Math.max(1, options.intervalMs);
	const timeoutMs = Math.max(0, options.timeoutMs);
	let polls = 0;
	let waitedMs = 0;

	for (;;) {
		stopIfCancelled(signal, 'waiting for completion');
		const { done, value } = await options.check();
		polls++;
		if (done) return { value, timedOut: false, polls, waitedMs };
		const remaining = timeoutMs - waitedMs;
		if (remaining <= 0) return { value, timedOut: true, polls, waitedMs };
		// The last wait is shortened so the final check lands on the deadline.
		const waitMs = Math.min(intervalMs, remaining);
		await cancellableSleep(waitMs, signal, options.sleep);
		waitedMs += waitMs;
	}
}
