import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type WorkflowJson } from './harness';

const EDR = 'n8n-nodes-msp-orchestration.mspEdr';

/** Isolate hosts in SentinelOne and read the containment back through Defender: one estate, two EDRs. */
function workflow(): WorkflowJson {
	return {
		name: 'Isolate and verify',
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
					provider: 'sentinelOne',
					resource: 'containment',
					operation: 'isolate',
					device: { __rl: true, mode: 'hostname', value: '={{ $json.host }}' },
					comment: 'Ransomware response',
					waitForCompletion: true,
					options: { pollInterval: 1, waitTimeout: 20 },
				},
				credentials: {
					mspSentinelOneApi: { id: 'sandbox-sentinelone', name: 'Sandbox SentinelOne' },
				},
			},
			{
				id: '3',
				name: 'Verify in Defender',
				type: EDR,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					provider: 'microsoftDefender',
					resource: 'device',
					operation: 'getContainment',
					device: { __rl: true, mode: 'hostname', value: '={{ $json.hostname }}' },
					options: {},
				},
				credentials: {
					mspMicrosoftDefenderApi: {
						id: 'sandbox-defender',
						name: 'Sandbox Microsoft Defender for Endpoint',
					},
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Isolate', type: 'main', index: 0 }]] },
			Isolate: { main: [[{ node: 'Verify in Defender', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: isolate with SentinelOne, verify with Defender', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 60_000 } });
	});
	afterAll(async () => sandbox.stop());

	it('isolates both hosts in one request, waits, and Defender reports them isolated', async () => {
		const credentials = Object.fromEntries(
			sandbox
				.n8nCredentials()
				.filter(
					(c) => c.type.startsWith('mspSentinelOne') || c.type.startsWith('mspMicrosoftDefender'),
				)
				.map((c) => [c.type, c.data as never]),
		);
		const run = await runWorkflow(workflow(), {
			input: [{ host: 'BSD-WS02' }, { host: 'NWL-WS05' }],
			credentials,
		});
		expect(run.error).toBeUndefined();
		expect(run.outputOf('Isolate').map((i) => [i.hostname, i.state, i.requested])).toEqual([
			['BSD-WS02', 'isolated', true],
			['NWL-WS05', 'isolated', true],
		]);
		expect(run.outputOf('Verify in Defender').map((i) => i.state)).toEqual([
			'isolated',
			'isolated',
		]);
		expect(
			sandbox.requests
				.query({ vendor: 'sentinelone' })
				.filter((r) => r.path.endsWith('/agents/actions/disconnect')),
		).toHaveLength(1);
		// The token is cached on the credential: at most one fetch per item in flight when the first requests go out
		// together (Defender pacing lets 100 through back to back; n8n refreshes per request that finds no token).
		const tokens = sandbox.requests
			.query({ vendor: 'microsoft-login' })
			.filter((r) => r.status === 200).length;
		expect(tokens).toBeGreaterThanOrEqual(1);
		expect(tokens).toBeLessThanOrEqual(2);
	});
});
