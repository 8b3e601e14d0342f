import { startSandbox, type Sandbox } from '../../sandbox';
import type { HuduSlice } from '../../sandbox/vendors/hudu/store';

import { previousMonth } from '../fixtures/period';

import { runWorkflow, type WorkflowJson } from './harness';

const REPORT = 'n8n-nodes-msp-orchestration.mspReport';

/** Patch results as the RMM node normalizes them, evidence built with the default mappings. */
function workflow(): WorkflowJson {
	return {
		name: 'Compliance report to Hudu',
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
				name: 'Build Evidence',
				type: REPORT,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'evidence', operation: 'build' },
			},
			{
				id: '3',
				name: 'Build Report',
				type: REPORT,
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'report', operation: 'build', period: 'previousMonth' },
			},
			{
				id: '4',
				name: 'Publish',
				type: REPORT,
				typeVersion: 1,
				position: [660, 0],
				parameters: { resource: 'report', operation: 'publish' },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Build Evidence', type: 'main', index: 0 }]] },
			'Build Evidence': { main: [[{ node: 'Build Report', type: 'main', index: 0 }]] },
			'Build Report': { main: [[{ node: 'Publish', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: evidence -> report -> Hudu', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	// Last month's patch cycle, as a report scheduled at the start of a month sees it.
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

	it('publishes one article and one tile per client, and a second run updates them', async () => {
		const credentials = {
			mspHuduApi: sandbox.n8nCredentials().find((c) => c.type === 'mspHuduApi')!.data as never,
		};
		const first = await runWorkflow(workflow(), { input: patches(), credentials });
		expect(first.error).toBeUndefined();
		const reports = first.outputOf('Build Report');
		expect(
			reports.map((r) => [r.client, (r.kpis as { compliancePercent: number }).compliancePercent]),
		).toEqual([
			[sandbox.world().clients[0].name, 100],
			[sandbox.world().clients[1].name, 50],
		]);
		expect(Object.keys(first.itemsOf('Build Report')[0].binary ?? {})).toEqual([
			'html',
			'markdown',
			'csv',
		]);
		// The failed install is an exception, and overdue too: its 14-day SLA ended inside the period.
		const messages = first.outputOf('Publish').map((p) => (p.tile as { message: string }).message);
		expect(messages[0]).toBe(`100% compliant (${label})`);
		expect(messages[1]).toBe(`50% compliant (${label}) · 2 exceptions`);

		const second = await runWorkflow(workflow(), { input: patches(), credentials });
		expect(second.outputOf('Publish').map((p) => (p.article as { action: string }).action)).toEqual(
			['updated', 'updated'],
		);
		const hudu = sandbox.world().vendors.hudu as HuduSlice;
		for (const client of sandbox.world().clients.slice(0, 2)) {
			expect(
				hudu.articles.filter(
					(a) =>
						a.company_id === client.ids.huduCompanyId && a.name.startsWith('Compliance report'),
				),
			).toHaveLength(1);
			expect(
				hudu.magicDash.filter(
					(m) => m.company_id === client.ids.huduCompanyId && m.title === 'Patch compliance',
				),
			).toHaveLength(1);
		}
	});
});
