import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';

/** Halo searches fetch the pages after page 1 several at a time; the output must not show it. */
describe('MSP PSA: HaloPSA listing across pages', () => {
	let sandbox: Sandbox;
	const node = new MspPsa();
	/** A fresh copy each run: a reset world has forgotten the token stored in the last one. */
	const credentials = (): ICredentialDataDecryptedObject => ({
		...sandbox.vendorCredentials().find((v) => v.id === 'halopsa')!.credentials,
	});

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	async function search(parameters: Record<string, unknown>) {
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'halo',
				resource: 'ticket',
				operation: 'search',
				options: {},
				filters: { state: 'any' },
				...parameters,
			},
			items: [{}],
			credentials: { mspHaloPsaApi: credentials() },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
		});
		sandbox.requests.clear();
		const [output] = await node.execute.call(ctx);
		const ticketPages = sandbox.requests
			.query({ vendor: 'halopsa' })
			.filter((r) => r.method === 'GET' && r.path.endsWith('/api/Tickets'));
		return { ids: output.map((o) => Number(o.json.id)), ticketPages };
	}

	const storedIdsNewestFirst = () =>
		(sandbox.world().vendors.halopsa as { tickets: Array<{ id: number }> }).tickets
			.map((t) => t.id)
			.sort((a, b) => b - a);

	it('returns every ticket once, in order, with exactly ceil(n / 100) ticket requests', async () => {
		sandbox.reset({ ticketsPerClient: 317 });
		const expected = storedIdsNewestFirst();
		expect(expected.length % 100).not.toBe(0);
		expect(expected.length).toBeGreaterThan(500);

		const { ids, ticketPages } = await search({ returnAll: true });

		expect(ids).toEqual(expected);
		expect(ticketPages).toHaveLength(Math.ceil(expected.length / 100));
		expect(ticketPages.map((r) => Number(r.query.page_no)).sort((a, b) => a - b)).toEqual(
			Array.from({ length: ticketPages.length }, (_, i) => i + 1),
		);
		expect(ticketPages.every((r) => r.status === 200 && r.query.page_size === '100')).toBe(true);
	});

	it('requests no page beyond the limit', async () => {
		sandbox.reset({ ticketsPerClient: 317 });
		const { ids, ticketPages } = await search({ returnAll: false, limit: 250 });
		expect(ids).toEqual(storedIdsNewestFirst().slice(0, 250));
		expect(ticketPages).toHaveLength(3);
	});

	it('finds a company by identifier on any page: records Halo cannot filter are dropped after paging', async () => {
		sandbox.reset({ clients: 230, devicesPerClient: 1, ticketsPerClient: 1 });
		// The sandbox lists clients in the order they were seeded: the last one is on page 3.
		const wanted = sandbox.world().clients[229];
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'halo',
				resource: 'company',
				operation: 'search',
				options: {},
				name: '',
				identifier: wanted.code.toLowerCase(),
				returnAll: false,
				limit: 1,
			},
			items: [{}],
			credentials: { mspHaloPsaApi: credentials() },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
		});
		sandbox.requests.clear();
		const [output] = await node.execute.call(ctx);
		expect(output.map((o) => o.json.name)).toEqual([wanted.name]);
		// Whole pages of 100 (the Limit of 1 counts matches, it does not shrink the pages), through the last one.
		const pages = sandbox.requests
			.query({ vendor: 'halopsa' })
			.filter((r) => r.path.endsWith('/api/Client'));
		expect(pages.every((r) => r.query.page_size === '100')).toBe(true);
		expect(pages.map((r) => Number(r.query.page_no)).sort((a, b) => a - b)).toEqual([1, 2, 3]);
	});
});
