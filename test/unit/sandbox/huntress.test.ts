import axios, { type AxiosInstance } from 'axios';
import { existsSync } from 'fs';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { HUNTRESS_IDS, HUNTRESS_KEYS } from '../../../sandbox/vendors/huntress';
import { specPath, validateAgainstSpec, type SpecSample as Sample } from './spec';

const basic = (key: { apiKey: string; apiSecret: string }) =>
	`Basic ${Buffer.from(`${key.apiKey}:${key.apiSecret}`).toString('base64')}`;

describe('sandbox: Huntress API v1', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let readOnly: AxiosInstance;
	const samples: Sample[] = [];
	const expectValid = (body: unknown, operationId: string, status: number) =>
		samples.push({
			label: `${operationId} ${status} #${samples.length + 1}`,
			body,
			operationId,
			status,
		});

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
		const make = (key: { apiKey: string; apiSecret: string }) =>
			axios.create({
				baseURL: `${sandbox.vendorUrl('huntress')}/v1`,
				validateStatus: () => true,
				headers: { Authorization: basic(key) },
			});
		http = make(HUNTRESS_KEYS.user);
		readOnly = make(HUNTRESS_KEYS.readOnly);
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [] });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	const agentIdOf = (hostname: string) => {
		const world = sandbox.world();
		return HUNTRESS_IDS.agent(world, world.devices.find((d) => d.hostname === hostname)!);
	};

	it.each([
		['no header', {}],
		['a wrong secret', { Authorization: basic({ ...HUNTRESS_KEYS.user, apiSecret: 'nope' }) }],
		['the key as a bearer token', { Authorization: `Bearer ${HUNTRESS_KEYS.user.apiKey}` }],
	])('refuses %s with 401 and the errors body', async (_label, headers) => {
		const res = await axios.get(`${sandbox.vendorUrl('huntress')}/v1/account`, {
			headers,
			validateStatus: () => true,
		});
		expect(res.status).toBe(401);
		expect(res.data.errors[0]).toMatch(/Unauthorized/);
	});

	it('answers the account for the credential test', async () => {
		const res = await http.get('/account');
		expect(res.status).toBe(200);
		expect(res.data.account).toMatchObject({ id: 5, name: 'Contoso MSP' });
		expectValid(res.data, 'getV1Account', 200);
	});

	it('pages incident reports with limit and page_token, and an empty pagination on the last page', async () => {
		const total = sandbox.world().threats.length;
		const seen: number[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const res = await http.get('/incident_reports', { params: { limit: 7, page_token: token } });
			expect(res.status).toBe(200);
			expectValid(res.data, 'getV1IncidentReports', 200);
			seen.push(...res.data.incident_reports.map((r: { id: number }) => r.id));
			token = res.data.pagination.next_page_token;
			if (token) expect(res.data.pagination.next_page_url).toContain(`page_token=${token}`);
			pages++;
		} while (token);
		expect(pages).toBe(Math.ceil(total / 7));
		expect(new Set(seen).size).toBe(total);
		expect((await http.get('/incident_reports', { params: { limit: 501 } })).status).toBe(400);
		expect(
			(await http.get('/incident_reports', { params: { page_token: 'garbage' } })).status,
		).toBe(400);
	});

	it("shows the scenario API's threat as an incident on its agent, filtered by agent and severity", async () => {
		const injected = sandbox.injectThreat({ hostname: 'NWL-SRV02', severity: 'critical' });
		const world = sandbox.world();
		const threat = world.threats.find((t) => t.key === injected.key)!;
		const id = HUNTRESS_IDS.incident(world, threat);
		const res = await http.get('/incident_reports', {
			params: { agent_id: agentIdOf('NWL-SRV02'), severity: 'critical' },
		});
		expect(res.data.incident_reports.map((r: { id: number }) => r.id)).toContain(id);
		const one = await http.get(`/incident_reports/${id}`);
		expect(one.data.incident_report).toMatchObject({
			id,
			agent_id: agentIdOf('NWL-SRV02'),
			severity: 'critical',
			status: 'sent',
			subject: expect.stringMatching(/^CRITICAL - Incident on NWL-SRV02 \(/),
			remediations: { items: [{ type: 'assisted', status: 'unapproved' }] },
		});
		expectValid(one.data, 'getV1IncidentReportsId', 200);
		expect((await http.get('/incident_reports/999999')).status).toBe(404);
	});

	it('isolates with 201 and Pending Isolation, then Isolated on read; releases with 204; 409 when already so', async () => {
		const id = agentIdOf('NWL-WS06');
		const isolate = await http.post(`/agents/${id}/isolation`, {
			reason: 'drill',
			strict_isolation: false,
		});
		expect(isolate.status).toBe(201);
		expect(isolate.data.agent.firewall_status).toBe('Pending Isolation');
		expectValid(isolate.data, 'IsolateAgent', 201);
		expect((await http.post(`/agents/${id}/isolation`, { reason: 'again' })).status).toBe(409);
		await http.get(`/agents/${id}`);
		const read = await http.get(`/agents/${id}`);
		expect(read.data.agent.firewall_status).toBe('Isolated');
		expectValid(read.data, 'getV1AgentsId', 200);
		const release = await http.delete(`/agents/${id}/isolation`);
		expect(release.status).toBe(204);
		expectValid('', 'ReleaseAgent', 204);
		expect((await http.get(`/agents/${id}`)).data.agent.firewall_status).toMatch(
			/Pending Release|Enabled/,
		);
		expect((await http.post('/agents/999999/isolation', { reason: 'x' })).status).toBe(404);
	});

	it('refuses writes with the read-only default key (403), reads work', async () => {
		const id = agentIdOf('NWL-WS06');
		expect((await readOnly.get(`/agents/${id}`)).status).toBe(200);
		const res = await readOnly.post(`/agents/${id}/isolation`, { reason: 'x' });
		expect(res.status).toBe(403);
		expect(res.data.errors[0]).toMatch(/permissions/);
	});

	it('lists agents by hostname and organization with the agents envelope', async () => {
		const res = await http.get('/agents', { params: { hostname: 'nwl-ws06' } });
		expect(res.data.agents.map((a: { hostname: string }) => a.hostname)).toEqual(['NWL-WS06']);
		expectValid(res.data, 'getV1Agents', 200);
		const orgs = await http.get('/organizations', { params: { limit: 500 } });
		expectValid(orgs.data, 'getV1Organizations', 200);
		const org = orgs.data.organizations[0];
		const mine = await http.get('/agents', { params: { organization_id: org.id, limit: 500 } });
		expect(
			mine.data.agents.every((a: { organization_id: number }) => a.organization_id === org.id),
		).toBe(true);
		expect(mine.data.agents).toHaveLength(org.agents_count);
	});

	it('approves remediations in bulk (they run and complete), then resolves the report', async () => {
		const world = sandbox.world();
		const threat = world.threats.find(
			(t) => t.status === 'new' && t.mitigationStatus === 'notMitigated',
		)!;
		const id = HUNTRESS_IDS.incident(world, threat);
		expect((await http.post(`/incident_reports/${id}/resolution`)).status).toBe(409);
		const approved = await http.post(`/incident_reports/${id}/remediations/bulk_approval`);
		expect(approved.status).toBe(201);
		expectValid(
			approved.data,
			'postV1IncidentReportsIncidentReportIdRemediationsBulkApproval',
			201,
		);
		expect((await http.post(`/incident_reports/${id}/remediations/bulk_approval`)).status).toBe(
			422,
		);
		await http.get(`/incident_reports/${id}/remediations`);
		const list = await http.get(`/incident_reports/${id}/remediations`);
		expect(list.data.remediations[0]).toMatchObject({
			status: 'completed',
			approved_at: expect.any(String),
		});
		expectValid(list.data, 'getV1IncidentReportsIncidentReportIdRemediations', 200);
		const resolved = await http.post(`/incident_reports/${id}/resolution`);
		expect(resolved.status).toBe(201);
		expect(resolved.data.incident_report).toMatchObject({
			status: 'closed',
			closed_at: expect.any(String),
		});
		expectValid(resolved.data, 'postV1IncidentReportsIdResolution', 201);
		expect((await http.post(`/incident_reports/${id}/resolution`)).status).toBe(422);
		expect(threat.status).toBe('resolved');
	});

	it('rejects remediations in bulk; comment and useful are required as the spec says', async () => {
		const world = sandbox.world();
		const threat = world.threats.find(
			(t) => t.status === 'new' && t.mitigationStatus === 'notMitigated',
		)!;
		const id = HUNTRESS_IDS.incident(world, threat);
		const body = { comment: 'Known admin tool', useful: false };
		expect(
			(await http.post(`/incident_reports/${id}/remediations/bulk_rejection`, {})).status,
		).toBe(400);
		const res = await http.post(`/incident_reports/${id}/remediations/bulk_rejection`, body);
		expect(res.status).toBe(201);
		const list = await http.get(`/incident_reports/${id}/remediations`);
		expect(list.data.remediations[0].status).toBe('cancelled');
	});

	it('throttles the 61st request within a minute with 429, Retry-After and the errors body', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['huntress'] });
		const results = await Promise.all(Array.from({ length: 61 }, () => http.get('/account')));
		expect(results.filter((r) => r.status === 200)).toHaveLength(60);
		const limited = results.filter((r) => r.status === 429);
		expect(limited).toHaveLength(1);
		expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(limited[0].data.errors[0]).toMatch(/Too Many Requests/);
	});

	it('answers injected server errors with the errors body under the flaky profile', async () => {
		sandbox.setFaults({ profile: 'flaky', rate: 1, vendors: ['huntress'], timeoutMs: 10 });
		const results = await Promise.all(
			Array.from({ length: 12 }, () => http.get('/account').catch((error: Error) => error)),
		);
		const failed = results.filter((r) => r instanceof Error || r.status >= 500);
		expect(failed.length).toBeGreaterThan(0);
		const served = results.find((r) => !(r instanceof Error) && r.status >= 500);
		if (served && !(served instanceof Error)) expect(served.data.errors).toEqual(expect.any(Array));
	});

	it('exports a working n8n credential', () => {
		expect(sandbox.n8nCredentials().find((c) => c.type === 'mspHuntressApi')).toMatchObject({
			id: 'sandbox-huntress',
			data: { baseUrl: sandbox.vendorUrl('huntress'), ...HUNTRESS_KEYS.user },
		});
	});

	describe('spec validation (Huntress API v1)', () => {
		it('finds the spec', () => {
			expect(existsSync(specPath('huntress'))).toBe(true);
		});

		it('every response the EDR node relies on matches the published spec', () => {
			const operations = new Set(samples.map((s) => s.operationId));
			for (const op of [
				'getV1Account',
				'getV1IncidentReports',
				'getV1IncidentReportsId',
				'getV1Agents',
				'getV1AgentsId',
				'IsolateAgent',
				'ReleaseAgent',
				'getV1Organizations',
				'getV1IncidentReportsIncidentReportIdRemediations',
				'postV1IncidentReportsIncidentReportIdRemediationsBulkApproval',
				'postV1IncidentReportsIdResolution',
			])
				expect(operations).toContain(op);
			expect(validateAgainstSpec('huntress', samples).filter((r) => r.errors.length)).toEqual([]);
		});

		it('the validator does reject a response that breaks the spec', () => {
			const [result] = validateAgainstSpec('huntress', [
				{
					label: 'control: wrong types',
					body: { agent: { id: 'x', hostname: 1 } },
					operationId: 'getV1AgentsId',
					status: 200,
				},
			]);
			expect(result.errors.length).toBeGreaterThan(0);
		});
	});
});
