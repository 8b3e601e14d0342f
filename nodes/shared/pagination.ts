import type { IDataObject } from 'n8n-workflow';

import type { Transport } from './transport/Transport';
import { parseLinkHeader } from './transport/response';
import type { RawResponse, RequestSpec } from './transport/types';

export type PageState = string | number | IDataObject;

export interface Page<T, S = PageState> {
	items: T[];
	next?: S;
}

export type PageFetcher<T, S> = (state: S) => Promise<{ items: T[]; next: S | undefined }>;

/** n8n's usual default when "Return All" is off and no limit was given. */
export const DEFAULT_LIMIT = 50;

/**
 * Streams pages until `next` is undefined. Stops as well when a vendor hands
 * back the same position twice, which would otherwise loop forever.
 */
export async function* paginate<T, S>(fetchPage: PageFetcher<T, S>, first: S): AsyncGenerator<T[]> {
	let state: S | undefined = first;
	const seen = new Set<string>();
	while (state !== undefined) {
		const key = JSON.stringify(state);
		if (seen.has(key)) return;
		seen.add(key);
		const page = await fetchPage(state);
		if (page.items.length) yield page.items;
		state = page.next;
	}
}

/** Gathers items; with a limit, stops pulling pages as soon as it is reached. */
export async function collect<T>(
	pages: AsyncIterable<T[]>,
	opts: { returnAll: boolean; limit?: number },
): Promise<T[]> {
	const limit = opts.returnAll ? Infinity : Math.max(0, opts.limit ?? DEFAULT_LIMIT);
	const items: T[] = [];
	if (limit === 0) return items;
	for await (const page of pages) {
		items.push(...page);
		if (items.length >= limit) break;
	}
	return items.slice(0, limit);
}

/**
 * Keeps only the items a vendor cannot filter on. Filter after paging, never inside a page
 * fetcher: a thinned-out page would look short and end the listing early.
 */
export async function* filterPages<T>(
	pages: AsyncIterable<T[]>,
	keep: (item: T) => boolean,
): AsyncGenerator<T[]> {
	for await (const page of pages) {
		const kept = page.filter(keep);
		if (kept.length) yield kept;
	}
}

/** Page size to ask for: the vendor maximum, or the limit when that is smaller. */
export function pageSizeFor(maxPageSize: number, limit?: number): number {
	if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return maxPageSize;
	return Math.max(1, Math.min(maxPageSize, Math.ceil(limit)));
}

/** What every page fetcher needs from the provider. */
export interface PagedRequest<T> {
	/** The first request; pagination params are added to `qs` (or `body`, where noted). */
	request: RequestSpec;
	/** Vendor body -> items (e.g. a bare array, `body.tickets`, `body.data`). */
	items: (body: unknown) => T[];
	/** Largest page size the vendor allows. */
	pageSize: number;
	/** Caller's limit when not returning all: smaller limits shrink the page size. */
	limit?: number;
	/** Query parameter carrying the page size, e.g. 'pageSize', 'limit', 'page_size'. */
	sizeParam?: string;
	/** Sees every page's response (status, headers, body), e.g. to read the vendor's clock from `Date`. */
	onResponse?: (response: RawResponse<unknown>) => void;
}

/** One page request; the caller's `onResponse` sees the whole response before the body is read. */
async function fetchBody(
	transport: Transport,
	opts: PagedRequest<unknown>,
	spec: RequestSpec,
): Promise<unknown> {
	const response = await transport.requestRaw(spec);
	opts.onResponse?.(response);
	return response.body;
}

function withQuery(spec: RequestSpec, extra: IDataObject): RequestSpec {
	return { ...spec, qs: { ...spec.qs, ...extra } };
}

function sizeQuery(opts: PagedRequest<unknown>, size: number): IDataObject {
	return opts.sizeParam ? { [opts.sizeParam]: size } : {};
}

function nextLink(response: RawResponse<unknown>): string | undefined {
	return parseLinkHeader(response.headers.link).next;
}

export interface PageNumberOptions<T> extends PagedRequest<T> {
	pageParam: string;
	sizeParam: string;
	/** First page number; 1 unless the vendor counts from 0. */
	firstPage?: number;
	/** Total record count from the body, when the vendor reports one. */
	total?: (body: unknown) => number | undefined;
	/** Follow the `Link: <…>; rel="next"` URL when the response has one (navigable and forward-only styles). */
	useLinkHeader?: boolean;
	/**
	 * Pages in flight once the first page has reported the total (needs `total`; never with
	 * `useLinkHeader`, whose next URL is only known from the previous page). Absent or 1: one page
	 * after another. Pacing stays with the Transport, which spaces every request against the
	 * vendor's budget whatever the number in flight.
	 */
	concurrency?: number;
}

type PageNumberState = { page: number; url?: string; fetched: number };

type NumberedPage<T> = { items: T[]; next: PageNumberState | undefined; total: number | undefined };

