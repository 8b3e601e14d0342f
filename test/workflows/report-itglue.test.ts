import type { INodeParameters } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { itGlueOrganizationId, type ItGlueSlice } from '../../sandbox/vendors/itglue/store';

import { readEmbeddedEvidence } from '../../nodes/MspReport/report/store';
import { previousMonth } from '../fixtures/period';

import { runWorkflow, type WorkflowJson } from './harness';

const REPORT = 'n8n-nodes-msp-orchestration.mspReport';

/** Patch results as the RMM node normalizes them, evidence built with the default mappings, published to IT Glue. */
function workflow(): WorkflowJson {
	const node = (id: string, name: string, x: number, parameters: INodeParameters) => ({
		id,
		name,
		type: REPORT,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters,
	});
	return {
		name: 'Compliance report to IT Glue',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			node('2', 'Build Evidence', 220, { resource: 'evidence', operation: 'build' }),
			node('3', 'Build Report', 440, {
				resource: 'report',
				operation: 'build',
				period: 'previousMonth',
				// The fixtures' month is UTC's; the workflow's zone would move it near midnight.
				reportOptions: { timeZone: 'UTC' },
			}),
			node('4', 'Publish', 660, { provider: 'itGlue', resource: 'report', operation: 'publish' }),
		],
		connections: {
			Start: { main: [[{ node: 'Build Evidence', type: 'main', index: 0 }]] },
			'Build Evidence': { main: [[{ node: 'Build Report', type: 'main', index: 0 }]] },
			'Build Report': { main: [[{ node: 'Publish', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: evidence -> report -> IT Glue', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	const { day, label } = previousMonth();
	const patches = () =>
		sandbox
			.world()
			.clients.slice(0, 2)
			.flatMap((client, c) => [
				{
					companyName: client.name,
					hostname: `${client.code}-WS01`,
					kb: 'KB5045935',
					severity: 'critical',
					status: 'installed',
					releasedAt: day(10, '17:00'),
					installedAt: day(12, '02:00'),
					verifiedAt: day(12, '03:00'),
				},
				{
					companyName: client.name,
					hostname: `${client.code}-WS03`,
					kb: 'KB5045935',
					severity: 'critical',
					status: c === 1 ? 'failed' : 'installed',
					releasedAt: day(10, '17:00'),
					...(c === 1 ? {} : { installedAt: day(13, '02:00'), verifiedAt: day(13, '03:00') }),
				},
			]);

	it('publishes one report asset per client, a second run updates it, and no password endpoint is called', async () => {
		const credentials = {
			mspItGlueApi: sandbox.n8nCredentials().find((c) => c.type === 'mspItGlueApi')!.data as never,
		};
		const first = await runWorkflow(workflow(), { input: patches(), credentials });
		expect(first.error).toBeUndefined();
		const published = first.outputOf('Publish');
		expect(published.map((p) => (p.article as { action: string }).action)).toEqual([
			'created',
			'created',
		]);
		expect(published.map((p) => p.tile as { action: string; message: string })).toEqual([
			expect.objectContaining({ action: 'skipped', message: `100% compliant (${label})` }),
			expect.objectContaining({
				action: 'skipped',
				message: `50% compliant (${label}) · 2 exceptions`,
			}),
		]);

		const second = await runWorkflow(workflow(), { input: patches(), credentials });
		expect(second.error).toBeUndefined();
		expect(second.outputOf('Publish').map((p) => (p.article as { action: string }).action)).toEqual(
			['updated', 'updated'],
		);
		const itGlue = sandbox.world().vendors.itglue as ItGlueSlice;
		expect(itGlue.flexibleAssetTypes.filter((t) => t.name === 'MSP Report')).toHaveLength(1);
		for (const client of sandbox.world().clients.slice(0, 2)) {
			const assets = itGlue.flexibleAssets.filter(
				(a) =>
					a['organization-id'] === itGlueOrganizationId(sandbox.world(), client) &&
					a.name.startsWith('Compliance report'),
			);
			expect(assets).toHaveLength(1);
			expect(assets[0].archived).toBe(false);
			expect(readEmbeddedEvidence(String(assets[0].traits.report)).records).toHaveLength(2);
		}
		expect(
			sandbox.requests.query({ vendor: 'itglue' }).filter((r) => /password/i.test(r.path)),
		).toEqual([]);
	});
});
