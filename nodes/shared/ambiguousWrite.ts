import { isRead } from './transport/retry';
import type { RequestSpec } from './transport/types';

/**
 * A write whose outcome is unknown: a non-read request that failed with a 5xx or without any
 * answer (reset, timeout). The vendor may have applied it and only the answer was lost, or it
 * never got there. Sending it again blindly could duplicate a ticket, a note or a script run;
 * not sending it could lose it. Only a read-back tells which.
 */
export function isAmbiguousWrite(
	spec: Pick<RequestSpec, 'method' | 'readOnly'>,
	statusCode: number | undefined,
): boolean {
	if (isRead(spec)) return false;
	return statusCode === undefined || statusCode >= 500;
}

/** Marks the error the Transport throws for an ambiguous write (`ambiguous: true`). */
export function markAmbiguous<E>(error: E, ambiguous: boolean): E {
	if (ambiguous && error && typeof error === 'object')
		(error as { ambiguous?: boolean }).ambiguous = true;
	return error;
}

export function isAmbiguousFailure(error: unknown): boolean {
	return (
		!!error && typeof error === 'object' && (error as { ambiguous?: unknown }).ambiguous === true
	);
}

const READ_BACK_TRIES = 3;

/** Settles a promise into its value or its failure, so the failure can be judged and passed on unchanged. */
export async function settle<T>(
	run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** A read-back that itself hits a transient failure is read again: it changes nothing. */
async function readAgain<T>(readBack: () => Promise<T | undefined>): Promise<T | undefined> {
	for (let attempt = 1; ; attempt++) {
		const read = await settle(readBack);
		if (read.ok) return read.value;
		// The vendor's own error (already a NodeApiError from the Transport) goes on unchanged.
		if (attempt >= READ_BACK_TRIES) throw read.error;
	}
}

/**
 * Performs a non-idempotent write exactly once in effect. When the write fails ambiguously,
 * `readBack` (the vendor's own record of the write: the ticket with this external reference,
 * the note with this text, the action on this threat) says whether it happened; only when it
 * did not is the write sent again. Any other failure, or the last ambiguous one, is thrown.
 */
export async function writeVerified<T>(
	write: () => Promise<T>,
	readBack: () => Promise<T | undefined>,
	attempts = 3,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		const written = await settle(write);
		if (written.ok) return written.value;
		if (!isAmbiguousFailure(written.error) || attempt >= attempts) throw written.error;
		const found = await readAgain(readBack);
		if (found !== undefined) return found;
	}
}
