import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspAutotaskApi } from '../../../credentials/MspAutotaskApi.credentials';
import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { companyIdOf } from '../../../sandbox/vendors/autotask';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext } from '../helpers/fakeContext';

/** One ticket as the test reads it from the sandbox's world, whichever PSA holds it. */
interface StoredTicket {
	id: number;
	reference: string;
	open: boolean;
}

interface VendorCase {
	provider: string;
	sandboxId: string;
	credentialType: string;
	companyId: (world: World) => string;
	tickets: (world: World) => StoredTicket[];
	/** Every note (ConnectWise notes, Halo actions) written on the ticket. */
	notes: (world: World, ticketId: number) => string[];
	/** The number a note names the ticket by: its id, or Autotask's ticket number. */
	number?: (world: World, ticketId: number) => string;
}

type CwSlice = {
	tickets: Array<{ id: number; externalXRef?: string; closedFlag: boolean }>;
	notes: Array<{ ticketId: number; text: string }>;
};
type AutotaskSlice = {
	tickets: Array<{ id: number; externalID: string | null; status: number; ticketNumber: string }>;
	notes: Array<{ ticketID: number; description: string }>;
};
type HaloSlice = {
	tickets: Array<{ id: number; third_party_id_string: string; status_id: number }>;
	actions: Array<{ ticket_id: number; note: string }>;
	statuses: Array<{ id: number; closed?: boolean }>;
};

const CASES: VendorCase[] = [
	{
		provider: 'connectwise',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		companyId: (w) => String(w.clients[0].ids.connectwiseCompanyId),
		tickets: (w) =>
			(w.vendors['connectwise-psa'] as CwSlice).tickets.map((t) => ({
				id: t.id,
				reference: t.externalXRef ?? '',
				open: !t.closedFlag,
			})),
		notes: (w, id) =>
			(w.vendors['connectwise-psa'] as CwSlice).notes
				.filter((n) => n.ticketId === id)
				.map((n) => n.text),
	},
	{
		provider: 'halo',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		companyId: (w) => String(w.clients[0].ids.haloClientId),
		tickets: (w) => {
			const halo = w.vendors.halopsa as HaloSlice;
			const closed = new Set(halo.statuses.filter((s) => s.closed).map((s) => s.id));
			return halo.tickets.map((t) => ({
				id: t.id,
				reference: t.third_party_id_string,
				open: !closed.has(t.status_id),
			}));
		},
		notes: (w, id) =>
			(w.vendors.halopsa as HaloSlice).actions.filter((a) => a.ticket_id === id).map((a) => a.note),
	},
	{
		provider: 'autotask',
		sandboxId: 'autotask',
		credentialType: 'mspAutotaskApi',
		companyId: (w) => String(companyIdOf(w.clients[0])),
		// Status 5 is Autotask's Complete.
		tickets: (w) =>
			(w.vendors.autotask as AutotaskSlice).tickets.map((t) => ({
				id: t.id,
				reference: t.externalID ?? '',
				open: t.status !== 5,
			})),
		notes: (w, id) =>
			(w.vendors.autotask as AutotaskSlice).notes
				.filter((n) => n.ticketID === id)
				.map((n) => n.description),
		number: (w, id) =>
			(w.vendors.autotask as AutotaskSlice).tickets.find((t) => t.id === id)?.ticketNumber ?? '',
	},
];

