import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { validateAgainstSpec } from '../sandbox/spec';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

/** Every body the node POSTs to Halo must fit the spec's request schemas (arrays of Faults / Actions, no unknown fields). */
describe('MSP PSA: HaloPSA request bodies match the spec', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	it('create, update, note, time entry, close, reopen and attach send spec-valid bodies', async () => {
		const credentials = {
			...sandbox.vendorCredentials().find((v) => v.id === 'halopsa')!.credentials,
		};
		const sent: SentRequest[] = [];
		const run = async (parameters: Record<string, unknown>) => {
			const { ctx, requests } = fakeExecuteContext({
				parameters: (name) => ({ provider: 'halo', options: {}, ...parameters })[name],
				credentials: { mspHaloPsaApi: credentials },
				credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
			});
			const [output] = await new MspPsa().execute.call(ctx);
			sent.push(...requests);
			return output[0].json;
		};
		const company = { mode: 'id', value: String(sandbox.world().clients[0].ids.haloClientId) };
		const ticket = await run({
			resource: 'ticket',
			operation: 'findOrCreate',
			company,
			summary: 'Ransomware',
			externalReference: 'edr-1',
			additionalFields: {
				description: 'x',
				board: { mode: 'name', value: 'Security Operations' },
				priority: { mode: 'name', value: 'Critical' },
			},
		});
		await run({
			resource: 'ticket',
			operation: 'update',
			ticketId: ticket.id,
			updateFields: {
				summary: 'Ransomware (contained)',
				status: { mode: 'name', value: 'In Progress' },
			},
		});
		await run({
			resource: 'ticket',
			operation: 'addNote',
			ticketId: ticket.id,
			text: 'Isolated',
			visibility: 'internal',
			resolution: false,
		});
		await run({
			resource: 'ticket',
			operation: 'addTimeEntry',
			ticketId: ticket.id,
			hours: 0.25,
			timeFields: {},
		});
		await run({
			resource: 'configuration',
			operation: 'attach',
			ticketId: ticket.id,
			configurationId: String(sandbox.world().devices[1].ids.haloAssetId),
		});
		await run({
			resource: 'ticket',
			operation: 'close',
			ticketId: ticket.id,
			resolution: 'Reimaged',
		});
		await run({ resource: 'ticket', operation: 'reopen', ticketId: ticket.id, reopenStatus: '' });
		const posts = sent.filter(
			(r) => r.method === 'POST' && /\/api\/(Tickets|Actions)$/.test(r.url),
		);
		// A close with a resolution is one action (note and new_status): 7 writes.
		expect(posts.length).toBeGreaterThanOrEqual(7);
		const results = validateAgainstSpec('halopsa', [
			...posts.map((r, i) => ({
				label: `${i} ${r.url} ${JSON.stringify(r.body)}`,
				operationId: r.url.endsWith('/Tickets') ? 'saveTickets' : 'saveActions',
				body: r.body,
				request: true,
			})),
			{
				label: 'control: a field Halo does not have',
				operationId: 'saveTickets',
				body: [{ summary: 'x', alert_reference: 'nope' }],
				request: true,
			},
		]);
		const control = results.pop()!;
		expect(results.filter((r) => r.errors.length)).toEqual([]);
		expect(control.errors.length).toBeGreaterThan(0);
	}, 60_000);
});
