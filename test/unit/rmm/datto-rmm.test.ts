import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspDattoRmmApi } from '../../../credentials/MspDattoRmmApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { AlertSchema, DeviceSchema, JobSchema, PatchSchema } from '../../../nodes/shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { tokenStore } from '../../../sandbox/vendors/datto-rmm/auth';
import { deviceUid, siteUid } from '../../../sandbox/vendors/datto-rmm/mappers';
import { PATCH_INSTALL_COMPONENT, slice } from '../../../sandbox/vendors/datto-rmm/slice';
import { fakeExecuteContext } from '../helpers/fakeContext';

/** The node with the Datto RMM provider against the sandbox's Datto RMM. */
describe('MSP RMM Datto RMM', () => {
	let sandbox: Sandbox;
	const node = new MspRmm();
	let credentials: ICredentialDataDecryptedObject;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 600_000 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspDattoRmmApi')
				?.data as ICredentialDataDecryptedObject),
		};
	});

	function context(parameters: Record<string, unknown>, opts: { continueOnFail?: boolean } = {}) {
		return fakeExecuteContext({
			node: { name: 'MSP RMM', type: 'n8n-nodes-msp-orchestration.mspRmm' },
			parameters: {
				provider: 'dattoRmm',
				options: { pollInterval: 1, waitTimeout: 30 },
				...parameters,
			},
			credentials: { mspDattoRmmApi: credentials },
			credentialTypes: [new MspDattoRmmApi()],
			continueOnFail: opts.continueOnFail,
		});
	}
	async function run(parameters: Record<string, unknown>) {
		const made = context(parameters);
		const [out] = await node.execute.call(made.ctx);
		return { rows: out.map((o) => o.json as IDataObject), requests: made.requests };
	}
	const device = (hostname: string) => {
		const found = sandbox.world().devices.find((d) => d.hostname === hostname);
		if (!found) throw new Error(`no ${hostname}`);
		return found;
	};
	const path = (url: string) => new URL(url).pathname.replace(/^\/datto-rmm/, '');

	it('logs in with the password grant and keeps the token for its documented life', async () => {
		const first = await run({ resource: 'device', operation: 'search', returnAll: true });
		expect(first.rows).toHaveLength(sandbox.world().devices.length);
		expect(Number(credentials.expiresAt) - Date.now()).toBeGreaterThan(99 * 3600 * 1000);
		const token = credentials.accessToken;
		await run({ resource: 'device', operation: 'search', returnAll: true });
		expect(credentials.accessToken).toBe(token);

		// A token Datto no longer takes (401) is renewed and the request sent again.
		tokenStore({ world: () => sandbox.world() } as never).expireAll();
		const again = await run({ resource: 'device', operation: 'search', limit: 2 });
		expect(again.rows).toHaveLength(2);
		expect(credentials.accessToken).not.toBe(token);
	});

	it('refuses a wrong secret with Datto’s own words', async () => {
		credentials.apiSecret = 'wrong';
		await expect(run({ resource: 'device', operation: 'search', limit: 1 })).rejects.toThrow(
			/invalid_grant: Bad credentials/,
		);
	});

	it('pages devices with max and page, then pageDetails.nextPageUrl, into the shared shape', async () => {
		sandbox.reset({ clients: 3, devicesPerClient: 110 });
		const { rows, requests } = await run({
			resource: 'device',
			operation: 'search',
			returnAll: true,
		});
		expect(rows).toHaveLength(sandbox.world().devices.length);
		const pages = requests.filter((r) => path(r.url) === '/api/v2/account/devices');
		expect(pages.length).toBe(Math.ceil(rows.length / 250));
		expect(pages[0].qs).toMatchObject({ page: 0, max: 250 });
		expect(new URL(pages[1].url).searchParams.get('page')).toBe('1');
		for (const row of rows) expect(() => DeviceSchema.parse(row)).not.toThrow();
		const sample = rows.find((r) => r.hostname === 'BSD-SRV01');
		expect(sample).toMatchObject({
			id: deviceUid(device('BSD-SRV01')),
			hostnameKey: 'bsd-srv01',
			type: 'server',
			company: { id: sample?.companyId, name: sample?.companyName },
		});
		expect(String(sample?.lastSeen)).toMatch(/Z$/);
	});

	it('lists a site’s devices (site = company) and filters online and type here', async () => {
		const client = sandbox.world().clients[0];
		const { rows, requests } = await run({
			resource: 'device',
			operation: 'search',
			returnAll: true,
			company: { mode: 'id', value: siteUid(client) },
			onlineState: 'online',
		});
		expect(requests.some((r) => path(r.url) === `/api/v2/site/${siteUid(client)}/devices`)).toBe(
			true,
		);
		const expected = sandbox.world().devices.filter((d) => d.clientKey === client.key && d.online);
		expect(rows.map((r) => r.hostname).sort()).toEqual(expected.map((d) => d.hostname).sort());
	});

	it('refuses an ambiguous hostname, listing each device’s client, id and last seen', async () => {
		const twin = device('NWL-WS03');
		sandbox.addDevice({ client: 'BSD', hostname: 'NWL-WS03', type: 'workstation' });
		const made = context({ resource: 'device', operation: 'getByHostname', hostname: 'nwl-ws03' });
		const error = (await node.execute.call(made.ctx).catch((e: unknown) => e)) as Error & {
			description?: string;
		};
		const text = `${error.message} ${error.description ?? ''}`;
		expect(text).toContain(deviceUid(twin));
		expect(text).toMatch(/Northwind/);
		expect(text).toMatch(/Bright Smile/);
	});

	it('refuses a device id that is not a Datto uid before any request', async () => {
		const made = context({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: '1013' },
		});
		await expect(node.execute.call(made.ctx)).rejects.toThrow(/uid/);
		expect(made.requests).toHaveLength(0);
	});

	it('keeps Datto’s error body verbatim and says a device is not found', async () => {
		const made = context({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: '00000000-0000-4000-8000-000000000000' },
		});
		const error = (await node.execute.call(made.ctx).catch((e: unknown) => e)) as Error & {
			description?: string;
		};
		expect(error.message).toMatch(/Datto RMM has no device/);
		expect(error.description).toMatch(/Device was not found\./);
	});

	it('reads patches from the device patch list, Datto’s buckets as the shared statuses', async () => {
		const host = device('NWL-WS03');
		const { rows, requests } = await run({
			resource: 'patch',
			operation: 'list',
			device: { mode: 'id', value: deviceUid(host) },
			statuses: ['pending', 'approved', 'installed'],
		});
		expect(requests.some((r) => path(r.url) === `/api/v2/device/${deviceUid(host)}/patches`)).toBe(
			true,
		);
		const world = sandbox.world().patches.filter((p) => p.deviceKey === host.key);
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			const { hostname: _h, ...patch } = row;
			expect(() => PatchSchema.parse(patch)).not.toThrow();
			const source = world.find((p) => p.uuid === row.id);
			expect(row.kb).toBe(source?.kb);
		}
	});

	/** An online device with approved patches that installs them (not the scenario's failing one). */
	const patchable = () =>
		sandbox
			.world()
			.devices.find(
				(d) =>
					d.online &&
					!d.failsPatchInstall &&
					!d.staysOfflineAfterReboot &&
					sandbox.world().patches.some((p) => p.deviceKey === d.key && p.status === 'approved'),
			)!;
	const patchComponent = () =>
		slice(sandbox.world()).components.find((c) => c.name === PATCH_INSTALL_COMPONENT)!;
	const quickJobs = <R extends { method: string }>(requests: R[]) =>
		requests.filter((r) => r.method === 'PUT');

	it('Apply runs the credential’s patch component as a quick job and waits until the approved patches are installed', async () => {
		const host = patchable();
		const approved = sandbox
			.world()
			.patches.filter((p) => p.deviceKey === host.key && p.status === 'approved');
		const { rows, requests } = await run({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(host) },
			waitForCompletion: true,
		});
		const [put] = quickJobs(requests);
		expect(path(put.url)).toBe(`/api/v2/device/${deviceUid(host)}/quickjob`);
		expect(put.body).toMatchObject({
			jobName: expect.stringContaining(PATCH_INSTALL_COMPONENT),
			jobComponent: { componentUid: patchComponent().uid, variables: [] },
		});
		expect(quickJobs(requests)).toHaveLength(1);
		expect(rows[0]).toMatchObject({ status: 'succeeded', timedOut: false, jobRunning: false });
		expect((rows[0].installed as IDataObject[]).map((p) => p.kb).sort()).toEqual(
			approved.map((p) => p.kb).sort(),
		);
		for (const patch of approved)
			expect(sandbox.world().patches.find((p) => p.key === patch.key)?.status).toBe('installed');
		const device = await run({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: deviceUid(host) },
			options: { includeRaw: true },
		});
		expect(
			(device.rows[0].raw as { patchManagement: Record<string, unknown> }).patchManagement,
		).toMatchObject({ patchesApprovedPending: 0 });
	});

	it('Get Status says a patch job is running while the quick job is active, and Apply starts no second one', async () => {
		const host = patchable();
		const first = await run({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(host) },
		});
		expect(first.rows[0]).toMatchObject({ status: 'started' });
		expect(first.rows[0].alreadyRunning).toBeUndefined();
		expect(slice(sandbox.world()).jobs).toHaveLength(1);
		// Status reads finish the job in this sandbox: the reads below see it still active.
		sandbox.setTiming({ readsToFinish: 10 });
		try {
			const status = await run({
				resource: 'patch',
				operation: 'getStatus',
				device: { mode: 'id', value: deviceUid(host) },
			});
			expect(status.rows[0]).toMatchObject({ jobRunning: true });
			expect(
				status.requests.some(
					(r) => path(r.url) === `/api/v2/job/${slice(sandbox.world()).jobs[0].uid}`,
				),
			).toBe(true);
			const second = await run({
				resource: 'patch',
				operation: 'apply',
				device: { mode: 'id', value: deviceUid(host) },
			});
			expect(quickJobs(second.requests)).toHaveLength(0);
			expect(second.rows[0]).toMatchObject({ status: 'started', alreadyRunning: true });
			expect(slice(sandbox.world()).jobs).toHaveLength(1);
		} finally {
			sandbox.setTiming({ readsToFinish: 1 });
		}
	});

	it('Apply on the device whose install fails reports its approved patches failed once the job is over', async () => {
		const host = sandbox.world().devices.find((d) => d.failsPatchInstall)!;
		const { rows } = await run({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(host) },
			waitForCompletion: true,
		});
		expect(rows[0]).toMatchObject({ status: 'failed', timedOut: false, jobRunning: false });
		expect((rows[0].failed as IDataObject[]).length).toBeGreaterThan(0);
	});

	it('Apply without a Patch Install Component on the credential fails before any request, naming the field', async () => {
		credentials.patchComponent = '';
		const made = context({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(patchable()) },
		});
		const error = (await node.execute.call(made.ctx).catch((e: unknown) => e)) as Error & {
			description?: string;
		};
		expect(error.message).toMatch(/needs the Patch Install Component of the credential/);
		expect(error.description).toMatch(/Patch Install Component field of the MSP Datto RMM API/);
		expect(made.requests).toHaveLength(0);
	});

	it('Apply takes the component by uid, and refuses a name two components share, listing both', async () => {
		const host = patchable();
		credentials.patchComponent = patchComponent().uid;
		const byUid = await run({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(host) },
		});
		expect(quickJobs(byUid.requests)[0].body).toMatchObject({
			jobComponent: { componentUid: patchComponent().uid },
		});

		const twin = { ...patchComponent(), uid: '0f0e0d0c-0b0a-4909-8807-060504030201' };
		slice(sandbox.world()).components.push(twin);
		credentials.patchComponent = PATCH_INSTALL_COMPONENT.toLowerCase();
		const made = context({
			resource: 'patch',
			operation: 'apply',
			device: {
				mode: 'id',
				value: deviceUid(sandbox.world().devices.find((d) => d.online && d.key !== host.key)!),
			},
		});
		const error = (await node.execute.call(made.ctx).catch((e: unknown) => e)) as Error;
		expect(error.message).toContain(`2 Datto RMM components are named`);
		expect(error.message).toContain(patchComponent().uid);
		expect(error.message).toContain(twin.uid);
		expect(quickJobs(made.requests)).toHaveLength(0);
	});

	it('Apply with a component name the account lacks names the components with a similar name', async () => {
		credentials.patchComponent = 'Install Approved Updates';
		const made = context({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(patchable()) },
		});
		const error = (await node.execute.call(made.ctx).catch((e: unknown) => e)) as Error & {
			description?: string;
		};
		expect(error.message).toMatch(/no component named "Install Approved Updates"/);
		expect(error.description).toContain(PATCH_INSTALL_COMPONENT);
		expect(quickJobs(made.requests)).toHaveLength(0);
	});

	it('Apply whose quick job answer is lost finds the job again and does not send it twice', async () => {
		const host = patchable();
		const made = context({
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: deviceUid(host) },
		});
		const send = made.ctx.helpers.httpRequestWithAuthentication;
		made.ctx.helpers.httpRequestWithAuthentication = (async (type: string, options: never) => {
			const answer = await send.call(made.ctx, type, options);
			if ((options as { method?: string }).method === 'PUT')
				throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			return answer;
		}) as never;
		const [[row]] = await node.execute.call(made.ctx);
		expect(row.json).toMatchObject({ status: 'started' });
		expect(slice(sandbox.world()).jobs).toHaveLength(1);
		expect(made.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});

	it('runs a component as a quick job and reads status and stdout back', async () => {
		const scripts = await run({ resource: 'script', operation: 'list', nameFilter: 'disk' });
		const host = device('BSD-WS01');
		const { rows, requests } = await run({
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: deviceUid(host) },
			script: { mode: 'id', value: String(scripts.rows[0].id) },
			parameters: 'Drive=C',
			waitForCompletion: true,
		});
		const put = requests.find((r) => r.method === 'PUT');
		expect(path(put!.url)).toBe(`/api/v2/device/${deviceUid(host)}/quickjob`);
		expect(put!.body).toMatchObject({
			jobComponent: {
				componentUid: scripts.rows[0].id,
				variables: [{ name: 'Drive', value: 'C' }],
			},
		});
		const { hostname: _h, timedOut: _t, ...job } = rows[0];
		expect(() => JobSchema.parse(job)).not.toThrow();
		expect(rows[0]).toMatchObject({ status: 'succeeded', id: slice(sandbox.world()).jobs[0].uid });
		expect(String(rows[0].output)).toContain('BSD-WS01');
	});

	it('refuses a variable the component does not have, before the quick job is sent', async () => {
		const scripts = await run({ resource: 'script', operation: 'list', nameFilter: 'disk' });
		const made = context({
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: deviceUid(device('BSD-WS01')) },
			script: { mode: 'id', value: String(scripts.rows[0].id) },
			parameters: 'Volume=C',
		});
		await expect(node.execute.call(made.ctx)).rejects.toThrow(/Volume.*not a variable/);
		expect(made.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
	});

	it('after a lost answer, finds the quick job in the activity log instead of starting it again', async () => {
		const scripts = await run({ resource: 'script', operation: 'list', nameFilter: 'disk' });
		const made = context({
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: deviceUid(device('BSD-WS01')) },
			script: { mode: 'id', value: String(scripts.rows[0].id) },
			parameters: 'Drive=C',
		});
		const send = made.ctx.helpers.httpRequestWithAuthentication;
		made.ctx.helpers.httpRequestWithAuthentication = (async (type: string, options: never) => {
			const answer = await send.call(made.ctx, type, options);
			if ((options as { method?: string }).method === 'PUT')
				throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			return answer;
		}) as never;
		const [[row]] = await node.execute.call(made.ctx);
		expect(slice(sandbox.world()).jobs).toHaveLength(1);
		expect(row.json.id).toBe(slice(sandbox.world()).jobs[0].uid);
	});

	it('lists open alerts and resolves one', async () => {
		const { rows } = await run({ resource: 'alert', operation: 'list' });
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) expect(() => AlertSchema.parse(row)).not.toThrow();
		const target = rows[0];
		const resolved = await run({
			resource: 'alert',
			operation: 'reset',
			alertId: target.id,
		});
		expect(
			resolved.requests.some(
				(r) => r.method === 'POST' && path(r.url) === `/api/v2/alert/${String(target.id)}/resolve`,
			),
		).toBe(true);
		const after = await run({ resource: 'alert', operation: 'list' });
		expect(after.rows.map((r) => r.id)).not.toContain(target.id);
	});

	it('reads through passing faults (5xx, resets, timeouts) of the flaky profile', async () => {
		sandbox.setFaults({ profile: 'flaky', vendors: ['datto-rmm'], rate: 0.3, timeoutMs: 200 });
		try {
			const devices = sandbox.world().devices;
			const made = fakeExecuteContext({
				items: devices.map((d) => ({ uid: deviceUid(d) })),
				parameters: (name: string, i: number) =>
					({
						provider: 'dattoRmm',
						resource: 'device',
						operation: 'get',
						device: { mode: 'id', value: deviceUid(devices[i]) },
						options: { concurrency: 2 },
					})[name],
				credentials: { mspDattoRmmApi: credentials },
				credentialTypes: [new MspDattoRmmApi()],
			});
			const [out] = await node.execute.call(made.ctx);
			expect(out.map((o) => o.json.hostname)).toEqual(devices.map((d) => d.hostname));
			const faults = sandbox.requests
				.all()
				.filter((e) => e.vendor === 'datto-rmm' && e.fault && e.fault !== 'throttled');
			expect(faults.length).toBeGreaterThan(0);
		} finally {
			sandbox.setFaults({ profile: 'none' });
		}
	});

	it('hides Scan for Datto RMM', () => {
		const operations = node.description.properties.filter(
			(p) =>
				p.name === 'operation' &&
				p.displayOptions?.show?.provider?.includes('dattoRmm') &&
				p.displayOptions?.show?.resource?.includes('patch'),
		);
		expect(operations).toHaveLength(1);
		const values = (operations[0].options as Array<{ value: string }>).map((o) => o.value);
		expect(values).not.toContain('scan');
		expect(values).toContain('apply');
	});
});
