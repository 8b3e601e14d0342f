import Redis from 'ioredis';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import type { RateLimit, RequestContext, VendorProfile } from '../../../nodes/shared';
import {
	closeSharedBudgets,
	Pacer,
	RedisBudgetStore,
	SharedPacer,
	sharedBudgetConfigOf,
	Transport,
} from '../../../nodes/shared';
import { describeCredentials } from '../../../nodes/shared/transport/credentialInfo';
import { guardMs } from '../../../nodes/shared/transport/pacing';
import type { SharedBudgetConfig } from '../../../nodes/shared/transport/sharedBudget';
import { budgetKeyOf, reasonOf } from '../../../nodes/shared/transport/sharedBudget';
import { node } from './helpers';
import type { RedisServer } from './redisServer';
import { freePort, startRedis } from './redisServer';

jest.setTimeout(60000);

/** Windows scaled down so the tests take seconds: SentinelOne's 10 a second becomes 10 per 500 ms. */
const FAST: RateLimit[] = [{ requestsPerWindow: 10, windowMs: 500 }];

let redis: RedisServer;
const stores: RedisBudgetStore[] = [];
let prefixCounter = 0;

beforeAll(async () => {
	redis = await startRedis();
});

afterAll(async () => {
	await redis?.stop();
});

afterEach(async () => {
	await Promise.all(stores.splice(0).map(async (store) => await store.close()));
	await closeSharedBudgets();
});

function config(overrides: Partial<SharedBudgetConfig> = {}): SharedBudgetConfig {
	return {
		host: redis.host,
		port: redis.port,
		database: 0,
		tls: false,
		keyPrefix: `test-${process.pid}-${++prefixCounter}:`,
		...overrides,
	};
}

/** One "process": its own Redis connection and its own pacer for the credential. */
function processPacer(cfg: SharedBudgetConfig, windows: RateLimit[], pacerKey = 'mspTestApi|x') {
	const store = new RedisBudgetStore(cfg);
	stores.push(store);
	return new SharedPacer(store, budgetKeyOf(cfg.keyPrefix, pacerKey), windows, {
		vendor: 'TestVendor',
	});
}

/**
 * `count` requests per pacer, all started at once, each answered `answerMs` after its grant:
 * the grant times (Redis's clock) and when each answer came back.
 */
async function requestsThrough(pacers: SharedPacer[], count: number, answerMs = 5) {
	const grants: number[] = [];
	const shared: boolean[] = [];
	await Promise.all(
		pacers.flatMap((pacer) =>
			Array.from({ length: count }, async () => {
				const slot = await pacer.slot();
				grants.push(slot.at as number);
				shared.push(slot.shared);
				await new Promise((r) => setTimeout(r, answerMs));
				slot.done();
			}),
		),
	);
	return { grants, shared };
}

/** The largest number of slots inside any span of `windowMs` (sliding, the way vendors count). */
function busiestWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** A vendor that counts requests in a sliding window and answers 429 beyond its limit. */
function fakeVendor(limit: number, windowMs: number) {
	const accepted: number[] = [];
	const all: Array<{ at: number; status: number; worker: string }> = [];
	const answer = (worker: string) => {
		const now = performance.now();
		const recent = accepted.filter((t) => now - t < windowMs);
		const status = recent.length >= limit ? 429 : 200;
		if (status === 200) accepted.push(now);
		all.push({ at: now, status, worker });
		return status === 429
			? { statusCode: 429, headers: { 'retry-after': '1' }, body: { message: 'Too many' } }
			: { statusCode: 200, headers: {}, body: { ok: true } };
	};
	return { accepted, all, answer };
}

interface FakeRun {
	ctx: RequestContext;
	warnings: string[];
	hints: Array<{ message: string }>;
}

function workerContext(
	vendor: ReturnType<typeof fakeVendor>,
	worker: string,
	creds: ICredentialDataDecryptedObject,
): FakeRun {
	const warnings: string[] = [];
	const hints: Array<{ message: string }> = [];
	const ctx = {
		getNode: () => node,
		getCredentials: async () => creds,
		logger: {
			warn: (message: string) => warnings.push(message),
			debug: () => undefined,
			info: () => undefined,
			error: () => undefined,
		},
		addExecutionHints: (...added: Array<{ message: string }>) => hints.push(...added),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, _options: IHttpRequestOptions) =>
				vendor.answer(worker),
		},
	} as unknown as RequestContext;
	return { ctx, warnings, hints };
}

const profile: VendorProfile = {
	vendor: 'TestVendor',
	credentialType: 'mspTestApi',
	baseUrl: (creds) => String(creds.url),
	rateLimits: FAST,
};

