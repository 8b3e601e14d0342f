import type { Sandbox } from '../../sandbox';
import { HUNTRESS_IDS } from '../../sandbox/vendors/huntress';
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
import { rateLimitFloorMs, requestFloor } from '../lib/floors';
import { runChild } from '../lib/spawn';
import type { Row, Scenario, ScenarioContext } from '../lib/types';

const AGENTS = 100;
/** The estate: 20 organizations of 100 agents, as s2 and s4 use. */
const SCALE = { clients: 20, devicesPerClient: 100, threats: 0 };
/** Huntress's published limit, which the sandbox enforces under the throttled profile: 60 requests a minute per key, sliding. */
const LIMIT = { limit: 60, windowMs: 60_000 };
/** `limit` of every Huntress list is 1 to 500. */
const LIST_PAGE = 500;
const TITLE = `10. Huntress isolation of ${AGENTS} agents under 60 requests a minute`;

const AGENT_READ = /^GET \/huntress\/v1\/agents\/\d+$/;
const AGENT_LIST = /^GET \/huntress\/v1\/agents$/;
const ISOLATE = /^POST \/huntress\/v1\/agents\/\d+\/isolation$/;
const ORGANIZATIONS = /^GET \/huntress\/v1\/organizations$/;

/** 100 workstations (servers and domain controllers are refused unless overridden). */
function targets(sandbox: Sandbox): string[] {
	const world = sandbox.world();
	return world.devices
		.filter((d) => d.type === 'workstation')
		.slice(0, AGENTS)
		.map((d) => String(HUNTRESS_IDS.agent(world, d)));
}

function isolatedCount(sandbox: Sandbox, ids: string[]): number {
	const world = sandbox.world();
	const wanted = new Set(ids);
	return world.devices.filter(
		(d) =>
			wanted.has(String(HUNTRESS_IDS.agent(world, d))) &&
			(d.containment === 'isolated' || d.containment === 'pendingIsolation'),
	).length;
}

function outcomes(sandbox: Sandbox) {
	const entries = sandbox.requests.query({ vendor: 'huntress' });
	const answered = entries.filter((e) => e.status !== 429);
	const count = (pattern: RegExp) =>
		answered.filter((e) => pattern.test(`${e.method} ${e.path}`)).length;
	const reads = count(AGENT_READ);
	const lists = count(AGENT_LIST);
	const isolations = count(ISOLATE);
	const organizations = count(ORGANIZATIONS);
	// The most requests that reached Huntress in any 60 s span, 429s included (the vendor counts arrivals).
	const times = entries.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
	let busiest = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= LIMIT.windowMs) j++;
		busiest = Math.max(busiest, i - j + 1);
	}
	return {
		reads,
		lists,
		isolations,
		organizations,
		other: answered.length - reads - lists - isolations - organizations,
		throttled: entries.length - answered.length,
		total: entries.length,
		busiest,
	};
}

