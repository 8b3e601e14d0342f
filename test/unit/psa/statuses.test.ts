import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { listSearch } from '../../../nodes/MspPsa/methods';
import { CONNECTWISE_ACCEPT } from '../../../nodes/MspPsa/providers/connectwise/transport';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

/**
 * The tenant's own statuses: a Halo tenant that renamed its closed status, a ConnectWise board
 * with several closed statuses, a chosen Close Status, and the pinned ConnectWise API version.
 */

type Json = Record<string, unknown>;
/** Rewrites a vendor answer before the node sees it (another Halo version's list shape, a hidden status). */
type Rewrite = (url: string, body: unknown) => unknown;

interface HaloStatusRow {
	id: number;
	name: string;
	type: number;
	closed: boolean;
}
interface HaloTicketRow {
	id: number;
	status_id: number;
}
interface CwStatusRow {
	id: number;
	name: string;
	boardId: number;
	closedStatus: boolean;
	inactive: boolean;
	defaultFlag: boolean;
}
interface CwTicketRow {
	id: number;
	boardId: number;
	statusId: number;
	closedFlag: boolean;
}

const halo = (w: World) =>
	w.vendors.halopsa as { statuses: HaloStatusRow[]; tickets: HaloTicketRow[] };
const cw = (w: World) =>
	w.vendors['connectwise-psa'] as { statuses: CwStatusRow[]; tickets: CwTicketRow[] };

const CREDENTIAL_TYPES = [new MspConnectWisePsaApi(), new MspHaloPsaApi()];
const writes = (requests: SentRequest[]) => requests.filter((r) => r.method !== 'GET');

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => sandbox.stop());

function credentialsOf(vendor: string): ICredentialDataDecryptedObject {
	return { ...sandbox.vendorCredentials().find((v) => v.id === vendor)!.credentials };
}

/** A fake n8n context on the sandbox, with every request's headers kept and answers optionally rewritten. */
function context(
	provider: 'connectwise' | 'halo',
	parameters: Record<string, unknown>,
	opts: { items?: number; rewrite?: Rewrite; continueOnFail?: boolean } = {},
) {
	const credentialType = provider === 'halo' ? 'mspHaloPsaApi' : 'mspConnectWisePsaApi';
	const vendor = provider === 'halo' ? 'halopsa' : 'connectwise-psa';
	const { ctx, requests } = fakeExecuteContext({
		parameters: (name) => ({ provider, options: {}, ...parameters })[name],
		items: Array.from({ length: opts.items ?? 1 }, (_, i) => ({ index: i })),
		credentials: { [credentialType]: credentialsOf(vendor) },
		credentialTypes: CREDENTIAL_TYPES,
		continueOnFail: opts.continueOnFail,
	});
	const headers: IDataObject[] = [];
	const send = ctx.helpers.httpRequestWithAuthentication;
	ctx.helpers.httpRequestWithAuthentication = async function (
		this: unknown,
		type: string,
		options: IHttpRequestOptions,
	) {
		headers.push({ ...options.headers });
		const answer = (await send.call(ctx, type, options)) as { body?: unknown };
		if (!opts.rewrite || !options.returnFullResponse) return answer;
		return { ...answer, body: opts.rewrite(String(options.url), answer.body) };
	} as typeof send;
	return { ctx, requests, headers };
}

async function run(
	provider: 'connectwise' | 'halo',
	parameters: Record<string, unknown>,
	opts: { rewrite?: Rewrite; continueOnFail?: boolean } = {},
) {
	const { ctx, requests, headers } = context(provider, parameters, opts);
	const [output] = await new MspPsa().execute.call(ctx as IExecuteFunctions);
	return { json: output.map((o) => o.json as Json), requests, headers };
}

/** Runs a listSearch method the way the n8n editor does, with the node's current parameters. */
async function search(
	method: 'searchCloseStatuses' | 'searchReopenStatuses',
	provider: 'connectwise' | 'halo',
	current: Record<string, unknown>,
) {
	const { ctx } = context(provider, current);
	const loadCtx = Object.assign(ctx, {
		getCurrentNodeParameter: (name: string) => current[name],
	}) as unknown as ILoadOptionsFunctions;
	return (await listSearch[method].call(loadCtx)).results.map((r) => r.name);
}

