import axios, { type AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { FALCON_CLIENTS, FALCON_IDS } from '../../../sandbox/vendors/crowdstrike';

/**
 * FalconPy's endpoint table is the only machine-readable Falcon spec (operation, method, path, query
 * and body parameters; no response schemas): each route the sandbox serves must be one of its
 * operations, take its documented parameters, and answer in Falcon's `{meta, errors, resources}` envelope.
 */
const SPEC = JSON.parse(
	fs.readFileSync(
		path.resolve(
			__dirname,
			'../../fixtures/vendor-specs/crowdstrike-falconpy-endpoints-subset.json',
		),
		'utf8',
	),
) as {
	modules: Record<
		string,
		Array<{
			operationId: string;
			method: string;
			path: string;
			parameters: Array<{
				name: string;
				in: string;
				required?: boolean;
				maximum?: number;
				maxItems?: number;
			}>;
		}>
	>;
};
const operation = (id: string) =>
	Object.values(SPEC.modules)
		.flat()
		.find((o) => o.operationId === id)!;

function expectEnvelope(body: unknown): void {
	expect(body).toEqual({
		meta: expect.objectContaining({ query_time: expect.any(Number), trace_id: expect.any(String) }),
		errors: expect.any(Array),
		resources: expect.any(Array),
	});
}

describe('sandbox: CrowdStrike Falcon', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	const base = () => sandbox.vendorUrl('crowdstrike');
	const token = async (
		client: { clientId: string; clientSecret: string } = FALCON_CLIENTS.analyst,
	) =>
		await axios.post(
			`${base()}/oauth2/token`,
			new URLSearchParams({
				client_id: client.clientId,
				client_secret: client.clientSecret,
			}).toString(),
			{
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				validateStatus: () => true,
			},
		);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(async () => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [] });
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 60_000 });
		const issued = await token();
		http = axios.create({
			baseURL: base(),
			validateStatus: () => true,
			headers: { Authorization: `Bearer ${issued.data.access_token}` },
			paramsSerializer: { indexes: null },
		});
	});

	it('issues a token as oauth2AccessToken documents: form fields, 201, bearer, 1799 seconds', async () => {
		const spec = operation('oauth2AccessToken');
		expect([spec.method, spec.path]).toEqual(['POST', '/oauth2/token']);
		expect(spec.parameters.filter((p) => p.required).map((p) => [p.name, p.in])).toEqual([
			['client_id', 'formData'],
			['client_secret', 'formData'],
		]);
		const ok = await token();
		expect(ok.status).toBe(201);
		expect(ok.data).toEqual({
			access_token: expect.any(String),
			token_type: 'bearer',
			expires_in: 1799,
		});
		const refused = await token({
			clientId: FALCON_CLIENTS.analyst.clientId,
			clientSecret: 'nope',
		});
		expect(refused.status).toBe(403);
		expectEnvelope(refused.data);
		expect(refused.data.errors[0]).toEqual({ code: 403, message: expect.any(String) });
	});

	it('refuses a missing or unknown bearer token with 401 and the errors array; answers carry the rate-limit headers', async () => {
		const res = await axios.get(`${base()}/devices/queries/devices/v1`, {
			validateStatus: () => true,
		});
		expect(res.status).toBe(401);
		expectEnvelope(res.data);
		expect(res.data.errors).toEqual([
			{ code: 401, message: 'access denied, invalid bearer token' },
		]);
		const ok = await http.get('/devices/queries/devices/v1', { params: { limit: 1 } });
		expect(Number(ok.headers['x-ratelimit-limit'])).toBe(6000);
		expect(Number(ok.headers['x-ratelimit-remaining'])).toBeLessThan(6000);
	});

	it('queries hosts with FQL and offset/limit (QueryDevicesByFilter), details by up to 100 ids (GetDeviceDetailsV2)', async () => {
		const query = operation('QueryDevicesByFilter');
		expect(query.parameters.map((p) => p.name).sort()).toEqual([
			'filter',
			'limit',
			'offset',
			'sort',
		]);
		const world = sandbox.world();
		const page = await http.get(query.path, {
			params: { filter: "hostname:*'BSD-*'", limit: 2, offset: 1 },
		});
		expect(page.status).toBe(200);
		expectEnvelope(page.data);
		const bsd = world.devices.filter((d) => d.hostname.startsWith('BSD-'));
		expect(page.data.meta.pagination).toEqual({ offset: 1, limit: 2, total: bsd.length });
		expect(page.data.resources).toHaveLength(2);
		for (const id of page.data.resources) expect(id).toMatch(/^[0-9a-f]{32}$/);

		const details = operation('GetDeviceDetailsV2');
		expect(details.parameters[0]).toMatchObject({
			name: 'ids',
			in: 'query',
			required: true,
			maxItems: 100,
		});
		const read = await http.get(details.path, { params: { ids: page.data.resources } });
		expectEnvelope(read.data);
		expect(read.data.resources.map((h: { device_id: string }) => h.device_id)).toEqual(
			page.data.resources,
		);
		expect(read.data.resources[0]).toMatchObject({
			cid: expect.stringMatching(/^[0-9a-f]{32}$/),
			hostname: expect.stringMatching(/^BSD-/),
			status: 'normal',
			product_type_desc: expect.stringMatching(/^(Workstation|Server|Domain Controller)$/),
		});
		const tooMany = await http.get(details.path, {
			params: { ids: Array.from({ length: 101 }, () => page.data.resources[0]) },
		});
		expect(tooMany.status).toBe(400);
		expectEnvelope(tooMany.data);
		const badFilter = await http.get(query.path, { params: { filter: 'hostname:' } });
		expect(badFilter.status).toBe(400);
		expect(badFilter.data.errors[0].message).toMatch(/Invalid filter/);
	});

	it('contains and lifts containment (PerformActionV2): 202, containment_pending then contained', async () => {
		const action = operation('PerformActionV2');
		expect(action.parameters.find((p) => p.in === 'query')).toMatchObject({
			name: 'action_name',
			required: true,
		});
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
		const device = sandbox.world().devices[0];
		const aid = FALCON_IDS.aid(device);
		const contained = await http.post(
			action.path,
			{ ids: [aid] },
			{ params: { action_name: 'contain' } },
		);
		expect(contained.status).toBe(202);
		expectEnvelope(contained.data);
		expect(contained.data.resources).toEqual([{ id: aid, path: '' }]);
		const status = async () =>
			(await http.get('/devices/entities/devices/v2', { params: { ids: [aid] } })).data.resources[0]
				.status;
		expect(await status()).toBe('containment_pending');
		expect(await status()).toBe('contained');
		await http.post(action.path, { ids: [aid] }, { params: { action_name: 'lift_containment' } });
		expect(await status()).toBe('lift_containment_pending');
		expect(await status()).toBe('normal');
		const unknown = await http.post(
			action.path,
			{ ids: ['0'.repeat(32)] },
			{ params: { action_name: 'contain' } },
		);
		expect(unknown.status).toBe(404);
		expect(unknown.data.errors[0]).toEqual({
			code: 404,
			message: expect.stringMatching(/not found/i),
		});
		const badAction = await http.post(
			action.path,
			{ ids: [aid] },
			{ params: { action_name: 'isolate' } },
		);
		expect(badAction.status).toBe(400);
	});

	it('queries alerts (GetQueriesAlertsV2), reads them (PostEntitiesAlertsV2) and updates them (PatchEntitiesAlertsV3)', async () => {
		const query = operation('GetQueriesAlertsV2');
		expect(query.parameters.map((p) => p.name).sort()).toEqual([
			'filter',
			'include_hidden',
			'limit',
			'offset',
			'q',
			'sort',
		]);
		const world = sandbox.world();
		const high = world.threats.filter((t) => t.severity === 'high' || t.severity === 'critical');
		const ids = await http.get(query.path, {
			params: { filter: 'severity:>=70', sort: 'created_timestamp|desc', limit: 10000 },
		});
		expectEnvelope(ids.data);
		expect(ids.data.meta.pagination).toEqual({ offset: 0, limit: 10000, total: high.length });
		expect((await http.get(query.path, { params: { limit: 10001 } })).status).toBe(400);

		const read = await http.post(operation('PostEntitiesAlertsV2').path, {
			composite_ids: ids.data.resources,
		});
		expectEnvelope(read.data);
		const [alert] = read.data.resources;
		expect(alert).toMatchObject({
			composite_id: ids.data.resources[0],
			product: 'epp',
			severity: expect.any(Number),
			severity_name: expect.stringMatching(/^(High|Critical)$/),
			confidence: expect.any(Number),
			status: expect.stringMatching(/^(new|in_progress|closed)$/),
			device: { device_id: alert.agent_id, hostname: expect.any(String) },
			created_timestamp: expect.stringMatching(/\.\d{9}Z$/),
		});

		const patch = operation('PatchEntitiesAlertsV3');
		const updated = await http.patch(patch.path, {
			composite_ids: [alert.composite_id],
			action_parameters: [
				{ name: 'update_status', value: 'in_progress' },
				{ name: 'append_comment', value: 'Contained host via n8n' },
			],
		});
		expect(updated.status).toBe(200);
		expect(updated.data.meta.writes).toEqual({ resources_affected: 1 });
		const threat = world.threats.find((t) => FALCON_IDS.alert(world, t) === alert.composite_id)!;
		expect(threat.status).toBe('inProgress');
		expect(threat.notes.at(-1)?.text).toBe('Contained host via n8n');
		const bad = await http.patch(patch.path, {
			composite_ids: [alert.composite_id],
			action_parameters: [{ name: 'update_status', value: 'resolved' }],
		});
		expect(bad.status).toBe(400);
		expectEnvelope(bad.data);
	});

	it('refuses writes to the read-only API client with 403', async () => {
		const issued = await token(FALCON_CLIENTS.readOnly);
		const res = await axios.post(
			`${base()}/devices/entities/devices-actions/v2`,
			{ ids: [FALCON_IDS.aid(sandbox.world().devices[0])] },
			{
				params: { action_name: 'contain' },
				headers: { Authorization: `Bearer ${issued.data.access_token}` },
				validateStatus: () => true,
			},
		);
		expect(res.status).toBe(403);
		expect(res.data.errors).toEqual([
			{ code: 403, message: 'access denied, authorization failed' },
		]);
	});

	it('provides an importable n8n credential', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspCrowdStrikeApi');
		expect(entry).toMatchObject({
			id: 'sandbox-crowdstrike',
			data: { cloud: 'custom', customApiUrl: base(), clientId: FALCON_CLIENTS.analyst.clientId },
		});
	});
});
