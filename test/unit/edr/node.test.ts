import type { IExecuteFunctions } from 'n8n-workflow';

import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { contextFor } from './setup';

/** The MSP EDR node's execute with n8n-style parameters, against the sandbox (SentinelOne: no slow pacing). */
describe('MSP EDR node', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	const run = async (
		parameters: Record<string, unknown> | ((name: string, i: number) => unknown),
		items: object[],
		continueOnFail = false,
	) => {
		const { ctx } = contextFor(sandbox, {
			parameters: parameters as never,
			items: items as never,
			continueOnFail,
		});
		return (await new MspEdr().execute.call(ctx as IExecuteFunctions))[0];
	};

	it('isolates every input item in one SentinelOne request, with one output item per input', async () => {
		const hosts = ['BSD-WS01', 'NOPE-WS77', 'NWL-WS02', 'BSD-DC01'];
		const out = await run(
			(name, i) =>
				({
					provider: 'sentinelOne',
					resource: 'containment',
					operation: 'isolate',
					device: { mode: 'hostname', value: hosts[i] },
					comment: 'Ransomware response',
					waitForCompletion: false,
					options: {},
				})[name],
			hosts.map((h) => ({ h })),
			true,
		);
		expect(out.map((o) => o.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(out[0].json).toMatchObject({
			state: 'pendingIsolation',
			requested: true,
			hostname: 'BSD-WS01',
		});
		expect(out[1].json.error).toMatch(/NOPE-WS77/);
		expect(out[2].json).toMatchObject({ state: 'pendingIsolation', requested: true });
		expect(out[3].json.error).toMatch(/never-isolate/);
		expect(
			sandbox.requests
				.query({ vendor: 'sentinelone' })
				.filter((r) => r.path.endsWith('/agents/actions/disconnect')),
		).toHaveLength(1);
	});

	it('fails the run on a bad device without continue-on-fail, before anything is sent', async () => {
		await expect(
			run(
				{
					provider: 'sentinelOne',
					resource: 'containment',
					operation: 'isolate',
					device: { mode: 'hostname', value: 'NOPE-1' },
					options: {},
				},
				[{}],
			),
		).rejects.toThrow(/NOPE-1/);
		expect(
			sandbox.requests.query({ vendor: 'sentinelone' }).filter((r) => r.method === 'POST'),
		).toHaveLength(0);
	});

	it('returns the request instead of sending it in dry-run mode', async () => {
		const out = await run(
			{
				provider: 'sentinelOne',
				resource: 'containment',
				operation: 'isolate',
				device: { mode: 'hostname', value: 'HLL-WS05' },
				options: { dryRun: true },
			},
			[{}],
		);
		expect(out[0].json).toMatchObject({
			dryRun: true,
			request: { method: 'POST', body: { filter: { ids: [expect.any(String)] } } },
		});
		expect(JSON.stringify(out[0].json)).not.toContain('sbx-s1-admin');
		expect(sandbox.world().devices.find((d) => d.hostname === 'HLL-WS05')!.containment).toBe(
			'released',
		);
	});

	it('lists threats and updates one, dropping raw unless asked', async () => {
		const list = await run(
			{
				provider: 'sentinelOne',
				resource: 'threat',
				operation: 'getMany',
				returnAll: true,
				filters: { severities: ['high'] },
				options: {},
			},
			[{}],
		);
		expect(list.length).toBeGreaterThan(0);
		expect(list.every((i) => i.json.severity === 'high' && i.json.raw === undefined)).toBe(true);
		const id = String(list[0].json.id);
		const updated = await run(
			{
				provider: 'sentinelOne',
				resource: 'threat',
				operation: 'update',
				threatId: id,
				status: 'inProgress',
				verdict: 'truePositive',
				comment: 'Confirmed',
				options: { includeRaw: true },
			},
			[{}],
		);
		expect(updated[0].json).toMatchObject({
			id,
			status: 'inProgress',
			verdict: 'truePositive',
			raw: expect.any(Object),
		});
	});

	it('rejects an update with nothing to change before any request', async () => {
		await expect(
			run(
				{
					provider: 'sentinelOne',
					resource: 'threat',
					operation: 'update',
					threatId: '1',
					status: 'keep',
					verdict: 'keep',
					comment: '',
					options: {},
				},
				[{}],
			),
		).rejects.toThrow(/Nothing to update/);
	});
});