describe('HaloPSA tenant with its closed status renamed', () => {
	const renamed = 'Geschlossen';
	beforeEach(() => {
		sandbox.reset({ variations: { haloClosedStatus: renamed } });
		sandbox.setFaults({ profile: 'none' });
	});

	const company = () => ({
		mode: 'id',
		value: String(sandbox.world().clients[0].ids.haloClientId),
	});
	async function createTicket(): Promise<Json> {
		const { json } = await run('halo', {
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'Disk C: below 5% on BSD-DC01',
			additionalFields: {},
		});
		return json[0];
	}

	it('gets and searches closed tickets under the tenant name', async () => {
		const closedId = halo(sandbox.world()).tickets.find((t) => t.status_id === 9)!.id;
		const got = (
			await run('halo', { resource: 'ticket', operation: 'get', ticketId: String(closedId) })
		).json[0];
		expect(got).toMatchObject({ id: String(closedId), status: renamed, isClosed: true });

		const closed = (
			await run('halo', {
				resource: 'ticket',
				operation: 'search',
				filters: { state: 'closed' },
				returnAll: true,
			})
		).json;
		expect(closed.length).toBeGreaterThan(0);
		expect(closed.every((t) => t.isClosed === true && t.status === renamed)).toBe(true);

		const open = (
			await run('halo', {
				resource: 'ticket',
				operation: 'search',
				filters: { state: 'open' },
				returnAll: true,
			})
		).json;
		expect(open.length).toBeGreaterThan(0);
		expect(open.every((t) => t.isClosed === false && t.status !== renamed)).toBe(true);
	});

	it('closes into the renamed closed status and reopens in the first open status', async () => {
		const ticket = await createTicket();
		const closed = await run('halo', {
			resource: 'ticket',
			operation: 'close',
			ticketId: ticket.id,
			resolution: 'Cleared temp files',
		});
		expect(closed.json[0]).toMatchObject({ id: ticket.id, status: renamed, isClosed: true });
		expect(halo(sandbox.world()).tickets.find((t) => String(t.id) === ticket.id)!.status_id).toBe(
			9,
		);

		const again = await run('halo', {
			resource: 'ticket',
			operation: 'close',
			ticketId: ticket.id,
			resolution: 'Cleared temp files',
		});
		expect(writes(again.requests)).toEqual([]);

		const reopened = (
			await run('halo', { resource: 'ticket', operation: 'reopen', ticketId: ticket.id })
		).json[0];
		expect(reopened).toMatchObject({ id: ticket.id, status: 'New', isClosed: false });
	});

	it('takes a Close Status by name or id, and refuses one that is not closed before writing', async () => {
		const ticket = await createTicket();
		const byName = await run('halo', {
			resource: 'ticket',
			operation: 'close',
			ticketId: ticket.id,
			closeStatus: { mode: 'name', value: 'geschlossen' },
		});
		expect(byName.json[0]).toMatchObject({ status: renamed, isClosed: true });

		const other = await createTicket();
		const byId = await run('halo', {
			resource: 'ticket',
			operation: 'close',
			ticketId: other.id,
			closeStatus: { mode: 'id', value: '9' },
		});
		expect(byId.json[0]).toMatchObject({ status: renamed, isClosed: true });

		const third = await createTicket();
		const refused = run('halo', {
			resource: 'ticket',
			operation: 'close',
			ticketId: third.id,
			resolution: 'should not be written',
			closeStatus: { mode: 'name', value: 'Closed' },
		});
		await expect(refused).rejects.toThrow(/Unknown status "Closed"/);
		await expect(refused).rejects.toMatchObject({
			description: expect.stringContaining(renamed),
		});
		const state = halo(sandbox.world()).tickets.find((t) => String(t.id) === third.id)!;
		expect(state.status_id).not.toBe(9);
	});

	it('lists the closed statuses for Close Status and the open ones for Reopen', async () => {
		expect(await search('searchCloseStatuses', 'halo', {})).toEqual([renamed]);
		const open = await search('searchReopenStatuses', 'halo', {});
		expect(open[0]).toBe('New');
		expect(open).not.toContain(renamed);
	});
});

