import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext } from '../helpers/fakeContext';

/** Ticket · Find Note: reads whether a keyed note is on a ticket, and never writes. */
describe.each([
	{
		provider: 'connectwise',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		companyId: (w: World) => String(w.clients[0].ids.connectwiseCompanyId),
	},
	{
		provider: 'halo',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		companyId: (w: World) => String(w.clients[0].ids.haloClientId),
	},
])('MSP PSA Find Note: $provider', (vendor) => {
	let sandbox: Sandbox;
	let credentials: ICredentialDataDecryptedObject;
	const node = new MspPsa();
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		credentials = {
			...sandbox.vendorCredentials().find((v) => v.id === vendor.sandboxId)!.credentials,
		};
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.reset());

	async function run(parameters: Record<string, unknown>) {
		const { ctx, requests } = fakeExecuteContext({
			parameters: (name) => ({ provider: vendor.provider, options: {}, ...parameters })[name],
			credentials: { [vendor.credentialType]: credentials },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
		});
		const [output] = await node.execute.call(ctx);
		return { json: output.map((o) => o.json), requests };
	}

	it('finds the note with that key, not one whose key only starts the same, and writes nothing', async () => {
		const ticket = await run({
			resource: 'ticket',
			operation: 'create',
			company: { mode: 'id', value: vendor.companyId(sandbox.world()) },
			summary: 'Ransomware on BSD-WS02',
			additionalFields: {},
		});
		const ticketId = String(ticket.json[0].id);
		const find = async (noteKey: string) =>
			await run({ resource: 'ticket', operation: 'findNote', ticketId, noteKey });

		const missing = await find('cleanup:threat-7');
		expect(missing.json).toEqual([{ found: false, ticketId, noteKey: 'cleanup:threat-7' }]);
		expect(missing.requests.filter((r) => r.method !== 'GET')).toEqual([]);

		await run({
			resource: 'ticket',
			operation: 'addNote',
			ticketId,
			text: 'Cleanup script started as RMM run 42',
			visibility: 'internal',
			options: { noteKey: 'cleanup:threat-7b' },
		});
		expect((await find('cleanup:threat-7')).json[0].found).toBe(false);
		const found = await find('cleanup:threat-7b');
		expect(found.json).toEqual([
			expect.objectContaining({
				found: true,
				noteKey: 'cleanup:threat-7b',
				text: expect.stringContaining('RMM run 42'),
			}),
		]);
		expect(found.requests.filter((r) => r.method !== 'GET')).toEqual([]);
	});

	it('refuses an empty key before any request', async () => {
		await expect(
			run({ resource: 'ticket', operation: 'findNote', ticketId: '5001', noteKey: '  ' }),
		).rejects.toThrow(/Note Key is empty/);
	});
});
