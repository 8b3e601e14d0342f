/** Parse a positive integer query parameter with a default and a vendor maximum. */
export function intParam(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
	const parsed =
		typeof value === 'string'
			? Number.parseInt(value, 10)
			: typeof value === 'number'
				? value
				: NaN;
	if (!Number.isFinite(parsed) || parsed < 1) return fallback;
	return Math.min(parsed, max);
}

/** Opaque cursor that encodes an offset, the way vendors hand out base64 cursors. */
export function encodeCursor(offset: number): string {
	return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: unknown): number | undefined {
	if (typeof cursor !== 'string' || !cursor) return undefined;
	try {
		const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
		return typeof parsed.o === 'number' && parsed.o >= 0 ? parsed.o : undefined;
	} catch {
		return undefined;
	}
}
