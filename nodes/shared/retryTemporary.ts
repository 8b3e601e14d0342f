import { settle } from './ambiguousWrite';
import { cancellableSleep, cancelSignalOf, type Sleep } from './cancellation';

/**
 * Whether a failure is the vendor's passing state rather than an answer about the request: 5xx,
 * 429 or no answer at all, after the Transport's own retries. The Transport classifies each error
 * it throws (n8n's `failure.cause`); anything unclassified is taken as final.
 */
export function isTemporaryFailure(error: unknown): boolean {
	const cause = (error as { failure?: { cause?: unknown } } | undefined)?.failure?.cause;
	return cause === 'temporarily-unavailable' || cause === 'rate-limited';
}

export interface RetryTemporaryOptions {
	/** Runs in all, the first included. */
	tries: number;
	/** Wait before the second run; each further wait is this times the runs so far. */
	waitMs: number;
	/** The execution's context, whose cancel signal ends the waiting (the last failure is thrown). */
	ctx?: unknown;
	sleep?: Sleep;
}

/**
 * Runs a whole operation again when it fails temporarily. Only for operations that converge on
 * the vendor's state (find, then update or create, reading back a write whose answer was lost):
 * running one again completes what the failed run left, and never duplicates it.
 */
export async function retryTemporary<T>(
	run: () => Promise<T>,
	{ tries, waitMs, ctx, sleep }: RetryTemporaryOptions,
): Promise<T> {
	const signal = cancelSignalOf(ctx);
	for (let attempt = 1; ; attempt++) {
		const outcome = await settle(run);
		if (outcome.ok) return outcome.value;
		// The operation's own error (already a NodeApiError or NodeOperationError) goes on unchanged.
		if (attempt >= tries || !isTemporaryFailure(outcome.error)) throw outcome.error;
		await cancellableSleep(waitMs * attempt, signal, sleep);
		if (signal?.aborted) throw outcome.error;
	}
}