describe('HaloPSA status data the node does not expect', () => {
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	const wrap =
		(key: string): Rewrite =>
		(url, body) => {
			if (!Array.isArray(body)) return body;
			if (/\/api\/Status$/.test(url)) return { record_count: body.length, [key]: body };
			return body;
		};

	it.each([
		['a bare array (the documented shape)', undefined],
		['{statuses: [...]}', wrap('statuses')],
		['{records: [...]}', wrap('records')],
	])('parses /Status as %s', async (_shape, rewrite) => {
		const closedId = halo(sandbox.world()).tickets.find((t) => t.status_id === 9)!.id;
		const openId = halo(sandbox.world()).tickets.find((t) => t.status_id === 2)!.id;
		const got = await run(
			'halo',
			{ resource: 'ticket', operation: 'get', ticketId: String(closedId) },
			{ rewrite },
		);
		expect(got.json[0]).toMatchObject({ status: 'Closed', isClosed: true });
		const closed = await run(
			'halo',
			{ resource: 'ticket', operation: 'close', ticketId: String(openId) },
			{ rewrite },
		);
		expect(closed.json[0]).toMatchObject({ status: 'Closed', isClosed: true });
	});

	it('parses /Team and /Priority wrapped as well', async () => {
		const rewrite: Rewrite = (url, body) => {
			if (!Array.isArray(body)) return body;
			if (/\/api\/Team$/.test(url)) return { teams: body };
			if (/\/api\/Priority$/.test(url)) return { records: body };
			return body;
		};
		const { json } = await run(
			'halo',
			{
				resource: 'ticket',
				operation: 'create',
				company: { mode: 'id', value: String(sandbox.world().clients[0].ids.haloClientId) },
				summary: 'Wrapped lists',
				additionalFields: {
					board: { mode: 'name', value: 'Patching' },
					priority: { mode: 'name', value: 'High' },
				},
			},
			{ rewrite },
		);
		expect(json[0]).toMatchObject({ board: 'Patching', priority: 'High' });
	});

	it('reads tickets whose status /Status does not list, and names the missing closed status from the ticket', async () => {
		const world = sandbox.world();
		const closedId = halo(world).tickets.find((t) => t.status_id === 9)!.id;
		const strayId = halo(world).tickets.find((t) => t.status_id === 2)!.id;
		// A status deleted after the ticket took it.
		halo(world).tickets.find((t) => t.id === strayId)!.status_id = 42;
		const hideClosed: Rewrite = (url, body) =>
			/\/api\/Status$/.test(url) && Array.isArray(body)
				? (body as Array<{ id: number }>).filter((s) => s.id !== 9)
				: body;

		const closed = await run(
			'halo',
			{ resource: 'ticket', operation: 'get', ticketId: String(closedId) },
			{ rewrite: hideClosed },
		);
		expect(closed.json[0]).toMatchObject({ status: 'Closed', isClosed: true });

		const stray = await run('halo', {
			resource: 'ticket',
			operation: 'get',
			ticketId: String(strayId),
		});
		expect(stray.json[0]).toMatchObject({ id: String(strayId), isClosed: false });
		expect(stray.json[0].status).toBeUndefined();

		const all = await run('halo', {
			resource: 'ticket',
			operation: 'search',
			filters: { state: 'any' },
			returnAll: true,
		});
		expect(all.json.find((t) => t.id === String(strayId))).toMatchObject({ isClosed: false });
	});

	it('closes with the status marked closed by type when the built-in one is not listed', async () => {
		const world = sandbox.world();
		// A tenant whose closed status is not the built-in id: only its type marks it closed.
		const built = halo(world).statuses.find((s) => s.id === 9)!;
		halo(world).statuses.push({ ...built, id: 17, name: 'Erledigt' });
		const openId = halo(world).tickets.find((t) => t.status_id === 1)!.id;
		const hideBuiltIn: Rewrite = (url, body) =>
			/\/api\/Status$/.test(url) && Array.isArray(body)
				? (body as Array<{ id: number }>).filter((s) => s.id !== 9)
				: body;
		const { json } = await run(
			'halo',
			{ resource: 'ticket', operation: 'close', ticketId: String(openId) },
			{ rewrite: hideBuiltIn },
		);
		expect(json[0]).toMatchObject({ status: 'Erledigt', isClosed: true });
	});

	it('refuses to close, naming the Close Status parameter, when no status is marked closed', async () => {
		const openId = halo(sandbox.world()).tickets.find((t) => t.status_id === 1)!.id;
		const onlyOpen: Rewrite = (url, body) =>
			/\/api\/Status$/.test(url) && Array.isArray(body)
				? (body as Array<{ id: number; type?: number }>).filter((s) => s.id !== 9 && s.type !== 1)
				: body;
		const attempt = run(
			'halo',
			{ resource: 'ticket', operation: 'close', ticketId: String(openId), resolution: 'x' },
			{ rewrite: onlyOpen },
		);
		await expect(attempt).rejects.toThrow(/lists no closed status/);
		await expect(attempt).rejects.toMatchObject({
			description: expect.stringContaining('Close Status'),
		});
		expect(halo(sandbox.world()).tickets.find((t) => t.id === openId)!.status_id).toBe(1);
	});
});