describe.each(CASES)('MSP PSA Find or Create under concurrency: $provider', (vendor) => {
	let sandbox: Sandbox;
	const node = new MspPsa();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
		sandbox.setLatency(0);
	});

	/** A fresh copy per run: each run gets (and caches) its own token, as a separate execution would. */
	const credentials = (): ICredentialDataDecryptedObject => ({
		...sandbox.vendorCredentials().find((v) => v.id === vendor.sandboxId)!.credentials,
	});

	/** One execution of Find or Create over the given references (one item each). */
	async function findOrCreate(references: string[], options: IDataObject = {}) {
		const company = { mode: 'id', value: vendor.companyId(sandbox.world()) };
		const { ctx } = fakeExecuteContext({
			parameters: (name, i) =>
				({
					provider: vendor.provider,
					resource: 'ticket',
					operation: 'findOrCreate',
					company,
					summary: `Patch KB5044284 failed (${references[i]})`,
					externalReference: references[i],
					additionalFields: {},
					options: { concurrency: 4, ...options },
				})[name],
			items: references.map((reference) => ({ reference })),
			credentials: { [vendor.credentialType]: credentials() },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi(), new MspAutotaskApi()],
		});
		const [output] = await node.execute.call(ctx);
		return output.map((o) => o.json);
	}

	const withReference = (reference: string) =>
		vendor.tickets(sandbox.world()).filter((t) => t.reference === reference);

	/** Exactly one open ticket; every other one closed with one note naming the open one. */
	function expectConverged(reference: string): StoredTicket {
		const tickets = withReference(reference);
		const open = tickets.filter((t) => t.open);
		expect(open).toHaveLength(1);
		const [kept] = open;
		for (const duplicate of tickets.filter((t) => !t.open)) {
			expect(duplicate.id).toBeGreaterThan(kept.id);
			// One closing note, however many executions saw the duplicate.
			expect(
				vendor
					.notes(sandbox.world(), duplicate.id)
					.filter((note) =>
						note.includes(
							`duplicate of ticket #${vendor.number?.(sandbox.world(), kept.id) ?? kept.id}`,
						),
					),
			).toHaveLength(1);
		}
		return kept;
	}

	it('three items with one reference in one execution open one ticket', async () => {
		const out = await findOrCreate(['rmm-alert-77', 'rmm-alert-77', 'rmm-alert-77']);
		expect(withReference('rmm-alert-77')).toHaveLength(1);
		expect(new Set(out.map((t) => t.id)).size).toBe(1);
		expect(out.map((t) => t.created).sort()).toEqual([false, false, true]);
		expect(out.every((t) => Array.isArray(t.duplicatesClosed))).toBe(true);
	});

	it('items with other references still run side by side and get their own ticket', async () => {
		const refs = ['dev-1', 'dev-2', 'dev-1', 'dev-3', 'dev-2', 'dev-1'];
		const out = await findOrCreate(refs);
		for (const ref of ['dev-1', 'dev-2', 'dev-3']) expect(withReference(ref)).toHaveLength(1);
		// Output stays in input order, each item with its own reference's ticket.
		expect(out.map((t) => t.externalReference)).toEqual(refs);
		expect(out[0].id).toBe(out[2].id);
		expect(out[0].id).not.toBe(out[1].id);
	});

	it('two executions at the same moment leave one open ticket per reference, duplicates closed with a note', async () => {
		// Latency makes both executions look before either creates, as two schedule ticks or two
		// queue-mode workers do.
		sandbox.setLatency(15);
		const devices = Array.from({ length: 6 }, (_, i) => `patch:KB5044284:BSD-WS0${i}`);
		const [first, second] = await Promise.all([findOrCreate(devices), findOrCreate(devices)]);
		sandbox.setLatency(0);
		for (const [index, reference] of devices.entries()) {
			const kept = expectConverged(reference);
			// Both executions hand on the kept ticket, whoever created it.
			expect(first[index].id).toBe(String(kept.id));
			expect(second[index].id).toBe(String(kept.id));
		}
		const closed = devices.flatMap((r) =>
			withReference(r)
				.filter((t) => !t.open)
				.map((t) => t.id),
		);
		const reported = new Set(
			[...first, ...second].flatMap((t) => t.duplicatesClosed as string[]).map(Number),
		);
		// The race did happen (both looked before either created), so converging is what was tested.
		expect(closed.length).toBeGreaterThan(0);
		// Every duplicate closed was reported by the execution that closed it.
		for (const id of closed) expect(reported.has(id)).toBe(true);
		// A later run finds the kept ticket and writes nothing.
		const again = await findOrCreate(devices);
		expect(again.map((t) => [t.id, t.created])).toEqual(first.map((t) => [t.id, false]));
	});

	it('a third run arriving while duplicates are open picks the oldest ticket', async () => {
		const [a] = await findOrCreate(['edr-threat-9']);
		// A duplicate left open (say, by a run that stopped before converging).
		const dup = await (async () => {
			const { ctx } = fakeExecuteContext({
				parameters: {
					provider: vendor.provider,
					resource: 'ticket',
					operation: 'create',
					company: { mode: 'id', value: vendor.companyId(sandbox.world()) },
					summary: 'Ransomware on BSD-WS02',
					additionalFields: { externalReference: 'edr-threat-9' },
					options: {},
				},
				credentials: { [vendor.credentialType]: credentials() },
				credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi(), new MspAutotaskApi()],
			});
			return (await node.execute.call(ctx))[0][0].json;
		})();
		expect(Number(dup.id)).toBeGreaterThan(Number(a.id));
		const [found] = await findOrCreate(['edr-threat-9']);
		expect(found).toMatchObject({ id: a.id, created: false });
	});
});

