import type { Request } from 'express';

import { intParam } from '../../lib/paging';

/** [unverified] page size of the query reports when none is given; no maximum is published. */
const DEFAULT_QUERY_PAGE_SIZE = 1000;
const MAX_QUERY_PAGE_SIZE = 10_000;
const CURSOR_TTL_SECONDS = 600;

export class QueryError extends Error {}

type Params = Record<string, string | undefined>;

interface CursorState {
	/** Report the cursor belongs to, its filters, the next offset and the expiry (epoch s). */
	r: string;
	p: Params;
	o: number;
	e: number;
}

/**
 * A `/v2/queries/*` report page: `{cursor: {name, offset, count, expires}, results}`. The
 * cursor name carries the filters and the position, so a follow-up request sends only
 * `cursor=<name>` (and optionally `pageSize`), as NinjaOne's clients do.
 */
export function queryPage(req: Request, report: string, rowsFor: (params: Params) => unknown[]) {
	const query = req.query as Params;
	const size = intParam(query.pageSize, DEFAULT_QUERY_PAGE_SIZE, MAX_QUERY_PAGE_SIZE);
	const now = Date.now() / 1000;
	let state: CursorState;
	if (query.cursor) {
		state = decode(query.cursor, report);
		if (state.e < now) throw new QueryError('Cursor expired');
	} else {
		const { pageSize: _size, cursor: _cursor, ...filters } = query;
		state = { r: report, p: filters, o: 0, e: now + CURSOR_TTL_SECONDS };
	}
	const rows = rowsFor(state.p);
	const results = rows.slice(state.o, state.o + size);
	const next: CursorState = { ...state, o: state.o + results.length, e: now + CURSOR_TTL_SECONDS };
	return {
		cursor: { name: encode(next), offset: state.o, count: results.length, expires: next.e },
		results,
	};
}

function encode(state: CursorState): string {
	return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(name: string, report: string): CursorState {
	try {
		const state = JSON.parse(Buffer.from(name, 'base64url').toString('utf8')) as CursorState;
		if (state.r !== report || typeof state.o !== 'number') throw new Error('mismatch');
		return state;
	} catch {
		throw new QueryError('Invalid cursor');
	}
}
