import { randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { startSandbox, type Sandbox } from '../../sandbox';
import { N8nInstance, PACKAGE_NAME, n8nWithPackage, type StartedN8n } from './helpers/n8n';
import {
	startPostgres,
	startRedis,
	startWorker,
	type PostgresServer,
	type RedisServer,
	type StartedWorker,
} from './helpers/queue';

/**
 * Queue mode in a real n8n 2.41: PostgreSQL, Redis, `n8n start` (main) and two `n8n worker`
 * processes, this package installed from `npm pack` in their shared user folder. A webhook starts
 * executions that read SentinelOne devices, one request per item, through one credential whose
 * rate limit is shared through queue mode's Redis. The sandbox enforces SentinelOne's 10 requests a
 * second (the throttled profile, real window) and logs every request: the two workers together
 * must stay within it (at most 1% answered 429), use it (at least 80% of it) and fail no item.
 */

const LIMIT_PER_SECOND = 10;
const EXECUTIONS = 8;
const ITEMS_PER_EXECUTION = 30;
const WEBHOOK_PATH = 'msp-queue-budget';

describe('queue mode: one SentinelOne budget for the main instance and two workers', () => {
	let sandbox: Sandbox;
	let redis: RedisServer;
	let postgres: PostgresServer;
	let n8n: N8nInstance;
	let main: StartedN8n;
	const workers: StartedWorker[] = [];
	let env: Record<string, string>;

	beforeAll(async () => {
		const began = Date.now();
		[sandbox, redis, postgres, n8n] = await Promise.all([
			startSandbox({
				port: 0,
				scale: { clients: 4, devicesPerClient: 60 },
				faults: { profile: 'throttled', vendors: ['sentinelone'], throttleWindowScale: 1 },
			}),
			startRedis(),
			startPostgres(),
			n8nWithPackage(),
		]);
		env = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_DATABASE: postgres.database,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		};
		const s1 = sandbox.n8nCredentials().find((c) => c.type === 'mspSentinelOneApi');
		if (!s1) throw new Error('the sandbox has no SentinelOne credential');
		// The same Redis that queue mode uses, given on the credential (never read from the environment).
		await importWith(n8n, env, 'credentials', [
			{
				...s1,
				id: 'queueS1',
				name: 'Queue SentinelOne',
				data: {
					...s1.data,
					sharedRateLimit: true,
					sharedRateLimitHost: redis.host,
					sharedRateLimitPort: redis.port,
					sharedRateLimitDatabase: 0,
					sharedRateLimitKeyPrefix: 'n8n-msp:budget:',
				},
			},
		]);
		const workflowId = 'queueBudget01';
		await importWith(n8n, env, 'workflow', workflow(workflowId));
		await n8n.runOrThrow(['publish:workflow', `--id=${workflowId}`], { env });
		const started = await Promise.all([
			n8n.start({ env }),
			startWorker(n8n, env, { concurrency: EXECUTIONS / 2 }),
			startWorker(n8n, env, { concurrency: EXECUTIONS / 2 }),
		]);
		main = started[0];
		workers.push(started[1], started[2]);
		console.log(`[queue-mode] stack up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		await Promise.all(workers.map(async (w) => await w.stop()));
		await n8n?.dispose();
		await Promise.all([sandbox?.stop(), redis?.stop(), postgres?.stop()]);
	});

	it('keeps the vendor budget across both workers, uses it, and fails no item', async () => {
		const agents = sandbox
			.world()
			.devices.map((d) => d.ids.sentinelOneAgentId)
			.slice(0, EXECUTIONS * ITEMS_PER_EXECUTION);
		expect(agents).toHaveLength(EXECUTIONS * ITEMS_PER_EXECUTION);
		sandbox.requests.clear();
		const began = Date.now();
		const answers = await Promise.all(
			Array.from({ length: EXECUTIONS }, async (_, e) => {
				const ids = agents.slice(e * ITEMS_PER_EXECUTION, (e + 1) * ITEMS_PER_EXECUTION);
				const text = await callWebhook(main.baseUrl, { ids });
				return JSON.parse(text) as Array<Record<string, unknown>>;
			}),
		);
		const wallMs = Date.now() - began;

		const items = answers.flat();
		const failed = items.filter((item) => item.error !== undefined);
		expect(failed).toEqual([]);
		expect(items).toHaveLength(EXECUTIONS * ITEMS_PER_EXECUTION);
		expect(new Set(items.map((item) => item.id))).toEqual(new Set(agents));

		// Both workers ran executions of the workflow.
		const ran = workers.map((w) => (w.logs().match(/Worker started execution/g) ?? []).length);
		expect(ran.every((count) => count > 0)).toBe(true);
		expect(ran.reduce((a, b) => a + b, 0)).toBe(EXECUTIONS);

		const log = sandbox.requests.query({ vendor: 'sentinelone' });
		const throttled = log.filter((e) => e.status === 429);
		const answered = log.filter((e) => e.status !== 429);
		const times = answered.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
		const spanMs = Math.max(1, times[times.length - 1] - times[0]);
		// n answered requests at the limit need (n - 1) / limit seconds from the first to the last.
		const share = (answered.length - 1) / (spanMs / 1000) / LIMIT_PER_SECOND;
		console.log(
			`[queue-mode] ${items.length} items on ${ran.join(' + ')} executions per worker; ` +
				`${log.length} SentinelOne requests, ${throttled.length} answered 429 ` +
				`(${((100 * throttled.length) / log.length).toFixed(2)}%); ` +
				`${answered.length} answered in ${(spanMs / 1000).toFixed(1)} s = ` +
				`${((answered.length - 1) / (spanMs / 1000)).toFixed(2)}/s (${Math.round(100 * share)}% of ${LIMIT_PER_SECOND}/s); ` +
				`webhook calls ${(wallMs / 1000).toFixed(1)} s`,
		);
		expect(answered).toHaveLength(EXECUTIONS * ITEMS_PER_EXECUTION);
		expect(throttled.length).toBeLessThanOrEqual(Math.floor(log.length / 100));
		expect(share).toBeGreaterThanOrEqual(0.8);
		// No worker fell back to pacing on its own.
		for (const w of workers) expect(w.logs()).not.toContain('The shared rate limit in');
	});
});

/**
 * POSTs to the production webhook. n8n answers 404 (and starts nothing) while it is still
 * registering the workflow's webhooks after start: that answer is tried again for up to 30 s.
 */
async function callWebhook(baseUrl: string, body: unknown): Promise<string> {
	const deadline = Date.now() + 30000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		if (response.status === 200) return text;
		if (response.status !== 404 || Date.now() > deadline) {
			throw new Error(`webhook ${response.status}: ${text}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
}

async function importWith(
	n8n: N8nInstance,
	env: Record<string, string>,
	kind: 'credentials' | 'workflow',
	data: unknown,
): Promise<void> {
	const file = join(n8n.userFolder, `queue-${kind}-${randomUUID()}.json`);
	writeFileSync(file, JSON.stringify(data), 'utf8');
	await n8n.runOrThrow([`import:${kind}`, `--input=${file}`], { env });
}

/** Webhook → Split Out (one item per agent id) → MSP EDR device get, errors kept as items. */
function workflow(id: string) {
	return {
		id,
		name: 'Queue mode: SentinelOne budget',
		nodes: [
			{
				id: 'hook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: WEBHOOK_PATH,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: 'split',
				name: 'One item per agent',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					fieldToSplitOut: 'body.ids',
					options: { destinationFieldName: 'agentId' },
				},
			},
			{
				id: 'edr',
				name: 'Get device',
				type: `${PACKAGE_NAME}.mspEdr`,
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					provider: 'sentinelOne',
					resource: 'device',
					operation: 'get',
					device: { __rl: true, mode: 'id', value: '={{ $json.agentId }}' },
					options: {},
				},
				credentials: { mspSentinelOneApi: { id: 'queueS1', name: 'Queue SentinelOne' } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'One item per agent', type: 'main', index: 0 }]] },
			'One item per agent': { main: [[{ node: 'Get device', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