describe('MSP PSA Find or Create on HaloPSA: requests per lookup', () => {
	let sandbox: Sandbox;
	const node = new MspPsa();
	const TICKETS = 3000;

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			scale: { clients: 2, devicesPerClient: 3, threats: 0, ticketsPerClient: TICKETS },
		});
	});
	afterAll(async () => sandbox.stop());

	const company = () => String(sandbox.world().clients[0].ids.haloClientId);

	/** One fresh execution (no cached token) of Find or Create; the Halo requests it sent. */
	async function run(reference: string, description?: string, fields: IDataObject = {}) {
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'halo',
				resource: 'ticket',
				operation: 'findOrCreate',
				company: { mode: 'id', value: company() },
				summary: 'Disk C: below 5% on BSD-DC01',
				externalReference: reference,
				additionalFields: { ...(description ? { description } : {}), ...fields },
				options: {},
			},
			credentials: {
				mspHaloPsaApi: {
					...sandbox.vendorCredentials().find((v) => v.id === 'halopsa')!.credentials,
				},
			},
			credentialTypes: [new MspHaloPsaApi()],
		});
		sandbox.requests.clear();
		const [[item]] = await node.execute.call(ctx);
		const requests = sandbox.requests.query({ vendor: 'halopsa' });
		return { ticket: item.json, requests };
	}

	const tickets = () =>
		(
			sandbox.world().vendors.halopsa as {
				tickets: Array<{ id: number; client_id: number; details: string }>;
			}
		).tickets;

	it('a miss costs a bounded number of requests, whatever the client has', async () => {
		expect(tickets().filter((t) => String(t.client_id) === company()).length).toBe(TICKETS);
		const { ticket, requests } = await run('rmm-alert-8f3c2', 'Alert from the RMM');
		expect(ticket).toMatchObject({ created: true, externalReference: 'rmm-alert-8f3c2' });
		// The line Halo's search finds the ticket by; the user's description stays first.
		expect(ticket.description).toBe('Alert from the RMM\n\nExternal reference: rmm-alert-8f3c2');
		const lookups = requests.filter((r) => r.method === 'GET' && r.path.endsWith('/api/Tickets'));
		// The search, the newest page before creating, the newest page read back after: not 24 pages.
		expect(lookups).toHaveLength(3);
		expect(lookups[0].query).toMatchObject({ search: 'rmm-alert-8f3c2', open_only: 'true' });
		expect(requests.length).toBeLessThanOrEqual(7);
	});

	it('a hit in the newest page costs at most 3 requests, the token included', async () => {
		await run('edr-threat-4711');
		const { ticket, requests } = await run('edr-threat-4711');
		expect(ticket).toMatchObject({ created: false, externalReference: 'edr-threat-4711' });
		expect(ticket.status).toBeTruthy();
		expect(ticket.priority).toBeTruthy();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /halopsa/auth/token',
			'GET /halopsa/api/Tickets',
			`GET /halopsa/api/Tickets/${String(ticket.id)}`,
		]);
	});

	it('finds a ticket whose details do not carry the reference when it is among the newest', async () => {
		// Opened by another tool (or an earlier version of this node): the reference only in third_party_id_string.
		const { ticket: created } = await run('psa-sync-1234');
		const stored = tickets().find((t) => t.id === Number(created.id))!;
		stored.details = 'Created by the RMM integration';
		const { ticket, requests } = await run('psa-sync-1234');
		expect(ticket).toMatchObject({ id: created.id, created: false });
		expect(requests.filter((r) => r.path.endsWith('/api/Tickets'))).toHaveLength(2);
	});

	it('an older ticket that got its reference from another tool is found when the look-back covers it', async () => {
		// The client's oldest ticket, given a reference by a sync tool: not in its details, not among the newest 100.
		const own = tickets()
			.filter((t) => String(t.client_id) === company())
			.sort((x, y) => x.id - y.id);
		const legacy = own[0] as (typeof own)[number] & { third_party_id_string?: string };
		legacy.third_party_id_string = 'legacy-sync-77';
		legacy.details = 'Imported from the previous PSA';

		const { ticket, requests } = await run('legacy-sync-77', undefined, { missLookBack: 0 });
		expect(ticket).toMatchObject({ id: String(legacy.id), created: false });
		// The search, then every page of the client's open tickets (not only the newest, which the default reads).
		const pages = requests.filter((r) => r.path.endsWith('/api/Tickets'));
		expect(pages.length).toBeGreaterThan(10);

		// With the default look-back (the newest 100) it is not seen, and a ticket is opened: the documented limit.
		const { ticket: missed } = await run('legacy-sync-77');
		expect(missed.created).toBe(true);
		expect(missed.id).not.toBe(String(legacy.id));
	});

	it('a negative look-back is refused naming the field, before any request', async () => {
		await expect(run('edr-threat-5', undefined, { missLookBack: -1 })).rejects.toThrow(
			/Tickets Read When the Search Misses must be a whole number, 0 or more, not -1/,
		);
		expect(sandbox.requests.query({ vendor: 'halopsa' })).toHaveLength(0);
	});

	it('never takes a ticket whose text merely contains the reference', async () => {
		const { ticket: longer } = await run('alert-100');
		const { ticket } = await run('alert-10');
		expect(ticket.created).toBe(true);
		expect(ticket.id).not.toBe(longer.id);
	});
});
