import { join } from 'path';

import type { Sandbox } from '../../sandbox';
import { startRedis } from '../../test/unit/shared/redisServer';
import { row, sandboxFor, seconds } from '../lib/bench';
import { ROOT } from '../lib/builtin';
import type { Row, Scenario, ScenarioContext } from '../lib/types';

/**
 * Two "workers" on one SentinelOne credential against the sandbox's throttled SentinelOne (its real
 * 10 requests a second): two Transport instances of the built package, each with its own budget
 * (each n8n process today, without the shared budget) and then sharing the credential's budget
 * through Redis, each with its own Redis connection as two processes would have. Counts 429s,
 * failed requests and answered requests per second against the limit, from the sandbox's log.
 */

const TITLE = '8. Shared rate limit: two workers on one SentinelOne credential';
const LIMIT_PER_SECOND = 10;
const REQUESTS_PER_WORKER = 120;
const IN_FLIGHT_PER_WORKER = 4;

type Shared = typeof import('../../nodes/shared');

function loadDist(): Shared {
	return require(join(ROOT, 'dist', 'nodes', 'shared')) as Shared;
}

/** The part of n8n's execution context the transport uses, sending through fetch with the credential's token. */
function workerContext(credentials: Record<string, unknown>) {
	const node = {
		id: 'bench',
		name: 'Get device',
		type: 'n8n-nodes-msp-orchestration.mspEdr',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return {
		getNode: () => node,
		getCredentials: async () => credentials,
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined },
		helpers: {
			httpRequestWithAuthentication: async (
				_type: string,
				options: { method: string; url: string; qs?: Record<string, unknown> },
			) => {
				const url = new URL(options.url);
				for (const [k, v] of Object.entries(options.qs ?? {})) url.searchParams.set(k, String(v));
				const response = await fetch(url, {
					method: options.method,
					headers: { Authorization: `ApiToken ${String(credentials.apiToken)}` },
				});
				const text = await response.text();
				return {
					statusCode: response.status,
					headers: Object.fromEntries(response.headers.entries()),
					body: text ? JSON.parse(text) : undefined,
				};
			},
		},
	};
}

async function drive(
	shared: Shared,
	ctx: ReturnType<typeof workerContext>,
	pacer: unknown,
	agents: string[],
): Promise<number> {
	const profile = {
		vendor: 'SentinelOne',
		credentialType: 'mspSentinelOneApi',
		baseUrl: (c: Record<string, unknown>) => `${String(c.consoleUrl)}/web/api/v2.1`,
		rateLimits: [{ requestsPerWindow: LIMIT_PER_SECOND, windowMs: 1000 }],
	};
	const transport = new shared.Transport(ctx as never, profile as never, {
		pacer: pacer as never,
	});
	let next = 0;
	let failed = 0;
	await Promise.all(
		Array.from({ length: IN_FLIGHT_PER_WORKER }, async () => {
			while (next < agents.length) {
				const id = agents[next++];
				await transport
					.request({ method: 'GET', path: '/agents', qs: { ids: id }, operation: 'get device' })
					.catch(() => failed++);
			}
		}),
	);
	return failed;
}

interface Measured {
	failed: number;
	requests: number;
	throttled: number;
	perSecond: number;
	wallMs: number;
}

async function measure(
	sandbox: Sandbox,
	label: string,
	pacers: unknown[],
	shared: Shared,
	ctx: ScenarioContext,
): Promise<Measured> {
	ctx.log(`${label}: ${pacers.length} workers x ${REQUESTS_PER_WORKER} device reads`);
	const s1 = sandbox.n8nCredentials().find((c) => c.type === 'mspSentinelOneApi');
	if (!s1) throw new Error('the sandbox has no SentinelOne credential');
	const agents = sandbox.world().devices.map((d) => d.ids.sentinelOneAgentId);
	sandbox.requests.clear();
	const started = Date.now();
	const failed = await Promise.all(
		pacers.map(
			async (pacer, w) =>
				await drive(
					shared,
					workerContext(s1.data),
					pacer,
					agents.slice(w * REQUESTS_PER_WORKER, (w + 1) * REQUESTS_PER_WORKER),
				),
		),
	);
	const wallMs = Date.now() - started;
	const log = sandbox.requests.query({ vendor: 'sentinelone' });
	const answered = log.filter((e) => e.status !== 429);
	const times = answered.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
	const spanS = Math.max(0.001, (times[times.length - 1] - times[0]) / 1000);
	return {
		failed: failed.reduce((a, b) => a + b, 0),
		requests: log.length,
		throttled: log.length - answered.length,
		perSecond: (answered.length - 1) / spanS,
		wallMs,
	};
}

