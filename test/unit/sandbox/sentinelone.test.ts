import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { S1_TOKENS } from '../../../sandbox/vendors/sentinelone';

const API = '/sentinelone/web/api/v2.1';

describe('sandbox: SentinelOne management API', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let viewer: AxiosInstance;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
		const make = (token: string) =>
			axios.create({
				baseURL: sandbox.baseUrl + API,
				validateStatus: () => true,
				headers: { Authorization: `ApiToken ${token}` },
			});
		http = make(S1_TOKENS.admin);
		viewer = make(S1_TOKENS.viewer);
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	it.each([
		['no header', {}, null],
		['a bearer token', { Authorization: `Bearer ${S1_TOKENS.admin}` }, null],
		['an unknown token', { Authorization: 'ApiToken nope' }, null],
		['an expired token', { Authorization: `ApiToken ${S1_TOKENS.expired}` }, 'Token has expired'],
	])('refuses %s with 401 and the errors body', async (_label, headers, detail) => {
		const res = await axios.get(`${sandbox.baseUrl}${API}/threats`, {
			headers,
			validateStatus: () => true,
		});
		expect(res.status).toBe(401);
		expect(res.data).toEqual({
			errors: [{ code: 4010010, detail, title: 'Authentication Failed' }],
		});
	});

	it('lists threats in the data envelope and pages with cursor and limit', async () => {
		const seen: string[] = [];
		let cursor: string | null | undefined;
		let pages = 0;
		do {
			const res = await http.get('/threats', { params: { limit: 7, cursor, sortOrder: 'asc' } });
			expect(res.status).toBe(200);
			expect(res.data.pagination.totalItems).toBe(29);
			seen.push(...res.data.data.map((t: { id: string }) => t.id));
			cursor = res.data.pagination.nextCursor;
			pages++;
		} while (cursor);
		expect(pages).toBe(5);
		expect(new Set(seen).size).toBe(29);
		const first = (await http.get('/threats', { params: { limit: 1 } })).data.data[0];
		expect(first).toMatchObject({
			id: expect.any(String),
			agentRealtimeInfo: { agentComputerName: expect.any(String), agentNetworkStatus: 'connected' },
			threatInfo: {
				incidentStatus: 'unresolved',
				analystVerdict: 'undefined',
				mitigationStatus: 'not_mitigated',
			},
		});
	});

	it('rejects a limit over 1000 and a bad cursor as validation errors', async () => {
		expect((await http.get('/threats', { params: { limit: 1001 } })).data.errors[0]).toMatchObject({
			code: 4000010,
			title: 'Validation Error',
		});
		expect((await http.get('/threats', { params: { cursor: 'garbage' } })).status).toBe(400);
	});

	it('filters threats by creation time, site, agent, confidence and computer name', async () => {
		const world = sandbox.world();
		const ransomware = world.threats.find((t) => t.scenario === 'ransomware')!;
		const device = world.devices.find((d) => d.key === ransomware.deviceKey)!;
		const site = world.clients.find((c) => c.key === device.clientKey)!.ids.sentinelOneSiteId;
		const res = await http.get('/threats', {
			params: {
				createdAt__gte: ransomware.detectedAt,
				siteIds: site,
				agentIds: device.ids.sentinelOneAgentId,
				confidenceLevels: 'malicious,suspicious',
				computerName__contains: device.hostname.toLowerCase(),
				limit: 100,
			},
		});
		expect(res.data.data.map((t: { id: string }) => t.id)).toContain(
			ransomware.sentinelOneThreatId,
		);
		expect(
			res.data.data.every(
				(t: { agentRealtimeInfo: { siteId: string } }) => t.agentRealtimeInfo.siteId === site,
			),
		).toBe(true);
		const later = await http.get('/threats', {
			params: { createdAt__gt: ransomware.detectedAt, ids: ransomware.sentinelOneThreatId },
		});
		expect(later.data.data).toHaveLength(0);
	});

	it('updates incident status and analyst verdict, and adds and lists notes', async () => {
		const threat = sandbox.world().threats[0];
		const filter = { ids: [threat.sentinelOneThreatId] };
		expect(
			(await http.post('/threats/incident', { data: { incidentStatus: 'in_progress' }, filter }))
				.data,
		).toEqual({ data: { affected: 1 } });
		expect(
			(
				await http.post('/threats/analyst-verdict', {
					data: { analystVerdict: 'true_positive' },
					filter: { ...filter, tenant: 'true' },
				})
			).data,
		).toEqual({ data: { affected: 1 } });
		expect(
			(await http.post('/threats/notes', { data: { text: 'Isolated host, ticket #123' }, filter }))
				.data,
		).toEqual({ data: { affected: 1 } });
		expect(sandbox.world().threats[0]).toMatchObject({
			status: 'inProgress',
			verdict: 'truePositive',
		});
		const notes = await http.get(`/threats/${threat.sentinelOneThreatId}/notes`);
		expect(notes.data.data[0]).toMatchObject({
			text: 'Isolated host, ticket #123',
			creator: 'n8n Service User',
		});
		const bad = await http.post('/threats/incident', {
			data: { incidentStatus: 'closed' },
			filter,
		});
		expect(bad.status).toBe(400);
		expect(
			(await http.post('/threats/incident', { data: { incidentStatus: 'resolved' }, filter: {} }))
				.status,
		).toBe(400);
	});

	it('refuses writes for a viewer role with 403', async () => {
		const res = await viewer.post('/threats/incident', {
			data: { incidentStatus: 'resolved' },
			filter: { ids: ['1'] },
		});
		expect(res.status).toBe(403);
		expect(res.data.errors[0]).toMatchObject({ code: 4030010, title: 'Forbidden' });
		expect((await viewer.get('/threats')).status).toBe(200);
	});

	it('mitigates threats: pending first, then the action succeeds and the threat is mitigated', async () => {
		const threat = sandbox.world().threats[0];
		const filter = { ids: [threat.sentinelOneThreatId] };
		expect((await http.post('/threats/mitigate/quarantine', { filter })).data).toEqual({
			data: { affected: 1 },
		});
		const params = { ids: threat.sentinelOneThreatId };
		const first = (await http.get('/threats', { params })).data.data[0];
		expect(first.threatInfo.pendingActions).toBe(true);
		expect(first.mitigationStatus).toEqual([
			expect.objectContaining({ action: 'quarantine', status: 'pending' }),
		]);
		const second = (await http.get('/threats', { params })).data.data[0];
		expect(second.threatInfo).toMatchObject({
			pendingActions: false,
			mitigationStatus: 'mitigated',
		});
		expect(second.mitigationStatus).toEqual([
			expect.objectContaining({ action: 'quarantine', status: 'success' }),
		]);
		expect((await http.post('/threats/mitigate/rollback-remediation', { filter })).status).toBe(
			200,
		);
		expect((await http.post('/threats/mitigate/explode', { filter })).status).toBe(400);
	});

	it('disconnects many agents in one call and reports network status through the transition', async () => {
		const devices = sandbox.world().devices.slice(0, 4);
		const ids = devices.map((d) => d.ids.sentinelOneAgentId);
		const res = await http.post('/agents/actions/disconnect', { filter: { ids } });
		expect(res.data).toEqual({ data: { affected: 4 } });
		const statuses = async () =>
			(await http.get('/agents', { params: { ids: ids.join(',') } })).data.data.map(
				(a: { networkStatus: string }) => a.networkStatus,
			);
		expect(await statuses()).toEqual([
			'disconnecting',
			'disconnecting',
			'disconnecting',
			'disconnecting',
		]);
		expect(await statuses()).toEqual([
			'disconnected',
			'disconnected',
			'disconnected',
			'disconnected',
		]);
		expect(
			(await http.post('/agents/actions/connect', { filter: { ids: [ids[0]] } })).data,
		).toEqual({ data: { affected: 1 } });
		expect(
			(await http.get('/agents', { params: { ids: ids[0] } })).data.data[0].networkStatus,
		).toBe('connecting');
		expect(
			(await http.get('/agents', { params: { ids: ids[0] } })).data.data[0].networkStatus,
		).toBe('connected');
		expect((await http.post('/agents/actions/disconnect', { filter: {} })).status).toBe(400);
	});

	it('finds agents by computer name and lists sites and groups', async () => {
		const device = sandbox.world().devices[3];
		const exact = await http.get('/agents', { params: { computerName: device.hostname } });
		expect(exact.data.data).toHaveLength(1);
		expect(exact.data.data[0]).toMatchObject({
			id: device.ids.sentinelOneAgentId,
			computerName: device.hostname,
			networkStatus: 'connected',
		});
		const sites = await http.get('/sites', { params: { limit: 100 } });
		expect(sites.data.data.sites).toHaveLength(3);
		expect(sites.data.data.allSites).toMatchObject({ activeLicenses: 30 });
		const groups = await http.get('/groups', { params: { siteIds: sites.data.data.sites[0].id } });
		expect(groups.data.data).toHaveLength(1);
	});

	it('throttles with 429, Retry-After and the errors body under the throttled profile', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['sentinelone'] });
		const results = await Promise.all(
			Array.from({ length: 12 }, () => http.get('/threats', { params: { limit: 1 } })),
		);
		const limited = results.filter((r) => r.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(limited[0].data.errors[0]).toMatchObject({ code: 4290010, title: 'Too Many Requests' });
		sandbox.setFaults({ profile: 'none', vendors: [] });
	});

	it('exports a working n8n credential', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspSentinelOneApi');
		expect(entry).toMatchObject({
			id: 'sandbox-sentinelone',
			name: 'Sandbox SentinelOne',
			data: { consoleUrl: sandbox.vendorUrl('sentinelone'), apiToken: S1_TOKENS.admin },
		});
	});
});
