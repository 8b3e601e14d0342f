import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	filterPages,
	Transport,
	afterIdPages,
	collect,
	cursorPages,
	nextUrlPages,
	offsetPages,
	pageNumberPages,
	pageSizeFor,
	paginate,
} from '../../../nodes/shared';
import type { Reply } from './helpers';
import { fakeClock, fakeContext, profile } from './helpers';

type Row = { id: number };
const rows = (from: number, count: number): Row[] =>
	Array.from({ length: count }, (_, i) => ({ id: from + i }));

function setup(replies: Array<Reply | ((options: IHttpRequestOptions) => Reply)>) {
	const clock = fakeClock();
	const fake = fakeContext(replies);
	const transport = new Transport(fake.ctx, profile, {
		now: clock.now,
		sleep: clock.sleep,
		pacer: null,
	});
	return { ...fake, transport };
}

const list = {
	method: 'GET' as const,
	path: '/items',
	operation: 'list items',
	qs: { filter: 'x' },
};
const bareArray = (body: unknown) => body as Row[];

describe('paginate and collect', () => {
	it('streams pages until next is undefined', async () => {
		const pages = paginate(
			async (n: number) => ({ items: [n], next: n < 3 ? n + 1 : undefined }),
			1,
		);
		await expect(collect(pages, { returnAll: true })).resolves.toEqual([1, 2, 3]);
	});

	it('stops fetching as soon as the limit is reached', async () => {
		const fetched: number[] = [];
		const pages = paginate(async (n: number) => {
			fetched.push(n);
			return { items: [n * 10, n * 10 + 1], next: n + 1 };
		}, 1);
		await expect(collect(pages, { returnAll: false, limit: 3 })).resolves.toEqual([10, 11, 20]);
		expect(fetched).toEqual([1, 2]);
	});

	it('stops when a vendor returns the same position twice', async () => {
		const pages = paginate(async () => ({ items: [1], next: 'same' }), 'same');
		await expect(collect(pages, { returnAll: true })).resolves.toEqual([1]);
	});

	it('asks for the limit as page size when it is smaller than the maximum', () => {
		expect(pageSizeFor(1000, 5)).toBe(5);
		expect(pageSizeFor(100, 250)).toBe(100);
		expect(pageSizeFor(100)).toBe(100);
	});
});

describe('pageNumberPages', () => {
	it('increments the page until a short page', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: rows(1, 2) },
			{ statusCode: 200, body: rows(3, 2) },
			{ statusCode: 200, body: rows(5, 1) },
		]);
		const pages = pageNumberPages(transport, {
			request: list,
			items: bareArray,
			pageParam: 'page',
			sizeParam: 'pageSize',
			pageSize: 2,
		});
		expect((await collect(pages, { returnAll: true })).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
		expect(calls.map((c) => c.qs)).toEqual([
			{ filter: 'x', page: 1, pageSize: 2 },
			{ filter: 'x', page: 2, pageSize: 2 },
			{ filter: 'x', page: 3, pageSize: 2 },
		]);
	});

	it('stops on an empty page', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: rows(1, 2) },
			{ statusCode: 200, body: [] },
		]);
		const pages = pageNumberPages(transport, {
			request: list,
			items: bareArray,
			pageParam: 'page',
			sizeParam: 'pageSize',
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(2);
		expect(calls).toHaveLength(2);
	});

	it('stops when the reported total is reached (full last page)', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { record_count: 4, tickets: rows(1, 2) } },
			{ statusCode: 200, body: { record_count: 4, tickets: rows(3, 2) } },
		]);
		const pages = pageNumberPages(transport, {
			request: list,
			items: (body) => (body as { tickets: Row[] }).tickets,
			total: (body) => (body as { record_count: number }).record_count,
			pageParam: 'page_no',
			sizeParam: 'page_size',
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(4);
		expect(calls).toHaveLength(2);
	});

	it('follows Link rel="next" and stops when the Link header has no next', async () => {
		const next = 'https://api.vendor.test/v1/items?pageSize=2&pageId=2';
		const { transport, calls } = setup([
			{
				statusCode: 200,
				headers: { link: `<${next}>; rel="next", <https://x/last>; rel="last"` },
				body: rows(1, 2),
			},
			{
				statusCode: 200,
				headers: { link: '<https://api.vendor.test/v1/items?page=1>; rel="first"' },
				body: rows(3, 2),
			},
		]);
		const pages = pageNumberPages(transport, {
			request: list,
			items: bareArray,
			pageParam: 'page',
			sizeParam: 'pageSize',
			pageSize: 2,
			useLinkHeader: true,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(4);
		expect(calls).toHaveLength(2);
		expect(calls[1].url).toBe(next);
		expect(calls[1].qs).toBeUndefined();
	});

	it('supports 0-based pages and requests page size = limit', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: rows(1, 5) }]);
		const pages = pageNumberPages(transport, {
			request: list,
			items: bareArray,
			pageParam: 'page',
			sizeParam: 'max',
			pageSize: 250,
			firstPage: 0,
			limit: 5,
		});
		expect(await collect(pages, { returnAll: false, limit: 5 })).toHaveLength(5);
		expect(calls).toHaveLength(1);
		expect(calls[0].qs).toMatchObject({ page: 0, max: 5 });
	});
});

