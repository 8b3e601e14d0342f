import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { fakeRmm } from './helpers/fakeRmm';

/**
 * Automate's list endpoints answer plain arrays without a total, and no page-size maximum is
 * published: the reference says to page until an empty array. A short page is not the end.
 */
const computer = (id: number) => ({
	Id: id,
	ComputerName: `PC-${id}`,
	Client: { Id: 1, Name: 'Acme' },
	Status: 'Online',
	Type: 'Workstation',
});

describe('ConnectWise Automate paging: until an empty page', () => {
	it('reads past a short page (a server maximum below the page size asked for)', async () => {
		// The fake serves at most 3 rows a page whatever is asked: 3, 3, 1, then nothing.
		const all = Array.from({ length: 7 }, (_, i) => computer(i + 1));
		const { rmm, requests } = fakeRmm('connectWiseAutomate', (req) => {
			if (req.path !== '/Computers') return undefined;
			const page = Number(req.qs.page);
			return { body: all.slice((page - 1) * 3, page * 3) };
		});
		const devices = await rmm.searchDevices({ returnAll: true });
		expect(devices.map((d) => d.hostname)).toEqual(all.map((c) => c.ComputerName));
		expect(requests.map((r) => [r.qs.page, r.qs.pageSize])).toEqual([
			[1, 1000],
			[2, 1000],
			[3, 1000],
			[4, 1000],
		]);
	});

	it('goes on after a page shorter than the one before it, until an empty one', async () => {
		const pages = [[computer(1), computer(2)], [computer(3)], [computer(4), computer(5)], []];
		const { rmm } = fakeRmm('connectWiseAutomate', (req) =>
			req.path === '/Computers' ? { body: pages[Number(req.qs.page) - 1] ?? [] } : undefined,
		);
		expect((await rmm.searchDevices({ returnAll: true })).map((d) => d.id)).toEqual([
			'1',
			'2',
			'3',
			'4',
			'5',
		]);
	});

	it('stops when the server ignores the page and sends the same rows again (an unpaged list)', async () => {
		const { rmm, requests } = fakeRmm('connectWiseAutomate', (req) =>
			req.path === '/Computers/7/MicrosoftUpdates'
				? { body: [{ KnowledgeBaseId: 5040430, Title: 'CU', InstallState: 'Missing' }] }
				: undefined,
		);
		expect(await rmm.listPatches('7')).toHaveLength(1);
		expect(requests).toHaveLength(2);
	});

	it('with a limit, stops asking once the limit is reached', async () => {
		const all = Array.from({ length: 9 }, (_, i) => computer(i + 1));
		const { rmm, requests } = fakeRmm('connectWiseAutomate', (req) => {
			const page = Number(req.qs.page);
			return { body: all.slice((page - 1) * 2, page * 2) };
		});
		expect(await rmm.searchDevices({ returnAll: false, limit: 5 })).toHaveLength(5);
		expect(requests.map((r) => r.qs.pageSize)).toEqual([5, 5, 5]);
	});
});

describe('ConnectWise Automate paging against the sandbox (its pages are capped at 500)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	it('lists every computer of a large estate through short pages', async () => {
		sandbox.reset({ clients: 2, devicesPerClient: 600 });
		const credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspConnectWiseAutomateApi')
				?.data as ICredentialDataDecryptedObject),
		};
		const { ctx, requests } = fakeExecuteContext({
			parameters: {
				provider: 'connectWiseAutomate',
				resource: 'device',
				operation: 'search',
				returnAll: true,
				options: {},
			},
			credentials: { mspConnectWiseAutomateApi: credentials },
			credentialTypes: [new MspConnectWiseAutomateApi()],
		});
		const [out] = await new MspRmm().execute.call(ctx);
		expect(out).toHaveLength(1200);
		expect(new Set(out.map((o) => o.json.id)).size).toBe(1200);
		// 500, 500, 200 and the empty page that ends it.
		expect(requests.map((r) => r.qs?.page)).toEqual([1, 2, 3, 4]);
	}, 60_000);
});
