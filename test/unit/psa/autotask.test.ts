import { MspAutotaskApi } from '../../../credentials/MspAutotaskApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { AUTOTASK_SANDBOX_USER, ciIdOf, companyIdOf } from '../../../sandbox/vendors/autotask';
import type { AutotaskSlice } from '../../../sandbox/vendors/autotask/data';
import { clientName } from '../../../sandbox/world/names';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { byId, psaRunner, PSA_CASES } from './psaHarness';

type Row = Record<string, unknown>;

/**
 * The Autotask provider against the sandbox: the requests it sends (zone lookup, query filters,
 * child notes, root time entries, PATCH updates) and what it makes of the answers.
 */
describe('MSP PSA on Autotask', () => {
	let sandbox: Sandbox;
	const vendor = PSA_CASES.find((c) => c.provider === 'autotask')!;
	const run = psaRunner(vendor, () => sandbox);
	const json = async (parameters: Record<string, unknown>) =>
		(await run(parameters).promise) as Row[];
	const data = () => sandbox.world().vendors.autotask as AutotaskSlice;
	const company = () => byId(String(companyIdOf(sandbox.world().clients[0])));
	const path = (url: string) => new URL(url).pathname.replace(/^\/autotask/, '');

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
		sandbox.setLatency(0);
	});

	it('creates a ticket with POST /Tickets, reads it back and normalizes it', async () => {
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'Disk C: below 5% on BSD-DC01',
			additionalFields: {
				description: 'From the RMM',
				externalReference: 'rmm-alert-8f3c2',
				priority: { mode: 'name', value: 'High' },
			},
		});
		const [ticket] = (await promise) as Row[];
		const create = requests.find(
			(r) => r.method === 'POST' && path(r.url) === '/ATServicesRest/V1.0/Tickets',
		);
		expect(create?.body).toEqual({
			companyID: companyIdOf(sandbox.world().clients[0]),
			title: 'Disk C: below 5% on BSD-DC01',
			description: 'From the RMM',
			externalID: 'rmm-alert-8f3c2',
			priority: 5,
			// The picklists' defaults: New and the default queue.
			status: 1,
			queueID: 29683325,
		});
		const stored = data().tickets.find((t) => t.externalID === 'rmm-alert-8f3c2')!;
		expect(ticket).toMatchObject({
			id: String(stored.id),
			number: stored.ticketNumber,
			summary: 'Disk C: below 5% on BSD-DC01',
			status: 'New',
			isClosed: false,
			priority: 'High',
			board: 'Service Desk',
			boardId: '29683325',
			externalReference: 'rmm-alert-8f3c2',
			company: {
				id: String(companyIdOf(sandbox.world().clients[0])),
				name: expect.any(String),
			},
		});
		expect(ticket.url).toMatch(/OpenTicketDetail&TicketID=\d+$/);
		expect(ticket.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		// The zone is looked up first, without the login headers' secret in the URL.
		expect(path(requests[0].url)).toBe('/ATServicesRest/V1.0/Tickets/entityInformation/fields');
		expect(
			sandbox.requests
				.all()
				.filter((r) => /zoneInformation/i.test(r.path))
				.map((r) => r.query),
		).toEqual([{ user: AUTOTASK_SANDBOX_USER.userName }]);
	});

	it('a long reference is stored as 50 characters that stay the same, and found again', async () => {
		const reference = `crowdstrike:${'a'.repeat(40)}:${'b'.repeat(40)}`;
		const params = {
			resource: 'ticket',
			operation: 'findOrCreate',
			company: company(),
			summary: 'Falcon alert',
			externalReference: reference,
			additionalFields: {},
		};
		const [first] = await json(params);
		const [second] = await json(params);
		expect(first.created).toBe(true);
		expect(second).toMatchObject({ id: first.id, created: false });
		const stored = data().tickets.filter((t) => t.externalID?.startsWith('crowdstrike:'));
		expect(stored).toHaveLength(1);
		expect(stored[0].externalID).toHaveLength(50);
	});

	it('find-or-create asks with an exact externalID filter within the company, open tickets only', async () => {
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'findOrCreate',
			company: company(),
			summary: 'Ransomware on BSD-WS02',
			externalReference: 'edr-1',
			additionalFields: {},
		});
		await promise;
		const lookup = requests.find((r) => path(r.url) === '/ATServicesRest/V1.0/Tickets/query');
		expect(lookup?.body).toEqual({
			MaxRecords: 500,
			filter: [
				{ op: 'eq', field: 'companyID', value: companyIdOf(sandbox.world().clients[0]) },
				{ op: 'eq', field: 'externalID', value: 'edr-1' },
				{ op: 'noteq', field: 'status', value: 5 },
			],
		});
	});

	it('closes with a resolution note and status Complete, reopens to New, and a repeated close writes nothing', async () => {
		const [ticket] = await json({
			resource: 'ticket',
			operation: 'create',
			company: company(),
			summary: 'Patch failed',
			additionalFields: {},
		});
		const id = String(ticket.id);
		const [closed] = await json({
			resource: 'ticket',
			operation: 'close',
			ticketId: id,
			resolution: 'Patched and rebooted',
		});
		expect(closed).toMatchObject({ status: 'Complete', isClosed: true });
		const stored = data().tickets.find((t) => t.id === Number(id))!;
		expect(stored).toMatchObject({ status: 5, resolution: 'Patched and rebooted' });
		expect(stored.completedDate).toEqual(expect.any(String));
		expect(data().notes.filter((n) => n.ticketID === Number(id))).toEqual([
			expect.objectContaining({ description: 'Patched and rebooted', publish: 1 }),
		]);
		const again = run({
			resource: 'ticket',
			operation: 'close',
			ticketId: id,
			resolution: 'Patched and rebooted',
		});
		await again.promise;
		expect(again.requests.filter((r) => vendor.isWrite(r.method, r.url))).toEqual([]);
		const [reopened] = await json({ resource: 'ticket', operation: 'reopen', ticketId: id });
		expect(reopened).toMatchObject({ status: 'New', isClosed: false });
		expect(data().tickets.find((t) => t.id === Number(id))!.completedDate).toBeNull();
	});

	it('closes into a status the user picks', async () => {
		const id = String(data().tickets.find((t) => t.status !== 5)!.id);
		const [closed] = await json({
			resource: 'ticket',
			operation: 'close',
			ticketId: id,
			resolution: '',
			closeStatus: { mode: 'name', value: 'Waiting Customer' },
		});
		expect(data().tickets.find((t) => t.id === Number(id))!.status).toBe(7);
		expect(closed.status).toBe('Waiting Customer');
	});

	it('adds internal notes as ticket children and time entries as the root entity', async () => {
		const id = data().tickets[0].id;
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'addNote',
			ticketId: String(id),
			text: 'Checked the logs\nNothing else found',
			visibility: 'internal',
			resolution: false,
		});
		const [note] = (await promise) as Row[];
		const post = requests.find((r) => r.method === 'POST' && /\/Notes$/.test(r.url));
		expect(path(post!.url)).toBe(`/ATServicesRest/V1.0/Tickets/${id}/Notes`);
		expect(post!.body).toMatchObject({ title: 'Checked the logs', publish: 2, noteType: 1 });
		expect(note).toMatchObject({
			ticketId: String(id),
			internal: true,
			text: 'Checked the logs\nNothing else found',
		});
		const time = run({
			resource: 'ticket',
			operation: 'addTimeEntry',
			ticketId: String(id),
			hours: 0.5,
			timeFields: { notes: 'Remote cleanup' },
		});
		const [entry] = (await time.promise) as Row[];
		const created = time.requests.find((r) => r.method === 'POST' && /\/TimeEntries$/.test(r.url));
		expect(created?.body).toMatchObject({
			ticketID: id,
			resourceID: 29682885,
			roleID: 8,
			hoursWorked: 0.5,
		});
		expect(entry).toMatchObject({ ticketId: String(id), hours: 0.5, notes: 'Remote cleanup' });
	});

	it("keeps Autotask's errors array word for word in the node error", async () => {
		const { promise } = run({
			resource: 'ticket',
			operation: 'create',
			company: byId('999'),
			summary: 'x',
			additionalFields: {},
		});
		await expect(promise).rejects.toThrow(
			'Value 999 for field companyID is invalid: no such Company.',
		);
		const credentials = {
			...sandbox.vendorCredentials().find((v) => v.id === 'autotask')!.credentials,
			integrationCode: 'WRONG',
		};
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'autotask',
				resource: 'ticket',
				operation: 'get',
				ticketId: '140001',
				options: {},
			},
			credentials: { mspAutotaskApi: credentials },
			credentialTypes: [new MspAutotaskApi()],
		});
		const failure = new MspPsa().execute.call(ctx);
		await expect(failure).rejects.toThrow('IntegrationCode is invalid.');
		await expect(failure).rejects.toMatchObject({ httpCode: '500' });
	});

	it('uses a zone set by URL without asking ZoneInformation, and names a failed zone lookup', async () => {
		const base = sandbox.vendorUrl('autotask');
		const get = async (credentials: Record<string, unknown>) => {
			const { ctx } = fakeExecuteContext({
				parameters: {
					provider: 'autotask',
					resource: 'ticket',
					operation: 'get',
					ticketId: String(data().tickets[0].id),
					options: {},
				},
				credentials: { mspAutotaskApi: { ...AUTOTASK_SANDBOX_USER, ...credentials } },
				credentialTypes: [new MspAutotaskApi()],
			});
			return await new MspPsa().execute.call(ctx);
		};
		const [[ticket]] = await get({ zone: 'url', zoneUrl: `${base}/ATServicesRest/V1.0/` });
		expect(ticket.json.id).toBe(String(data().tickets[0].id));
		// A zone set by URL: the web address is the API's without /ATServicesRest.
		expect(ticket.json.url).toBe(
			`${base}/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${data().tickets[0].id}`,
		);
		expect(sandbox.requests.all().filter((r) => /zoneInformation/i.test(r.path))).toEqual([]);
		await expect(
			get({
				zone: 'discover',
				zoneLookupUrl: `${base}/ATServicesRest`,
				userName: 'nobody@example.com',
			}),
		).rejects.toThrow(
			'Autotask zone lookup for the API user failed: Zone information could not be determined',
		);
	});

	it('attaches a configuration item as the ticket own one, then as additional ones, once each', async () => {
		const world = sandbox.world();
		const ticket = data().tickets[0];
		const [first, second] = world.devices.slice(0, 2).map((d) => String(ciIdOf(d)));
		const attach = async (configurationId: string) =>
			(
				await json({
					resource: 'configuration',
					operation: 'attach',
					ticketId: String(ticket.id),
					configurationId,
				})
			)[0];
		expect(await attach(first)).toMatchObject({ attached: true });
		expect(ticket.configurationItemID).toBe(Number(first));
		expect(await attach(first)).toMatchObject({ attached: false });
		expect(await attach(second)).toMatchObject({ attached: true });
		expect(await attach(second)).toMatchObject({ attached: false });
		expect(data().additionalConfigurationItems).toEqual([
			expect.objectContaining({ ticketID: ticket.id, configurationItemID: Number(second) }),
		]);
	});

	it('pages a search of more than 500 tickets through nextPageUrl, resending the filter', async () => {
		sandbox.reset({ ticketsPerClient: 200 });
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { state: 'any' },
		});
		const tickets = (await promise) as Row[];
		expect(tickets).toHaveLength(data().tickets.length);
		const pages = requests.filter((r) =>
			/\/Tickets\/query(\/next)?$/.test(new URL(r.url).pathname),
		);
		expect(pages.length).toBe(Math.ceil(data().tickets.length / 500));
		expect(path(pages[1].url)).toBe('/ATServicesRest/V1.0/Tickets/query/next');
		expect(pages[1].body).toEqual(pages[0].body);
	});

	it('never has more than 3 requests in flight on one API user', async () => {
		sandbox.setLatency(25);
		const ids = data()
			.tickets.slice(0, 10)
			.map((t) => String(t.id));
		await run(
			(i) => ({
				resource: 'ticket',
				operation: 'get',
				ticketId: ids[i],
				options: { concurrency: 10 },
			}),
			{
				items: ids.length,
			},
		).promise;
		const spans = sandbox.requests
			.all()
			.filter((r) => r.vendor === 'autotask' && !/zoneInformation/i.test(r.path))
			.map((r) => ({ end: Date.parse(r.at), start: Date.parse(r.at) - r.durationMs }));
		const most = Math.max(
			...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length),
		);
		expect(most).toBeLessThanOrEqual(3);
		expect(spans.length).toBeGreaterThan(10);
		// The sandbox's own count of requests in flight per endpoint, taken as each one arrived.
		const counts = sandbox.requests.all().flatMap((r) => r.concurrency?.inFlight ?? []);
		expect(counts.length).toBeGreaterThan(10);
		expect(Math.max(...counts)).toBeLessThanOrEqual(3);
	});

	it('asks ZoneInformation once and each company for its name once while items run side by side', async () => {
		sandbox.setLatency(25);
		const companies = sandbox.world().clients.slice(0, 3).map(companyIdOf);
		const tickets = companies.flatMap((id) =>
			data()
				.tickets.filter((t) => t.companyID === id)
				.slice(0, 4),
		);
		expect(tickets).toHaveLength(12);
		sandbox.requests.clear();
		// A credential that has not found its zone yet.
		const { ctx } = fakeExecuteContext({
			parameters: (name, i) =>
				(
					({
						provider: 'autotask',
						resource: 'ticket',
						operation: 'get',
						ticketId: String(tickets[i].id),
						options: { concurrency: 12 },
					}) as Record<string, unknown>
				)[name],
			items: tickets.map((_, index) => ({ index })),
			credentials: {
				mspAutotaskApi: {
					...AUTOTASK_SANDBOX_USER,
					zone: 'discover',
					zoneLookupUrl: `${sandbox.vendorUrl('autotask')}/ATServicesRest`,
				},
			},
			credentialTypes: [new MspAutotaskApi()],
		});
		const [out] = await new MspPsa().execute.call(ctx);
		expect(out.map((t) => t.json.companyName)).toEqual(
			tickets.map((t) =>
				clientName(sandbox.world().clients.find((c) => companyIdOf(c) === t.companyID)!, 'psa'),
			),
		);
		const log = sandbox.requests.query({ vendor: 'autotask' });
		expect(log.filter((r) => /zoneInformation/i.test(r.path))).toHaveLength(1);
		const companyQueries = log.filter((r) => /\/Companies\/query$/i.test(r.path));
		// One query per company at most (each ticket may start before another's lookup answered), never one per ticket.
		expect(companyQueries.length).toBeGreaterThanOrEqual(1);
		expect(companyQueries.length).toBeLessThanOrEqual(companies.length);
		expect(log.filter((r) => /\/Tickets\/\d+$/.test(r.path))).toHaveLength(tickets.length);
	});
});
