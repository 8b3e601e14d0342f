import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import type { HuduSlice } from '../../sandbox/vendors/hudu/store';

import { readEmbeddedEvidence } from '../../nodes/MspReport/report/store';
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
				parameters: {
					resource: 'report',
					operation: 'build',
					period: 'previousMonth',
					// The fixtures' month is UTC's; the workflow's zone (n8n's default: America/New_York) would move it
					// near midnight on the 1st.
					reportOptions: { timeZone: 'UTC' },
				},
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

	it('publishes the whole period: a rerun of two devices keeps all ten in the article and tile, a fix raises them', async () => {
		sandbox.reset();
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspHuduApi')!;
		const credentials = { mspHuduApi: entry.data as never };
		const client = sandbox.world().clients[2];
		const host = (n: number) => `${client.code}-WS${String(n).padStart(2, '0')}`;
		// As the RMM node normalizes a patch; `fixed` devices installed it, the rest failed (03, 04, 05 in the first run).
		const patch = (n: number, installed: boolean, installDay: number) => ({
			companyName: client.name,
			hostname: host(n),
			kb: 'KB5045935',
			severity: 'critical',
			status: installed ? 'installed' : 'failed',
			releasedAt: day(3, '17:00'),
			...(installed
				? { installedAt: day(installDay, '02:00'), verifiedAt: day(installDay, '03:00') }
				: {
						actions: [
							{ at: day(installDay, '02:00'), action: 'install patch', result: 'error 0x80070643' },
						],
					}),
		});
		const ten = Array.from({ length: 10 }, (_, i) => patch(i + 1, ![3, 4, 5].includes(i + 1), 5));
		const run = async (input: IDataObject[]) => {
			const result = await runWorkflow(workflow(), { input, credentials });
			expect(result.error).toBeUndefined();
			const [published] = result.outputOf('Publish');
			return published as {
				tile: { message: string };
				article: { id: string; title: string; action: string };
				kpis: { devicesInScope: number; compliancePercent: number };
				evidenceStore: Record<string, unknown>;
			};
		};
		// Read back through Hudu's API, as a technician's tooling would.
		const hudu = async (path: string) => {
			const response = await fetch(`${sandbox.vendorUrl('hudu')}/api/v1/${path}`, {
				headers: { 'x-api-key': String((entry.data as { apiKey: string }).apiKey) },
			});
			expect(response.status).toBe(200);
			return (await response.json()) as unknown;
		};
		const readBack = async (title: string) => {
			const { articles } = (await hudu(
				`articles?company_id=${client.ids.huduCompanyId}&name=${encodeURIComponent(title)}`,
			)) as { articles: Array<{ content: string }> };
			expect(articles).toHaveLength(1);
			const tiles = (await hudu(
				`magic_dash?company_id=${client.ids.huduCompanyId}&title=${encodeURIComponent('Patch compliance')}`,
			)) as Array<{ message: string; shade: string }>;
			expect(tiles).toHaveLength(1);
			return { content: articles[0].content, tile: tiles[0] };
		};

		const first = await run(ten);
		expect(first.kpis).toMatchObject({ devicesInScope: 10, compliancePercent: 70 });
		expect(first.article.action).toBe('created');

		// The rerun covers only the two devices still failing.
		const second = await run([patch(3, false, 12), patch(4, false, 12)]);
		expect(second.article.action).toBe('updated');
		expect(second.kpis).toMatchObject({ devicesInScope: 10, compliancePercent: 70 });
		expect(second.evidenceStore).toMatchObject({ readBack: 10, replaced: 2, stored: 10 });
		const afterRerun = await readBack(second.article.title);
		expect(afterRerun.tile.message).toMatch(new RegExp(`^70% compliant \\(${label}\\)`));
		expect(afterRerun.tile.shade).toBe('danger');
		expect(afterRerun.content).toContain('Devices patched');
		expect(
			readEmbeddedEvidence(afterRerun.content)
				.records.map((r) => r.device)
				.sort(),
		).toEqual(Array.from({ length: 10 }, (_, i) => host(i + 1)));

		// A later run installs the update on WS05.
		const third = await run([patch(5, true, 14)]);
		expect(third.kpis).toMatchObject({ devicesInScope: 10, compliancePercent: 80 });
		const afterFix = await readBack(third.article.title);
		expect(afterFix.tile.message).toMatch(new RegExp(`^80% compliant \\(${label}\\)`));
		expect(afterFix.content).toContain('Device compliance: <strong');
	});
});