const baseCredentials: ICredentialDataDecryptedObject = {
	url: 'https://console.vendor.test',
	apiToken: 'tok-9f8e7d6c5b4a-secret',
};

function sharedCredentials(
	extra: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		...baseCredentials,
		sharedRateLimit: true,
		sharedRateLimitHost: redis.host,
		sharedRateLimitPort: redis.port,
		sharedRateLimitDatabase: 0,
		sharedRateLimitKeyPrefix: `test-${process.pid}-${++prefixCounter}:`,
		...extra,
	};
}

/** `count` GETs with `inFlight` at a time through one transport. */
async function drive(transport: Transport, count: number, inFlight: number): Promise<unknown[]> {
	const results: unknown[] = [];
	let next = 0;
	const lane = async () => {
		while (next < count) {
			next++;
			results.push(
				await transport
					.request({ method: 'GET', path: '/threats', operation: 'list threats' })
					.catch((error: unknown) => error),
			);
		}
	};
	await Promise.all(Array.from({ length: inFlight }, lane));
	return results;
}

describe('shared budget: configuration', () => {
	it('is off unless the credential turns it on', () => {
		expect(sharedBudgetConfigOf(baseCredentials)).toBeUndefined();
		expect(sharedBudgetConfigOf({ ...baseCredentials, sharedRateLimit: false })).toBeUndefined();
	});

	it('reads the Redis connection from the credential, with defaults', () => {
		expect(sharedBudgetConfigOf({ sharedRateLimit: true })).toEqual({
			host: 'localhost',
			port: 6379,
			username: undefined,
			password: undefined,
			database: 0,
			tls: false,
			keyPrefix: 'n8n-msp:budget:',
		});
		expect(
			sharedBudgetConfigOf({
				sharedRateLimit: true,
				sharedRateLimitHost: ' redis.internal ',
				sharedRateLimitPort: 6380,
				sharedRateLimitDatabase: 2,
				sharedRateLimitUser: 'n8n',
				sharedRateLimitPassword: ' pass word ',
				sharedRateLimitTls: true,
				sharedRateLimitKeyPrefix: 'acme:',
			}),
		).toEqual({
			host: 'redis.internal',
			port: 6380,
			username: 'n8n',
			password: ' pass word ',
			database: 2,
			tls: true,
			keyPrefix: 'acme:',
		});
	});

	it('keeps the pacing identity when sharing is turned on, and hashes it into the keys', () => {
		const plain = describeCredentials('mspTestApi', 'https://console.vendor.test', baseCredentials);
		const shared = describeCredentials(
			'mspTestApi',
			'https://console.vendor.test',
			sharedCredentials({ sharedRateLimitPassword: 'redis-pass-123456' }),
		);
		expect(shared.pacerKey).toBe(plain.pacerKey);
		expect(shared.sharedBudget?.password).toBe('redis-pass-123456');
		expect(shared.secrets).toContain('redis-pass-123456');
		const key = budgetKeyOf('n8n-msp:budget:', shared.pacerKey);
		expect(key).toMatch(/^n8n-msp:budget:\{[0-9a-f]{32}\}$/);
		expect(key).not.toContain('vendor.test');
		expect(key).not.toContain(String(baseCredentials.apiToken));
	});

	it('says why Redis failed without the password', () => {
		expect(
			reasonOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
		).toBe('ECONNREFUSED');
		expect(reasonOf(new Error('WRONGPASS invalid username-password pair'))).toBe('WRONGPASS');
		expect(
			reasonOf(new Error('failed with hunter2-secret inside'), 'hunter2-secret'),
		).not.toContain('hunter2-secret');
	});
});

