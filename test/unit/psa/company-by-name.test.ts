import { startSandbox, type Sandbox } from '../../../sandbox';
import type { World } from '../../../sandbox/world/types';
import { byId, byName, psaRunner, PSA_CASES } from './psaHarness';

/**
 * A company given By Name acts on exactly that client's records, on both PSAs: create, find or
 * create, ticket search and configuration find look the name up first and send its id. A name that
 * matches no company, or several, is an error naming what matched, and nothing else is sent.
 */
describe.each(PSA_CASES)('Company By Name: $provider', (vendor) => {
	let sandbox: Sandbox;
	const run = psaRunner(vendor, () => sandbox);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	const clients = () => sandbox.world().clients;
	// The Halo token request is authentication, not a write.
	const writes = () =>
		sandbox.requests
			.all()
			.filter((r) => vendor.isWrite(r.method, r.path) && !r.path.endsWith('/auth/token'));
	const listRequests = (requests: ReturnType<typeof run>['requests']) =>
		requests.filter((r) => !vendor.isWrite(r.method, r.url) && vendor.listPath.test(r.url));

	it('searches one client by name: only its tickets, and the request carries the company filter', async () => {
		const [client] = clients();
		const theirs = vendor
			.tickets(sandbox.world())
			.filter((t) => vendor.ticketCompany(t) === vendor.companyId(client));
		const others = vendor
			.tickets(sandbox.world())
			.filter((t) => vendor.ticketCompany(t) !== vendor.companyId(client));
		expect(theirs.length).toBeGreaterThan(0);
		expect(others.length).toBeGreaterThan(0);

		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			// Case and outer spaces aside, the whole name.
			filters: { company: byName(` ${client.name.toUpperCase()} `), state: 'any' },
		});
		const found = await promise;
		expect(found.map((t) => t.id).sort()).toEqual(theirs.map((t) => String(t.id)).sort());
		expect(new Set(found.map((t) => t.companyId))).toEqual(new Set([vendor.companyId(client)]));
		const lists = listRequests(requests);
		expect(lists.length).toBeGreaterThan(0);
		for (const list of lists) expect(vendor.companyFilter(list)).toBe(vendor.companyId(client));
	});

	it('creates a ticket by company name for exactly that client', async () => {
		const client = clients()[1];
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'create',
			company: byName(client.name.toLowerCase()),
			summary: 'Printer offline',
			additionalFields: {},
		});
		const [ticket] = await promise;
		expect(ticket).toMatchObject({
			companyId: vendor.companyId(client),
			summary: 'Printer offline',
		});
		const stored = vendor.tickets(sandbox.world()).find((t) => String(t.id) === ticket.id)!;
		expect(vendor.ticketCompany(stored)).toBe(vendor.companyId(client));
		expect(requests.filter((r) => vendor.isWrite(r.method, r.url))).toHaveLength(1);
	});

	it('finds or creates by company name within that client, once', async () => {
		const client = clients()[2];
		const params = {
			resource: 'ticket',
			operation: 'findOrCreate',
			company: byName(client.name),
			summary: 'Ransomware on a workstation',
			externalReference: 'edr-by-name-1',
			additionalFields: {},
		};
		const [first] = await run(params).promise;
		expect(first).toMatchObject({ created: true, companyId: vendor.companyId(client) });
		const again = run(params);
		const [second] = await again.promise;
		expect(second).toMatchObject({ created: false, id: first.id });
		expect(again.requests.filter((r) => vendor.isWrite(r.method, r.url))).toEqual([]);
		// The reference search ran within the company.
		const lists = again.requests.filter((r) => /\/(service\/tickets|api\/Tickets)$/.test(r.url));
		for (const list of lists) expect(vendor.companyFilter(list)).toBe(vendor.companyId(client));
		const stored = vendor
			.tickets(sandbox.world())
			.filter(
				(t) =>
					t.externalXRef === 'edr-by-name-1' ||
					t.third_party_id_string === 'edr-by-name-1' ||
					t.externalID === 'edr-by-name-1',
			);
		expect(stored.map((t) => vendor.ticketCompany(t))).toEqual([vendor.companyId(client)]);
	});

	it('finds configurations within the named client only', async () => {
		const world = sandbox.world();
		const device = world.devices[1];
		const owner = world.clients.find((c) => c.key === device.clientKey)!;
		const other = world.clients.find((c) => c.key !== device.clientKey)!;
		const find = (companyName: string) =>
			run({
				resource: 'configuration',
				operation: 'find',
				findBy: 'name',
				value: device.hostname,
				configurationCompany: byName(companyName),
				returnAll: true,
			});
		const mine = find(owner.name);
		expect((await mine.promise).map((c) => c.id)).toEqual([vendor.configurationId(world, 1)]);
		const elsewhere = find(other.name);
		expect(await elsewhere.promise).toEqual([]);
		for (const list of listRequests(elsewhere.requests))
			expect(vendor.companyFilter(list)).toBe(vendor.companyId(other));
	});

	it('reads each company name once per execution, for every item', async () => {
		const names = clients().map((c) => c.name);
		const order = [names[0], names[1], names[0], names[0], names[1]];
		const { promise, requests } = run(
			(i) => ({
				resource: 'ticket',
				operation: 'search',
				returnAll: false,
				limit: 1,
				filters: { company: byName(order[i]), state: 'any' },
			}),
			{ items: order.length },
		);
		await promise;
		// Autotask reads ticket companies' names by id as well; only the searches by name count here.
		const byNameSearch = (r: (typeof requests)[number]) =>
			/\/(company\/companies|api\/Client)$/.test(r.url) ||
			(/\/Companies\/query$/.test(r.url) && JSON.stringify(r.body).includes('"companyName"'));
		const lookups = requests.filter((r) => r.status !== 401 && byNameSearch(r));
		expect(lookups).toHaveLength(2);
	});

	describe('a name two companies share', () => {
		/** The second client is called like the first in the PSA (a tenant variation). */
		function twins(): World {
			const [first, second] = sandbox.world().clients;
			return sandbox.reset({ variations: { clientNames: { [second.key]: { psa: first.name } } } });
		}

		it.each([
			['create', { operation: 'create', company: 'NAME', summary: 'x', additionalFields: {} }],
			[
				'find or create',
				{
					operation: 'findOrCreate',
					company: 'NAME',
					summary: 'x',
					externalReference: 'twin-1',
					additionalFields: {},
				},
			],
			['search', { operation: 'search', returnAll: true, filters: { company: 'NAME' } }],
		])('is an error listing both on %s, and nothing is searched or written', async (_, params) => {
			const world = twins();
			const [first, second] = world.clients;
			const shaped = JSON.parse(
				JSON.stringify({ resource: 'ticket', ...params }).replace(
					'"NAME"',
					JSON.stringify(byName(first.name)),
				),
			) as Record<string, unknown>;
			const { promise, requests } = run(shaped);
			await expect(promise).rejects.toThrow(
				new RegExp(
					`matches 2 companies: .*ID ${vendor.companyId(first)}\\b.*ID ${vendor.companyId(second)}\\b`,
				),
			);
			await expect(promise).rejects.toThrow(first.name);
			expect(listRequests(requests)).toEqual([]);
			expect(writes()).toEqual([]);
		});

		it('is an error listing both on configuration find and company get', async () => {
			const world = twins();
			const [first, second] = world.clients;
			const find = run({
				resource: 'configuration',
				operation: 'find',
				findBy: 'name',
				value: world.devices[0].hostname,
				configurationCompany: byName(first.name),
				returnAll: true,
			});
			await expect(find.promise).rejects.toThrow(/matches 2 companies/);
			expect(listRequests(find.requests)).toEqual([]);
			const get = run({ resource: 'company', operation: 'get', companyId: byName(first.name) });
			await expect(get.promise).rejects.toThrow(
				new RegExp(`ID ${vendor.companyId(first)}\\b.*ID ${vendor.companyId(second)}\\b`),
			);
			// By ID still chooses one of them.
			const [ticket] = await run({
				resource: 'ticket',
				operation: 'create',
				company: byId(vendor.companyId(second)),
				summary: 'For the second one',
				additionalFields: {},
			}).promise;
			expect(ticket.companyId).toBe(vendor.companyId(second));
		});
	});

	it('refuses an unknown name, naming the companies that contain it, and writes nothing', async () => {
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'create',
			company: byName('Northwind'),
			summary: 'x',
			additionalFields: {},
		});
		await expect(promise).rejects.toThrow(/Company "Northwind" matches no company/);
		await expect(promise).rejects.toMatchObject({
			description: expect.stringContaining('Northwind Logistics (ID'),
		});
		expect(requests.filter((r) => vendor.isWrite(r.method, r.url))).toEqual([]);
		const search = run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { company: byName('Nobody Ltd') },
		});
		await expect(search.promise).rejects.toThrow(/matches no company/);
		expect(listRequests(search.requests)).toEqual([]);
		// Company Get answers whether the company exists.
		const [got] = await run({
			resource: 'company',
			operation: 'get',
			companyId: byName('Nobody Ltd'),
		}).promise;
		expect(got).toEqual({ found: false, name: 'Nobody Ltd' });
	});
});