describe('ConnectWise board with several closed statuses', () => {
	const CLOSED = ['>Closed', 'Closed - No Response', 'Cancelled'];
	beforeEach(() => {
		sandbox.reset({ variations: { connectwiseClosedStatuses: CLOSED } });
		sandbox.setFaults({ profile: 'none' });
	});

	const company = () => ({
		mode: 'id',
		value: String(sandbox.world().clients[0].ids.connectwiseCompanyId),
	});
	async function createTicket(): Promise<Json> {
		const { json } = await run('connectwise', {
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'Printer offline in reception',
			additionalFields: { board: { mode: 'name', value: 'Help Desk' } },
		});
		return json[0];
	}
	const close = (ticketId: unknown, extra: Record<string, unknown> = {}) =>
		run('connectwise', {
			resource: 'ticket',
			operation: 'close',
			ticketId,
			resolution: 'Done',
			...extra,
		});
	const helpDeskStatus = (name: string) =>
		cw(sandbox.world()).statuses.find((s) => s.boardId === 1 && s.name === name)!;

	it('closes with the first closed status by sort order, and reopens in the board default', async () => {
		const ticket = await createTicket();
		const closed = await close(ticket.id);
		expect(closed.json[0]).toMatchObject({ status: '>Closed', isClosed: true });
		const reopened = (
			await run('connectwise', { resource: 'ticket', operation: 'reopen', ticketId: ticket.id })
		).json[0];
		expect(reopened).toMatchObject({ status: 'New', isClosed: false });
	});

	it("closes with the board's closed status flagged default", async () => {
		helpDeskStatus('Closed - No Response').defaultFlag = true;
		const ticket = await createTicket();
		const closed = await close(ticket.id);
		expect(closed.json[0]).toMatchObject({ status: 'Closed - No Response', isClosed: true });
	});

	it('closes with the chosen Close Status, by name and by id', async () => {
		const a = await createTicket();
		const byName = await close(a.id, {
			closeStatus: { mode: 'name', value: 'closed - no response' },
		});
		expect(byName.json[0]).toMatchObject({ status: 'Closed - No Response', isClosed: true });

		const b = await createTicket();
		const cancelled = helpDeskStatus('Cancelled');
		const byId = await close(b.id, { closeStatus: { mode: 'id', value: String(cancelled.id) } });
		expect(byId.json[0]).toMatchObject({ status: 'Cancelled', isClosed: true });
		expect(cw(sandbox.world()).tickets.find((t) => String(t.id) === b.id)!.statusId).toBe(
			cancelled.id,
		);
	});

	it('moves a closed ticket to another chosen closed status, and leaves it when nothing else is asked', async () => {
		const ticket = await createTicket();
		await close(ticket.id);
		const moved = await close(ticket.id, { closeStatus: { mode: 'name', value: 'Cancelled' } });
		expect(moved.json[0]).toMatchObject({ status: 'Cancelled', isClosed: true });
		const same = await close(ticket.id, { closeStatus: { mode: 'name', value: 'Cancelled' } });
		expect(writes(same.requests)).toEqual([]);
		const plain = await close(ticket.id);
		expect(writes(plain.requests)).toEqual([]);
		expect(plain.json[0]).toMatchObject({ status: 'Cancelled' });
	});

	it('refuses an open or unknown Close Status, listing the closed ones, before writing', async () => {
		const ticket = await createTicket();
		for (const value of ['In Progress', 'Closed (old)']) {
			const attempt = close(ticket.id, { closeStatus: { mode: 'name', value } });
			await expect(attempt).rejects.toThrow(`Unknown status "${value}"`);
			await expect(attempt).rejects.toMatchObject({
				description: expect.stringContaining(CLOSED.join(', ')),
			});
		}
		const row = cw(sandbox.world()).tickets.find((t) => String(t.id) === ticket.id)!;
		expect(row.closedFlag).toBe(false);
	});

	it("lists the closed statuses of the ticket's board, or of every board with its name", async () => {
		const ticket = await createTicket();
		expect(await search('searchCloseStatuses', 'connectwise', { ticketId: ticket.id })).toEqual(
			CLOSED,
		);
		const everyBoard = await search('searchCloseStatuses', 'connectwise', {
			ticketId: '={{ $json.id }}',
		});
		expect(everyBoard).toEqual(
			expect.arrayContaining([
				'>Closed (Help Desk)',
				'Cancelled (Help Desk)',
				'Closed - No Response (Security Operations)',
			]),
		);
		const open = await search('searchReopenStatuses', 'connectwise', { ticketId: ticket.id });
		expect(open).toEqual(['New', 'In Progress', 'Waiting Customer', 'Scheduled']);
	});
});