function pageNumberFetcher<T>(
	transport: Transport,
	opts: PageNumberOptions<T>,
	size: number,
): (state: PageNumberState) => Promise<NumberedPage<T>> {
	return async (state) => {
		const spec = state.url
			? { ...opts.request, path: state.url, qs: undefined }
			: withQuery(opts.request, { [opts.pageParam]: state.page, [opts.sizeParam]: size });
		const response = await transport.requestRaw(spec);
		opts.onResponse?.(response);
		const items = opts.items(response.body);
		const fetched = state.fetched + items.length;
		const total = opts.total?.(response.body);
		const link = opts.useLinkHeader ? nextLink(response) : undefined;
		const linkSaysLast =
			opts.useLinkHeader === true && response.headers.link !== undefined && !link;
		const done =
			items.length === 0 ||
			items.length < size ||
			(total !== undefined && fetched >= total) ||
			linkSaysLast;
		return { items, next: done ? undefined : { page: state.page + 1, url: link, fetched }, total };
	};
}

/**
 * Page number + page size. Stops on an empty or short page, when the total is
 * reached, or when a response with a Link header has no `rel="next"`. With
 * `concurrency` above 1 and a total on the first page, the remaining pages are
 * fetched that many at a time and still come out in page order.
 */
export function pageNumberPages<T>(
	transport: Transport,
	opts: PageNumberOptions<T>,
): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	const fetchPage = pageNumberFetcher(transport, opts, size);
	const first: PageNumberState = { page: opts.firstPage ?? 1, fetched: 0 };
	const concurrency = Math.floor(opts.concurrency ?? 1);
	if (concurrency > 1 && opts.total && !opts.useLinkHeader) {
		return concurrentPageNumberPages(fetchPage, first, size, concurrency, opts.limit);
	}
	return paginate(fetchPage, first);
}

/**
 * Page 1 alone (it carries the total), then pages 2..last through `pagesInOrder`, where last is
 * ceil(min(total, limit) / size): no request for a page past the total or the caller's limit.
 * Without a total on page 1 the rest is read one page after another.
 */
async function* concurrentPageNumberPages<T>(
	fetchPage: (state: PageNumberState) => Promise<NumberedPage<T>>,
	first: PageNumberState,
	size: number,
	concurrency: number,
	limit: number | undefined,
): AsyncGenerator<T[]> {
	const head = await fetchPage(first);
	if (head.items.length) yield head.items;
	if (!head.next) return;
	if (head.total === undefined) {
		yield* paginate(fetchPage, head.next);
		return;
	}
	const wanted =
		limit !== undefined && Number.isFinite(limit) && limit > 0
			? Math.min(head.total, limit)
			: head.total;
	const last = first.page + Math.ceil(wanted / size) - 1;
	const fetchNumber = async (page: number) => (await fetchPage({ page, fetched: 0 })).items;
	yield* pagesInOrder(fetchNumber, head.next.page, last, concurrency, size);
}

/**
 * Fetches pages `from..to` with at most `concurrency` requests in flight and yields each page as
 * soon as it and every page before it are in. Requests start only within `concurrency` pages of
 * the one the consumer waits for, so pages that arrive early wait in a bounded buffer. An empty or
 * short page ends the listing (pages after it are dropped); a failed page rejects it once the pages
 * before it are yielded. Once the listing ends, the consumer stops, or a request fails, nothing new
 * starts; requests already in flight settle on their own, their failures handled here.
 */
async function* pagesInOrder<T>(
	fetchPage: (page: number) => Promise<T[]>,
	from: number,
	to: number,
	concurrency: number,
	size: number,
): AsyncGenerator<T[]> {
	const started = new Map<number, Promise<T[]>>();
	let next = from;
	let awaited = from;
	let stopped = false;
	const fill = () => {
		while (!stopped && next <= to && next < awaited + concurrency) {
			const request = fetchPage(next);
			// Marks the rejection handled: it is rethrown when its turn comes, or dropped after a stop.
			request.catch(() => {
				stopped = true;
			});
			started.set(next, request);
			next++;
		}
	};
	try {
		fill();
		for (let page = from; page <= to; page++) {
			const request = started.get(page);
			if (!request) return;
			const items = await request;
			started.delete(page);
			awaited = page + 1;
			const last = items.length === 0 || items.length < size;
			if (last) stopped = true;
			else fill();
			if (items.length) yield items;
			if (last) return;
		}
	} finally {
		stopped = true;
	}
}

export interface OffsetOptions<T> extends PagedRequest<T> {
	offsetParam: string;
	sizeParam: string;
	total?: (body: unknown) => number | undefined;
}