export const huntressIsolateScenario: Scenario = {
	id: 's10',
	title: TITLE,
	async run(ctx: ScenarioContext): Promise<Row[]> {
		// Huntress's real window (throttle window scale 1), as s4 runs Defender: the provider paces itself
		// at the published 60 a minute in its own process, which a scaled sandbox window cannot change.
		const sandbox = await sandboxFor({
			latencyMs: ctx.latencyMs,
			scale: SCALE,
			faults: { profile: 'throttled', vendors: ['huntress'], throttleWindowScale: 1 },
		});
		try {
			const ids = targets(sandbox);
			if (ids.length < AGENTS)
				throw new Error(`the sandbox estate has ${ids.length} workstations, fewer than ${AGENTS}`);
			const estate = sandbox.world().devices.length;
			ctx.log(
				`Huntress: isolate ${AGENTS} agents under 60 requests a minute (about three minutes at the real window)`,
			);
			sandbox.requests.clear();
			const ours = await runChild({
				kind: 'workflow',
				input: ids.map((agentId) => ({ agentId })),
				credentials: credentialsOf(sandbox),
				workflow: oneNodeWorkflow('Isolate (Huntress)', {
					...ourNode('mspEdr', {
						provider: 'huntress',
						resource: 'containment',
						operation: 'isolate',
						device: { __rl: true, mode: 'id', value: '={{ $json.agentId }}' },
						comment: 'Benchmark isolation',
						waitForCompletion: false,
						options: {},
					}),
					// Failed items become error items, so they are counted instead of stopping the run.
					onError: 'continueRegularOutput',
				}),
			});
			const req = requestsTo(sandbox, 'huntress', ctx.latencyMs);
			const o = outcomes(sandbox);
			const isolated = isolatedCount(sandbox, ids);
			const failed = ours.ok ? (ours.errorItems.Step ?? 0) : null;
			const items = ours.ok ? (ours.items.Step ?? 0) : 0;
			const oursOk = ours.ok && items === AGENTS && failed === 0 && isolated === AGENTS;

			// Bounds. Writes only: one isolation request per agent (Huntress has no batch isolation).
			// Reads + writes (the target's): an isolation that skips agents already isolated and refuses
			// protected hosts needs each agent's firewall_status and hostname first; the fewest reads
			// Huntress allows are agent list pages of 500 (it has no read by many ids): one page at the
			// least, and as many as the agents are spread over in the account's list.
			// The provider's own plan: the organizations list (their agents_count sizes the account), the
			// agent list pages until every agent is seen, the isolations.
			const listReads = requestFloor(AGENTS, LIST_PAGE);
			const accountPages = requestFloor(estate, LIST_PAGE);
			const floorOf = (requests: number) =>
				rateLimitFloorMs(requests, LIMIT.limit, LIMIT.windowMs, ctx.latencyMs, LIMIT.limit);
			const writesFloorMs = floorOf(AGENTS);
			const floorRequests = listReads + AGENTS;
			const floorMs = floorOf(floorRequests);
			const planRequests = o.total - o.throttled;
			const planFloorMs = floorOf(planRequests);
			const byPath = JSON.stringify(req.byPath);
			const windows = Math.ceil(planRequests / LIMIT.limit);
			return [
				row({
					scenario: TITLE,
					measure: 'failed items / 429s',
					unit: 'items',
					ours: failed,
					alternativeLabel: 'none',
					lowerBound: 0,
					lowerBoundBasis: 'no failed items',
					target: 'zero failed items',
					met: oursOk,
					note: ours.ok
						? `${isolated} of ${AGENTS} agents isolated or pending isolation; ${items} output items, ${failed} of them error items; ${o.throttled} of ${o.total} Huntress requests answered 429 (the sandbox enforces 60 a minute per key at the real window); at most ${o.busiest} requests reached Huntress in any 60 s. Peak RSS ${Math.round(ours.peakRssMb)} MB (${Math.round(ours.baselineRssMb)} MB before the run).`
						: failure('MSP EDR (Huntress)', ours),
				}),
				row({
					scenario: TITLE,
					measure: 'requests',
					unit: 'requests',
					ours: ours.ok ? o.total : null,
					alternativeLabel: 'none',
					ratio: ours.ok ? ratio(o.total, floorRequests) : null,
					ratioMeaning: 'ours / reads+writes bound',
					lowerBound: floorRequests,
					lowerBoundBasis: `reads+writes: ceil(${AGENTS} agents / ${LIST_PAGE}) = ${listReads} agent list page at the least (the whole account of ${estate.toLocaleString('en')} agents is ${accountPages}) + ${AGENTS} isolation requests (one per agent: Huntress has no batch isolation); writes only: ${AGENTS}`,
					target: 'ratio <= 1.1 (reads+writes bound)',
					met: ours.ok ? oursOk && o.total <= floorRequests * 1.1 : false,
					note: ours.ok
						? `ours: ${o.organizations} organizations list (their agents_count says the account's ${LIST_PAGE}-agent pages are fewer than the ${AGENTS} agents, so the list is read instead of each agent), ${o.lists} agent list ${o.lists === 1 ? 'page' : 'pages'} (GET /v1/agents?limit=${LIST_PAGE}, paging stops once every agent is seen), ${o.reads} agent reads by id, ${o.isolations} isolation requests (POST /v1/agents/{id}/isolation), ${o.other} other, ${o.throttled} 429s. Requests: ${byPath}`
						: '',
				}),
				row({
					scenario: TITLE,
					measure: 'wall time',
					unit: 's',
					ours: ours.ok ? seconds(ours.wallMs) : null,
					alternativeLabel: 'none',
					ratio: ours.ok ? ratio(ours.wallMs, floorMs) : null,
					ratioMeaning: 'ours / reads+writes rate-limit floor',
					lowerBound: seconds(floorMs),
					lowerBoundBasis: `reads+writes: ${floorRequests} requests (${listReads} list ${listReads === 1 ? 'page' : 'pages'} + ${AGENTS} isolations) under ${LIMIT.limit} / ${LIMIT.windowMs / 1000} s, ${ctx.latencyMs} ms each; writes only: ${AGENTS} isolations = ${seconds(writesFloorMs)} s`,
					target: '<= 1.2x the reads+writes rate-limit floor',
					met: ours.ok ? oursOk && ours.wallMs <= floorMs * 1.2 : false,
					note: ours.ok
						? `Against the floor of the provider's own ${planRequests} requests (${seconds(planFloorMs)} s, ${windows} windows of 60) ours is ${ratio(ours.wallMs, planFloorMs)}x: the pacing keeps the budget, and the time is set by how many requests it spends. ` +
							`The provider keeps Huntress's 60 a minute as a sliding window (60 back to back, then each request when the one 60 earlier is a minute old, plus a 1 s guard a window) and sends one request at a time. ` +
							`Wait for Completion was off (Huntress answers the isolation with the agent "Pending Isolation"); on, each poll round reads the open agents again the same way, up to ${accountPages} list pages a round.`
						: '',
				}),
			];
		} finally {
			await sandbox.stop();
		}
	},
};
