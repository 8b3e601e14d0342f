import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { HUNTRESS_IDS } from '../../sandbox/vendors/huntress';

import { runWorkflow, type WorkflowJson } from './harness';

const EDR = 'n8n-nodes-msp-orchestration.mspEdr';
const CREDENTIALS = { mspHuntressApi: { id: 'sandbox-huntress', name: 'Sandbox Huntress' } };

/** Isolate in Huntress (waiting for the agent to report Isolated), then read the state back with a second node. */
function workflow(device: IDataObject): WorkflowJson {
	return {
		name: 'Huntress isolate and verify',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'Isolate',
				type: EDR,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					provider: 'huntress',
					resource: 'containment',
					operation: 'isolate',
					device: { __rl: true, ...device },
					comment: '={{ $json.reason }}',
					waitForCompletion: true,
					options: { pollInterval: 1, waitTimeout: 20 },
				},
				credentials: CREDENTIALS,
			},
			{
				id: '3',
				name: 'Verify',
				type: EDR,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					provider: 'huntress',
					resource: 'device',
					operation: 'getContainment',
					device: { __rl: true, mode: 'id', value: '={{ $json.deviceId }}' },
					options: {},
				},
				credentials: CREDENTIALS,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Isolate', type: 'main', index: 0 }]] },
			Isolate: { main: [[{ node: 'Verify', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: isolate with Huntress and read it back', () => {
	let sandbox: Sandbox;
	let since = 0;
	const credentials = () =>
		Object.fromEntries(
			sandbox
				.n8nCredentials()
				.filter((c) => c.type === 'mspHuntressApi')
				.map((c) => [c.type, c.data as never]),
		);
	const posts = () =>
		sandbox.requests.query({ vendor: 'huntress', since }).filter((r) => r.method === 'POST');

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 60_000 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
	});

	it('isolates two hosts, one request each, waits until Isolated, and the read-back agrees', async () => {
		const run = await runWorkflow(workflow({ mode: 'hostname', value: '={{ $json.host }}' }), {
			input: [
				{ host: 'BSD-WS02', reason: 'Ransomware on BSD-WS02' },
				{ host: 'NWL-WS05', reason: 'Ransomware on NWL-WS05' },
			],
			credentials: credentials(),
		});
		expect(run.error).toBeUndefined();
		expect(run.outputOf('Isolate').map((i) => [i.hostname, i.state, i.requested])).toEqual([
			['BSD-WS02', 'isolated', true],
			['NWL-WS05', 'isolated', true],
		]);
		expect(run.outputOf('Verify').map((i) => i.state)).toEqual(['isolated', 'isolated']);
		const world = sandbox.world();
		const ids = ['BSD-WS02', 'NWL-WS05'].map((h) =>
			HUNTRESS_IDS.agent(world, world.devices.find((d) => d.hostname === h)!),
		);
		expect(posts().map((r) => r.path)).toEqual(
			ids.map((id) => `/huntress/v1/agents/${id}/isolation`),
		);
	});

	it('refuses an ID that is not a Huntress agent ID before any request', async () => {
		const run = await runWorkflow(workflow({ mode: 'id', value: '={{ $json.id }}' }), {
			input: [{ id: '657613730168123595x', reason: 'x' }],
			credentials: credentials(),
		});
		expect(run.error?.message).toMatch(/is not a Huntress agent ID/);
		expect(sandbox.requests.query({ vendor: 'huntress', since })).toHaveLength(0);
	});
});
