import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { validateAgainstSpec, type SpecSample as Sample } from './spec';

const validate = (samples: Sample[]) => validateAgainstSpec('ninjaone', samples);

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { headers: { 'content-type': 'application/x-www-form-urlencoded' } };

describe('sandbox: NinjaOne', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let creds: Record<string, string>;
	const samples: Sample[] = [];

	async function token(scope = 'monitoring management control'): Promise<string> {
		const res = await http.post(
			'/ws/oauth/token',
			form({
				grant_type: 'client_credentials',
				client_id: creds.clientId,
				client_secret: creds.clientSecret,
				scope,
			}),
			FORM,
		);
		expect(res.status).toBe(200);
		return res.data.access_token as string;
	}
	async function api(
		method: 'get' | 'post' | 'delete',
		url: string,
		body?: unknown,
		scope?: string,
	) {
		const auth = { headers: { authorization: `Bearer ${await token(scope)}` } };
		return method === 'get' || method === 'delete'
			? http[method](url, auth)
			: http.post(url, body, auth);
	}
	/** A GET whose answer is kept for spec validation. */
	async function sampled(label: string, operationId: string, url: string) {
		const res = await api('get', url);
		expect(res.status).toBe(200);
		samples.push({ label, operationId, status: res.status, body: res.data });
		return res;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
		http = axios.create({ baseURL: sandbox.vendorUrl('ninjaone'), validateStatus: () => true });
		creds = sandbox.vendorCredentials().find((v) => v.id === 'ninjaone')?.credentials as Record<
			string,
			string
		>;
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [], throttleWindowScale: 1 });
	});

	describe('authentication', () => {
		it('issues a bearer token for client credentials with the requested scopes', async () => {
			const res = await http.post(
				'/ws/oauth/token',
				form({
					grant_type: 'client_credentials',
					client_id: creds.clientId,
					client_secret: creds.clientSecret,
					scope: 'monitoring management',
				}),
				FORM,
			);
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({
				token_type: 'Bearer',
				expires_in: 3600,
				scope: 'monitoring management',
			});
		});

		it('answers an unknown client app with its resultCode body', async () => {
			const res = await http.post(
				'/ws/oauth/token',
				form({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' }),
				FORM,
			);
			expect(res.status).toBe(401);
			expect(res.data).toEqual({ resultCode: 'Client app not exist' });
		});

		it('refuses a wrong secret, another grant type and a JSON body', async () => {
			const wrong = await http.post(
				'/ws/oauth/token',
				form({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: 'bad' }),
				FORM,
			);
			expect(wrong.status).toBe(401);
			expect(wrong.data.error).toBe('invalid_client');
			const grant = await http.post(
				'/ws/oauth/token',
				form({
					grant_type: 'password',
					client_id: creds.clientId,
					client_secret: creds.clientSecret,
				}),
				FORM,
			);
			expect(grant.status).toBe(400);
			const json = await http.post('/ws/oauth/token', {
				grant_type: 'client_credentials',
				client_id: creds.clientId,
				client_secret: creds.clientSecret,
			});
			expect(json.status).toBe(415);
		});

		it('rejects a missing or expired token with 401 and a resultCode/errorMessage body', async () => {
			const missing = await http.get('/v2/devices');
			expect(missing.status).toBe(401);
			expect(missing.data).toMatchObject({
				resultCode: 'UNAUTHORIZED',
				errorMessage: expect.any(String),
			});
			const bearer = await token();
			(sandbox.world().vendors['ninjaone:tokens'] as Map<string, { expiresAt: number }>).forEach(
				(t) => (t.expiresAt = 0),
			);
			const expired = await http.get('/v2/devices', {
				headers: { authorization: `Bearer ${bearer}` },
			});
			expect(expired.status).toBe(401);
		});

		it('needs the management scope to change a device', async () => {
			const res = await api('post', '/v2/device/1001/patch/os/scan', undefined, 'monitoring');
			expect(res.status).toBe(403);
			expect(res.data.errorMessage).toMatch(/management/);
		});
	});

	describe('devices and organizations', () => {
		it('pages devices with pageSize and after (the last id of the previous page)', async () => {
			const bearer = await token();
			const seen: number[] = [];
			let after = 0;
			for (;;) {
				const page = await http.get(`/v2/devices?pageSize=7&after=${after}`, {
					headers: { authorization: `Bearer ${bearer}` },
				});
				expect(Array.isArray(page.data)).toBe(true);
				seen.push(...page.data.map((d: { id: number }) => d.id));
				if (page.data.length < 7) break;
				after = page.data[page.data.length - 1].id;
			}
			expect(seen).toHaveLength(30);
			expect([...seen].sort((a, b) => a - b)).toEqual(seen);
			expect(new Set(seen).size).toBe(30);
		});

		it('filters devices with df (org, class, online/offline) and rejects a bad filter', async () => {
			const org2 = await sampled(
				'devices of org 2',
				'getDevices',
				'/v2/devices?df=' + encodeURIComponent('org = 2 AND class eq WINDOWS_SERVER'),
			);
			expect(org2.data.map((d: { systemName: string }) => d.systemName)).toEqual([
				'NWL-SRV01',
				'NWL-SRV02',
				'NWL-DC01',
			]);
			sandbox.world().devices.find((d) => d.hostname === 'HLL-WS02')!.online = false;
			const offline = await api('get', '/v2/devices?df=offline');
			expect(offline.data.map((d: { systemName: string }) => d.systemName)).toEqual(['HLL-WS02']);
			const bad = await api('get', '/v2/devices?df=' + encodeURIComponent('hostname ~ x'));
			expect(bad.status).toBe(400);
			expect(bad.data.errorMessage).toMatch(/device filter/);
		});

		it('serves organizations, device detail and search, and a 404 body for an unknown device', async () => {
			await sampled('organizations', 'getOrganizations', '/v2/organizations');
			const detail = await sampled('device detail', 'getDevice', '/v2/device/1013');
			expect(detail.data).toMatchObject({
				id: 1013,
				systemName: 'NWL-WS03',
				nodeClass: 'WINDOWS_WORKSTATION',
				offline: false,
			});
			const search = await sampled('device search', 'search', '/v2/devices/search?q=nwl-ws03');
			expect(search.data.devices.map((d: { id: number }) => d.id)).toEqual([1013]);
			const missing = await api('get', '/v2/device/999999');
			expect(missing.status).toBe(404);
			expect(missing.data).toMatchObject({ resultCode: 'NOT_FOUND' });
		});
	});

	describe('patching', () => {
		it('lists a device’s pending/approved/failed patches and its installs', async () => {
			const pending = await sampled(
				'device os patches',
				'getDevicePendingFailedRejectedOSPatches',
				'/v2/device/1013/os-patches',
			);
			expect(pending.data.length).toBeGreaterThan(0);
			expect(
				pending.data.every((p: { status: string }) =>
					['MANUAL', 'APPROVED', 'FAILED', 'REJECTED'].includes(p.status),
				),
			).toBe(true);
			expect(pending.data[0]).toEqual(
				expect.objectContaining({
					kbNumber: expect.stringMatching(/^KB\d+$/),
					severity: expect.any(String),
					type: expect.any(String),
				}),
			);
			await sampled(
				'device os patch installs',
				'getDeviceInstalledOSPatches',
				'/v2/device/1013/os-patch-installs',
			);
		});

		it('pages the fleet patch report with a cursor until an empty page', async () => {
			const bearer = await token();
			const auth = { headers: { authorization: `Bearer ${bearer}` } };
			const first = await http.get(
				'/v2/queries/os-patches?pageSize=25&df=' + encodeURIComponent('org = 1'),
				auth,
			);
			samples.push({
				label: 'fleet os patches',
				operationId: 'getPendingFailedRejectedOSPatches',
				status: 200,
				body: first.data,
			});
			const rows = [...first.data.results];
			let cursor = first.data.cursor.name as string;
			for (let guard = 0; guard < 20; guard++) {
				const next = await http.get(
					`/v2/queries/os-patches?cursor=${encodeURIComponent(cursor)}`,
					auth,
				);
				if (!next.data.results.length) break;
				rows.push(...next.data.results);
				cursor = next.data.cursor.name;
			}
			const org1Keys = new Set(
				sandbox
					.world()
					.devices.filter((d) => d.clientKey === 'client-1')
					.map((d) => d.key),
			);
			const expected = sandbox
				.world()
				.patches.filter((p) => org1Keys.has(p.deviceKey) && p.status !== 'installed');
			expect(rows).toHaveLength(expected.length);
			expect(new Set(rows.map((r: { id: string }) => r.id)).size).toBe(expected.length);
			const bad = await http.get('/v2/queries/os-patches?cursor=garbage', auth);
			expect(bad.status).toBe(400);
		});

		it('takes one value per patch filter, as the spec types it, and refuses a comma-joined list', async () => {
			const one = await api('get', '/v2/queries/os-patches?status=APPROVED');
			expect(one.status).toBe(200);
			expect(one.data.results.length).toBeGreaterThan(0);
			expect(one.data.results.every((r: { status: string }) => r.status === 'APPROVED')).toBe(true);
			const list = await api('get', '/v2/queries/os-patches?status=APPROVED,MANUAL');
			expect(list.status).toBe(400);
			expect(list.data).toMatchObject({ errorMessage: 'Invalid status filter: APPROVED,MANUAL' });
			const device = await api('get', '/v2/device/1013/os-patches?severity=CRITICAL,IMPORTANT');
			expect(device.status).toBe(400);
			const installs = await api('get', '/v2/queries/os-patch-installs?status=FAILED,INSTALLED');
			expect(installs.status).toBe(400);
		});

		it('apply installs what policy approved, through a PATCH_MANAGEMENT job and activities; NWL-WS03 fails', async () => {
			const before = sandbox
				.world()
				.patches.filter((p) => p.deviceKey === 'device-13' && p.status === 'approved').length;
			const apply = await api('post', '/v2/device/1013/patch/os/apply');
			expect(apply.status).toBe(204);
			samples.push({
				label: 'apply 204',
				operationId: 'submitOSPatchApply',
				status: 204,
				body: undefined,
			});
			const jobs = await sampled('device jobs', 'getDeviceActiveJobs', '/v2/device/1013/jobs');
			expect(jobs.data).toEqual([
				expect.objectContaining({ jobType: 'PATCH_MANAGEMENT', jobStatus: 'IN_PROCESS' }),
			]);
			await api('get', '/v2/device/1013/jobs');
			const activities = await sampled(
				'device activities',
				'getDeviceActivities',
				'/v2/device/1013/activities?activityType=PATCH_MANAGEMENT',
			);
			const codes = activities.data.activities.map((a: { statusCode: string }) => a.statusCode);
			expect(codes.filter((c: string) => c === 'PATCH_MANAGEMENT_INSTALL_FAILED')).toHaveLength(
				before,
			);
			expect(activities.data.activities[0]).toMatchObject({
				statusCode: 'PATCH_MANAGEMENT_APPLY_PATCH_COMPLETED',
				activityResult: 'FAILURE',
			});
			const installs = await sampled(
				'fleet installs',
				'getInstalledOSPatches',
				'/v2/queries/os-patch-installs?status=FAILED&df=' + encodeURIComponent('id = 1013'),
			);
			expect(installs.data.results).toHaveLength(before);
		});

		it('answers 400 "not applicable" for an offline device and starts nothing', async () => {
			sandbox.world().devices.find((d) => d.hostname === 'BSD-WS01')!.online = false;
			const res = await api('post', '/v2/device/1001/patch/os/apply');
			expect(res.status).toBe(400);
			expect(res.data.errorMessage).toBe('Device is not applicable for os apply.');
			expect(sandbox.world().operations).toHaveLength(0);
		});
	});

	describe('scripting', () => {
		it('lists scripting options and runs a script whose result lands in a SCRIPTING activity', async () => {
			const options = await sampled(
				'scripting options',
				'requestScriptingOptions',
				'/v2/device/1001/scripting/options',
			);
			expect(options.data.credentials.roles).toContain('system');
			await sampled('automation scripts', 'getAutomationScripts', '/v2/automation/scripts');
			const run = await api('post', '/v2/device/1001/script/run', {
				type: 'SCRIPT',
				id: 105,
				parameters: '-Drive C',
				runAs: 'system',
			});
			expect(run.status).toBe(204);
			await api('get', '/v2/device/1001/jobs');
			await api('get', '/v2/device/1001/jobs');
			const activities = await api('get', '/v2/device/1001/activities?activityType=SCRIPTING');
			expect(activities.data.activities[0]).toMatchObject({
				statusCode: 'COMPLETED',
				activityResult: 'SUCCESS',
				sourceName: 'Check Disk Space',
				data: { message: { params: { exitCode: 0, output: expect.stringContaining('BSD-WS01') } } },
			});
		});

		it('reads olderThan and newerThan as the spec words them (olderThan: newer than the id)', async () => {
			for (let run = 0; run < 2; run++) {
				expect(
					(await api('post', '/v2/device/1001/script/run', { type: 'SCRIPT', id: 105 })).status,
				).toBe(204);
				await api('get', '/v2/device/1001/jobs');
				await api('get', '/v2/device/1001/jobs');
			}
			const all = (await api('get', '/v2/device/1001/activities?activityType=SCRIPTING')).data
				.activities as Array<{ id: number }>;
			expect(all.length).toBe(4);
			const ids = all.map((a) => a.id).sort((a, b) => a - b);
			const middle = ids[1];
			const newer = await api(
				'get',
				`/v2/device/1001/activities?activityType=SCRIPTING&olderThan=${middle}`,
			);
			expect(newer.data.activities.map((a: { id: number }) => a.id).sort()).toEqual(ids.slice(2));
			const older = await api(
				'get',
				`/v2/device/1001/activities?activityType=SCRIPTING&newerThan=${middle}`,
			);
			expect(older.data.activities.map((a: { id: number }) => a.id)).toEqual([ids[0]]);
			// Newest first, and the account's last activity id.
			expect(all.map((a) => a.id)).toEqual([...ids].reverse());
			expect(newer.data.lastActivityId).toBe(ids[3]);
		});

		it('rejects an unknown script and an invalid runAs', async () => {
			expect(
				(await api('post', '/v2/device/1001/script/run', { type: 'SCRIPT', id: 9999 })).status,
			).toBe(400);
			expect(
				(
					await api('post', '/v2/device/1001/script/run', {
						type: 'SCRIPT',
						id: 101,
						runAs: 'root',
					})
				).status,
			).toBe(400);
		});
	});

	describe('alerts', () => {
		it('lists active alerts and resets one with DELETE /v2/alert/{uid}', async () => {
			const alerts = await sampled('alerts', 'getAlerts', '/v2/alerts');
			expect(alerts.data.length).toBeGreaterThanOrEqual(4);
			const uid = alerts.data[0].uid as string;
			expect((await api('delete', `/v2/alert/${uid}`)).status).toBe(204);
			const after = await api('get', '/v2/alerts');
			expect(after.data.map((a: { uid: string }) => a.uid)).not.toContain(uid);
			expect((await api('delete', `/v2/alert/${uid}`)).status).toBe(404);
			await sampled('device alerts', 'getDeviceAlerts', '/v2/device/1008/alerts');
		});
	});

	describe('throttling', () => {
		it('answers 429 with Retry-After and the resultCode body once the limit is spent', async () => {
			sandbox.setFaults({ profile: 'throttled', vendors: ['ninjaone'] });
			const bearer = await token();
			const auth = { headers: { authorization: `Bearer ${bearer}` } };
			let limited:
				| { status: number; headers: Record<string, unknown>; data: Record<string, unknown> }
				| undefined;
			for (let i = 0; i < 305 && !limited; i++) {
				const res = await http.get('/v2/organizations', auth);
				if (res.status === 429)
					limited = {
						status: res.status,
						headers: res.headers as Record<string, unknown>,
						data: res.data as Record<string, unknown>,
					};
			}
			expect(limited?.status).toBe(429);
			expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
			expect(limited?.data).toMatchObject({ resultCode: 'TOO_MANY_REQUESTS' });
		});
	});

	describe('fire-drill changes', () => {
		it('presents an added domain controller, a moved offline device and an RMM-only client name as the spec describes', async () => {
			sandbox.reset({ variations: { clientNames: { NWL: { rmm: 'Northwind (RMM)' } } } });
			const dc = sandbox.addDevice({
				hostname: 'BSD-AD01',
				client: 'BSD',
				type: 'domainController',
			});
			const moved = sandbox.updateDevice('NWL-WS04', {
				client: 'HLL',
				hostname: 'HLL-FRONTDESK',
				online: false,
			});
			const added = await sampled(
				'added domain controller',
				'getDevice',
				`/v2/device/${dc.ids.ninjaOne.deviceId}`,
			);
			expect(added.data).toMatchObject({
				systemName: 'BSD-AD01',
				nodeClass: 'WINDOWS_SERVER',
				nodeRoleId: 3,
			});
			const changed = await sampled(
				'moved offline device',
				'getDevice',
				`/v2/device/${moved.ids.ninjaOne.deviceId}`,
			);
			expect(changed.data).toMatchObject({
				systemName: 'HLL-FRONTDESK',
				offline: true,
				organizationId: 3,
			});
			const orgs = await sampled(
				'organizations with an RMM-only name',
				'getOrganizations',
				'/v2/organizations',
			);
			expect(orgs.data.map((o: { name: string }) => o.name)).toContain('Northwind (RMM)');
		});
	});

	it('every response the node relies on matches the NinjaOne spec', () => {
		expect(samples.length).toBeGreaterThanOrEqual(14);
		const failures = validate(samples).filter((r) => r.errors.length);
		expect(failures).toEqual([]);
	});

	it('the validator rejects a payload the spec does not allow', () => {
		const [result] = validate([
			{
				label: 'bad device',
				operationId: 'getDevice',
				status: 200,
				body: { id: 'not-a-number', offline: 'no' },
			},
		]);
		expect(result.errors.length).toBeGreaterThan(0);
	});
});
