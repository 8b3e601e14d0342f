import type { Sandbox } from '../../sandbox';
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
import { builtInsMissing } from '../lib/builtin';
import { requestFloor } from '../lib/floors';
import { runChild } from '../lib/spawn';
import type { ChildResult, Row, Scenario, ScenarioContext } from '../lib/types';

const ENDPOINTS = 500;
/** Agent ids per disconnect call the SentinelOne provider sends (S1_CONTAINMENT_BATCH). */
const BATCH = 100;
/** Agent ids per `GET /agents?ids=` read (S1_READ_BATCH): the agent record carries hostname and networkStatus. */
const READ_BATCH = 100;
const READS = 'GET /sentinelone/web/api/v2.1/agents';
const DISCONNECTS = 'POST /sentinelone/web/api/v2.1/agents/actions/disconnect';
const TITLE = `2. Isolate ${ENDPOINTS} endpoints on SentinelOne`;

/** 500 workstations (the node refuses servers and domain controllers unless overridden; a builder's HTTP call would not). */
function targets(sandbox: Sandbox): string[] {
	return sandbox
		.world()
		.devices.filter((d) => d.type === 'workstation')
		.slice(0, ENDPOINTS)
		.map((d) => d.ids.sentinelOneAgentId);
}

function isolatedCount(sandbox: Sandbox, ids: string[]): number {
	const wanted = new Set(ids);
	return sandbox
		.world()
		.devices.filter(
			(d) =>
				wanted.has(d.ids.sentinelOneAgentId) &&
				(d.containment === 'isolated' || d.containment === 'pendingIsolation'),
		).length;
}

