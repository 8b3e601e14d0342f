import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { componentUid } from '../../sandbox/vendors/datto-rmm/mappers';
import { slice } from '../../sandbox/vendors/datto-rmm/slice';

import { runWorkflow, type WorkflowJson } from './harness';

const RMM = 'n8n-nodes-msp-orchestration.mspRmm';

/** Device by hostname -> run a Datto RMM component as a quick job and wait for its stdout. */
function workflow(componentUid: string): WorkflowJson {
	const rmm = (id: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id,
		name,
		type: RMM,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { provider: 'dattoRmm', ...parameters },
	});
	return {
		name: 'Run a component on two devices',
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
			rmm('3', 'Run', 440, {
				resource: 'script',
				operation: 'run',
				device: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				script: { __rl: true, mode: 'id', value: componentUid },
				parameters: 'Drive=C',
				waitForCompletion: true,
				options: { pollInterval: 1, waitTimeout: 60 },
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Device', type: 'main', index: 0 }]] },
			Device: { main: [[{ node: 'Run', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: run a script with MSP RMM (dattoRmm)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
	});
	afterAll(async () => sandbox.stop());

	it('starts one quick job per device and returns each run’s status and stdout', async () => {
		const credentials = {
			mspDattoRmmApi: {
				...sandbox.n8nCredentials().find((c) => c.type === 'mspDattoRmmApi')!.data,
			} as ICredentialDataDecryptedObject,
		};
		const script = sandbox.world().scripts.find((s) => s.name === 'Check Disk Space')!;
		const run = await runWorkflow(workflow(componentUid(script)), {
			credentials,
			input: [{ hostname: 'BSD-WS01' }, { hostname: 'NWL-WS03' }],
		});
		expect(run.error).toBeUndefined();
		const jobs = slice(sandbox.world()).jobs;
		expect(run.outputOf('Run').map((r) => [r.hostname, r.status, r.timedOut, r.id])).toEqual([
			['BSD-WS01', 'succeeded', false, jobs[0].uid],
			['NWL-WS03', 'succeeded', false, jobs[1].uid],
		]);
		expect(String(run.outputOf('Run')[0].output)).toContain('BSD-WS01');
		expect(jobs.map((j) => j.variables)).toEqual([
			[{ name: 'Drive', value: 'C' }],
			[{ name: 'Drive', value: 'C' }],
		]);
		expect(run.itemsOf('Run').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	}, 60_000);
});