describe('shared budget: grants in Redis', () => {
	it('three processes on one credential never exceed the window, and concurrent requests each get their own grant', async () => {
		const cfg = config();
		const pacers = [processPacer(cfg, FAST), processPacer(cfg, FAST), processPacer(cfg, FAST)];
		// 20 requests per process, all at once: they meet in Redis in any order.
		const started = performance.now();
		const { grants, shared } = await requestsThrough(pacers, 20);
		const elapsed = performance.now() - started;
		expect(shared.every(Boolean)).toBe(true);
		expect(grants).toHaveLength(60);
		expect(new Set(grants.map((g) => g.toFixed(3))).size).toBe(60);
		expect(busiestWindow(grants, 500)).toBe(10);
		// Back to back up to the budget, then a window (plus guard and answer time) per budget: 6 budgets.
		const sorted = [...grants].sort((a, b) => a - b);
		for (let i = 10; i < sorted.length; i++) {
			expect(sorted[i] - sorted[i - 10]).toBeGreaterThanOrEqual(500 + guardMs(500));
		}
		expect(elapsed).toBeLessThan(5 * (500 + guardMs(500)) + 1500);
	});

	it('keeps 100 a minute and 1,500 an hour at once (scaled 1,200 times: 5 per 50 ms and 75 per 3 s)', async () => {
		const windows: RateLimit[] = [
			{ requestsPerWindow: 5, windowMs: 50 },
			{ requestsPerWindow: 75, windowMs: 3000 },
		];
		const cfg = config();
		const pacers = [processPacer(cfg, windows), processPacer(cfg, windows)];
		const { grants } = await requestsThrough(pacers, 45, 1);
		expect(busiestWindow(grants, 50)).toBeLessThanOrEqual(5);
		expect(busiestWindow(grants, 3000)).toBe(75);
		// The first 75 go at the short window's pace; the rest wait for the long window.
		const sorted = [...grants].sort((a, b) => a - b);
		expect(sorted[74] - sorted[0]).toBeLessThan(3000);
		expect(sorted[75] - sorted[0]).toBeGreaterThanOrEqual(3000 + guardMs(3000));
	});

	it('counts a request until its answer is in, however long it takes', async () => {
		const windows: RateLimit[] = [{ requestsPerWindow: 2, windowMs: 500 }];
		const pacer = processPacer(config(), windows);
		const first = await pacer.slot();
		const second = await pacer.slot();
		const third = pacer.slot();
		// Both requests of the budget are still out: the third waits for one of them to come back.
		await new Promise((r) => setTimeout(r, 300));
		first.done();
		const answeredAt = performance.now();
		const granted = await third;
		second.done();
		granted.done();
		expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(500 + guardMs(500) - 20);
		expect((granted.at as number) - (first.at as number)).toBeGreaterThanOrEqual(
			300 + 500 + guardMs(500) - 20,
		);
	});

	it('holds every process after a 429 for the vendor wait', async () => {
		const cfg = config();
		const [first, second] = [processPacer(cfg, FAST), processPacer(cfg, FAST)];
		const before = await first.slot();
		before.done();
		first.throttled(800);
		// The hold travels through Redis; give the fire-and-forget command its round trip.
		await new Promise((r) => setTimeout(r, 50));
		const after = await second.slot();
		after.done();
		expect(after.shared).toBe(true);
		expect((after.at as number) - (before.at as number)).toBeGreaterThanOrEqual(800);
	});

	it('keeps the keys of one account under the prefix, with expiry, and without secrets', async () => {
		const cfg = config();
		const pacer = processPacer(cfg, FAST, 'mspTestApi|https://console.vendor.test|abc');
		const held = await pacer.slot();
		const client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
		try {
			await client.connect();
			const stem = /^test-\d+-\d+:\{[0-9a-f]{32}\}:/;
			const inFlight = await client.keys(`${cfg.keyPrefix}*`);
			expect(inFlight.map((k) => k.replace(stem, '')).sort()).toEqual(['inflight', 'state']);
			held.done();
			await new Promise((r) => setTimeout(r, 50));
			const keys = await client.keys(`${cfg.keyPrefix}*`);
			// Answered: no longer in flight, counted in the window.
			expect(keys.map((k) => k.replace(stem, '')).sort()).toEqual(['state', 'w:10:500']);
			for (const key of keys) {
				expect(key).toMatch(stem);
				expect(key).not.toContain('vendor.test');
				expect(await client.pttl(key)).toBeGreaterThan(0);
			}
		} finally {
			client.disconnect();
		}
	});
});