describe('ConnectWise API version pin', () => {
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	it('sends the pinned Accept header on every request, reads and writes, and the sandbox answers', async () => {
		expect(CONNECTWISE_ACCEPT).toMatch(
			/^application\/vnd\.connectwise\.com\+json; version=\d{4}\.\d+$/,
		);
		const companyId = String(sandbox.world().clients[0].ids.connectwiseCompanyId);
		const created = await run('connectwise', {
			resource: 'ticket',
			operation: 'create',
			company: { mode: 'id', value: companyId },
			summary: 'Pinned',
			additionalFields: { board: { mode: 'name', value: 'Help Desk' } },
		});
		const closed = await run('connectwise', {
			resource: 'ticket',
			operation: 'close',
			ticketId: created.json[0].id,
			resolution: 'Done',
		});
		const searched = await run('connectwise', {
			resource: 'ticket',
			operation: 'search',
			filters: { state: 'closed' },
			returnAll: true,
		});
		for (const result of [created, closed, searched]) {
			expect(result.headers.length).toBeGreaterThan(0);
			expect(result.headers.every((h) => h.Accept === CONNECTWISE_ACCEPT)).toBe(true);
			expect(result.requests.every((r) => r.status < 400)).toBe(true);
		}
		expect(closed.json[0]).toMatchObject({ isClosed: true });
	});

	it('shows the pin in a dry run', async () => {
		const { json } = await run('connectwise', {
			resource: 'ticket',
			operation: 'create',
			company: { mode: 'id', value: String(sandbox.world().clients[0].ids.connectwiseCompanyId) },
			summary: 'dry',
			additionalFields: {},
			options: { dryRun: true },
		});
		expect(json[0]).toMatchObject({
			dryRun: true,
			request: { headers: { Accept: CONNECTWISE_ACCEPT } },
		});
	});

	it('does not send the ConnectWise pin to HaloPSA', async () => {
		const closedId = halo(sandbox.world()).tickets[0].id;
		const { headers } = await run('halo', {
			resource: 'ticket',
			operation: 'get',
			ticketId: String(closedId),
		});
		expect(headers.some((h) => h.Accept === CONNECTWISE_ACCEPT)).toBe(false);
	});
});
