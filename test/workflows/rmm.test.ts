import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type WorkflowJson } from './harness';

const RMM = 'n8n-nodes-msp-orchestration.mspRmm';

const PROVIDERS = [
	{ provider: 'ninjaOne', credentialType: 'mspNinjaOneApi' },
	{ provider: 'connectWiseAutomate', credentialType: 'mspConnectWiseAutomateApi' },
];

/** Devices of one hostname pattern -> apply approved patches and wait -> read the patch status. */
function workflow(provider: string): WorkflowJson {
	const rmm = (id: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id,
		name,
		type: RMM,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { provider, ...parameters },
	});
	return {
		name: 'Patch two devices',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			rmm('2', 'Device', 220, {
				resource: 'device',
				operation: 'getByHostname',
				hostname: '={{ $json.hostname }}',
				options: {},
			}),
			rmm('3', 'Apply', 440, {
				resource: 'patch',
				operation: 'apply',
				device: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				waitForCompletion: true,
				options: { pollInterval: 1, waitTimeout: 60 },
			}),
			rmm('4', 'Status', 660, {
				resource: 'patch',
				operation: 'getStatus',
				device: { __rl: true, mode: 'id', value: '={{ $json.deviceId }}' },
				options: {},
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Device', type: 'main', index: 0 }]] },
			Device: { main: [[{ node: 'Apply', type: 'main', index: 0 }]] },
			Apply: { main: [[{ node: 'Status', type: 'main', index: 0 }]] },
		},
	};
}

describe.each(PROVIDERS)(
	'workflow: patch and verify with MSP RMM ($provider)',
	({ provider, credentialType }) => {
		let sandbox: Sandbox;
		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
		});
		afterAll(async () => sandbox.stop());

		it('installs approved patches on a healthy device and reports the failing one', async () => {
			const credentials = {
				[credentialType]: {
					...sandbox.n8nCredentials().find((c) => c.type === credentialType)!.data,
				} as ICredentialDataDecryptedObject,
			};
			const run = await runWorkflow(workflow(provider), {
				credentials,
				input: [{ hostname: 'BSD-WS01' }, { hostname: 'NWL-WS03' }],
			});
			expect(run.error).toBeUndefined();
			expect(run.outputOf('Apply').map((a) => [a.hostname, a.status, a.timedOut])).toEqual([
				['BSD-WS01', 'succeeded', false],
				['NWL-WS03', 'failed', false],
			]);
			expect(run.outputOf('Status').map((s) => [s.hostname, s.jobRunning])).toEqual([
				['BSD-WS01', false],
				['NWL-WS03', false],
			]);
			expect(run.itemsOf('Status').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		}, 60_000);
	},
);