describe('shared budget: transports of several workers against one vendor', () => {
	it('two workers sharing a credential through Redis get no 429 and use the budget', async () => {
		const vendor = fakeVendor(10, 500);
		const creds = sharedCredentials();
		const cfg = sharedBudgetConfigOf(creds) as SharedBudgetConfig;
		const info = describeCredentials('mspTestApi', String(creds.url), creds);
		const workers = ['worker-1', 'worker-2'].map((name) => {
			const run = workerContext(vendor, name, creds);
			// Each worker its own connection and pacer, as two processes would have.
			const store = new RedisBudgetStore(cfg);
			stores.push(store);
			const pacer = new SharedPacer(store, budgetKeyOf(cfg.keyPrefix, info.pacerKey), FAST);
			return { ...run, transport: new Transport(run.ctx, profile, { pacer }) };
		});
		const started = performance.now();
		const results = await Promise.all(workers.map(async (w) => await drive(w.transport, 30, 4)));
		const elapsed = performance.now() - started;
		expect(results.flat().filter((r) => r instanceof Error)).toEqual([]);
		expect(vendor.all.filter((r) => r.status === 429)).toHaveLength(0);
		expect(busiestWindow(vendor.accepted, 500)).toBeLessThanOrEqual(10);
		// 60 requests, 10 per 500 ms: 5 waits of a window and its 50 ms guard; throughput near the limit.
		const throughput = (60 / elapsed) * 500;
		expect(throughput).toBeGreaterThanOrEqual(8);
		expect(new Set(vendor.all.map((r) => r.worker))).toEqual(new Set(['worker-1', 'worker-2']));
	});

	it('without the shared budget the same two workers overrun the vendor (the incident)', async () => {
		const vendor = fakeVendor(10, 500);
		const workers = ['worker-1', 'worker-2'].map((name) => {
			const run = workerContext(vendor, name, baseCredentials);
			return new Transport(run.ctx, profile, {
				pacer: new Pacer(FAST),
				maxAttempts: 1,
			});
		});
		await Promise.all(workers.map(async (t) => await drive(t, 20, 4)));
		expect(vendor.all.filter((r) => r.status === 429).length).toBeGreaterThan(0);
	});

	it('a credential with the shared budget on uses Redis through the process registry', async () => {
		const vendor = fakeVendor(10, 500);
		const creds = sharedCredentials();
		const runs = ['worker-1', 'worker-2'].map((name) => workerContext(vendor, name, creds));
		const transports = runs.map((run) => new Transport(run.ctx, profile));
		const results = await Promise.all(transports.map(async (t) => await drive(t, 15, 4)));
		expect(results.flat().filter((r) => r instanceof Error)).toEqual([]);
		expect(vendor.all.filter((r) => r.status === 429)).toHaveLength(0);
		expect(runs.flatMap((r) => [...r.warnings, ...r.hints.map((h) => h.message)])).toEqual([]);
		const client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
		try {
			await client.connect();
			expect(await client.keys(`${String(creds.sharedRateLimitKeyPrefix)}*`)).toHaveLength(2);
		} finally {
			client.disconnect();
		}
	});
});

