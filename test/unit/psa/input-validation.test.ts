import { startSandbox, type Sandbox } from '../../../sandbox';
import { compileConditions } from '../../../sandbox/vendors/connectwise-psa/conditions';
import { byId, psaRunner, PSA_CASES } from './psaHarness';

/**
 * Bad ids and limits are refused with an error naming the field and what it takes, before any
 * request: `Number()` would read `0x10` as ticket 16 and `1e3` as ticket 1000. Text with a double
 * quote reaches ConnectWise's conditions escaped and finds what it should.
 */
const BAD_IDS = ['0x10', '1e3', '-1', '1.5', '1 2', '+5', '0', 'abc', '2147483648', '12abc'];

describe.each(PSA_CASES)('Input checked before any request: $provider', (vendor) => {
	let sandbox: Sandbox;
	const run = psaRunner(vendor, () => sandbox);
	const vendorName = {
		halo: 'a HaloPSA',
		connectwise: 'a ConnectWise PSA',
		autotask: 'an Autotask',
	}[vendor.provider];

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	/** Every operation that takes an id, with `bad` in the id's place. */
	const withBadId = (bad: string): Array<[string, string, Record<string, unknown>]> => [
		['Ticket ID', 'get', { resource: 'ticket', operation: 'get', ticketId: bad }],
		[
			'Ticket ID',
			'update',
			{
				resource: 'ticket',
				operation: 'update',
				ticketId: bad,
				updateFields: { status: { mode: 'name', value: 'In Progress' } },
			},
		],
		[
			'Ticket ID',
			'addNote',
			{
				resource: 'ticket',
				operation: 'addNote',
				ticketId: bad,
				text: 'x',
				options: { noteKey: 'k' },
			},
		],
		[
			'Ticket ID',
			'addTimeEntry',
			{ resource: 'ticket', operation: 'addTimeEntry', ticketId: bad, hours: 1, timeFields: {} },
		],
		[
			'Ticket ID',
			'close',
			{ resource: 'ticket', operation: 'close', ticketId: bad, resolution: 'r' },
		],
		['Ticket ID', 'reopen', { resource: 'ticket', operation: 'reopen', ticketId: bad }],
		[
			'Ticket ID',
			'attach',
			{ resource: 'configuration', operation: 'attach', ticketId: bad, configurationId: '1' },
		],
		[
			'Configuration ID',
			'attach',
			{ resource: 'configuration', operation: 'attach', ticketId: '1', configurationId: bad },
		],
		[
			'Company',
			'create',
			{
				resource: 'ticket',
				operation: 'create',
				company: byId(bad),
				summary: 'x',
				additionalFields: {},
			},
		],
		[
			'Company',
			'findOrCreate',
			{
				resource: 'ticket',
				operation: 'findOrCreate',
				company: byId(bad),
				summary: 'x',
				externalReference: 'r',
				additionalFields: {},
			},
		],
		[
			'Company',
			'search',
			{ resource: 'ticket', operation: 'search', returnAll: true, filters: { company: byId(bad) } },
		],
		[
			'Company',
			'configuration find',
			{
				resource: 'configuration',
				operation: 'find',
				findBy: 'name',
				value: 'BSD-WS02',
				configurationCompany: byId(bad),
				returnAll: true,
			},
		],
		['Company', 'company get', { resource: 'company', operation: 'get', companyId: byId(bad) }],
	];

	it.each(BAD_IDS)(
		'refuses the id %p everywhere, naming the field, with no request',
		async (bad) => {
			for (const [field, operation, params] of withBadId(bad)) {
				const { promise } = run(params);
				await expect(promise).rejects.toThrow(
					`${field} must be ${vendorName} id, got ${JSON.stringify(bad)}`,
				);
				await expect(promise).rejects.toMatchObject({
					description: expect.stringContaining('decimal digits only, from 1 to 2147483647'),
				});
				expect([operation, sandbox.requests.all()]).toEqual([operation, []]);
			}
		},
	);

	it('takes an id with spaces around it as that id', async () => {
		const ticket = vendor.tickets(sandbox.world())[0];
		const [got] = await run({ resource: 'ticket', operation: 'get', ticketId: ` ${ticket.id}\n` })
			.promise;
		expect(got.id).toBe(String(ticket.id));
	});

	const limits: unknown[] = [0, -1, 1.5, 'ten', Number.NaN, ''];
	it.each(limits)('refuses the limit %p before any request', async (limit) => {
		const operations = [
			{ resource: 'ticket', operation: 'search', filters: {} },
			{ resource: 'company', operation: 'search', name: 'Logistics', identifier: '' },
			{ resource: 'configuration', operation: 'find', findBy: 'name', value: 'BSD-WS02' },
		];
		for (const params of operations) {
			const { promise } = run({ ...params, returnAll: false, limit });
			await expect(promise).rejects.toThrow(
				`Limit must be a positive whole number, got ${JSON.stringify(limit)}`,
			);
			expect(sandbox.requests.all()).toEqual([]);
		}
	});

	it('finds or creates once with a double quote and a backslash in the external reference', async () => {
		const client = sandbox.world().clients[0];
		const reference = 'defender "alert" 7\\C:\\Temp\\';
		const params = {
			resource: 'ticket',
			operation: 'findOrCreate',
			company: byId(vendor.companyId(client)),
			summary: 'Quoted reference',
			externalReference: reference,
			additionalFields: {},
		};
		const [first] = await run(params).promise;
		expect(first).toMatchObject({ created: true, externalReference: reference });
		const again = run(params);
		const [second] = await again.promise;
		expect(second).toMatchObject({ created: false, id: first.id });
		expect(again.requests.filter((r) => r.status >= 400)).toEqual([]);
		if (vendor.provider === 'connectwise') {
			const [search] = again.requests.filter((r) => /\/service\/tickets$/.test(r.url));
			expect(search.qs?.conditions).toContain(
				'externalXRef="defender \\"alert\\" 7\\\\C:\\\\Temp\\\\"',
			);
		}
	});

	it('searches text with a double quote and finds the ticket', async () => {
		const client = sandbox.world().clients[0];
		const [created] = await run({
			resource: 'ticket',
			operation: 'create',
			company: byId(vendor.companyId(client)),
			summary: 'Share "Finance" unreachable',
			additionalFields: {},
		}).promise;
		const { promise, requests } = run({
			resource: 'ticket',
			operation: 'search',
			returnAll: true,
			filters: { text: '"Finance"', state: 'any' },
		});
		expect((await promise).map((t) => t.id)).toEqual([created.id]);
		expect(requests.filter((r) => r.status >= 400)).toEqual([]);
	});
});

describe('sandbox ConnectWise conditions: escaped quotes', () => {
	const row = { summary: 'Share "Finance" unreachable', path: 'C:\\Temp\\' };

	it('reads \\" as a quote and \\\\ as a backslash inside a string', () => {
		expect(compileConditions('summary contains "\\"Finance\\""')(row)).toBe(true);
		expect(compileConditions('summary = "share \\"finance\\" unreachable"')(row)).toBe(true);
		expect(compileConditions('path = "C:\\\\Temp\\\\"')(row)).toBe(true);
		expect(compileConditions('summary contains "\\"Payroll\\""')(row)).toBe(false);
	});

	it('still refuses an unescaped quote that ends the string early', () => {
		expect(() => compileConditions('summary = "Share "Finance" unreachable"')).toThrow();
		expect(() => compileConditions('summary = "ends with a backslash\\"')).toThrow(/Unterminated/);
	});
});
