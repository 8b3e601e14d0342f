import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { TokenStore } from '../../../sandbox/lib/tokens';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

interface VendorCase {
	provider: string;
	sandboxId: string;
	credentialType: string;
	companyId: (world: World) => string;
	configurationId: (world: World) => string;
	board: string;
	openStatus: string;
	/** Path fragment of the ticket list request, to count pages. */
	listPath: RegExp;
	statusListPath: RegExp;
	tickets: (world: World) => Array<Record<string, unknown>>;
	referenceOf: (ticket: Record<string, unknown>) => unknown;
	summaryMax?: number;
	openCount: (world: World) => number;
}

const CASES: VendorCase[] = [
	{
		provider: 'connectwise',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		companyId: (w) => String(w.clients[0].ids.connectwiseCompanyId),
		configurationId: (w) => String(w.devices[1].ids.connectwiseConfigurationId),
		board: 'Help Desk',
		openStatus: 'In Progress',
		listPath: /\/service\/tickets(\?|$)/,
		statusListPath: /\/statuses$/,
		tickets: (w) =>
			(w.vendors['connectwise-psa'] as { tickets: Array<Record<string, unknown>> }).tickets,
		referenceOf: (t) => t.externalXRef,
		summaryMax: 100,
		openCount: (w) =>
			(w.vendors['connectwise-psa'] as { tickets: Array<{ closedFlag: boolean }> }).tickets.filter(
				(t) => !t.closedFlag,
			).length,
	},
	{
		provider: 'halo',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		companyId: (w) => String(w.clients[0].ids.haloClientId),
		configurationId: (w) => String(w.devices[1].ids.haloAssetId),
		board: 'Service Desk',
		openStatus: 'In Progress',
		listPath: /\/api\/Tickets(\?|$)/,
		statusListPath: /\/api\/Status$/,
		tickets: (w) => (w.vendors.halopsa as { tickets: Array<Record<string, unknown>> }).tickets,
		referenceOf: (t) => t.third_party_id_string,
		openCount: (w) =>
			(w.vendors.halopsa as { tickets: Array<{ status_id: number }> }).tickets.filter(
				(t) => t.status_id !== 9,
			).length,
	},
];