describe('shared budget: Redis out of reach', () => {
	it('falls back to in-process pacing when Redis goes away, fails no request, says so once, and comes back', async () => {
		const vendor = fakeVendor(10, 500);
		const creds = sharedCredentials();
		const run = workerContext(vendor, 'worker-1', creds);
		const cfg = sharedBudgetConfigOf(creds) as SharedBudgetConfig;
		const info = describeCredentials('mspTestApi', String(creds.url), creds);
		const store = new RedisBudgetStore(cfg);
		stores.push(store);
		const pacer = new SharedPacer(store, budgetKeyOf(cfg.keyPrefix, info.pacerKey), FAST, {
			vendor: 'TestVendor',
		});
		const slots = jest.spyOn(pacer, 'slot');
		const transport = new Transport(run.ctx, profile, { pacer });

		expect(await drive(transport, 10, 2)).toHaveLength(10);
		const sharedBefore = await Promise.all(slots.mock.results.map(async (r) => await r.value));
		expect(sharedBefore.every((r) => r.shared)).toBe(true);

		await redis.kill();
		slots.mockClear();
		const during = await drive(transport, 20, 2);
		expect(during.filter((r) => r instanceof Error)).toEqual([]);
		const local = await Promise.all(slots.mock.results.map(async (r) => await r.value));
		expect(local.every((r) => !r.shared)).toBe(true);
		// Local pacing keeps the window for this worker alone.
		expect(vendor.all.filter((r) => r.status === 429)).toHaveLength(0);
		expect(run.hints).toHaveLength(1);
		expect(run.warnings).toHaveLength(1);
		expect(run.hints[0].message).toContain(`Redis at 127.0.0.1:${redis.port} (database 0)`);
		expect(run.hints[0].message).toContain('paced in this n8n process only');
		expect(JSON.stringify([run.hints, run.warnings])).not.toContain(String(creds.apiToken));

		await redis.restart();
		// ioredis reconnects on its own (at most 2 s apart).
		const deadline = performance.now() + 10000;
		let back = false;
		while (!back && performance.now() < deadline) {
			const slot = await pacer.slot();
			slot.done();
			back = slot.shared;
			if (!back) await new Promise((r) => setTimeout(r, 200));
		}
		expect(back).toBe(true);
		expect(pacer.notice()).toBeUndefined();
	});

	it('a stalled Redis costs one command timeout, then is left alone for a few seconds', async () => {
		const pacer = processPacer(config(), FAST);
		const first = await pacer.slot();
		first.done();
		expect(first.shared).toBe(true);
		await new Promise((r) => setTimeout(r, 50));
		redis.freeze();
		try {
			const timings: number[] = [];
			for (let i = 0; i < 5; i++) {
				const started = performance.now();
				expect((await pacer.slot()).shared).toBe(false);
				timings.push(performance.now() - started);
			}
			expect(timings[0]).toBeGreaterThanOrEqual(900);
			expect(timings[0]).toBeLessThan(2000);
			expect(Math.max(...timings.slice(1))).toBeLessThan(50);
			expect(pacer.notice()?.message).toContain('Command timed out');
		} finally {
			redis.resume();
		}
	});

	it('paces in-process from the start when nothing listens on the Redis port', async () => {
		const vendor = fakeVendor(10, 500);
		const creds = sharedCredentials({ sharedRateLimitPort: await freePort() });
		const run = workerContext(vendor, 'worker-1', creds);
		const transport = new Transport(run.ctx, profile);
		const started = performance.now();
		const results = await drive(transport, 15, 3);
		expect(results.filter((r) => r instanceof Error)).toEqual([]);
		expect(vendor.all.filter((r) => r.status === 429)).toHaveLength(0);
		// 15 requests at 10 per 500 ms: one wait of a window; Redis cost no more than its connect attempt.
		expect(performance.now() - started).toBeLessThan(3000);
		expect(run.hints).toHaveLength(1);
		expect(run.hints[0].message).toContain('ECONNREFUSED');
	});

	it("paces in-process when n8n's Redis client cannot be loaded", async () => {
		const store = new RedisBudgetStore(config(), () => {
			throw Object.assign(new Error("Cannot find module 'ioredis'"), { code: 'MODULE_NOT_FOUND' });
		});
		stores.push(store);
		const pacer = new SharedPacer(store, 'k', FAST, { vendor: 'TestVendor' });
		const slot = await pacer.slot();
		expect(slot.shared).toBe(false);
		expect(pacer.notice()?.message).toContain(
			"n8n's Redis client (ioredis) could not be loaded: MODULE_NOT_FOUND",
		);
	});

	it('two workers that both lost Redis slow down after 429s and fail no item', async () => {
		const vendor = fakeVendor(10, 500);
		const creds = sharedCredentials({ sharedRateLimitPort: await freePort() });
		const cfg = sharedBudgetConfigOf(creds) as SharedBudgetConfig;
		const workers = ['worker-1', 'worker-2'].map((name) => {
			const run = workerContext(vendor, name, creds);
			const store = new RedisBudgetStore(cfg);
			stores.push(store);
			const pacer = new SharedPacer(store, 'k', FAST, { vendor: 'TestVendor' });
			return new Transport(run.ctx, profile, { pacer });
		});
		const results = await Promise.all(workers.map(async (t) => await drive(t, 40, 4)));
		expect(results.flat().filter((r) => r instanceof Error)).toEqual([]);
		const throttled = vendor.all.filter((r) => r.status === 429).length;
		// Both at the full budget for the first window, then each at a share: some 429s, then few.
		expect(throttled).toBeGreaterThan(0);
		expect(throttled).toBeLessThan(40);
	});
});

describe('adaptive in-process pacer (the fallback)', () => {
	function clocked(adaptive: boolean) {
		const clock = { t: 0 };
		const pacer = new Pacer([{ requestsPerWindow: 8, windowMs: 1000 }], {
			now: () => clock.t,
			adaptive,
		});
		return { clock, pacer };
	}

	it('holds for the vendor wait and halves its share after a 429, then grows back', () => {
		const { clock, pacer } = clocked(true);
		for (let i = 0; i < 4; i++) expect(pacer.reserve()).toBe(0);
		pacer.throttled(2000);
		// Held until t = 2000, then 4 (half of 8) per window.
		expect(pacer.reserve()).toBe(2000);
		clock.t = 2000;
		for (let i = 0; i < 3; i++) expect(pacer.reserve()).toBe(0);
		expect(pacer.reserve()).toBe(1050);
		// Quiet windows give back an eighth of the budget each.
		clock.t = 2000 + 4 * 1050;
		for (let i = 0; i < 8; i++) pacer.reserve();
		expect(pacer.reserve()).toBeGreaterThan(0);
	});

	it('ignores 429s when not adaptive (a pacer alone on its budget)', () => {
		const { pacer } = clocked(false);
		pacer.reserve();
		pacer.throttled(5000);
		expect(pacer.reserve()).toBe(0);
	});
});