describe('offsetPages', () => {
	it('advances the offset by the items received', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { value: rows(1, 3) } },
			{ statusCode: 200, body: { value: rows(4, 1) } },
		]);
		const pages = offsetPages(transport, {
			request: list,
			items: (body) => (body as { value: Row[] }).value,
			offsetParam: '$skip',
			sizeParam: '$top',
			pageSize: 3,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(4);
		expect(calls.map((c) => c.qs?.$skip)).toEqual([0, 3]);
	});
});

describe('afterIdPages', () => {
	it('passes the last id of each page as the next after', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: rows(10, 3) },
			{ statusCode: 200, body: rows(13, 3) },
			{ statusCode: 200, body: rows(16, 1) },
		]);
		const pages = afterIdPages(transport, {
			request: list,
			items: bareArray,
			afterParam: 'after',
			sizeParam: 'pageSize',
			pageSize: 3,
			idOf: (row) => row.id,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(7);
		expect(calls.map((c) => c.qs?.after)).toEqual([undefined, 12, 15]);
	});

	it('stops early at the limit with page size = limit', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: rows(1, 2) }]);
		const pages = afterIdPages(transport, {
			request: list,
			items: bareArray,
			afterParam: 'after',
			sizeParam: 'pageSize',
			pageSize: 1000,
			limit: 2,
			idOf: (row) => row.id,
		});
		expect(await collect(pages, { returnAll: false, limit: 2 })).toHaveLength(2);
		expect(calls).toHaveLength(1);
		expect(calls[0].qs).toMatchObject({ pageSize: 2 });
	});
});

describe('cursorPages', () => {
	const items = (body: unknown) => (body as { data: Row[] }).data;
	const cursor = (body: unknown) =>
		(body as { pagination: { nextCursor: string | null } }).pagination.nextCursor;

	it('sends the cursor from the previous body until it is null', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { data: rows(1, 2), pagination: { nextCursor: 'c1' } } },
			{ statusCode: 200, body: { data: rows(3, 2), pagination: { nextCursor: 'c2' } } },
			{ statusCode: 200, body: { data: rows(5, 1), pagination: { nextCursor: null } } },
		]);
		const pages = cursorPages(transport, {
			request: list,
			items,
			cursor,
			cursorParam: 'cursor',
			sizeParam: 'limit',
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(5);
		expect(calls.map((c) => c.qs)).toEqual([
			{ filter: 'x', limit: 2 },
			{ filter: 'x', limit: 2, cursor: 'c1' },
			{ filter: 'x', limit: 2, cursor: 'c2' },
		]);
	});

	it('can put cursor and size in a POST body', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { data: rows(1, 2), pagination: { nextCursor: 'a1' } } },
			{ statusCode: 200, body: { data: rows(3, 1), pagination: { nextCursor: '' } } },
		]);
		const pages = cursorPages(transport, {
			request: {
				method: 'POST',
				path: '/alerts/query',
				operation: 'list alerts',
				body: { filter: 'x' },
				readOnly: true,
			},
			items,
			cursor,
			cursorParam: 'after',
			cursorIn: 'body',
			sizeParam: 'limit',
			sizeIn: 'body',
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(3);
		expect(calls[1].body).toEqual({ filter: 'x', limit: 2, after: 'a1' });
	});

	it('stops fetching at the limit', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { data: rows(1, 3), pagination: { nextCursor: 'c1' } } },
		]);
		const pages = cursorPages(transport, {
			request: list,
			items,
			cursor,
			cursorParam: 'cursor',
			sizeParam: 'limit',
			pageSize: 1000,
			limit: 3,
		});
		expect(await collect(pages, { returnAll: false, limit: 3 })).toHaveLength(3);
		expect(calls).toHaveLength(1);
		expect(calls[0].qs).toMatchObject({ limit: 3 });
	});
});