describe.each(CASES)('MSP PSA contract: $provider', (vendor) => {
	let sandbox: Sandbox;
	let credentials: ICredentialDataDecryptedObject;
	const node = new MspPsa();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		credentials = {
			...sandbox.vendorCredentials().find((v) => v.id === vendor.sandboxId)!.credentials,
		};
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	/** Runs the node with the given parameters for each item; parameters may depend on the item. */
	async function run(
		parameters: Record<string, unknown> | ((i: number) => Record<string, unknown>),
		opts: { items?: number; continueOnFail?: boolean } = {},
	) {
		const params = (name: string, i: number) => {
			const all = {
				provider: vendor.provider,
				options: {},
				...(typeof parameters === 'function' ? parameters(i) : parameters),
			} as Record<string, unknown>;
			return all[name];
		};
		const { ctx, requests } = fakeExecuteContext({
			parameters: params,
			items: Array.from({ length: opts.items ?? 1 }, (_, i) => ({ index: i })),
			credentials: { [vendor.credentialType]: credentials },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
			continueOnFail: opts.continueOnFail,
		});
		const [output] = await node.execute.call(ctx);
		return { json: output.map((o) => o.json), output, requests };
	}

	const writes = (requests: SentRequest[]) => requests.filter((r) => r.method !== 'GET');
	const company = () => ({ mode: 'id', value: vendor.companyId(sandbox.world()) });

	async function createTicket(extra: IDataObject = {}) {
		const { json } = await run({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'Disk C: below 5% on BSD-DC01',
			additionalFields: { board: { mode: 'name', value: vendor.board }, ...extra },
		});
		return json[0];
	}

	it('creates a ticket and returns the normalized ticket', async () => {
		const ticket = await createTicket({
			description: 'From the RMM',
			priority: {
				mode: 'name',
				value: vendor.provider === 'halo' ? 'High' : 'Priority 2 - Quick Response',
			},
		});
		expect(ticket).toMatchObject({
			summary: 'Disk C: below 5% on BSD-DC01',
			companyId: vendor.companyId(sandbox.world()),
			board: vendor.board,
			isClosed: false,
			id: expect.any(String),
		});
		expect(ticket.priority).toMatch(/High|Quick/);
		expect(ticket.raw).toBeUndefined();
		expect(vendor.tickets(sandbox.world()).some((t) => String(t.id) === ticket.id)).toBe(true);
	});

	it('find or create by external reference twice returns the same ticket', async () => {
		const params = {
			resource: 'ticket',
			operation: 'findOrCreate',
			company: company(),
			summary: 'Ransomware on BSD-WS02',
			externalReference: 'edr-threat-42',
			additionalFields: {},
		};
		const first = (await run(params)).json[0];
		const second = await run(params);
		expect(first).toMatchObject({ created: true, externalReference: 'edr-threat-42' });
		expect(second.json[0]).toMatchObject({ created: false, id: first.id });
		expect(writes(second.requests)).toEqual([]);
		expect(
			vendor.tickets(sandbox.world()).filter((t) => vendor.referenceOf(t) === 'edr-threat-42'),
		).toHaveLength(1);
	});

	it('searches with company, state, text and updated-since filters', async () => {
		const world = sandbox.world();
		const worldClock = Date.parse(world.createdAt);
		const yearAgo = new Date(worldClock - 365 * 86_400_000).toISOString();
		const { json } = await run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { company: company(), state: 'open', text: 'disk', updatedSince: yearAgo },
		});
		expect(json.length).toBeGreaterThan(0);
		for (const t of json)
			expect(t).toMatchObject({
				companyId: vendor.companyId(world),
				isClosed: false,
				summary: expect.stringMatching(/disk/i),
			});
		const future = await run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { updatedSince: new Date(worldClock + 86_400_000).toISOString(), state: 'any' },
		});
		expect(future.json).toEqual([]);
	});

	it('pages through more than one page with returnAll and fetches one page for a small limit', async () => {
		sandbox.reset({ ticketsPerClient: 450 });
		const all = await run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { state: 'open' },
		});
		expect(all.json).toHaveLength(vendor.openCount(sandbox.world()));
		expect(new Set(all.json.map((t) => t.id)).size).toBe(all.json.length);
		expect(all.requests.filter((r) => vendor.listPath.test(r.url)).length).toBeGreaterThan(1);
		const few = await run({
			resource: 'ticket',
			operation: 'search',
			returnAll: false,
			limit: 5,
			filters: { state: 'open' },
		});
		expect(few.json).toHaveLength(5);
		expect(few.requests.filter((r) => vendor.listPath.test(r.url))).toHaveLength(1);
	});

	it('updates summary, priority and status by name', async () => {
		const ticket = await createTicket();
		const { json } = await run({
			resource: 'ticket',
			operation: 'update',
			ticketId: ticket.id,
			updateFields: { summary: 'Disk cleaned', status: { mode: 'name', value: vendor.openStatus } },
		});
		expect(json[0]).toMatchObject({
			id: ticket.id,
			summary: 'Disk cleaned',
			status: vendor.openStatus,
			isClosed: false,
		});
	});

	it('rejects an unknown status name listing the valid ones, before writing', async () => {
		const ticket = await createTicket();
		const attempt = run({
			resource: 'ticket',
			operation: 'update',
			ticketId: ticket.id,
			updateFields: { status: { mode: 'name', value: 'Teleported' } },
		});
		await expect(attempt).rejects.toThrow(/Unknown status "Teleported"/);
		await expect(attempt).rejects.toMatchObject({
			description: expect.stringContaining(vendor.openStatus),
		});
	});

	it('adds internal and customer-visible notes and a time entry', async () => {
		const ticket = await createTicket();
		const internal = (
			await run({
				resource: 'ticket',
				operation: 'addNote',
				ticketId: ticket.id,
				text: 'Checked the logs',
				visibility: 'internal',
				resolution: false,
			})
		).json[0];
		expect(internal).toMatchObject({
			ticketId: ticket.id,
			text: 'Checked the logs',
			internal: true,
		});
		const visible = (
			await run({
				resource: 'ticket',
				operation: 'addNote',
				ticketId: ticket.id,
				text: 'We are on it',
				visibility: 'customer',
				resolution: false,
			})
		).json[0];
		expect(visible).toMatchObject({ internal: false });
		// An hour before the world's clock, in whole seconds as PSAs store it.
		const startedAt = new Date(
			Math.floor((Date.parse(sandbox.world().createdAt) - 3_600_000) / 1000) * 1000,
		);
		const time = (
			await run({
				resource: 'ticket',
				operation: 'addTimeEntry',
				ticketId: ticket.id,
				hours: 0.5,
				timeFields: { notes: 'Remote cleanup', startedAt: startedAt.toISOString() },
			})
		).json[0];
		expect(time).toMatchObject({
			ticketId: ticket.id,
			hours: 0.5,
			billable: true,
			startedAt: startedAt.toISOString(),
		});
	});

	it('closes tickets with a resolution, reading the statuses once for all items, and reopens', async () => {
		const a = await createTicket();
		const b = await createTicket();
		const ids = [a.id, b.id];
		const closed = await run(
			(i) => ({
				resource: 'ticket',
				operation: 'close',
				ticketId: ids[i],
				resolution: 'Cleared temp files',
			}),
			{ items: 2 },
		);
		expect(closed.json.map((t) => t.isClosed)).toEqual([true, true]);
		expect(closed.requests.filter((r) => vendor.statusListPath.test(r.url))).toHaveLength(1);
		const again = await run({
			resource: 'ticket',
			operation: 'close',
			ticketId: a.id,
			resolution: 'again',
		});
		expect(writes(again.requests)).toEqual([]);
		const reopened = (
			await run({ resource: 'ticket', operation: 'reopen', ticketId: a.id, reopenStatus: '' })
		).json[0];
		expect(reopened).toMatchObject({ id: a.id, isClosed: false });
		const named = (
			await run({
				resource: 'ticket',
				operation: 'reopen',
				ticketId: b.id,
				reopenStatus: { mode: 'name', value: vendor.openStatus },
			})
		).json[0];
		expect(named).toMatchObject({ status: vendor.openStatus, isClosed: false });
	});

	it('rejects a missing summary or company before any request', async () => {
		const noSummary = fakeRun({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: '  ',
			additionalFields: {},
		});
		await expect(noSummary.promise).rejects.toThrow(/Summary is required/);
		expect(noSummary.requests()).toEqual([]);
		const noCompany = fakeRun({
			resource: 'ticket',
			operation: 'create',
			company: { mode: 'list', value: '' },
			summary: 'x',
			additionalFields: {},
		});
		await expect(noCompany.promise).rejects.toThrow(/Company is required/);
		expect(noCompany.requests()).toEqual([]);
	});

	it('fits an over-long summary to the vendor limit instead of failing', async () => {
		const long = `Backup failed: ${'x'.repeat(150)}`;
		const { json } = await run({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: long,
			additionalFields: {},
		});
		if (vendor.summaryMax) {
			expect((json[0].summary as string).length).toBe(vendor.summaryMax);
			expect(json[0].summary).toMatch(/…$/);
		} else expect(json[0].summary).toBe(long);
	});

	it("keeps the vendor's message and field on a validation error, and continues on fail", async () => {
		const bad = { mode: 'id', value: '999999' };
		await expect(
			run({
				resource: 'ticket',
				operation: 'create',
				company: bad,
				summary: 'x',
				additionalFields: {},
			}),
		).rejects.toThrow(/company|client_id/i);
		const mixed = await run(
			(i) => ({
				resource: 'ticket',
				operation: 'create',
				company: i === 0 ? bad : company(),
				summary: `item ${i}`,
				additionalFields: {},
			}),
			{ items: 2, continueOnFail: true },
		);
		expect(mixed.json[0].error).toBeDefined();
		expect(`${String(mixed.json[0].error)} ${String(mixed.json[0].description ?? '')}`).toMatch(
			/company|client/i,
		);
		expect(mixed.json[1]).toMatchObject({ summary: 'item 1' });
		expect(mixed.output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('returns the request instead of sending it in a dry run', async () => {
		const before = vendor.tickets(sandbox.world()).length;
		const { json } = await run({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'dry',
			additionalFields: {},
			options: { dryRun: true },
		});
		expect(json[0]).toMatchObject({
			dryRun: true,
			operation: 'create ticket',
			request: { method: 'POST' },
		});
		expect(JSON.stringify(json[0])).not.toContain(
			String(credentials.privateKey ?? credentials.clientSecret),
		);
		expect(vendor.tickets(sandbox.world()).length).toBe(before);
	});

	it('gets and searches companies, finds a configuration and attaches it once', async () => {
		const world = sandbox.world();
		const got = (
			await run({
				resource: 'company',
				operation: 'get',
				companyId: company(),
				options: { includeRaw: true },
			})
		).json[0];
		expect(got).toMatchObject({
			id: vendor.companyId(world),
			name: world.clients[0].name,
			raw: expect.any(Object),
		});
		const found = (
			await run({
				resource: 'company',
				operation: 'search',
				name: 'Logistics',
				identifier: '',
				returnAll: true,
			})
		).json;
		expect(found.map((c) => c.name)).toEqual(['Northwind Logistics']);
		const device = world.devices[1];
		const bySerial = (
			await run({
				resource: 'configuration',
				operation: 'find',
				findBy: 'serialNumber',
				value: device.serialNumber,
				configurationCompany: '',
				returnAll: true,
			})
		).json;
		expect(bySerial).toEqual([
			expect.objectContaining({
				id: vendor.configurationId(world),
				name: device.hostname,
				serialNumber: device.serialNumber,
			}),
		]);
		const byName = (
			await run({
				resource: 'configuration',
				operation: 'find',
				findBy: 'name',
				value: device.hostname,
				configurationCompany: company(),
				returnAll: true,
			})
		).json;
		expect(byName.map((c) => c.id)).toEqual([vendor.configurationId(world)]);
		const ticket = await createTicket();
		const attach = {
			resource: 'configuration',
			operation: 'attach',
			ticketId: ticket.id,
			configurationId: vendor.configurationId(world),
		};
		expect((await run(attach)).json[0]).toMatchObject({
			attached: true,
			configuration: { id: vendor.configurationId(world) },
		});
		expect((await run(attach)).json[0]).toMatchObject({ attached: false, alreadyAttached: true });
	});

	it('sends each distinct company search once per execution and answers every item', async () => {
		const names = ['Logistics', 'Logistics', 'Northwind', 'Logistics', 'Northwind', 'Nobody Ltd'];
		const { output, requests } = await run(
			(i) => ({
				resource: 'company',
				operation: 'search',
				name: names[i],
				identifier: '',
				returnAll: true,
			}),
			{ items: names.length },
		);
		// A 401 answered to a request sent before the token was fetched is resent with it: count answered searches.
		const searches = requests.filter(
			(r) =>
				r.status !== 401 &&
				r.method === 'GET' &&
				/\/(company\/companies|api\/Client)(\?|$)/.test(r.url),
		);
		expect(searches).toHaveLength(3);
		// Every item keeps its own answer and pairing; the unknown name finds nothing.
		const byItem = names.map((_, i) =>
			output.filter((o) => (o.pairedItem as { item: number }).item === i).map((o) => o.json.name),
		);
		expect(byItem).toEqual([
			['Northwind Logistics'],
			['Northwind Logistics'],
			['Northwind Logistics'],
			['Northwind Logistics'],
			['Northwind Logistics'],
			[],
		]);
	});

	if (vendor.provider === 'halo') {
		it('fetches a new token after Halo answers 401 for an expired one', async () => {
			await createTicket();
			new TokenStore(() => sandbox.world(), 'halopsa').expireAll();
			const { json, requests } = await run({
				resource: 'ticket',
				operation: 'get',
				ticketId: '1401',
			});
			expect(json[0]).toMatchObject({ id: '1401' });
			expect(requests.some((r) => r.status === 401)).toBe(true);
		});
	}

	/** Like run(), but exposes the requests even when the run throws. */
	function fakeRun(parameters: Record<string, unknown>) {
		const { ctx, requests } = fakeExecuteContext({
			parameters: (name) => ({ provider: vendor.provider, options: {}, ...parameters })[name],
			credentials: { [vendor.credentialType]: credentials },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
		});
		return { promise: node.execute.call(ctx), requests: () => requests };
	}
});
