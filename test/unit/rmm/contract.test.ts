import type { IDataObject, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';

type Case = {
	provider: string;
	credentialType: string;
	vendor: string;
	exitCodes: boolean;
	alertReset: boolean;
	scan: boolean;
};

const CASES: Case[] = [
	{
		provider: 'ninjaOne',
		credentialType: 'mspNinjaOneApi',
		vendor: 'ninjaone',
		exitCodes: true,
		alertReset: true,
		scan: true,
	},
	{
		provider: 'connectWiseAutomate',
		credentialType: 'mspConnectWiseAutomateApi',
		vendor: 'connectwise-automate',
		exitCodes: false,
		alertReset: false,
		scan: false,
	},
];

const node = new MspRmm();

// Waits poll once a second (the smallest Poll Interval the node accepts).
jest.setTimeout(30_000);

describe.each(CASES)('MSP RMM contract: $provider', (c) => {
	let sandbox: Sandbox;
	let credentials: ICredentialDataDecryptedObject;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		// Scale set by a reset sticks to later resets: every test starts from the default estate.
		sandbox.reset({ clients: 3, devicesPerClient: 10 });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 600_000 });
		credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === c.credentialType)
				?.data as ICredentialDataDecryptedObject),
		};
	});

	async function run(
		parameters: Record<string, unknown>,
		opts: { items?: IDataObject[]; continueOnFail?: boolean } = {},
	) {
		const { ctx, requests } = fakeExecuteContext({
			node: { name: 'MSP RMM', type: 'n8n-nodes-msp-orchestration.mspRmm' },
			items: opts.items,
			parameters: {
				provider: c.provider,
				options: { pollInterval: 1, waitTimeout: 30 },
				...parameters,
			},
			credentials: { [c.credentialType]: credentials },
			credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
			continueOnFail: opts.continueOnFail,
		});
		const [output] = await node.execute.call(ctx);
		return { output, json: output.map((o) => o.json), requests };
	}
	const idOf = async (hostname: string) =>
		String((await run({ resource: 'device', operation: 'getByHostname', hostname })).json[0].id);
	const byHost = (hostname: string) => ({ mode: 'hostname', value: hostname });

	it('searches devices across pages (returnAll) with the vendor page size, until an empty page', async () => {
		sandbox.reset({ clients: 3, devicesPerClient: 400 });
		const { json, requests } = await run({
			resource: 'device',
			operation: 'search',
			returnAll: true,
		});
		expect(json).toHaveLength(1200);
		expect(new Set(json.map((d) => d.id)).size).toBe(1200);
		const pages = requests.filter((r) =>
			/\/(v2\/devices|Computers)$/.test(new URL(r.url).pathname),
		);
		// Neither page-size maximum is published, so a short page does not end the list; an empty one
		// does. NinjaOne honours 1000 (1000, 200, empty); Automate's sandbox caps at 500 (500, 500, 200, empty).
		expect(pages.every((r) => r.qs?.pageSize === 1000)).toBe(true);
		expect(pages).toHaveLength(c.vendor === 'ninjaone' ? 3 : 4);
	});

	it('searches by organization, online state and type, and honours the limit', async () => {
		const orgId = c.vendor === 'ninjaone' ? '2' : '32';
		const servers = await run({
			resource: 'device',
			operation: 'search',
			company: { mode: 'id', value: orgId },
			deviceType: 'server',
			onlineState: 'online',
			returnAll: true,
		});
		expect(servers.json.map((d) => d.hostname).sort()).toEqual([
			'NWL-DC01',
			'NWL-SRV01',
			'NWL-SRV02',
		]);
		// Domain controllers are servers; NinjaOne's device role tells them apart, Automate's computer cannot.
		expect(servers.json.map((d) => [d.hostname, d.type])).toEqual(
			expect.arrayContaining([
				['NWL-SRV01', 'server'],
				['NWL-DC01', c.vendor === 'ninjaone' ? 'domainController' : 'server'],
			]),
		);
		expect(servers.json.every((d) => d.online === true && d.companyId === orgId)).toBe(true);
		const limited = await run({
			resource: 'device',
			operation: 'search',
			returnAll: false,
			limit: 4,
		});
		expect(limited.json).toHaveLength(4);
		const byName = await run({
			resource: 'device',
			operation: 'search',
			hostname: 'hll-srv',
			returnAll: true,
		});
		expect(byName.json.map((d) => d.hostname).sort()).toEqual(['HLL-SRV01', 'HLL-SRV02']);
	});

	it('gets a device by exact hostname (case-insensitive) and by id; several matches list them', async () => {
		const { json } = await run({
			resource: 'device',
			operation: 'getByHostname',
			hostname: 'nwl-ws03',
		});
		expect(json[0]).toMatchObject({ hostname: 'NWL-WS03', type: 'workstation', online: true });
		expect(json[0].raw).toBeUndefined();
		const byId = await run({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: json[0].id },
			options: { includeRaw: true },
		});
		expect(byId.json[0]).toMatchObject({
			id: json[0].id,
			hostname: 'NWL-WS03',
			raw: expect.any(Object),
		});
		const twin = sandbox.world().devices.find((d) => d.hostname === 'BSD-WS05')!;
		twin.hostname = 'NWL-WS03';
		await expect(
			run({ resource: 'device', operation: 'getByHostname', hostname: 'NWL-WS03' }),
		).rejects.toThrow(/2 devices with hostname "NWL-WS03".*id .*id /);
		await expect(
			run({ resource: 'device', operation: 'getByHostname', hostname: 'NOPE-01' }),
		).rejects.toThrow(/no device with hostname "NOPE-01"/);
		await expect(
			run({ resource: 'device', operation: 'get', device: { mode: 'id', value: '999999' } }),
		).rejects.toThrow(/no (device|computer) with id 999999/);
	});

	it('returns the same device, organization id and name included, from get, get by hostname and search', async () => {
		const world = sandbox.world();
		const device = world.devices.find((d) => d.hostname === 'NWL-SRV01')!;
		const client = world.clients.find((cl) => cl.key === device.clientKey)!;
		const orgId = c.vendor === 'ninjaone' ? '2' : '32';
		const byHostname = (
			await run({ resource: 'device', operation: 'getByHostname', hostname: 'NWL-SRV01' })
		).json[0];
		const byId = (
			await run({
				resource: 'device',
				operation: 'get',
				device: { mode: 'id', value: byHostname.id },
			})
		).json[0];
		const searched = (
			await run({ resource: 'device', operation: 'search', returnAll: true })
		).json.find((d) => d.id === byHostname.id)!;
		const searchedByName = (
			await run({ resource: 'device', operation: 'search', hostname: 'nwl-srv01', returnAll: true })
		).json[0];
		const filtered = (
			await run({
				resource: 'device',
				operation: 'search',
				company: { mode: 'id', value: orgId },
				returnAll: true,
			})
		).json;
		const fields = ['id', 'hostname', 'displayName', 'companyId', 'companyName', 'type', 'online'];
		const pick = (d: IDataObject) => Object.fromEntries(fields.map((f) => [f, d[f]]));
		const expected = {
			id: byHostname.id,
			hostname: 'NWL-SRV01',
			companyId: orgId,
			companyName: client.name,
			type: 'server',
			online: true,
		};
		for (const d of [byHostname, byId, searched, searchedByName]) {
			expect(d).toMatchObject(expected);
			expect(pick(d)).toEqual(pick(byId));
		}
		expect(filtered.length).toBeGreaterThan(0);
		expect(filtered.every((d) => d.companyId === orgId && d.companyName === client.name)).toBe(
			true,
		);
	});

	it('reads organization names once per execution, for all items', async () => {
		const hosts = ['BSD-WS01', 'NWL-WS03', 'HLL-WS03'];
		const { ctx, requests } = fakeExecuteContext({
			items: hosts.map((host) => ({ host })),
			parameters: (name, i) =>
				({
					provider: c.provider,
					resource: 'device',
					operation: 'getByHostname',
					hostname: hosts[i],
					options: {},
				})[name],
			credentials: { [c.credentialType]: credentials },
			credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
		});
		const [result] = await node.execute.call(ctx);
		const world = sandbox.world();
		const clientName = (host: string) =>
			world.clients.find(
				(cl) => cl.key === world.devices.find((d) => d.hostname === host)!.clientKey,
			)!.name;
		expect(result.map((r) => r.json.companyName)).toEqual(hosts.map(clientName));
		// One listing (its first page has no `after`; the next, empty, page ends it).
		const orgListings = requests.filter(
			(r) => new URL(r.url).pathname.endsWith('/v2/organizations') && r.qs?.after === undefined,
		);
		expect(orgListings).toHaveLength(c.vendor === 'ninjaone' ? 1 : 0);
	});

	it('lists pending and approved patches of a device with severity and KB', async () => {
		const { json } = await run({
			resource: 'patch',
			operation: 'list',
			device: byHost('NWL-WS03'),
			statuses: ['pending', 'approved'],
		});
		expect(json.length).toBeGreaterThan(0);
		for (const patch of json) {
			expect(patch).toMatchObject({
				status: expect.stringMatching(/^(pending|approved)$/),
				kb: expect.stringMatching(/^KB\d+$/),
				severity: expect.any(String),
				hostname: 'NWL-WS03',
			});
		}
		const world = sandbox.world();
		const device = world.devices.find((d) => d.hostname === 'NWL-WS03')!;
		const expected = world.patches.filter(
			(p) => p.deviceKey === device.key && (p.status === 'pending' || p.status === 'approved'),
		);
		expect(json.map((p) => p.kb).sort()).toEqual(expected.map((p) => p.kb).sort());
	});

	it('lists patches across the fleet or one organization', async () => {
		const orgId = c.vendor === 'ninjaone' ? '1' : '31';
		const { json } = await run({
			resource: 'patch',
			operation: 'listFleet',
			company: { mode: 'id', value: orgId },
			statuses: ['approved'],
			returnAll: true,
		});
		const world = sandbox.world();
		const keys = new Set(world.devices.filter((d) => d.clientKey === 'client-1').map((d) => d.key));
		expect(json).toHaveLength(
			world.patches.filter((p) => keys.has(p.deviceKey) && p.status === 'approved').length,
		);
		expect(json.every((p) => p.status === 'approved' && p.deviceId)).toBe(true);
		// Automate returns ReleaseDate; NinjaOne's patch reports have no release date (see docs/nodes/rmm.md).
		if (c.vendor === 'ninjaone') expect(json.every((p) => p.releasedAt === undefined)).toBe(true);
		else
			expect(
				json.every(
					(p) => typeof p.releasedAt === 'string' && !Number.isNaN(Date.parse(p.releasedAt)),
				),
			).toBe(true);
	});

	it('applies approved patches and waits until they are installed', async () => {
		const { json } = await run({
			resource: 'patch',
			operation: 'apply',
			device: byHost('BSD-WS01'),
			waitForCompletion: true,
		});
		expect(json[0]).toMatchObject({
			hostname: 'BSD-WS01',
			status: 'succeeded',
			timedOut: false,
			failed: [],
			pending: [],
		});
		expect((json[0].installed as IDataObject[]).length).toBe(
			(json[0].patches as IDataObject[]).length,
		);
		const world = sandbox.world();
		const installed = world.patches.filter(
			(p) =>
				(json[0].patches as Array<{ kb: string }>).some((t) => t.kb === p.kb) &&
				p.deviceKey === 'device-1',
		);
		expect(installed.every((p) => p.status === 'installed')).toBe(true);
	});

	it('reports the failing install on NWL-WS03 as failed', async () => {
		const started = await run({
			resource: 'patch',
			operation: 'apply',
			device: byHost('NWL-WS03'),
		});
		expect(started.json[0].status).toBe('started');
		const waited = await run({
			resource: 'patch',
			operation: 'waitForCompletion',
			device: byHost('NWL-WS03'),
			kbs: (started.json[0].patches as Array<{ kb: string }>).map((p) => p.kb).join(','),
		});
		expect(waited.json[0]).toMatchObject({ status: 'failed', timedOut: false });
		expect((waited.json[0].failed as IDataObject[]).length).toBe(
			(started.json[0].patches as IDataObject[]).length,
		);
		const status = await run({
			resource: 'patch',
			operation: 'getStatus',
			device: byHost('NWL-WS03'),
		});
		expect(status.json[0]).toMatchObject({
			jobRunning: false,
			counts: expect.objectContaining({
				failed: (started.json[0].patches as IDataObject[]).length,
			}),
		});
	});

	it('returns timedOut with the last state when the wait budget is spent', async () => {
		sandbox.setTiming({ readsToFinish: 1000, msToFinish: 600_000 });
		const { json } = await run({
			resource: 'patch',
			operation: 'apply',
			device: byHost('NWL-WS03'),
			waitForCompletion: true,
			options: { pollInterval: 1, waitTimeout: 0 },
		});
		expect(json[0]).toMatchObject({ status: 'running', timedOut: true });
	});

	it('runs a script with parameters and returns its output (and exit code where the RMM reports one)', async () => {
		const scripts = await run({ resource: 'script', operation: 'list', nameFilter: 'disk' });
		expect(scripts.json.map((s) => s.name)).toEqual(['Check Disk Space']);
		const { json } = await run({
			resource: 'script',
			operation: 'run',
			device: byHost('BSD-WS01'),
			script: { mode: 'id', value: scripts.json[0].id },
			parameters: c.vendor === 'ninjaone' ? '-Drive C' : 'drive=C|',
			waitForCompletion: true,
		});
		expect(json[0]).toMatchObject({
			kind: 'script',
			status: 'succeeded',
			timedOut: false,
			output: expect.stringContaining('BSD-WS01'),
			hostname: 'BSD-WS01',
		});
		if (c.exitCodes) expect(json[0].exitCode).toBe(0);
		else expect(json[0].exitCode).toBeUndefined();
		const again = await run({
			resource: 'script',
			operation: 'getResult',
			device: byHost('BSD-WS01'),
			runId: json[0].id,
		});
		expect(again.json[0]).toMatchObject({ id: json[0].id, status: 'succeeded' });
	});

	it('reports a failing script as failed', async () => {
		const scripts = await run({
			resource: 'script',
			operation: 'list',
			nameFilter: 'Fail On Purpose',
		});
		const started = await run({
			resource: 'script',
			operation: 'run',
			device: byHost('HLL-WS01'),
			script: { mode: 'id', value: scripts.json[0].id },
		});
		expect(started.json[0].status).toMatch(/queued|running/);
		const done = await run({
			resource: 'script',
			operation: 'waitForCompletion',
			device: byHost('HLL-WS01'),
			runId: started.json[0].id,
		});
		expect(done.json[0]).toMatchObject({ status: 'failed', timedOut: false });
		if (c.exitCodes) expect(done.json[0].exitCode).toBe(1);
	});

	it('skips an offline device with reason offline, or fails when Fail If Offline is set', async () => {
		sandbox.world().devices.find((d) => d.hostname === 'HLL-WS02')!.online = false;
		const patch = await run({ resource: 'patch', operation: 'apply', device: byHost('HLL-WS02') });
		expect(patch.json[0]).toMatchObject({
			status: 'skipped',
			reason: 'offline',
			hostname: 'HLL-WS02',
		});
		const script = await run({
			resource: 'script',
			operation: 'run',
			device: byHost('HLL-WS02'),
			script: { mode: 'id', value: c.vendor === 'ninjaone' ? '101' : '6001' },
		});
		expect(script.json[0]).toMatchObject({ status: 'skipped', reason: 'offline' });
		expect(sandbox.world().operations).toHaveLength(0);
		await expect(
			run({
				resource: 'patch',
				operation: 'apply',
				device: byHost('HLL-WS02'),
				failIfOffline: true,
			}),
		).rejects.toThrow(/HLL-WS02.*offline/);
	});

	it('HLL-SRV01 stays offline after its patch reboot, and the next action skips it', async () => {
		await run({
			resource: 'patch',
			operation: 'apply',
			device: byHost('HLL-SRV01'),
			waitForCompletion: true,
		});
		const device = await run({
			resource: 'device',
			operation: 'getByHostname',
			hostname: 'HLL-SRV01',
		});
		expect(device.json[0].online).toBe(false);
		const again = await run({ resource: 'patch', operation: 'apply', device: byHost('HLL-SRV01') });
		expect(again.json[0]).toMatchObject({ status: 'skipped', reason: 'offline' });
	});

	it('lists active alerts and resets one where the RMM allows it', async () => {
		const { json } = await run({ resource: 'alert', operation: 'list' });
		expect(json.length).toBeGreaterThanOrEqual(4);
		const disk = json.find((a) => a.hostname === 'BSD-SRV01');
		expect(disk).toMatchObject({
			severity: 'high',
			message: expect.stringMatching(/C:/),
			deviceId: await idOf('BSD-SRV01'),
		});
		if (c.alertReset) {
			const reset = await run({ resource: 'alert', operation: 'reset', alertId: disk!.id });
			expect(reset.json[0]).toEqual({ id: disk!.id, reset: true });
			const after = await run({ resource: 'alert', operation: 'list' });
			expect(after.json.map((a) => a.id)).not.toContain(disk!.id);
		} else {
			await expect(
				run({ resource: 'alert', operation: 'reset', alertId: String(disk!.id) }),
			).rejects.toThrow(/cannot reset or resolve alerts/);
		}
	});

	it('scans for patches where the RMM has a scan action', async () => {
		if (c.scan) {
			const { json } = await run({
				resource: 'patch',
				operation: 'scan',
				device: byHost('BSD-WS03'),
			});
			expect(json[0]).toMatchObject({ status: 'requested', hostname: 'BSD-WS03' });
			expect(sandbox.world().operations.map((o) => o.kind)).toEqual(['patchScan']);
		} else {
			await expect(
				run({ resource: 'patch', operation: 'scan', device: byHost('BSD-WS03') }),
			).rejects.toThrow(/no patch scan/);
		}
	});

	it('dry run sends reads only and returns the write it would send', async () => {
		const { json } = await run({
			resource: 'patch',
			operation: 'apply',
			device: byHost('BSD-WS04'),
			options: { dryRun: true },
		});
		expect(json[0]).toMatchObject({ dryRun: true, request: { method: 'POST' } });
		expect(sandbox.world().operations).toHaveLength(0);
	});

	it('keeps pairedItem and yields an error item per failed input with continue on fail', async () => {
		const items = [{ host: 'BSD-WS01' }, { host: 'NOPE-99' }, { host: 'HLL-WS03' }];
		const { ctx } = fakeExecuteContext({
			items,
			parameters: (name, i) =>
				({
					provider: c.provider,
					resource: 'device',
					operation: 'getByHostname',
					hostname: items[i].host,
					options: {},
				})[name],
			credentials: { [c.credentialType]: credentials },
			credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
			continueOnFail: true,
		});
		const [result] = await node.execute.call(ctx);
		expect(result.map((r) => r.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result[0].json.hostname).toBe('BSD-WS01');
		expect(result[1].json.error).toMatch(/NOPE-99/);
		expect(result[2].json.hostname).toBe('HLL-WS03');
	});
});
