import axios, { type AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { compileConditions } from '../../../sandbox/vendors/connectwise-psa/conditions';

const API = '/v4_6_release/apis/3.0';

function authHeaders(c: Record<string, string>) {
	return {
		Authorization: `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`,
		clientId: c.clientId,
	};
}

/** ConnectWise dates (whole seconds, UTC) relative to the world's clock. */
const cwDateBefore = (sandbox: Sandbox, ms: number) =>
	new Date(Date.parse(sandbox.world().createdAt) - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const yearBefore = (sandbox: Sandbox) => cwDateBefore(sandbox, 365 * 86_400_000);
const halfHourBefore = (sandbox: Sandbox) => ({
	timeStart: cwDateBefore(sandbox, 3_600_000),
	timeEnd: cwDateBefore(sandbox, 1_800_000),
});

/** Field names of the ConnectWise models derived from its OpenAPI spec (no full spec is redistributable). */
function modelFields(model: string): Set<string> {
	const file = path.resolve(
		__dirname,
		'../../fixtures/vendor-specs/connectwise-core-models.derived.json',
	);
	if (!fs.existsSync(file)) throw new Error(`ConnectWise derived models missing at ${file}`);
	const models = (
		JSON.parse(fs.readFileSync(file, 'utf8')) as {
			models: Record<string, { fields: Array<{ name: string }> }>;
		}
	).models;
	const key = Object.keys(models).find((k) => k === model || k.startsWith(`${model} `));
	if (!key) throw new Error(`No model ${model}`);
	return new Set(models[key].fields.map((f) => f.name));
}

function expectKnownFields(record: Record<string, unknown>, model: string): void {
	const known = modelFields(model);
	expect(Object.keys(record).filter((k) => !known.has(k))).toEqual([]);
}

describe('sandbox: ConnectWise PSA', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let anonymous: AxiosInstance;
	let creds: Record<string, string>;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		creds = sandbox.vendorCredentials().find((v) => v.id === 'connectwise-psa')!.credentials;
		const baseURL = `${sandbox.vendorUrl('connectwise-psa')}${API}`;
		http = axios.create({ baseURL, headers: authHeaders(creds), validateStatus: () => true });
		anonymous = axios.create({ baseURL, validateStatus: () => true });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', throttleWindowScale: 1 });
	});

	it('rejects missing or wrong keys and a missing clientId with the ErrorResponseMessage shape', async () => {
		const none = await anonymous.get('/service/tickets');
		expect(none.status).toBe(401);
		expect(none.data).toEqual({ code: 'Unauthorized', message: expect.any(String), errors: null });
		const wrong = await anonymous.get('/service/tickets', {
			headers: authHeaders({ ...creds, privateKey: 'nope' }),
		});
		expect(wrong.status).toBe(401);
		const noClientId = await anonymous.get('/service/tickets', {
			headers: { Authorization: authHeaders(creds).Authorization },
		});
		expect(noClientId.status).toBe(401);
		expect(noClientId.data.message).toMatch(/clientId/);
	});

	it('pages at pageSize with RFC 5988 Link headers and caps pageSize at 1000', async () => {
		const first = await http.get('/service/tickets', {
			params: { pageSize: 10, orderBy: 'id asc' },
		});
		expect(first.status).toBe(200);
		expect(first.data).toHaveLength(10);
		expect(first.headers.link).toMatch(/page=2>; rel="next"/);
		expect(first.headers.link).toMatch(/rel="last"/);
		const next = /<([^>]+)>; rel="next"/.exec(first.headers.link as string)![1];
		const second = await axios.get(next, { headers: authHeaders(creds) });
		expect(second.data[0].id).toBe(first.data[9].id + 1);
		expect(second.headers.link).toMatch(/rel="prev"/);
		const all = await http.get('/service/tickets', { params: { pageSize: 5000 } });
		expect(all.data).toHaveLength(sandbox.world().clients.length * 14);
		expect(all.headers.link).toBeUndefined();
		const byDefault = await http.get('/service/tickets');
		expect(byDefault.data).toHaveLength(25);
	});

	it('filters with conditions: strings, booleans, dates, reference paths, like, in and not', async () => {
		const company = sandbox.world().clients[0].ids.connectwiseCompanyId;
		const res = await http.get('/service/tickets', {
			params: {
				conditions: `company/id=${company} and closedFlag=false and lastUpdated>[${yearBefore(sandbox)}] and board/name="Help Desk"`,
				pageSize: 1000,
			},
		});
		expect(res.status).toBe(200);
		expect(res.data.length).toBeGreaterThan(0);
		for (const t of res.data)
			expect(t).toMatchObject({
				company: { id: company },
				closedFlag: false,
				board: { name: 'Help Desk' },
			});
		const count = await http.get('/service/tickets/count', {
			params: {
				conditions: `company/id=${company} and closedFlag=false and board/name="Help Desk"`,
			},
		});
		expect(count.data).toEqual({ count: res.data.length });
		expect(
			compileConditions('summary like "disk%" or board/id in (2, 3)')({
				summary: 'Disk full',
				board: { id: 1 },
			}),
		).toBe(true);
		expect(compileConditions('summary not contains "disk"')({ summary: 'Disk full' })).toBe(false);
		const bad = await http.get('/service/tickets', { params: { conditions: 'nosuchfield = 1' } });
		expect(bad.status).toBe(400);
		expect(bad.data).toMatchObject({ code: 'InvalidObject', errors: null });
	});

	it('creates, patches, closes and reopens a ticket the ConnectWise way', async () => {
		const company = sandbox.world().clients[1].ids.connectwiseCompanyId;
		const created = await http.post('/service/tickets', {
			summary: 'Disk C: below 5% on NWL-DC01',
			company: { id: company },
			board: { name: 'Help Desk' },
			externalXRef: 'rmm-alert-1',
			initialDescription: 'From the RMM',
		});
		expect(created.status).toBe(201);
		expect(created.data).toMatchObject({
			summary: 'Disk C: below 5% on NWL-DC01',
			status: { name: 'New' },
			closedFlag: false,
			externalXRef: 'rmm-alert-1',
		});
		expectKnownFields(created.data, 'Ticket');
		const id = created.data.id as number;
		const notes = await http.get(`/service/tickets/${id}/notes`);
		expect(notes.data).toEqual([
			expect.objectContaining({ text: 'From the RMM', detailDescriptionFlag: true }),
		]);
		expectKnownFields(notes.data[0], 'ServiceNote');

		const closedStatuses = await http.get('/service/boards/1/statuses', {
			params: { conditions: 'closedStatus=true and inactive=false' },
		});
		expect(closedStatuses.data.map((s: { name: string }) => s.name)).toEqual(['>Closed']);
		expectKnownFields(closedStatuses.data[0], 'BoardStatus');
		const closed = await http.patch(`/service/tickets/${id}`, [
			{ op: 'replace', path: 'status', value: { id: closedStatuses.data[0].id } },
		]);
		expect(closed.status).toBe(200);
		expect(closed.data).toMatchObject({ closedFlag: true, closedBy: 'apimember' });
		const timeOnClosed = await http.post('/time/entries', {
			chargeToId: id,
			chargeToType: 'ServiceTicket',
			...halfHourBefore(sandbox),
		});
		expect(timeOnClosed.status).toBe(400);
		const reopened = await http.patch(`/service/tickets/${id}`, [
			{ op: 'replace', path: 'status', value: { name: 'In Progress' } },
		]);
		expect(reopened.data).toMatchObject({
			closedFlag: false,
			closedDate: null,
			status: { name: 'In Progress' },
		});

		const time = await http.post('/time/entries', {
			chargeToId: id,
			chargeToType: 'ServiceTicket',
			...halfHourBefore(sandbox),
			notes: 'Cleanup',
		});
		expect(time.status).toBe(201);
		expect(time.data).toMatchObject({
			actualHours: 0.5,
			chargeToId: id,
			member: { identifier: 'apimember' },
		});
		expectKnownFields(time.data, 'TimeEntry');
	});

	it('answers validation errors with InvalidObject and per-field errors', async () => {
		const res = await http.post('/service/tickets', { summary: 'x'.repeat(101) });
		expect(res.status).toBe(400);
		expect(res.data.code).toBe('InvalidObject');
		expect(res.data.errors).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ field: 'summary' }),
				expect.objectContaining({ field: 'company' }),
			]),
		);
		expectKnownFields(res.data, 'ErrorResponseMessage');
		expectKnownFields(res.data.errors[0], 'ValidationError');
		const badStatus = await http.patch('/service/tickets/5001', [
			{ op: 'replace', path: 'status', value: { name: 'Nope' } },
		]);
		expect(badStatus.data.errors[0].field).toBe('status');
		const missing = await http.get('/service/tickets/999999');
		expect(missing.status).toBe(404);
		expect(missing.data).toMatchObject({ code: 'NotFound' });
	});

	it('serves companies and configurations and attaches a configuration to a ticket', async () => {
		const client = sandbox.world().clients[0];
		const companies = await http.get('/company/companies', {
			params: { conditions: `identifier="${client.ids.connectwiseIdentifier}"` },
		});
		expect(companies.data).toEqual([
			expect.objectContaining({ id: client.ids.connectwiseCompanyId, name: client.name }),
		]);
		expectKnownFields(companies.data[0], 'Company');
		const device = sandbox.world().devices[0];
		const configs = await http.get('/company/configurations', {
			params: { conditions: `serialNumber="${device.serialNumber}"` },
		});
		expect(configs.data).toEqual([
			expect.objectContaining({ id: device.ids.connectwiseConfigurationId, name: device.hostname }),
		]);
		expectKnownFields(configs.data[0], 'Configuration');
		const attach = await http.post('/service/tickets/5001/configurations', {
			id: device.ids.connectwiseConfigurationId,
		});
		expect(attach.status).toBe(201);
		const again = await http.post('/service/tickets/5001/configurations', {
			id: device.ids.connectwiseConfigurationId,
		});
		expect(again.status).toBe(400);
		const listed = await http.get('/service/tickets/5001/configurations');
		expect(listed.data.map((c: { id: number }) => c.id)).toEqual([
			device.ids.connectwiseConfigurationId,
		]);
		const priorities = await http.get('/service/priorities');
		expectKnownFields(priorities.data[0], 'Priority');
	});

	it('throttles under the throttled profile with 429, Retry-After and its documented body', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['connectwise-psa'] });
		const results = await Promise.all(
			Array.from({ length: 1005 }, () => http.get('/service/priorities')),
		);
		const throttled = results.filter((r) => r.status === 429);
		expect(throttled.length).toBe(5);
		expect(Number(throttled[0].headers['retry-after'])).toBeGreaterThan(0);
		expect(throttled[0].data).toEqual({
			error: 'ConnectWiseAPI',
			message: expect.stringMatching(/^Too many requests\. Please try again in \d+ seconds\.$/),
		});
		expect(
			sandbox.requests.query({ vendor: 'connectwise-psa' }).filter((e) => e.fault === 'throttled'),
		).toHaveLength(5);
		// Spending the documented 1,000-a-minute budget takes 1,005 requests: give them the time a loaded machine needs.
	}, 120_000);

	it('provides an importable n8n credential', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspConnectWisePsaApi');
		expect(entry).toMatchObject({
			id: 'sandbox-connectwise-psa',
			name: 'Sandbox ConnectWise PSA',
			data: {
				site: 'custom',
				customUrl: sandbox.vendorUrl('connectwise-psa'),
				companyId: creds.companyId,
			},
		});
	});
});