/** The HTTP Request node as a builder wires it: one POST per item, header credential with the API token. */
function httpRequestWorkflow(consoleUrl: string) {
	return oneNodeWorkflow('Isolate per item (HTTP Request)', {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${consoleUrl}/web/api/v2.1/agents/actions/disconnect`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ filter: { ids: [$json.agentId] } }) }}',
			options: {},
		},
		// The HTTP Request node names its credential through genericAuthType, not in its description.
		credentials: { httpHeaderAuth: { id: 'bench-header-auth', name: 'SentinelOne API token' } },
	});
}

export const isolateScenario: Scenario = {
	id: 's2',
	title: TITLE,
	async run(ctx: ScenarioContext): Promise<Row[]> {
		const sandbox = await sandboxFor({
			latencyMs: ctx.latencyMs,
			scale: { clients: 20, devicesPerClient: 100, threats: 300 },
		});
		try {
			const ids = targets(sandbox);
			const input = ids.map((agentId) => ({ agentId }));
			const s1 = sandbox.vendorCredentials().find((v) => v.id === 'sentinelone')!.credentials;

			const runOurs = async () =>
				await runChild({
					kind: 'workflow',
					input,
					credentials: credentialsOf(sandbox),
					workflow: oneNodeWorkflow(
						'Isolate (MSP EDR)',
						ourNode('mspEdr', {
							provider: 'sentinelOne',
							resource: 'containment',
							operation: 'isolate',
							device: { __rl: true, mode: 'id', value: '={{ $json.agentId }}' },
							comment: 'Benchmark isolation',
							waitForCompletion: false,
							options: {},
						}),
					),
				});
			ctx.log('SentinelOne: this package (batch containment)');
			sandbox.requests.clear();
			const ours = await runOurs();
			const oursReq = requestsTo(sandbox, 'sentinelone', ctx.latencyMs);
			const oursIsolated = isolatedCount(sandbox, ids);

			// The same isolation under SentinelOne's published limit (throttled profile, real window).
			ctx.log('SentinelOne: this package under the throttled profile');
			sandbox.reset();
			sandbox.setFaults({ profile: 'throttled', vendors: ['sentinelone'], throttleWindowScale: 1 });
			const oursThrottled = await runOurs();
			const oursThrottledReq = requestsTo(sandbox, 'sentinelone', ctx.latencyMs);
			const oursThrottledNote = oursThrottled.ok
				? ` Under SentinelOne's rate limit (throttled profile, real window) ours sent ${oursThrottledReq.total} requests, ${oursThrottledReq.throttled} answered 429, and isolated ${isolatedCount(sandbox, ids)} of ${ENDPOINTS}.`
				: ` Under SentinelOne's rate limit ours ${failure('failed', oursThrottled)}.`;
			sandbox.setFaults({ profile: 'none', vendors: [] });

			const missing = builtInsMissing();
			let alt: ChildResult | undefined;
			let altReq: ReturnType<typeof requestsTo> | undefined;
			let altIsolated = 0;
			let throttledNote = '';
			if (!missing) {
				const runAlt = async () =>
					await runChild({
						kind: 'workflow',
						input,
						builtIns: ['httpRequest'],
						credentials: {
							httpHeaderAuth: { name: 'Authorization', value: `ApiToken ${s1.apiToken}` },
						},
						workflow: httpRequestWorkflow(s1.consoleUrl),
					});
				ctx.log('SentinelOne: n8n HTTP Request node, one call per item');
				sandbox.reset();
				alt = await runAlt();
				altReq = requestsTo(sandbox, 'sentinelone', ctx.latencyMs);
				altIsolated = isolatedCount(sandbox, ids);

				// The same wiring against SentinelOne's published limit: the HTTP Request node fires every item at once.
				ctx.log('SentinelOne: HTTP Request node under the throttled profile');
				sandbox.reset();
				sandbox.setFaults({
					profile: 'throttled',
					vendors: ['sentinelone'],
					throttleWindowScale: 1,
				});
				const throttled = await runAlt();
				const throttledReq = requestsTo(sandbox, 'sentinelone', ctx.latencyMs);
				sandbox.setFaults({ profile: 'none', vendors: [] });
				throttledNote = ` Under SentinelOne's rate limit (throttled profile, real window) the same HTTP Request wiring got ${throttledReq.throttled} of ${throttledReq.total} calls refused with 429 and the run ${throttled.ok ? 'still succeeded' : 'failed'}${throttled.ok ? '' : ` (${failure('HTTP Request', throttled).slice(0, 120)})`}; isolated ${isolatedCount(sandbox, ids)} of ${ENDPOINTS}.`;
			}

			// Two bounds. Writes only: the disconnect calls. Reads + writes: an idempotent isolation that also
			// refuses protected hosts must first read every agent (hostname and networkStatus come in the same
			// record, 100 ids a read), then disconnect the ones not yet isolated. The target is judged on the
			// second, the fewest requests that do what the node promises.
			const writesFloor = requestFloor(ENDPOINTS, BATCH);
			const floor = requestFloor(ENDPOINTS, READ_BATCH) + writesFloor;
			const altNote =
				missing ??
				(alt && !alt.ok
					? failure('HTTP Request node', alt)
					: `HTTP Request isolated ${altIsolated} of ${ENDPOINTS} in ${altReq?.total} calls, all items in flight at once (its default: no batching), reading nothing first: it re-sends to agents already isolated and has no never-isolate list.`);
			const oursNote = ours.ok
				? `ours isolated ${oursIsolated} of ${ENDPOINTS} with ${oursReq.byPath[READS] ?? 0} batched reads (GET /agents?ids=<100 ids>: hostname for the never-isolate check and networkStatus to skip agents already isolated) and ${oursReq.byPath[DISCONNECTS] ?? 0} disconnect calls of ${BATCH} ids; requests: ${JSON.stringify(oursReq.byPath)}`
				: failure('MSP EDR (SentinelOne)', ours);
			const speedup = ours.ok && alt?.ok ? ratio(alt.wallMs, ours.wallMs) : null;
			return [
				row({
					scenario: TITLE,
					measure: 'requests',
					unit: 'requests',
					ours: ours.ok ? oursReq.total : null,
					alternative: alt?.ok ? (altReq?.total ?? null) : null,
					alternativeLabel: 'n8n HTTP Request node, one call per item',
					ratio: ours.ok ? ratio(oursReq.total, floor) : null,
					ratioMeaning: 'ours / reads+writes bound',
					lowerBound: floor,
					lowerBoundBasis: `reads+writes: ceil(${ENDPOINTS} / ${READ_BATCH}) agent reads + ceil(${ENDPOINTS} / ${BATCH}) disconnect calls; writes only: ${writesFloor} disconnect calls`,
					target: 'ratio <= 1.1 (reads+writes bound)',
					met: ours.ok && oursIsolated === ENDPOINTS ? oursReq.total <= floor * 1.1 : false,
					note:
						`${oursNote}. Judged on the reads+writes bound: isolation is idempotent (agents already isolated or pending are not sent again) and refuses never-isolate hosts, which needs the agents' state before the disconnect; ` +
						`against the writes-only bound (${writesFloor}) ours is ${ours.ok ? ratio(oursReq.total, writesFloor) : '-'}x. ${altNote}`,
				}),
				row({
					scenario: TITLE,
					measure: 'wall time',
					unit: 's',
					ours: ours.ok ? seconds(ours.wallMs) : null,
					alternative: alt?.ok ? seconds(alt.wallMs) : null,
					alternativeLabel: 'n8n HTTP Request node, one call per item',
					ratio: speedup,
					ratioMeaning: 'alternative / ours',
					lowerBound: seconds(floor * ctx.latencyMs),
					lowerBoundBasis: `reads+writes: ${floor} calls x ${ctx.latencyMs} ms, one after another (writes only: ${writesFloor} x ${ctx.latencyMs} ms = ${seconds(writesFloor * ctx.latencyMs)} s)`,
					target: '>= 3x faster than the alternative',
					met: speedup === null ? (ours.ok ? null : false) : speedup >= 3,
					note:
						`The ${floor} calls fit in SentinelOne's budget of 10 a second, which the provider spends as a burst, so nothing waits for pacing; the rest of ours is n8n and the node handling ${ENDPOINTS} items.` +
						oursThrottledNote +
						throttledNote,
				}),
			];
		} finally {
			await sandbox.stop();
		}
	},
};
