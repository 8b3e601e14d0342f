import type { IDataObject } from 'n8n-workflow';

import type { PageFetcher, RequestSpec, Transport } from '../../shared';
import { pageSizeFor, paginate } from '../../shared';

/**
 * Paging for lists whose page-size maximum the vendor does not publish. A server that caps the
 * page below what was asked answers a short page that is not the last one, so a short page never
 * ends the listing here: only an empty page does (one request more per listing, never a silently
 * cut list). A server that ignores the position and sends the same page again also ends it, so a
 * list that is not paged at all is read once, not forever.
 */
export interface UntilEmptyOptions<T> {
	request: RequestSpec;
	items: (body: unknown) => T[];
	/** Largest page size to ask for. */
	pageSize: number;
	/** Caller's limit when not returning all: a smaller limit shrinks the page asked for. */
	limit?: number;
	sizeParam: string;
}

function withQuery(spec: RequestSpec, extra: IDataObject): RequestSpec {
	return { ...spec, qs: { ...spec.qs, ...extra } };
}

/** Keeps `items` unless they repeat the previous page exactly: a server that ignored the position. */
function repeatGuard<T>(): (items: T[]) => T[] {
	let previous: string | undefined;
	return (items) => {
		const print = JSON.stringify(items);
		if (items.length && print === previous) return [];
		previous = print;
		return items;
	};
}

/** `page` (1-based unless `firstPage` says otherwise) and a page size, until an empty page. */
export function pageNumberUntilEmpty<T>(
	transport: Transport,
	opts: UntilEmptyOptions<T> & { pageParam: string; firstPage?: number },
): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	const fresh = repeatGuard<T>();
	const fetchPage: PageFetcher<T, number> = async (page) => {
		const spec = withQuery(opts.request, { [opts.pageParam]: page, [opts.sizeParam]: size });
		const items = fresh(opts.items((await transport.requestRaw(spec)).body));
		return { items, next: items.length ? page + 1 : undefined };
	};
	return paginate(fetchPage, opts.firstPage ?? 1);
}

/** Keyset paging (`after` = the last id of the previous page) until an empty page. */
export function afterIdUntilEmpty<T>(
	transport: Transport,
	opts: UntilEmptyOptions<T> & { afterParam: string; idOf: (item: T) => string | number },
): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	const fresh = repeatGuard<T>();
	type State = { after?: string | number };
	const fetchPage: PageFetcher<T, State> = async (state) => {
		const qs: IDataObject = { [opts.sizeParam]: size };
		if (state.after !== undefined) qs[opts.afterParam] = state.after;
		const items = fresh(opts.items((await transport.requestRaw(withQuery(opts.request, qs))).body));
		// The same `after` twice (an id that did not move) ends it too: `paginate` refuses a repeated state.
		return {
			items,
			next: items.length ? { after: opts.idOf(items[items.length - 1]) } : undefined,
		};
	};
	return paginate(fetchPage, {});
}