export const sharedBudgetScenario: Scenario = {
	id: 's8',
	title: TITLE,
	async run(ctx) {
		const shared = loadDist();
		const sandbox = await sandboxFor({
			latencyMs: ctx.latencyMs,
			scale: { clients: 4, devicesPerClient: 60 },
			faults: { profile: 'throttled', vendors: ['sentinelone'], throttleWindowScale: 1 },
		});
		const redis = await startRedis();
		const stores: Array<{ close(): Promise<void> }> = [];
		try {
			const windows = [{ requestsPerWindow: LIMIT_PER_SECOND, windowMs: 1000 }];
			const alone = await measure(
				sandbox,
				'Each worker its own budget (no shared budget)',
				[new shared.Pacer(windows), new shared.Pacer(windows)],
				shared,
				ctx,
			);
			// Let the vendor's window of the first run pass, so that the second starts on an empty budget.
			await new Promise((r) => setTimeout(r, 2000));
			const config = {
				host: redis.host,
				port: redis.port,
				database: 0,
				tls: false,
				keyPrefix: 'bench:',
			};
			const pacers = [0, 1].map(() => {
				const store = new shared.RedisBudgetStore(config);
				stores.push(store);
				return new shared.SharedPacer(store, 'bench:{s1}', windows, { vendor: 'SentinelOne' });
			});
			const together = await measure(sandbox, 'Shared budget through Redis', pacers, shared, ctx);
			const total = 2 * REQUESTS_PER_WORKER;
			const describe = (m: Measured) =>
				`${m.requests} requests for ${total} reads, ${m.throttled} answered 429 (${((100 * m.throttled) / m.requests).toFixed(1)}%), ` +
				`${m.failed} failed after the transport's retries; ${m.perSecond.toFixed(2)} answered/s = ${Math.round((100 * m.perSecond) / LIMIT_PER_SECOND)}% of ${LIMIT_PER_SECOND}/s, ${seconds(m.wallMs)} s`;
			return [
				row({
					scenario: TITLE,
					measure: 'requests answered 429 (failed requests in the note)',
					unit: 'requests',
					ours: together.throttled,
					alternative: alone.throttled,
					alternativeLabel: 'each worker its own budget',
					lowerBound: 0,
					lowerBoundBasis: 'no failed request, at most 1% answered 429',
					target: 'zero failed, <= 1% 429s',
					met: together.failed === 0 && together.throttled <= together.requests / 100,
					note: `Shared: ${describe(together)}. Each its own: ${describe(alone)}.`,
				}),
				row({
					scenario: TITLE,
					measure: 'answered requests per second',
					unit: 'req/s',
					ours: Math.round(together.perSecond * 100) / 100,
					alternative: Math.round(alone.perSecond * 100) / 100,
					alternativeLabel: 'each worker its own budget',
					ratio: Math.round((together.perSecond / LIMIT_PER_SECOND) * 100) / 100,
					ratioMeaning: 'ours / vendor limit',
					lowerBound: null,
					lowerBoundBasis: `SentinelOne's ${LIMIT_PER_SECOND} requests a second (sandbox throttled profile, real window)`,
					target: '>= 80% of the vendor limit',
					met: together.perSecond >= 0.8 * LIMIT_PER_SECOND,
					note:
						'A request counts from its grant until a window (plus a 50 ms guard) after its answer came back, ' +
						`so each budget of ${LIMIT_PER_SECOND} costs one round trip (${ctx.latencyMs} ms of injected latency) on top of the window.`,
				}),
			];
		} finally {
			await Promise.all(stores.map(async (s) => await s.close()));
			await redis.stop();
			await sandbox.stop();
		}
	},
};