/** Offset + limit (`$skip`/`$top`, `offset`/`limit`). Same stop rules as page numbers. */
export function offsetPages<T>(transport: Transport, opts: OffsetOptions<T>): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	const fetchPage: PageFetcher<T, number> = async (offset) => {
		const body = await fetchBody(
			transport,
			opts,
			withQuery(opts.request, { [opts.offsetParam]: offset, [opts.sizeParam]: size }),
		);
		const items = opts.items(body);
		const total = opts.total?.(body);
		const next = offset + items.length;
		const done =
			items.length === 0 || items.length < size || (total !== undefined && next >= total);
		return { items, next: done ? undefined : next };
	};
	return paginate(fetchPage, 0);
}

export interface AfterIdOptions<T> extends PagedRequest<T> {
	/** Query parameter carrying the last id of the previous page, e.g. 'after'. */
	afterParam: string;
	sizeParam: string;
	idOf: (item: T) => string | number;
	/** Value for the first request, if the vendor needs one (e.g. 0). */
	firstAfter?: string | number;
}

/** Keyset pagination: the last item's id becomes the next `after`. Stops on a short page. */
export function afterIdPages<T>(
	transport: Transport,
	opts: AfterIdOptions<T>,
): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	type State = { after?: string | number };
	const fetchPage: PageFetcher<T, State> = async (state) => {
		const qs: IDataObject = { [opts.sizeParam]: size };
		if (state.after !== undefined) qs[opts.afterParam] = state.after;
		const items = opts.items(await fetchBody(transport, opts, withQuery(opts.request, qs)));
		const done = items.length === 0 || items.length < size;
		return { items, next: done ? undefined : { after: opts.idOf(items[items.length - 1]) } };
	};
	return paginate(fetchPage, { after: opts.firstAfter });
}

export interface CursorOptions<T> extends PagedRequest<T> {
	/** Where the cursor goes on the next request: a query parameter or a body field. */
	cursorParam: string;
	cursorIn?: 'qs' | 'body';
	/** Cursor for the next page from the body; null, undefined or '' ends. */
	cursor: (body: unknown) => string | null | undefined;
	/** Put the page size into the body instead of the query. */
	sizeIn?: 'qs' | 'body';
}

function withBody(spec: RequestSpec, extra: IDataObject): RequestSpec {
	const base =
		spec.body && typeof spec.body === 'object' && !Array.isArray(spec.body) ? spec.body : {};
	return { ...spec, body: { ...base, ...extra } };
}

function place(
	spec: RequestSpec,
	where: 'qs' | 'body' | undefined,
	extra: IDataObject,
): RequestSpec {
	return where === 'body' ? withBody(spec, extra) : withQuery(spec, extra);
}

/** Opaque cursor read from the body. Stops when the cursor is missing or a page is empty. */
export function cursorPages<T>(transport: Transport, opts: CursorOptions<T>): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	type State = { cursor?: string };
	const fetchPage: PageFetcher<T, State> = async (state) => {
		let spec = opts.sizeParam
			? place(opts.request, opts.sizeIn, sizeQuery(opts, size))
			: opts.request;
		if (state.cursor !== undefined)
			spec = place(spec, opts.cursorIn, { [opts.cursorParam]: state.cursor });
		const body = await fetchBody(transport, opts, spec);
		const items = opts.items(body);
		const cursor = opts.cursor(body);
		return { items, next: items.length && cursor ? { cursor } : undefined };
	};
	return paginate(fetchPage, {});
}

export interface NextUrlOptions<T> extends PagedRequest<T> {
	/** Absolute next-page URL from the body (OData `@odata.nextLink`, `nextPageUrl`, …). */
	nextUrl?: (body: unknown) => string | null | undefined;
	/** Read the next URL from the `Link` header instead of (or as well as) the body. */
	useLinkHeader?: boolean;
	/**
	 * Send the original body again to the next URL (query endpoints whose next
	 * link only accepts the same method and filter body). Default: true for non-GET.
	 */
	repeatBody?: boolean;
}

/**
 * Follows an absolute next URL. The first request carries the caller's query and
 * page size; later ones use the URL as given (it already holds the position).
 */
export function nextUrlPages<T>(
	transport: Transport,
	opts: NextUrlOptions<T>,
): AsyncGenerator<T[]> {
	const size = pageSizeFor(opts.pageSize, opts.limit);
	const repeatBody = opts.repeatBody ?? opts.request.method !== 'GET';
	type State = { url?: string };
	const fetchPage: PageFetcher<T, State> = async (state) => {
		const spec = state.url
			? {
					...opts.request,
					path: state.url,
					qs: undefined,
					body: repeatBody ? opts.request.body : undefined,
				}
			: withQuery(opts.request, sizeQuery(opts, size));
		const response = await transport.requestRaw(spec);
		opts.onResponse?.(response);
		const items = opts.items(response.body);
		const url =
			opts.nextUrl?.(response.body) || (opts.useLinkHeader ? nextLink(response) : undefined);
		return { items, next: items.length && url ? { url } : undefined };
	};
	return paginate(fetchPage, {});
}
