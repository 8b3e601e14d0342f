import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { SANDBOX_TENANT } from '../../../sandbox/vendors/microsoft-login';

async function token(
	sandbox: Sandbox,
	app = SANDBOX_TENANT.apps[0],
	scope = 'https://api.securitycenter.microsoft.com/.default',
): Promise<string> {
	const res = await axios.post(
		`${sandbox.baseUrl}/microsoft-login/${SANDBOX_TENANT.id}/oauth2/v2.0/token`,
		new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: app.appId,
			client_secret: app.secret,
			scope,
		}).toString(),
		{ headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
	);
	return res.data.access_token as string;
}

describe('sandbox: Microsoft Defender for Endpoint API', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 12 } });
		http = axios.create({
			baseURL: `${sandbox.baseUrl}/defender/api`,
			validateStatus: () => true,
			headers: { Authorization: `Bearer ${await token(sandbox)}` },
		});
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.setFaults({ profile: 'none', vendors: [] });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	it('accepts only tokens of the sandbox login for the Defender audience', async () => {
		const bare = axios.create({
			baseURL: `${sandbox.baseUrl}/defender/api`,
			validateStatus: () => true,
		});
		const missing = await bare.get('/alerts');
		expect(missing.status).toBe(401);
		expect(missing.data).toEqual({
			error: { code: 'Unauthorized', message: 'Unauthorized', target: expect.any(String) },
		});
		expect(
			(await bare.get('/alerts', { headers: { Authorization: 'Bearer forged' } })).status,
		).toBe(401);
		const graph = await token(
			sandbox,
			SANDBOX_TENANT.apps[0],
			'https://graph.microsoft.com/.default',
		);
		expect(
			(await bare.get('/alerts', { headers: { Authorization: `Bearer ${graph}` } })).status,
		).toBe(401);
	});

	it('refuses an application without the permission with 403', async () => {
		const readOnly = await token(sandbox, SANDBOX_TENANT.apps[1]);
		const headers = { Authorization: `Bearer ${readOnly}` };
		const machine = sandbox.world().devices[0].ids.defenderMachineId;
		expect((await http.get('/alerts', { headers })).status).toBe(200);
		const res = await http.post(
			`/machines/${machine}/isolate`,
			{ Comment: 'x', IsolationType: 'Full' },
			{ headers },
		);
		expect(res.status).toBe(403);
		expect(res.data.error).toMatchObject({
			code: 'Forbidden',
			message: expect.stringContaining('Machine.Isolate'),
		});
	});

	it('lists alerts with OData $filter, $top and $skip', async () => {
		const all = await http.get('/alerts');
		expect(all.status).toBe(200);
		expect(all.data['@odata.context']).toMatch(/\$metadata#Alerts$/);
		expect(all.data.value).toHaveLength(16);
		expect(all.data['@odata.nextLink']).toBeUndefined();
		const pages: string[] = [];
		for (let skip = 0; ; skip += 5) {
			const page = await http.get('/alerts', { params: { $top: 5, $skip: skip } });
			expect(page.data['@odata.nextLink']).toBeUndefined();
			pages.push(...page.data.value.map((a: { id: string }) => a.id));
			if (page.data.value.length < 5) break;
		}
		expect(new Set(pages).size).toBe(16);
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const since = await http.get('/alerts', {
			params: {
				$filter: `alertCreationTime ge ${ransomware.detectedAt} and (severity eq 'High' or severity eq 'Medium')`,
			},
		});
		expect(since.data.value.map((a: { id: string }) => a.id)).toContain(ransomware.defenderAlertId);
		expect(
			since.data.value.every((a: { severity: string }) => ['High', 'Medium'].includes(a.severity)),
		).toBe(true);
		const bad = await http.get('/alerts', { params: { $filter: "machineId eq 'x'" } });
		expect(bad.status).toBe(400);
		expect(bad.data.error.code).toBe('ODataError');
		expect((await http.get('/alerts', { params: { $top: 10001 } })).status).toBe(400);
	});

	it('gets and updates an alert; body names and values are case-sensitive', async () => {
		const threat = sandbox.world().threats[1];
		const got = await http.get(`/alerts/${threat.defenderAlertId}`, {
			params: { $expand: 'evidence' },
		});
		expect(got.data).toMatchObject({
			id: threat.defenderAlertId,
			status: 'New',
			machineId: expect.any(String),
			evidence: [expect.objectContaining({ sha1: threat.sha1 })],
		});
		const patched = await http.patch(`/alerts/${threat.defenderAlertId}`, {
			status: 'InProgress',
			classification: 'FalsePositive',
			determination: 'NotMalicious',
			comment: 'Signed vendor tool',
		});
		expect(patched.status).toBe(200);
		expect(patched.data).toMatchObject({
			status: 'InProgress',
			classification: 'FalsePositive',
			determination: 'NotMalicious',
			comments: [expect.objectContaining({ comment: 'Signed vendor tool' })],
		});
		expect(sandbox.world().threats[1]).toMatchObject({
			status: 'inProgress',
			verdict: 'falsePositive',
		});
		expect(
			(await http.patch(`/alerts/${threat.defenderAlertId}`, { Status: 'Resolved' })).data.error
				.code,
		).toBe('InvalidRequestBody');
		expect(
			(await http.patch(`/alerts/${threat.defenderAlertId}`, { status: 'resolved' })).status,
		).toBe(400);
		expect(
			(
				await http.patch(`/alerts/${threat.defenderAlertId}`, {
					classification: 'TruePositive',
					determination: 'NotMalicious',
				})
			).status,
		).toBe(400);
		const missing = await http.get('/alerts/da000');
		expect(missing.status).toBe(404);
		expect(missing.data.error.code).toBe('NotFound');
	});

	it('finds machines by id, computer name and $filter; an empty list is a 404', async () => {
		const device = sandbox.world().devices[0];
		const byId = await http.get(`/machines/${device.ids.defenderMachineId}`);
		expect(byId.data).toMatchObject({
			id: device.ids.defenderMachineId,
			computerDnsName: expect.stringMatching(new RegExp(`^${device.hostname.toLowerCase()}\\.`)),
		});
		expect((await http.get(`/machines/${byId.data.computerDnsName}`)).data.id).toBe(
			device.ids.defenderMachineId,
		);
		const filtered = await http.get('/machines', {
			params: { $filter: `startswith(computerDnsName,'${device.hostname.toLowerCase()}.')` },
		});
		expect(filtered.data.value).toHaveLength(1);
		const none = await http.get('/machines', {
			params: { $filter: "computerDnsName eq 'nothing.local'" },
		});
		expect(none.status).toBe(404);
		const unknown = await http.get('/machines/0000');
		expect(unknown.data.error).toMatchObject({
			code: 'ResourceNotFound',
			message: 'Machine 0000 was not found',
		});
	});

	it('isolates with a 201 MachineAction that goes Pending, InProgress, Succeeded; duplicates are refused', async () => {
		const device = sandbox.world().devices[2];
		const id = device.ids.defenderMachineId;
		expect(
			(
				await http.post(`/machines/${id}/isolate`, {
					comment: 'lower-case name',
					IsolationType: 'Full',
				})
			).data.error,
		).toMatchObject({ code: 'MissingRequiredParameter', message: 'Parameter Comment is missing' });
		const created = await http.post(`/machines/${id}/isolate`, {
			Comment: 'Isolate due to alert',
			IsolationType: 'Full',
		});
		expect(created.status).toBe(201);
		expect(created.data).toMatchObject({
			type: 'Isolate',
			status: 'Pending',
			scope: 'Full',
			machineId: id,
			requestorComment: 'Isolate due to alert',
		});
		expect(sandbox.world().devices[2].containment).toBe('pendingIsolation');
		const again = await http.post(`/machines/${id}/isolate`, {
			Comment: 'again',
			IsolationType: 'Full',
		});
		expect(again.status).toBe(400);
		expect(again.data.error.message).toBe('Action is already in progress');
		expect((await http.get(`/machineactions/${created.data.id}`)).data.status).toBe('InProgress');
		expect((await http.get(`/machineactions/${created.data.id}`)).data.status).toBe('Succeeded');
		expect(sandbox.world().devices[2].containment).toBe('isolated');
		const list = await http.get('/machineactions', {
			params: { $filter: `machineId eq '${id}' and type eq 'Isolate'` },
		});
		expect(list.data.value[0]).toMatchObject({ id: created.data.id, status: 'Succeeded' });
		const release = await http.post(`/machines/${id}/unisolate`, { Comment: 'Threat cleared' });
		expect(release.status).toBe(201);
		expect(release.data.type).toBe('Unisolate');
	});

	it('stops and quarantines a file and runs an antivirus scan', async () => {
		const threat = sandbox.world().threats[0];
		const device = sandbox.world().devices.find((d) => d.key === threat.deviceKey)!;
		const id = device.ids.defenderMachineId;
		const stop = await http.post(`/machines/${id}/StopAndQuarantineFile`, {
			Comment: 'Stop ransomware',
			Sha1: threat.sha1,
		});
		expect(stop.status).toBe(201);
		expect(stop.data).toMatchObject({
			type: 'StopAndQuarantineFile',
			relatedFileInfo: { fileIdentifier: threat.sha1, fileIdentifierType: 'Sha1' },
		});
		await http.get(`/machineactions/${stop.data.id}`);
		expect((await http.get(`/machineactions/${stop.data.id}`)).data.status).toBe('Succeeded');
		expect(sandbox.world().threats[0].mitigationStatus).toBe('mitigated');
		expect(
			(await http.post(`/machines/${id}/StopAndQuarantineFile`, { Comment: 'x', Sha1: 'abc' })).data
				.error.code,
		).toBe('InvalidHashValue');
		const scan = await http.post(`/machines/${id}/runAntiVirusScan`, {
			Comment: 'Full scan',
			ScanType: 'Full',
		});
		expect(scan.status).toBe(201);
		expect(scan.data).toMatchObject({ type: 'RunAntiVirusScan', status: 'Pending' });
	});

	it('throttles at the published per-minute limit with 429 and Retry-After', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['defender'], throttleWindowScale: 1 });
		const own = axios.create({
			baseURL: `${sandbox.baseUrl}/defender/api`,
			validateStatus: () => true,
			headers: { Authorization: `Bearer ${await token(sandbox)}` },
		});
		const results = await Promise.all(
			Array.from({ length: 101 }, () => own.get('/machines', { params: { $top: 1 } })),
		);
		const limited = results.filter((r) => r.status === 429);
		expect(limited).toHaveLength(1);
		expect(Number(limited[0].headers['retry-after'])).toBeGreaterThan(0);
		expect(limited[0].data.error.code).toBe('TooManyRequests');
		// 101 requests at once: the time a loaded machine needs.
	}, 60_000);

	it('exports an n8n credential that points at the sandbox login and API', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspMicrosoftDefenderApi');
		expect(entry).toMatchObject({
			id: 'sandbox-defender',
			data: {
				tenantId: SANDBOX_TENANT.id,
				apiHost: 'custom',
				customApiUrl: sandbox.vendorUrl('defender'),
				loginHost: sandbox.vendorUrl('microsoft-login'),
			},
		});
	});
});
