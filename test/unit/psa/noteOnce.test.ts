import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

/**
 * Notes written once: a Note Key keeps a rerun from adding the same event's note again, a rerun
 * of a close finds the resolution note it already wrote, and a note whose answer was lost is read
 * back instead of sent again. Asserted on what the PSA stored and the requests it received.
 */
interface StoredNote {
	id: number;
	text: string;
	resolution: boolean;
}

interface VendorCase {
	provider: string;
	sandboxId: string;
	credentialType: string;
	companyId: (world: World) => string;
	board: string;
	notesOf: (world: World, ticketId: string) => StoredNote[];
	/** The request that adds a note (or any action, for Halo). */
	isNoteWrite: (method: string, url: string) => boolean;
	/** The request that moves the ticket to its closed status. */
	isStatusChange: (method: string, url: string) => boolean;
	/** A close writes its resolution and the closed status in one request (Halo: an action with `new_status`). */
	closeInOneWrite: boolean;
	/** Path of the note write in the sandbox's request log. */
	notePath: RegExp;
}

const CASES: VendorCase[] = [
	{
		provider: 'connectwise',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		companyId: (w) => String(w.clients[0].ids.connectwiseCompanyId),
		board: 'Help Desk',
		notesOf: (w, id) =>
			(
				w.vendors['connectwise-psa'] as {
					notes: Array<{ id: number; ticketId: number; text: string; resolutionFlag: boolean }>;
				}
			).notes
				.filter((n) => String(n.ticketId) === id)
				.map((n) => ({ id: n.id, text: n.text, resolution: n.resolutionFlag })),
		isNoteWrite: (m, u) => m === 'POST' && /\/service\/tickets\/\d+\/notes$/.test(u),
		isStatusChange: (m, u) => m === 'PATCH' && /\/service\/tickets\/\d+$/.test(u),
		closeInOneWrite: false,
		notePath: /\/service\/tickets\/\d+\/notes$/,
	},
	{
		provider: 'halo',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		companyId: (w) => String(w.clients[0].ids.haloClientId),
		board: 'Service Desk',
		notesOf: (w, id) =>
			(
				w.vendors.halopsa as {
					actions: Array<{ id: number; ticket_id: number; note: string; outcome: string }>;
				}
			).actions
				.filter((a) => String(a.ticket_id) === id)
				.map((a) => ({ id: a.id, text: a.note, resolution: a.outcome === 'Resolution' })),
		isNoteWrite: (m, u) => m === 'POST' && /\/api\/Actions$/.test(u),
		isStatusChange: (m, u) => m === 'POST' && /\/api\/(Tickets|Actions)$/.test(u),
		closeInOneWrite: true,
		notePath: /\/api\/Actions$/,
	},
];

type Wrap = (
	send: (type: string, options: IHttpRequestOptions) => Promise<unknown>,
	type: string,
	options: IHttpRequestOptions,
) => Promise<unknown>;

