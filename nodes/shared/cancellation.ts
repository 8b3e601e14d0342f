import { sleep as n8nSleep } from 'n8n-workflow';

/** n8n's `sleep`: newer versions also take an AbortSignal and stop early on it. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const CANCELLED_MESSAGE = 'The execution was cancelled';

/**
 * Thrown where a wait ends because the execution was cancelled. Nothing is sent after it: the
 * operation stops where it was, and a write already sent stays as the vendor applied it.
 */
export class ExecutionCancelled extends Error {
	readonly cancelled = true;

	constructor(during: string) {
		super(`${CANCELLED_MESSAGE} while ${during}; no further requests were sent`);
		this.name = 'ExecutionCancelled';
	}
}

/** Whether an error (or one it wraps) is a cancellation. */
export function isCancellation(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		if ((current as { cancelled?: unknown }).cancelled === true) return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

/**
 * The execution's cancel signal, where the context has one (execute and supply-data functions;
 * load-options and older n8n versions have none, and then waits simply run their course).
 */
export function cancelSignalOf(ctx: unknown): AbortSignal | undefined {
	const get = (ctx as { getExecutionCancelSignal?: unknown } | undefined)?.getExecutionCancelSignal;
	if (typeof get !== 'function') return undefined;
	const signal = (get as () => unknown).call(ctx);
	return signal && typeof signal === 'object' && 'aborted' in signal
		? (signal as AbortSignal)
		: undefined;
}

/**
 * Sleeps `ms`, or less when `signal` aborts first. It never throws for the cancellation: the
 * caller looks at `signal.aborted` afterwards and stops with its own words. n8n 1.x's `sleep`
 * ignores the signal and keeps its timer, so the abort is raced here rather than left to it.
 */
export async function cancellableSleep(
	ms: number,
	signal: AbortSignal | undefined,
	sleep: Sleep = n8nSleep,
): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) return;
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	// n8n's sleep rejects with the abort reason when it honours the signal: that is the same wake-up.
	const slept = sleep(ms, signal).then(
		() => undefined,
		(error: unknown) => ({ error }),
	);
	const woke = await Promise.race([slept, aborted]);
	signal.removeEventListener('abort', onAbort);
	if (woke && !signal.aborted) throw woke.error;
}

/** Throws ExecutionCancelled when the signal has fired. */
export function stopIfCancelled(signal: AbortSignal | undefined, during: string): void {
	if (signal?.aborted) throw new ExecutionCancelled(during);
}
