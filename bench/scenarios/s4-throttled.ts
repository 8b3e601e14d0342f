import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { credentialsOf, failure, oneNodeWorkflow, ourNode, ratio, requestsTo, row, sandboxFor, seconds } from '../lib/bench';
import { rateLimitFloorMs } from '../lib/floors';
import { runChild } from '../lib/spawn';
import type { Row, Scenario, ScenarioContext } from '../lib/types';

const TITLE = '4. Throttled profile';
const DEFENDER_MACHINES = 300;
/** Machines the default run isolates: the provider paces Defender at 100 requests a minute, so all 300 take over ten minutes. */
const DEFENDER_SAMPLE = 25;
const CW_ALERTS = 1000;
/** Published limits the sandbox enforces under the throttled profile. */
const DEFENDER_LIMIT = { limit: 100, windowMs: 60_000 };
const CW_LIMIT = { limit: 1000, windowMs: 60_000 };
/** Client-side budgets of the providers (requests a minute), which space requests evenly. */
const DEFENDER_PACE = 100;
/** Items in flight by default (the shared Concurrency option). */
const DEFAULT_CONCURRENCY = 4;

/** A node that turns failed items into error items, so failures are counted instead of stopping the run. */
function continueOnFail<T extends object>(node: T): T & { onError: 'continueRegularOutput' } {
	return { ...node, onError: 'continueRegularOutput' };
}

async function defender(ctx: ScenarioContext, sandbox: Sandbox): Promise<Row[]> {
	const machines = ctx.full ? DEFENDER_MACHINES : DEFENDER_SAMPLE;
	const ids = sandbox.world().devices.filter((d) => d.type !== 'domainController').slice(0, machines).map((d) => d.ids.defenderMachineId);
	ctx.log(`Defender: isolate ${machines} machines under the throttled profile`);
	sandbox.requests.clear();
	const ours = await runChild({
		kind: 'workflow',
		input: ids.map((machineId) => ({ machineId })),
		credentials: credentialsOf(sandbox),
		workflow: oneNodeWorkflow(
			'Isolate (Defender)',
			continueOnFail(ourNode('mspEdr', { provider: 'microsoftDefender', resource: 'containment', operation: 'isolate', device: { __rl: true, mode: 'id', value: '={{ $json.machineId }}' }, comment: 'Benchmark isolation', waitForCompletion: false, options: {} })),
		),
	});
	const req = requestsTo(sandbox, 'defender', ctx.latencyMs);
	const failed = ours.errorItems.Step ?? 0;
	const isolated = sandbox.world().devices.filter((d) => ids.includes(d.ids.defenderMachineId) && d.containment !== 'released').length;
	const perMachine = req.total / machines;
	const floorMs = rateLimitFloorMs(machines, DEFENDER_LIMIT.limit, DEFENDER_LIMIT.windowMs, ctx.latencyMs, DEFENDER_LIMIT.limit);
	const rows: Row[] = [
		row({
			scenario: `${TITLE}: Defender isolation of ${machines} machines${ctx.full ? '' : ` (sample of ${DEFENDER_MACHINES})`}`,
			measure: 'failed items / requests / 429s',
			unit: 'items',
			ours: ours.ok ? failed : null,
			alternativeLabel: 'none',
			lowerBound: 0,
			lowerBoundBasis: 'no failed items',
			target: 'zero failed items',
			met: ours.ok ? failed === 0 && isolated === machines : false,
			note: ours.ok ? `${isolated} of ${machines} isolated; ${req.total} requests (${round1(perMachine)} a machine), ${req.throttled} answered 429; requests: ${JSON.stringify(req.byPath)}` : failure('MSP EDR (Defender)', ours),
		}),
		row({
			scenario: `${TITLE}: Defender isolation of ${machines} machines${ctx.full ? '' : ` (sample of ${DEFENDER_MACHINES})`}`,
			measure: 'wall time',
			unit: 's',
			ours: ours.ok ? seconds(ours.wallMs) : null,
			alternativeLabel: 'none',
			ratio: ours.ok ? ratio(ours.wallMs, floorMs) : null,
			ratioMeaning: 'ours / floor',
			lowerBound: seconds(floorMs),
			lowerBoundBasis: `${machines} isolate calls (Defender has no batch) under ${DEFENDER_LIMIT.limit} calls / ${DEFENDER_LIMIT.windowMs / 1000} s, ${ctx.latencyMs} ms each`,
			target: ctx.full ? '<= 1.2x the rate-limit floor' : 'no target (sample; the target applies to the 300-machine row)',
			met: ctx.full ? (ours.ok ? ours.wallMs <= floorMs * 1.2 : false) : null,
			note: `The provider spaces every Defender request ${60_000 / DEFENDER_PACE} ms apart (100/min, no burst) and sends ${round1(perMachine)} requests a machine (machine read, the same machine read again inside the containment read, machine actions list, isolate), one machine after another; the floor needs only the isolate calls, and the first ${DEFENDER_LIMIT.limit} of them fit in one window.`,
		}),
	];
	if (!ctx.full && ours.ok) {
		// Paced requests are evenly spaced, so the full run's time follows from the measured requests a machine.
		const projectedMs = (perMachine * DEFENDER_MACHINES - 1) * (60_000 / DEFENDER_PACE) + ctx.latencyMs;
		const fullFloorMs = rateLimitFloorMs(DEFENDER_MACHINES, DEFENDER_LIMIT.limit, DEFENDER_LIMIT.windowMs, ctx.latencyMs, DEFENDER_LIMIT.limit);
		rows.push(
			row({
				scenario: `${TITLE}: Defender isolation of ${DEFENDER_MACHINES} machines (projected)`,
				measure: 'wall time (projected)',
				unit: 's',
				ours: seconds(projectedMs),
				alternativeLabel: 'none',
				ratio: ratio(projectedMs, fullFloorMs),
				ratioMeaning: 'ours / floor',
				lowerBound: seconds(fullFloorMs),
				lowerBoundBasis: `${DEFENDER_MACHINES} isolate calls under ${DEFENDER_LIMIT.limit} / ${DEFENDER_LIMIT.windowMs / 1000} s`,
				target: '<= 1.2x the rate-limit floor',
				met: projectedMs <= fullFloorMs * 1.2,
				note: `Projected, not measured: (${round1(perMachine)} requests a machine x ${DEFENDER_MACHINES} - 1) x ${60_000 / DEFENDER_PACE} ms pacing. Measure it with \`npm run bench -- --full\` (over ten minutes).`,
			}),
		);
	}
	return rows;
}