describe.each(CASES)('MSP PSA notes written once: $provider', (vendor) => {
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
		sandbox.setFaults({ profile: 'none', vendors: [] });
	});

	async function run(
		parameters: Record<string, unknown> | ((i: number) => Record<string, unknown>),
		opts: { items?: number; wrap?: Wrap } = {},
	) {
		const { ctx, requests } = fakeExecuteContext({
			parameters: (name, i) =>
				({
					provider: vendor.provider,
					options: {},
					...(typeof parameters === 'function' ? parameters(i) : parameters),
				})[name],
			items: Array.from({ length: opts.items ?? 1 }, (_, i) => ({ index: i })),
			credentials: { [vendor.credentialType]: credentials },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
		});
		if (opts.wrap) {
			const send = ctx.helpers.httpRequestWithAuthentication.bind(ctx) as (
				type: string,
				options: IHttpRequestOptions,
			) => Promise<unknown>;
			const wrap = opts.wrap;
			ctx.helpers.httpRequestWithAuthentication = (async (
				type: string,
				options: IHttpRequestOptions,
			) => await wrap(send, type, options)) as never;
		}
		const [output] = await node.execute.call(ctx);
		return { json: output.map((o) => o.json), requests };
	}

	const noteWrites = (requests: SentRequest[]) =>
		requests.filter((r) => vendor.isNoteWrite(r.method, r.url));

	async function createTicket(): Promise<string> {
		const { json } = await run({
			resource: 'ticket',
			operation: 'create',
			company: { mode: 'id', value: vendor.companyId(sandbox.world()) },
			summary: 'Credential dumping on NWL-SRV01',
			additionalFields: { board: { mode: 'name', value: vendor.board } },
		});
		return String(json[0].id);
	}

	const addNote = (ticketId: string, text: string, noteKey?: string) => ({
		resource: 'ticket',
		operation: 'addNote',
		ticketId,
		text,
		visibility: 'internal',
		resolution: false,
		options: noteKey === undefined ? {} : { noteKey },
	});

	describe('Note Key', () => {
		it('two runs with the same key add one note; a different key adds a second', async () => {
			const ticket = await createTicket();
			const first = await run(addNote(ticket, 'Isolated NWL-SRV01', 'timeline:threat-7'));
			expect(first.json[0]).toMatchObject({
				ticketId: ticket,
				added: true,
				text: 'Isolated NWL-SRV01\n[n8n:timeline:threat-7]',
				internal: true,
			});
			expect(noteWrites(first.requests)).toHaveLength(1);

			// The rerun after a failure later in the workflow: same event, same key.
			const rerun = await run(addNote(ticket, 'Isolated NWL-SRV01', 'timeline:threat-7'));
			expect(rerun.json[0]).toMatchObject({ id: first.json[0].id, added: false });
			expect(rerun.requests.filter((r) => r.method !== 'GET')).toEqual([]);

			const other = await run(addNote(ticket, 'Released NWL-SRV01', 'timeline:threat-7:release'));
			expect(other.json[0]).toMatchObject({ added: true });
			expect(other.json[0].id).not.toBe(first.json[0].id);

			const keyed = vendor
				.notesOf(sandbox.world(), ticket)
				.filter((n) => n.text.includes('[n8n:timeline:threat-7'));
			expect(keyed.map((n) => n.text)).toEqual([
				'Isolated NWL-SRV01\n[n8n:timeline:threat-7]',
				'Released NWL-SRV01\n[n8n:timeline:threat-7:release]',
			]);
		});

		it('without a key every run adds a note, marked added: true', async () => {
			const ticket = await createTicket();
			const a = await run(addNote(ticket, 'Scan started'));
			const b = await run(addNote(ticket, 'Scan started'));
			expect([a.json[0].added, b.json[0].added]).toEqual([true, true]);
			expect(a.json[0].text).toBe('Scan started');
			expect(
				vendor.notesOf(sandbox.world(), ticket).filter((n) => n.text === 'Scan started'),
			).toHaveLength(2);
		});

		it('two items of one run with the same ticket and key add one note', async () => {
			const ticket = await createTicket();
			const { json, requests } = await run(() => addNote(ticket, 'Contained', 'contain:1'), {
				items: 3,
			});
			expect(json.map((n) => n.added)).toEqual([true, false, false]);
			expect(new Set(json.map((n) => n.id)).size).toBe(1);
			expect(noteWrites(requests)).toHaveLength(1);
			expect(
				vendor.notesOf(sandbox.world(), ticket).filter((n) => n.text.endsWith('[n8n:contain:1]')),
			).toHaveLength(1);
		});

		it('a key that cannot be read back is refused before any request', async () => {
			for (const bad of ['a]b', 'x[1]', 'line\nbreak', 'k'.repeat(201)]) {
				const attempt = run(addNote('5001', 'text', bad));
				await expect(attempt).rejects.toThrow(/^Note Key ".*" is not valid: use up to 200/);
			}
			expect(sandbox.requests.query({ vendor: vendor.sandboxId })).toEqual([]);
		});
	});

	it('a rerun of a close whose status change failed (after its note, or with it) adds no second resolution', async () => {
		const ticket = await createTicket();
		const close = {
			resource: 'ticket',
			operation: 'close',
			ticketId: ticket,
			resolution: 'Threat removed and device verified',
		};
		// First run: the PSA refuses the status change, after the resolution note went in (or with it, in one write).
		const refuse: Wrap = async (send, type, options) => {
			if (vendor.isStatusChange(String(options.method), String(options.url)))
				throw new NodeApiError(
					{
						id: 'psa',
						name: 'PSA',
						type: 'test',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					Object.assign(new Error('Request failed with status code 400'), {
						name: 'AxiosError',
						response: { status: 400, headers: {}, data: { message: 'Status change refused' } },
					}) as never,
				);
			return await send(type, options);
		};
		await expect(run(close, { wrap: refuse })).rejects.toThrow();
		const afterFailure = vendor.notesOf(sandbox.world(), ticket).filter((n) => n.resolution);
		expect(afterFailure.map((n) => n.text)).toEqual(
			vendor.closeInOneWrite ? [] : ['Threat removed and device verified'],
		);

		const rerun = await run(close);
		expect(rerun.json[0]).toMatchObject({ id: ticket, isClosed: true });
		expect(noteWrites(rerun.requests)).toHaveLength(vendor.closeInOneWrite ? 1 : 0);
		expect(
			vendor
				.notesOf(sandbox.world(), ticket)
				.filter((n) => n.resolution)
				.map((n) => n.text),
		).toEqual(['Threat removed and device verified']);
	});

	/**
	 * The note's POST meets a sandbox fault (flaky, every request of the PSA while it is in flight):
	 * a 5xx, reset or timeout, before the PSA stored it or after (stored, answer lost). Repeated on new
	 * tickets until both kinds have happened; each time the ticket ends with exactly one note.
	 */
	it('a note whose answer is lost is read back, not sent again: written once', async () => {
		const seen = { applied: 0, notApplied: 0 };
		for (let attempt = 0; attempt < 16 && !(seen.applied && seen.notApplied); attempt++) {
			const ticket = await createTicket();
			const text = `Evidence collected (attempt ${attempt})`;
			sandbox.requests.clear();
			let faulted = false;
			const lose: Wrap = async (send, type, options) => {
				if (faulted || !vendor.isNoteWrite(String(options.method), String(options.url)))
					return await send(type, options);
				faulted = true;
				sandbox.setFaults({
					profile: 'flaky',
					rate: 1,
					vendors: [vendor.sandboxId],
					timeoutMs: 30,
				});
				try {
					return await send(type, options);
				} finally {
					sandbox.setFaults({ profile: 'none', vendors: [] });
				}
			};
			const { json } = await run(addNote(ticket, text), { wrap: lose });
			const stored = vendor.notesOf(sandbox.world(), ticket).filter((n) => n.text === text);
			expect(stored).toHaveLength(1);
			expect(json[0]).toMatchObject({ id: String(stored[0].id), text, added: true });

			const posts = sandbox.requests
				.query({ vendor: vendor.sandboxId })
				.filter((e) => e.method === 'POST' && vendor.notePath.test(e.path));
			expect(posts[0].fault).toBeDefined();
			if (posts[0].applied) {
				// Stored, answer lost: found by the read-back, never sent again.
				seen.applied++;
				expect(posts).toHaveLength(1);
			} else {
				// Never stored: the read-back finds nothing, so it is sent once more.
				seen.notApplied++;
				expect(posts).toHaveLength(2);
				expect(posts[1].fault).toBeUndefined();
			}
		}
		expect(seen.applied).toBeGreaterThan(0);
		expect(seen.notApplied).toBeGreaterThan(0);
	}, 60_000);

	if (vendor.provider === 'halo') {
		it('a Halo time entry whose answer is lost is written once', async () => {
			let applied = 0;
			for (let attempt = 0; attempt < 16 && !applied; attempt++) {
				const ticket = await createTicket();
				sandbox.requests.clear();
				let faulted = false;
				const lose: Wrap = async (send, type, options) => {
					if (faulted || !vendor.isNoteWrite(String(options.method), String(options.url)))
						return await send(type, options);
					faulted = true;
					sandbox.setFaults({ profile: 'flaky', rate: 1, vendors: ['halopsa'], timeoutMs: 30 });
					try {
						return await send(type, options);
					} finally {
						sandbox.setFaults({ profile: 'none', vendors: [] });
					}
				};
				const startedAt = new Date(Date.parse(sandbox.world().createdAt) - 3_600_000);
				const { json } = await run(
					{
						resource: 'ticket',
						operation: 'addTimeEntry',
						ticketId: ticket,
						hours: 0.75,
						timeFields: { notes: 'Remote cleanup', startedAt: startedAt.toISOString() },
					},
					{ wrap: lose },
				);
				const actions = (
					sandbox.world().vendors.halopsa as {
						actions: Array<{ id: number; ticket_id: number; timetaken: number }>;
					}
				).actions.filter((a) => String(a.ticket_id) === ticket && a.timetaken === 0.75);
				expect(actions).toHaveLength(1);
				expect((json[0] as IDataObject).id).toBe(String(actions[0].id));
				const posts = sandbox.requests
					.query({ vendor: 'halopsa' })
					.filter((e) => e.method === 'POST' && /\/api\/Actions$/.test(e.path));
				if (posts[0].applied) {
					applied++;
					expect(posts).toHaveLength(1);
				}
			}
			expect(applied).toBeGreaterThan(0);
		}, 60_000);
	}
});
