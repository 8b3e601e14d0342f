import {
	CompanySchema,
	ConfigurationSchema,
	TicketNoteSchema,
	TicketSchema,
	TimeEntrySchema,
} from '../../../nodes/shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { PSA_CASES, psaRunner, type PsaCase } from '../psa/psaHarness';
import { expectNormalized, expectSameKeys, valuesOf } from './shape';

type Row = Record<string, unknown>;
type Resource = 'ticket' | 'note' | 'timeEntry' | 'company' | 'configuration';

/**
 * Fields one PSA cannot supply, as docs/nodes/psa.md lists them ("Fields a provider does not
 * supply"). Anything else one PSA returns, the other must return too.
 */
const ABSENT: Record<PsaCase['provider'], Record<Resource, readonly string[]>> = {
	connectwise: {
		// A ConnectWise ticket's description is its first note (initialDescription is write-only).
		ticket: ['description'],
		note: [],
		timeEntry: [],
		company: [],
		configuration: [],
	},
	halo: {
		// A Halo ticket names its team but not the team's id.
		ticket: ['boardId'],
		// Halo's spec gives an action's agent as an id (who_agentid) only; its name is not promised.
		note: ['createdBy'],
		timeEntry: ['member'],
		company: [],
		// Halo assets do not store an RMM device id.
		configuration: ['deviceId'],
	},
	autotask: {
		ticket: [],
		// A note and a time entry name their resource by id only (creatorResourceID, resourceID).
		note: ['createdBy'],
		timeEntry: ['member'],
		company: [],
		configuration: [],
	},
};

const SCHEMA = {
	ticket: TicketSchema,
	note: TicketNoteSchema,
	timeEntry: TimeEntrySchema,
	company: CompanySchema,
	configuration: ConfigurationSchema,
};

/**
 * What the node returns besides the resource itself: Find or Create says whether it created and
 * how many duplicates it closed, Add Note that the note was added.
 */
const OPERATION_FIELDS = ['created', 'duplicatesClosed', 'added'];
const resourceOnly = (rows: Row[]) =>
	rows.map((row) =>
		Object.fromEntries(Object.entries(row).filter(([key]) => !OPERATION_FIELDS.includes(key))),
	);

describe('PSA contract: one shape on ConnectWise PSA, HaloPSA and Autotask PSA', () => {
	let sandbox: Sandbox;
	const out = {} as Record<PsaCase['provider'], Record<Resource, Row[]>>;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		for (const vendor of PSA_CASES) {
			const run = psaRunner(vendor, () => sandbox);
			const json = async (parameters: Record<string, unknown>) =>
				(await run(parameters).promise) as Row[];
			const world = sandbox.world();
			const company = { __rl: true, mode: 'id', value: vendor.companyId(world.clients[0]) };
			const searched = await json({
				resource: 'ticket',
				operation: 'search',
				returnAll: true,
				filters: { state: 'any' },
			});
			const created = await json({
				resource: 'ticket',
				operation: 'findOrCreate',
				company,
				summary: 'Ransomware on BSD-WS02',
				externalReference: 'edr-threat-contract',
				additionalFields: {},
			});
			const id = String(created[0].id);
			const got = await json({ resource: 'ticket', operation: 'get', ticketId: id });
			const note = await json({
				resource: 'ticket',
				operation: 'addNote',
				ticketId: id,
				text: 'Checked the logs',
				visibility: 'internal',
				resolution: false,
			});
			const time = await json({
				resource: 'ticket',
				operation: 'addTimeEntry',
				ticketId: id,
				hours: 0.5,
				timeFields: { notes: 'Remote cleanup' },
			});
			const closed = await json({
				resource: 'ticket',
				operation: 'close',
				ticketId: id,
				resolution: 'Contained and cleaned',
			});
			const companies = [];
			for (const client of world.clients)
				companies.push(
					...(await json({
						resource: 'company',
						operation: 'get',
						companyId: { __rl: true, mode: 'id', value: vendor.companyId(client) },
					})),
				);
			const configurations = [];
			for (const device of world.devices.slice(0, 6))
				configurations.push(
					...(await json({
						resource: 'configuration',
						operation: 'find',
						findBy: 'name',
						value: device.hostname,
						returnAll: true,
					})),
				);
			out[vendor.provider] = {
				ticket: resourceOnly([...searched, ...created, ...got, ...closed]),
				note: resourceOnly(note),
				timeEntry: time,
				company: companies,
				configuration: configurations,
			};
		}
	});
	afterAll(async () => sandbox.stop());

	const resources = Object.keys(SCHEMA) as Resource[];

	it.each(PSA_CASES.map((c) => c.provider))(
		'%s: every ticket, note, time entry, company and configuration passes the shared schema',
		(provider) => {
			for (const resource of resources)
				expectNormalized(SCHEMA[resource], out[provider][resource], `${provider} ${resource}`);
		},
	);

	it.each(resources)(
		'%s: the same keys on every PSA, apart from the documented absent fields',
		(resource) => {
			for (const other of ['halo', 'autotask'] as const)
				expectSameKeys(
					{
						label: 'connectwise',
						rows: out.connectwise[resource],
						absent: ABSENT.connectwise[resource],
					},
					{ label: other, rows: out[other][resource], absent: ABSENT[other][resource] },
				);
		},
	);

	it('tickets have a link and a board on every PSA, and the company as { id, name }', () => {
		for (const vendor of PSA_CASES) {
			const tickets = out[vendor.provider].ticket;
			for (const ticket of tickets) {
				expect(ticket.url).toMatch(/^https?:\/\/\S+$/);
				expect(ticket.board).toEqual(expect.any(String));
				expect(ticket.company).toEqual({ id: ticket.companyId, name: ticket.companyName });
			}
			expect(valuesOf(tickets, 'isClosed')).toEqual(['false', 'true']);
		}
	});

	it('the same client is the same company name on every PSA', () => {
		const names = (provider: PsaCase['provider']) =>
			out[provider].company.map((c) => String(c.name)).sort();
		expect(names('halo')).toEqual(names('connectwise'));
		expect(names('autotask')).toEqual(names('connectwise'));
	});

	it('the same device has the same host key on every PSA', () => {
		const keys = (provider: PsaCase['provider']) =>
			valuesOf(out[provider].configuration, 'hostnameKey');
		expect(keys('halo')).toEqual(keys('connectwise'));
		expect(keys('autotask')).toEqual(keys('connectwise'));
		expect(keys('connectwise')).toEqual(
			sandbox
				.world()
				.devices.slice(0, 6)
				.map((d) => d.hostname.toLowerCase())
				.sort(),
		);
	});
});