async function connectwise(ctx: ScenarioContext, sandbox: Sandbox): Promise<Row[]> {
	const companies = sandbox.world().clients.map((c) => c.ids.connectwiseCompanyId);
	const input: IDataObject[] = Array.from({ length: CW_ALERTS }, (_, i) => ({ alertId: `bench-alert-${i + 1}`, companyId: String(companies[i % companies.length]), title: `EDR alert ${i + 1}: suspicious process` }));
	ctx.log(`ConnectWise PSA: create ${CW_ALERTS} tickets under the throttled profile`);
	sandbox.requests.clear();
	const ours = await runChild({
		kind: 'workflow',
		input,
		credentials: credentialsOf(sandbox),
		workflow: oneNodeWorkflow(
			'Ticket per alert (ConnectWise)',
			continueOnFail(ourNode('mspPsa', { provider: 'connectwise', resource: 'ticket', operation: 'create', company: { __rl: true, mode: 'id', value: '={{ $json.companyId }}' }, summary: '={{ $json.title }}', additionalFields: { externalReference: '={{ $json.alertId }}' } })),
		),
	});
	const req = requestsTo(sandbox, 'connectwise-psa', ctx.latencyMs);
	const failed = ours.errorItems.Step ?? 0;
	const created = ours.ok ? (ours.items.Step ?? 0) - failed : 0;
	const floorMs = rateLimitFloorMs(CW_ALERTS, CW_LIMIT.limit, CW_LIMIT.windowMs, ctx.latencyMs, DEFAULT_CONCURRENCY);
	return [
		row({
			scenario: `${TITLE}: ConnectWise ticket creation for ${CW_ALERTS} alerts`,
			measure: 'failed items / requests / 429s',
			unit: 'items',
			ours: ours.ok ? failed : null,
			alternativeLabel: 'none',
			lowerBound: 0,
			lowerBoundBasis: 'no failed items',
			target: 'zero failed items',
			met: ours.ok ? failed === 0 && created === CW_ALERTS : false,
			note: ours.ok ? `${created} tickets created; ${req.total} requests, ${req.throttled} answered 429; requests: ${JSON.stringify(req.byPath)}` : failure('MSP PSA (ConnectWise)', ours),
		}),
		row({
			scenario: `${TITLE}: ConnectWise ticket creation for ${CW_ALERTS} alerts`,
			measure: 'wall time',
			unit: 's',
			ours: ours.ok ? seconds(ours.wallMs) : null,
			alternativeLabel: 'none',
			ratio: ours.ok ? ratio(ours.wallMs, floorMs) : null,
			ratioMeaning: 'ours / floor',
			lowerBound: seconds(floorMs),
			lowerBoundBasis: `${CW_ALERTS} create calls under ${CW_LIMIT.limit} / ${CW_LIMIT.windowMs / 1000} s at the default concurrency ${DEFAULT_CONCURRENCY}, ${ctx.latencyMs} ms each`,
			target: '<= 1.2x the rate-limit floor',
			met: ours.ok ? ours.wallMs <= floorMs * 1.2 : false,
			note:
				`1,000 calls fit inside one ConnectWise window, so the vendor limit sets no wait and the floor is latency at concurrency ${DEFAULT_CONCURRENCY}. ` +
				'The provider paces ConnectWise at 900 requests a minute spaced evenly (no burst), which puts 1,000 calls at about 67 s whatever the window allows. ' +
				`Sandbox processing beyond latency: ${seconds(req.sandboxMs)} s in all.`,
		}),
	];
}

function round1(value: number): number {
	return Math.round(value * 10) / 10;
}

export const throttledScenario: Scenario = {
	id: 's4',
	title: TITLE,
	async run(ctx) {
		// Real windows (scale 1): the providers pace at the vendors' published budgets, which a scaled
		// sandbox window cannot change; scaling would shrink the floor and not our time.
		const sandbox = await sandboxFor({ latencyMs: ctx.latencyMs, scale: { clients: 20, devicesPerClient: 100, threats: 300 }, faults: { profile: 'throttled', vendors: ['defender', 'connectwise-psa'], throttleWindowScale: 1 } });
		try {
			return [...(await defender(ctx, sandbox)), ...(await connectwise(ctx, sandbox))];
		} finally {
			await sandbox.stop();
		}
	},
};
