import axios, { type AxiosInstance } from 'axios';
import { Router } from 'express';

import { startSandbox, type Sandbox, type SandboxVendor } from '../../../sandbox';
import { seedWorld } from '../../../sandbox/world/seed';

/** A minimal vendor: one write that counts how often it really ran, one read. */
function counterVendor(): SandboxVendor {
	return {
		id: 'hudu',
		title: 'Counter',
		seed: (world) => {
			world.vendors.counter = { writes: 0 };
		},
		router: (ctx) => {
			const router = Router();
			router.post('/count', (_req, res) => {
				const slice = ctx.world().vendors.counter as { writes: number };
				slice.writes += 1;
				res.status(201).json({ writes: slice.writes });
			});
			router.get('/count', (_req, res) => {
				res.json(ctx.world().vendors.counter);
			});
			return router;
		},
		credentials: (baseUrl) => ({ url: baseUrl, apiKey: 'counter-key' }),
		n8nCredentials: (baseUrl) => [
			{
				id: 'sandbox-counter',
				name: 'Sandbox Counter',
				type: 'mspCounterApi',
				data: { url: baseUrl },
			},
		],
		throttle: {
			limit: 2,
			windowMs: 60_000,
			key: () => 'all',
			reject: (res, retryAfterMs) => {
				res.set('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
				res.status(429).json({ error: 'Too many requests' });
			},
		},
	};
}

describe('sandbox framework', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			vendors: [counterVendor()],
			faults: { timeoutMs: 50, slowMs: 10 },
		});
		http = axios.create({ baseURL: sandbox.baseUrl, validateStatus: () => true, timeout: 5000 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', rate: 0.1, throttleWindowScale: 1 });
	});

	it('reports health and serves the whole world as state', async () => {
		const health = await http.get('/_sandbox/health');
		expect(health.status).toBe(200);
		expect(health.data).toMatchObject({ status: 'ok', vendors: ['hudu'] });

		const state = await http.get('/_sandbox/state');
		expect(state.data.clients.map((c: { name: string }) => c.name)).toEqual([
			'Bright Smile Dental',
			'Northwind Logistics',
			'Harper & Lowe LLP',
		]);
		expect(state.data.devices).toHaveLength(30);
		expect(state.data.threats.map((t: { scenario: string }) => t.scenario)).toEqual([
			'ransomware',
			'pup',
			'falsePositiveAdminTool',
			'serverCredentialTheft',
		]);
	});

	it('seeds the same estate for the same seed and clock, and scales on request', () => {
		const now = Date.now();
		const strip = (w: ReturnType<typeof seedWorld>) => ({ ...w, clockOffsetMs: 0 });
		expect(strip(seedWorld(7, {}, 'default', now))).toEqual(
			strip(seedWorld(7, {}, 'default', now)),
		);
		expect(seedWorld(7, {}, 'default', now).devices[0].serialNumber).not.toEqual(
			seedWorld(8, {}, 'default', now).devices[0].serialNumber,
		);

		const big = seedWorld(1, { clients: 20, devicesPerClient: 100, threats: 300 });
		expect(big.devices).toHaveLength(2000);
		expect(big.threats).toHaveLength(304);
		expect(new Set(big.devices.map((d) => d.hostname)).size).toBe(2000);
		expect(new Set(big.devices.map((d) => d.ids.ninjaDeviceId)).size).toBe(2000);
	});

	it('resets to a new seed and scale over the control API', async () => {
		try {
			const reset = await http.post('/_sandbox/reset', {
				seed: 3,
				clients: 5,
				devicesPerClient: 10,
				threats: 2,
			});
			expect(reset.data).toMatchObject({ seed: 3, clients: 5, devices: 50, threats: 6 });
			expect(sandbox.world().devices.filter((d) => d.type === 'domainController')).toHaveLength(5);
		} finally {
			sandbox.reset({ seed: 1, clients: 3, devicesPerClient: 10, threats: 0 });
		}
	});

	it('keeps the named scenario devices of the default estate', () => {
		const world = sandbox.world();
		const byHost = (h: string) => world.devices.find((d) => d.hostname === h);
		expect(byHost('NWL-WS03')?.failsPatchInstall).toBe(true);
		expect(byHost('HLL-SRV01')?.staysOfflineAfterReboot).toBe(true);
		expect(byHost('BSD-DC01')?.type).toBe('domainController');
		const threat = world.threats.find((t) => t.scenario === 'serverCredentialTheft');
		expect(world.devices.find((d) => d.key === threat?.deviceKey)?.type).toBe('server');
	});

	it('logs every vendor request with status and vendor', async () => {
		await http.post('/hudu/count');
		await http.get('/hudu/count');
		const log = (await http.get('/_sandbox/requests')).data;
		expect(
			log.map((e: { method: string; path: string; status: number; vendor: string }) => [
				e.method,
				e.path,
				e.status,
				e.vendor,
			]),
		).toEqual([
			['POST', '/hudu/count', 201, 'hudu'],
			['GET', '/hudu/count', 200, 'hudu'],
		]);
	});

	it('under flaky faults a failed write happened at most once, and the log says which', async () => {
		sandbox.setFaults({ profile: 'flaky', rate: 1 });
		for (let i = 0; i < 40; i++) await http.post('/hudu/count').catch(() => undefined);
		sandbox.setFaults({ profile: 'none' });

		const writes = (sandbox.world().vendors.counter as { writes: number }).writes;
		const entries = sandbox.requests.query({ vendor: 'hudu' }).filter((e) => e.method === 'POST');
		expect(entries).toHaveLength(40);
		expect(entries.every((e) => e.fault)).toBe(true);
		expect(new Set(entries.map((e) => e.fault))).toEqual(
			new Set(['serverError', 'reset', 'timeout']),
		);
		// Every write the vendor logic applied is logged as applied, and no other.
		expect(entries.filter((e) => e.applied)).toHaveLength(writes);
		expect(writes).toBeGreaterThan(0);
		expect(writes).toBeLessThan(40);
	});

	it('chaos adds malformed and slow responses', async () => {
		// Chaos also enforces the rate limit: shrink its window so random faults are what is measured.
		sandbox.setFaults({ profile: 'chaos', rate: 1, throttleWindowScale: 1e-6 });
		const kinds = new Set<string>();
		for (let i = 0; i < 60; i++) {
			await http.get('/hudu/count', { transformResponse: (d) => d }).catch(() => undefined);
		}
		sandbox.setFaults({ profile: 'none' });
		for (const e of sandbox.requests.query({ vendor: 'hudu' })) if (e.fault) kinds.add(e.fault);
		expect(kinds).toEqual(new Set(['serverError', 'reset', 'timeout', 'malformed', 'slow']));
	});

	it('enforces the vendor rate limit with its own 429 under the throttled profile', async () => {
		await http.put('/_sandbox/faults', { profile: 'throttled' });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await http.get('/hudu/count')).status);
		expect(statuses).toEqual([200, 200, 429, 429]);
		const rejected = await http.get('/hudu/count');
		expect(Number(rejected.headers['retry-after'])).toBeGreaterThan(0);
		expect(rejected.data).toEqual({ error: 'Too many requests' });
		expect(
			sandbox.requests.query({ vendor: 'hudu' }).filter((e) => e.fault === 'throttled'),
		).toHaveLength(3);
	});

	it('rejects an unknown fault profile', async () => {
		const response = await http.put('/_sandbox/faults', { profile: 'sometimes' });
		expect(response.status).toBe(400);
		expect(response.data.message).toContain('none, flaky, throttled, chaos');
	});

	it('adds the configured latency to vendor requests only', async () => {
		sandbox.setLatency(120);
		await http.get('/hudu/count');
		await http.get('/_sandbox/health');
		sandbox.setLatency(0);
		const [entry] = sandbox.requests.query({ vendor: 'hudu' });
		expect(entry.durationMs).toBeGreaterThanOrEqual(100);
		expect(sandbox.requests.all()).toHaveLength(1);
	});

	it('lists credentials for n8n import pointing at this sandbox', async () => {
		const response = await http.get('/_sandbox/n8n-credentials');
		expect(response.data).toEqual([
			{
				id: 'sandbox-counter',
				name: 'Sandbox Counter',
				type: 'mspCounterApi',
				data: { url: `${sandbox.baseUrl}/hudu` },
			},
		]);
	});
});
