import {
	credentialsOf,
	failure,
	oneNodeWorkflow,
	ourNode,
	ratio,
	requestsTo,
	row,
	sandboxFor,
	seconds,
} from '../lib/bench';
import { requestFloor } from '../lib/floors';
import { runChild } from '../lib/spawn';
import type { Row, Scenario } from '../lib/types';

const DEVICES = 100_000;
const NINJA_PAGE = 1000;
const TITLE = `6. List ${DEVICES.toLocaleString('en')} devices with Return All (NinjaOne)`;

export const devicesMemoryScenario: Scenario = {
	id: 's6',
	title: TITLE,
	async run(ctx): Promise<Row[]> {
		ctx.log(`NinjaOne: seeding ${DEVICES} devices`);
		const sandbox = await sandboxFor({
			latencyMs: ctx.latencyMs,
			scale: { clients: 100, devicesPerClient: DEVICES / 100, threats: 0 },
		});
		try {
			ctx.log('NinjaOne: list every device in a child process');
			sandbox.requests.clear();
			const result = await runChild({
				kind: 'workflow',
				credentials: credentialsOf(sandbox),
				workflow: oneNodeWorkflow(
					'List devices',
					ourNode('mspRmm', {
						provider: 'ninjaOne',
						resource: 'device',
						operation: 'search',
						returnAll: true,
						options: {},
					}),
				),
			});
			const req = requestsTo(sandbox, 'ninjaone', ctx.latencyMs);
			const items = result.items.Step ?? 0;
			const floor = requestFloor(DEVICES, NINJA_PAGE) + 1;
			const ok = result.ok && items === DEVICES;
			return [
				row({
					scenario: TITLE,
					measure: 'peak RSS',
					unit: 'MB',
					ours: result.ok ? Math.round(result.peakRssMb) : null,
					alternativeLabel: 'none',
					target: 'no target (informational)',
					note: result.ok
						? `${result.peakSource === 'VmHWM' ? 'Kernel high-water mark (VmHWM) of the run' : 'Sampled RSS'}; the process held ${Math.round(result.baselineRssMb)} MB before the run (Node, n8n-core, the package), so the listing added ${Math.round(result.peakRssMb - result.baselineRssMb)} MB, about ${Math.round(((result.peakRssMb - result.baselineRssMb) * 1024) / Math.max(1, items))} KB a device for the vendor pages, the normalized devices and n8n's items together.`
						: failure('MSP RMM (NinjaOne)', result),
				}),
				row({
					scenario: TITLE,
					measure: 'requests',
					unit: 'requests',
					ours: result.ok ? req.total : null,
					alternativeLabel: 'none',
					ratio: result.ok ? ratio(req.total, floor) : null,
					ratioMeaning: 'ours / lower bound',
					lowerBound: floor,
					lowerBoundBasis: `ceil(${DEVICES} / ${NINJA_PAGE}) pages + 1 token`,
					target: 'ratio <= 1.1',
					met: ok ? req.total <= floor * 1.1 : false,
					note: result.ok
						? `returned ${items} devices; requests: ${JSON.stringify(req.byPath)}`
						: '',
				}),
				row({
					scenario: TITLE,
					measure: 'wall time',
					unit: 's',
					ours: result.ok ? seconds(result.wallMs) : null,
					alternativeLabel: 'none',
					ratio: result.ok ? ratio(result.wallMs, floor * ctx.latencyMs) : null,
					ratioMeaning: 'ours / lower bound',
					lowerBound: seconds(floor * ctx.latencyMs),
					lowerBoundBasis: `${floor} requests x ${ctx.latencyMs} ms, one after another`,
					target: 'no target (informational)',
					note: `Sandbox processing beyond latency: ${seconds(req.sandboxMs)} s in all.`,
				}),
			];
		} finally {
			await sandbox.stop();
		}
	},
};
