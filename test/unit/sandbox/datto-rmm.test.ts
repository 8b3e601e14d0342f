import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { deviceUid, siteUid } from '../../../sandbox/vendors/datto-rmm/mappers';
import { PATCH_INSTALL_COMPONENT } from '../../../sandbox/vendors/datto-rmm/slice';
import { validateAgainstSpec, type SpecSample as Sample } from './spec';

const validate = (samples: Sample[]) => validateAgainstSpec('datto-rmm', samples);

describe('sandbox: Datto RMM', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let creds: Record<string, string>;
	const samples: Sample[] = [];

	async function token(): Promise<string> {
		const res = await http.post(
			'/auth/oauth/token',
			new URLSearchParams({
				grant_type: 'password',
				username: creds.apiKey,
				password: creds.apiSecret,
			}).toString(),
			{
				auth: { username: 'public-client', password: 'public' },
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			},
		);
		expect(res.status).toBe(200);
		return String(res.data.access_token);
	}
	async function call(method: 'get' | 'put' | 'post', url: string, body?: unknown) {
		const headers = { Authorization: `Bearer ${await token()}` };
		return method === 'get'
			? await http.get(url, { headers })
			: await http.request({ method, url, data: body, headers });
	}
	async function sampled(label: string, operationId: string, url: string) {
		const res = await call('get', url);
		expect(res.status).toBe(200);
		samples.push({ label, operationId, status: 200, body: res.data });
		return res.data;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 600_000 } });
		http = axios.create({ baseURL: sandbox.vendorUrl('datto-rmm'), validateStatus: () => true });
		creds = sandbox.vendorCredentials().find((v) => v.id === 'datto-rmm')?.credentials as Record<
			string,
			string
		>;
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [], throttleWindowScale: 1 });
	});

	it('issues a bearer token for the password grant with the public client, and refuses others', async () => {
		expect(await token()).toMatch(/.{16,}/);
		const wrong = await http.post(
			'/auth/oauth/token',
			'grant_type=password&username=x&password=y',
			{
				auth: { username: 'public-client', password: 'public' },
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			},
		);
		expect(wrong.status).toBe(400);
		expect(wrong.data).toEqual({ error: 'invalid_grant', error_description: 'Bad credentials' });
		const noClient = await http.post(
			'/auth/oauth/token',
			`grant_type=password&username=${creds.apiKey}&password=${creds.apiSecret}`,
			{ headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
		);
		expect(noClient.status).toBe(401);
		const anonymous = await http.get('/api/v2/account/devices');
		expect(anonymous.status).toBe(401);
		samples.push({
			label: '401',
			operationId: 'getUserAccountDevices_1',
			status: 401,
			body: anonymous.data,
		});
	});

	it('pages with page (0-based) and max, nextPageUrl absolute with /api and "" on the last page', async () => {
		sandbox.reset({ clients: 3, devicesPerClient: 5 });
		const first = await sampled(
			'devices page 0',
			'getUserAccountDevices_1',
			'/api/v2/account/devices?max=6&page=0',
		);
		expect(first.devices).toHaveLength(6);
		expect(first.pageDetails.nextPageUrl).toBe(
			`${sandbox.vendorUrl('datto-rmm')}/api/v2/account/devices?max=6&page=1`,
		);
		const next = new URL(first.pageDetails.nextPageUrl as string);
		const last = await sampled(
			'devices page 2',
			'getUserAccountDevices_1',
			`${next.pathname.replace(/^\/datto-rmm/, '')}?max=6&page=2`,
		);
		expect(last.pageDetails.nextPageUrl).toBe('');
		expect(typeof first.devices[0].lastSeen).toBe('number');
	});

	it('every response the provider relies on matches the Datto RMM spec', async () => {
		const world = sandbox.world();
		const client = world.clients[0];
		const host = world.devices.find((d) => d.hostname === 'BSD-WS01')!;
		await sampled('sites', 'getSites', '/api/v2/account/sites');
		await sampled('site devices', 'getSiteDevices_1', `/api/v2/site/${siteUid(client)}/devices`);
		await sampled('device', 'getByUid_1', `/api/v2/device/${deviceUid(host)}`);
		await sampled('patches', 'getDevicePatches', `/api/v2/device/${deviceUid(host)}/patches`);
		const components = await sampled('components', 'getComponents', '/api/v2/account/components');
		const disk = components.components.find((c: { name: string }) => /Disk/.test(c.name));
		const body = {
			jobName: 'Check disk',
			jobComponent: { componentUid: disk.uid, variables: [{ name: 'Drive', value: 'C' }] },
		};
		samples.push({
			label: 'quick job request',
			operationId: 'createQuickJob',
			body,
			request: true,
		});
		const started = await call('put', `/api/v2/device/${deviceUid(host)}/quickjob`, body);
		expect(started.status).toBe(200);
		samples.push({ label: 'quick job', operationId: 'createQuickJob', body: started.data });
		const jobUid = started.data.job.uid as string;
		await sampled('job', 'get_1', `/api/v2/job/${jobUid}`);
		const results = await sampled(
			'results',
			'getJobResults',
			`/api/v2/job/${jobUid}/results/${deviceUid(host)}`,
		);
		expect(results.jobDeploymentStatus).toBe('Success');
		await sampled('stdout', 'getStdOut', `/api/v2/job/${jobUid}/results/${deviceUid(host)}/stdout`);
		await sampled(
			'activity',
			'getActivities',
			'/api/v2/activity-logs?entities=device&categories=job',
		);
		const alerts = await sampled(
			'alerts',
			'getUserAccountOpenAlerts',
			'/api/v2/account/alerts/open',
		);
		await sampled(
			'site alerts',
			'getSiteOpenAlerts',
			`/api/v2/site/${siteUid(client)}/alerts/open`,
		);
		await sampled(
			'device alerts',
			'getDeviceOpenAlerts',
			`/api/v2/device/${deviceUid(host)}/alerts/open`,
		);
		const resolved = await call('post', `/api/v2/alert/${alerts.alerts[0].alertUid}/resolve`);
		expect(resolved.status).toBe(200);
		samples.push({ label: 'resolve', operationId: 'resolveAlert', status: 200, body: '' });
		const missing = await call('get', '/api/v2/device/00000000-0000-4000-8000-000000000000');
		expect(missing.status).toBe(404);
		expect(missing.data).toMatchObject({
			status: 404,
			error: 'Not Found',
			message: 'Device was not found.',
		});
		samples.push({ label: '404', operationId: 'getByUid_1', status: 404, body: missing.data });
		const bad = await call('put', `/api/v2/device/${deviceUid(host)}/quickjob`, {
			jobName: 'x',
			jobComponent: { componentUid: disk.uid, variables: [{ name: 'Volume', value: 'C' }] },
		});
		expect(bad.status).toBe(400);
		samples.push({ label: '400', operationId: 'createQuickJob', status: 400, body: bad.data });

		const failures = validate(samples).filter((r) => r.errors.length);
		expect(failures).toEqual([]);
	});

	it('a quick job of the patch install component installs the device’s approved patches, and its reads match the spec', async () => {
		const world = sandbox.world();
		const host = world.devices.find(
			(d) =>
				d.online &&
				!d.failsPatchInstall &&
				!d.staysOfflineAfterReboot &&
				world.patches.some((p) => p.deviceKey === d.key && p.status === 'approved'),
		)!;
		const approved = world.patches.filter(
			(p) => p.deviceKey === host.key && p.status === 'approved',
		);
		const notApproved = world.patches.filter(
			(p) => p.deviceKey === host.key && p.status === 'pending',
		);
		const own: Sample[] = [];
		const read = async (label: string, operationId: string, url: string) => {
			const res = await call('get', url);
			expect(res.status).toBe(200);
			own.push({ label, operationId, status: 200, body: res.data });
			return res.data;
		};
		const components = await read('components', 'getComponents', '/api/v2/account/components');
		const installer = components.components.find(
			(c: { name: string }) => c.name === PATCH_INSTALL_COMPONENT,
		);
		expect(installer).toBeDefined();
		const before = await read('device', 'getByUid_1', `/api/v2/device/${deviceUid(host)}`);
		expect(before.patchManagement).toMatchObject({
			patchStatus: 'ApprovedPending',
			patchesApprovedPending: approved.length,
		});

		const started = await call('put', `/api/v2/device/${deviceUid(host)}/quickjob`, {
			jobName: `${PATCH_INSTALL_COMPONENT} (n8n patch x1)`,
			jobComponent: { componentUid: installer.uid, variables: [] },
		});
		expect(started.status).toBe(200);
		own.push({ label: 'patch quick job', operationId: 'createQuickJob', body: started.data });
		const jobUid = started.data.job.uid as string;
		expect(started.data.job.status).toBe('active');
		for (const patch of approved)
			expect(sandbox.world().patches.find((p) => p.key === patch.key)?.status).toBe('installing');
		const activity = await read(
			'activity',
			'getActivities',
			'/api/v2/activity-logs?entities=device&categories=job&searchQuery=n8n%20patch',
		);
		expect(activity.activities).toEqual([
			expect.objectContaining({
				hostname: host.hostname,
				details: expect.stringContaining(jobUid),
			}),
		]);
		// One status read finishes a job in this sandbox (readsToFinish 1).
		expect((await read('job', 'get_1', `/api/v2/job/${jobUid}`)).status).toBe('completed');
		const results = await read(
			'results',
			'getJobResults',
			`/api/v2/job/${jobUid}/results/${deviceUid(host)}`,
		);
		expect(results).toMatchObject({
			jobDeploymentStatus: 'Success',
			componentResults: [{ componentName: PATCH_INSTALL_COMPONENT, componentStatus: 'Success' }],
		});
		for (const patch of approved)
			expect(sandbox.world().patches.find((p) => p.key === patch.key)?.status).toBe('installed');
		for (const patch of notApproved)
			expect(sandbox.world().patches.find((p) => p.key === patch.key)?.status).toBe('pending');
		const after = await read('device', 'getByUid_1', `/api/v2/device/${deviceUid(host)}`);
		expect(after.patchManagement).toMatchObject({
			patchStatus: 'FullyPatched',
			patchesApprovedPending: 0,
			patchesInstalled: before.patchManagement.patchesInstalled + approved.length,
		});
		expect(validate(own).filter((r) => r.errors.length)).toEqual([]);
	});

	it('the patch install component on the device whose install fails leaves it InstallError', async () => {
		const host = sandbox.world().devices.find((d) => d.failsPatchInstall)!;
		const installer = (await call('get', '/api/v2/account/components')).data.components.find(
			(c: { name: string }) => c.name === PATCH_INSTALL_COMPONENT,
		);
		const started = await call('put', `/api/v2/device/${deviceUid(host)}/quickjob`, {
			jobName: 'Install now',
			jobComponent: { componentUid: installer.uid },
		});
		const jobUid = started.data.job.uid as string;
		const results = await call('get', `/api/v2/job/${jobUid}/results/${deviceUid(host)}`);
		expect(results.data).toMatchObject({ jobDeploymentStatus: 'Failure' });
		const device = await call('get', `/api/v2/device/${deviceUid(host)}`);
		expect(device.data.patchManagement.patchStatus).toBe('InstallError');
	});

	it('answers 429 with Retry-After and the error body under the throttled profile', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['datto-rmm'], throttleWindowScale: 1 });
		const headers = { Authorization: `Bearer ${await token()}` };
		let limited;
		for (let i = 0; i < 700 && !limited; i++) {
			const res = await http.get('/api/v2/system/status', { headers });
			if (res.status === 429) limited = res;
		}
		expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
		expect(limited?.data).toMatchObject({ status: 429, error: 'Too Many Requests' });
		// The same ErrorResponse shape the spec documents for its error statuses.
		const [result] = validate([
			{ label: '429 body', operationId: 'getByUid_1', status: 404, body: limited?.data },
		]);
		expect(result.errors).toEqual([]);
	});

	it('the validator rejects a payload the spec does not allow', () => {
		const [result] = validate([
			{
				label: 'bad device',
				operationId: 'getByUid_1',
				body: { uid: 5, online: 'yes', lastSeen: 'yesterday' },
			},
		]);
		expect(result.errors.length).toBeGreaterThan(0);
	});
});
