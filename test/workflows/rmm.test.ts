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

/** EDR-style items (hostname + the client the EDR puts it in) -> the RMM device of that client. */
function joinWorkflow(provider: string): WorkflowJson {
	return {
		name: 'Join EDR device to RMM device',
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
				name: 'RMM Device',
				type: RMM,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					provider,
					resource: 'device',
					operation: 'getByHostname',
					hostname: '={{ $json.hostname }}',
					options: { client: '={{ $json.client }}' },
				},
				continueOnFail: true,
			},
		],
		connections: { Start: { main: [[{ node: 'RMM Device', type: 'main', index: 0 }]] } },
	};
}

describe.each(PROVIDERS)(
	'workflow: join a device by hostname within its client ($provider)',
	({ provider, credentialType }) => {
		let sandbox: Sandbox;
		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0 });
		});
		afterAll(async () => sandbox.stop());

		it('reads Client per item: the right device for each client, not found where it is not', async () => {
			const credentials = {
				[credentialType]: {
					...sandbox.n8nCredentials().find((c) => c.type === credentialType)!.data,
				} as ICredentialDataDecryptedObject,
			};
			// The same PC name at two clients, one of them a domain controller at the second.
			const twin = sandbox.addDevice({
				hostname: 'NWL-WS03',
				client: 'HLL',
				type: 'domainController',
			});
			const ids = (answer: typeof twin) =>
				String(
					provider === 'ninjaOne' ? answer.ids.ninjaOne.deviceId : answer.ids.automate.computerId,
				);
			const run = await runWorkflow(joinWorkflow(provider), {
				credentials,
				input: [
					{ hostname: 'NWL-WS03', client: 'Harper & Lowe LLP' },
					{ hostname: 'nwl-ws03', client: 'Northwind Logistics' },
					{ hostname: 'NWL-WS03', client: 'Bright Smile Dental' },
					{ hostname: 'NWL-WS03', client: '' },
				],
			});
			expect(run.error).toBeUndefined();
			const out = run.outputOf('RMM Device');
			expect(out[0]).toMatchObject({
				id: ids(twin),
				companyName: 'Harper & Lowe LLP',
				type: provider === 'ninjaOne' ? 'domainController' : 'server',
			});
			expect(out[1]).toMatchObject({ companyName: 'Northwind Logistics', type: 'workstation' });
			expect(out[2].error).toMatch(
				/no device with hostname "NWL-WS03" in Bright Smile Dental \(id \d+\); it exists in /,
			);
			expect(out[3].error).toMatch(/has 2 devices with hostname "NWL-WS03"/);
			expect(run.itemsOf('RMM Device').map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
				{ item: 3 },
			]);
		}, 60_000);
	},
);
