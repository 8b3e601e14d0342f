import type { Request } from 'express';

import { decodeCursor, encodeCursor } from '../../lib/paging';

export const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 10;

/** `limit` (1 to 500, default 10): the error text for anything else. */
export function readLimit(req: Request): number | string {
	const raw = req.query.limit;
	if (raw === undefined || raw === '') return DEFAULT_LIMIT;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT)
		return `limit must be an integer between 1 and ${MAX_LIMIT}`;
	return value;
}

/**
 * `page_token` paging: `pagination.next_page_token` and `next_page_url` while more pages follow,
 * an empty `pagination` on the last page. An unreadable token is a 400 like the API's.
 */
export function page<T>(
	req: Request,
	baseUrl: string,
	items: T[],
	limit: number,
): { items: T[]; pagination: Record<string, string> } | string {
	const token = req.query.page_token;
	const offset = token === undefined || token === '' ? 0 : decodeCursor(token);
	if (offset === undefined) return 'page_token is invalid';
	const slice = items.slice(offset, offset + limit);
	if (offset + limit >= items.length) return { items: slice, pagination: {} };
	const next = encodeCursor(offset + limit);
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(req.query))
		if (key !== 'page_token' && typeof value === 'string') query.set(key, value);
	query.set('page_token', next);
	return {
		items: slice,
		pagination: {
			next_page_url: `${baseUrl}${req.baseUrl}${req.path}?${query}`,
			next_page_token: next,
		},
	};
}