describe('nextUrlPages', () => {
	it('follows an OData @odata.nextLink from the body', async () => {
		const next = 'https://api.vendor.test/v1/items?$skiptoken=abc';
		const { transport, calls } = setup([
			{ statusCode: 200, body: { value: rows(1, 2), '@odata.nextLink': next } },
			{ statusCode: 200, body: { value: rows(3, 1) } },
		]);
		const pages = nextUrlPages(transport, {
			request: list,
			items: (body) => (body as { value: Row[] }).value,
			nextUrl: (body) => (body as Record<string, string>)['@odata.nextLink'],
			sizeParam: '$top',
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(3);
		expect(calls[0].qs).toEqual({ filter: 'x', $top: 2 });
		expect(calls[1].url).toBe(next);
		expect(calls[1].qs).toBeUndefined();
	});

	it('re-sends the query body to the next URL of a POST query', async () => {
		const next = 'https://zone.vendor.test/query/next?paging=1';
		const { transport, calls } = setup([
			{ statusCode: 200, body: { items: rows(1, 2), pageDetails: { nextPageUrl: next } } },
			{ statusCode: 200, body: { items: rows(3, 2), pageDetails: { nextPageUrl: '' } } },
		]);
		const pages = nextUrlPages(transport, {
			request: {
				method: 'POST',
				path: '/Tickets/query',
				operation: 'search tickets',
				body: { filter: [] },
				readOnly: true,
			},
			items: (body) => (body as { items: Row[] }).items,
			nextUrl: (body) => (body as { pageDetails: { nextPageUrl: string } }).pageDetails.nextPageUrl,
			pageSize: 500,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(4);
		expect(calls[1]).toMatchObject({ method: 'POST', url: next, body: { filter: [] } });
	});

	it('follows a Link header next URL', async () => {
		const { transport, calls } = setup([
			{
				statusCode: 200,
				headers: { link: '<https://api.vendor.test/v1/items?page=2>; rel="next"' },
				body: rows(1, 2),
			},
			{ statusCode: 200, body: rows(3, 2) },
		]);
		const pages = nextUrlPages(transport, {
			request: list,
			items: bareArray,
			useLinkHeader: true,
			pageSize: 2,
		});
		expect(await collect(pages, { returnAll: true })).toHaveLength(4);
		expect(calls[1].url).toBe('https://api.vendor.test/v1/items?page=2');
	});

	it('stops at the limit without following the next URL', async () => {
		const { transport, calls } = setup([
			{
				statusCode: 200,
				body: { value: rows(1, 5), '@odata.nextLink': 'https://api.vendor.test/next' },
			},
		]);
		const pages = nextUrlPages(transport, {
			request: list,
			items: (body) => (body as { value: Row[] }).value,
			nextUrl: (body) => (body as Record<string, string>)['@odata.nextLink'],
			sizeParam: '$top',
			pageSize: 10000,
			limit: 5,
		});
		expect(await collect(pages, { returnAll: false, limit: 5 })).toHaveLength(5);
		expect(calls).toHaveLength(1);
		expect(calls[0].qs).toMatchObject({ $top: 5 });
	});
});

describe('pageNumberPages with pages in flight', () => {
	type Served = { page: number; status?: number; count?: number };
	/**
	 * A vendor whose pages answer after a delay that depends on the page number, so later pages
	 * often arrive before earlier ones. `answer` can shorten or fail a page.
	 */
	function vendor(
		total: number,
		size: number,
		answer: (page: number) => Served = (page) => ({ page }),
	) {
		const requested: number[] = [];
		const completed: number[] = [];
		let inFlight = 0;
		let maxInFlight = 0;
		const httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) => {
			const page = Number(options.qs?.page);
			requested.push(page);
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			await new Promise((resolve) => setTimeout(resolve, ((page * 7) % 5) * 3));
			inFlight--;
			completed.push(page);
			const served = answer(page);
			if (served.status)
				return { statusCode: served.status, headers: {}, body: { message: `page ${page} failed` } };
			const from = (page - 1) * size;
			const count = served.count ?? Math.max(0, Math.min(size, total - from));
			return {
				statusCode: 200,
				headers: {},
				body: { record_count: total, rows: rows(from + 1, count) },
			};
		};
		const fake = fakeContext([]);
		(fake.ctx.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication =
			httpRequestWithAuthentication;
		const clock = fakeClock();
		const transport = new Transport(fake.ctx, profile, {
			now: clock.now,
			sleep: clock.sleep,
			pacer: null,
		});
		return {
			transport,
			requested,
			completed,
			maxInFlight: () => maxInFlight,
			inFlight: () => inFlight,
		};
	}

	const options = (extra: { pageSize: number; concurrency: number; limit?: number }) => ({
		request: list,
		items: (body: unknown) => (body as { rows: Row[] }).rows,
		total: (body: unknown) => (body as { record_count: number }).record_count,
		pageParam: 'page',
		sizeParam: 'pageSize',
		...extra,
	});
	const settle = async () => await new Promise((resolve) => setTimeout(resolve, 40));
	const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

	it('yields pages in order when they complete out of order, with exactly ceil(total / size) requests', async () => {
		const server = vendor(950, 100);
		const pages = pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 4 }));
		const items = await collect(pages, { returnAll: true });
		expect(items.map((r) => r.id)).toEqual(ids(950));
		expect([...server.requested].sort((a, b) => a - b)).toEqual(ids(10));
		expect(server.completed).not.toEqual([...server.completed].sort((a, b) => a - b));
	});

	it('streams: a page is handed over before the later pages are in', async () => {
		const server = vendor(2000, 100);
		const pages = pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 3 }));
		const seen: Array<{ first: number; requested: number }> = [];
		for await (const page of pages)
			seen.push({ first: page[0].id, requested: server.requested.length });
		expect(seen.map((p) => p.first)).toEqual(ids(20).map((n) => (n - 1) * 100 + 1));
		expect(seen[1].requested).toBeLessThan(20);
	});

	it('keeps at most `concurrency` requests in flight', async () => {
		const server = vendor(3000, 100);
		await collect(pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 5 })), {
			returnAll: true,
		});
		expect(server.maxInFlight()).toBe(5);
		expect(server.requested).toHaveLength(30);
	});

	it('requests no page beyond ceil(limit / size)', async () => {
		const server = vendor(5000, 100);
		const pages = pageNumberPages(
			server.transport,
			options({ pageSize: 100, concurrency: 8, limit: 250 }),
		);
		const items = await collect(pages, { returnAll: false, limit: 250 });
		expect(items.map((r) => r.id)).toEqual(ids(250));
		expect([...server.requested].sort((a, b) => a - b)).toEqual([1, 2, 3]);
	});

	it('starts nothing new once the consumer stops, and lets the requests in flight settle', async () => {
		const server = vendor(5000, 100);
		// No limit on the pager: only the consumer knows when it has enough.
		const pages = pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 4 }));
		const items = await collect(pages, { returnAll: false, limit: 250 });
		expect(items).toHaveLength(250);
		const atStop = server.requested.length;
		expect(atStop).toBeLessThanOrEqual(3 + 4);
		await settle();
		expect(server.requested).toHaveLength(atStop);
		expect(server.inFlight()).toBe(0);
	});

	it('ends at a short page mid-way and drops the pages after it', async () => {
		const server = vendor(1000, 100, (page) => (page === 4 ? { page, count: 30 } : { page }));
		const pages = pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 3 }));
		const items = await collect(pages, { returnAll: true });
		expect(items.map((r) => r.id)).toEqual(ids(330));
		await settle();
		expect(Math.max(...server.requested)).toBeLessThanOrEqual(4 + 2);
	});

	it('ends at an empty page mid-way', async () => {
		const server = vendor(1000, 100, (page) => (page === 3 ? { page, count: 0 } : { page }));
		const items = await collect(
			pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 3 })),
			{ returnAll: true },
		);
		expect(items).toHaveLength(200);
	});

	it('rejects the listing when a page fails, after the pages before it, with no unhandled rejection', async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			const server = vendor(3000, 100, (page) =>
				page === 3 || page === 4 ? { page, status: 400 } : { page },
			);
			const received: number[] = [];
			const listing = (async () => {
				for await (const page of pageNumberPages(
					server.transport,
					options({ pageSize: 100, concurrency: 4 }),
				))
					received.push(page[0].id);
			})();
			await expect(listing).rejects.toThrow(/page 3 failed/);
			expect(received).toEqual([1, 101]);
			const atFailure = server.requested.length;
			await settle();
			expect(server.requested).toHaveLength(atFailure);
			expect(Math.max(...server.requested)).toBeLessThanOrEqual(2 + 4);
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});

	it('reads one page after another without a total on page 1', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, body: { rows: rows(1, 2) } },
			{ statusCode: 200, body: { rows: rows(3, 2) } },
			{ statusCode: 200, body: { rows: rows(5, 1) } },
		]);
		const pages = pageNumberPages(transport, {
			...options({ pageSize: 2, concurrency: 4 }),
			total: () => undefined,
		});
		expect((await collect(pages, { returnAll: true })).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
		expect(calls.map((c) => c.qs?.page)).toEqual([1, 2, 3]);
	});

	it('stops after page 1 when it already holds the total', async () => {
		const server = vendor(80, 100);
		const items = await collect(
			pageNumberPages(server.transport, options({ pageSize: 100, concurrency: 4 })),
			{ returnAll: true },
		);
		expect(items).toHaveLength(80);
		expect(server.requested).toEqual([1]);
	});
});

describe('filterPages', () => {
	it('keeps matching items page by page and skips pages left empty', async () => {
		async function* pages() {
			yield [1, 2, 3];
			yield [4, 6];
			yield [5, 7];
		}
		const seen: number[][] = [];
		for await (const page of filterPages(pages(), (n) => n % 2 === 1)) seen.push(page);
		expect(seen).toEqual([
			[1, 3],
			[5, 7],
		]);
	});
});
