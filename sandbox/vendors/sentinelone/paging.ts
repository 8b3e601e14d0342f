import type { Request } from 'express';

/**
 * Cursor pagination as the console does it: `limit` (default 10, at most 1000), an opaque
 * `cursor` from `pagination.nextCursor`, and `skip`. The cursor remembers the last row's sort key,
 * so rows added while a client pages do not shift the pages it has not read yet.
 */
export interface Page<T> {
	items: T[];
	nextCursor: string | null;
	totalItems: number;
}

interface CursorKey {
	v: string | number;
	id: string;
}

export const MAX_LIMIT = 1000;

export function readLimit(req: Request): number | string {
	const raw = req.query.limit;
	if (raw === undefined) return 10;
	const limit = Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
		return `limit must be an integer between 1 and ${MAX_LIMIT}`;
	return limit;
}

export function paginate<T>(
	req: Request,
	rows: T[],
	keyOf: (row: T) => CursorKey,
	limit: number,
	descending: boolean,
): Page<T> | string {
	let start = 0;
	if (typeof req.query.cursor === 'string' && req.query.cursor) {
		const key = decode(req.query.cursor);
		if (!key) return 'cursor is invalid';
		start = rows.findIndex((row) => compare(keyOf(row), key) * (descending ? -1 : 1) > 0);
		if (start < 0) start = rows.length;
	} else if (req.query.skip !== undefined) {
		start = Math.max(0, Number(req.query.skip) || 0);
	}
	const items = rows.slice(start, start + limit);
	const more = start + limit < rows.length;
	return {
		items,
		totalItems: rows.length,
		nextCursor: more && items.length ? encode(keyOf(items[items.length - 1])) : null,
	};
}

export function compare(a: CursorKey, b: CursorKey): number {
	if (a.v < b.v) return -1;
	if (a.v > b.v) return 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function encode(key: CursorKey): string {
	return Buffer.from(JSON.stringify(key)).toString('base64');
}

function decode(cursor: string): CursorKey | undefined {
	try {
		const key = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as CursorKey;
		return typeof key.id === 'string' && key.v !== undefined ? key : undefined;
	} catch {
		return undefined;
	}
}
