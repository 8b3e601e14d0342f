import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { roleOf } from '../../../nodes/MspEdr/actions/containment/contain';
import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { roleOfPlatform } from '../../../nodes/MspEdr/providers/defender/mappers';
import {
	networkStateOf,
	roleOfMachineType,
} from '../../../nodes/MspEdr/providers/sentinelOne/mappers';
import type { Device } from '../../../nodes/shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { sliceOf } from '../../../sandbox/vendors/defender/common';
import { contextFor, PROVIDERS, providerFor } from './setup';

/**
 * Containment you can trust, at the provider and node level (the node's execute with a stand-in
 * context, against the sandbox): identities, roles, per-item options and validation before anything
 * is sent. The same stories through n8n's WorkflowExecute are in test/workflows/edr.test.ts.
 */

describe('EDR vendor facts as the providers read them', () => {
	it('SentinelOne networkStatus: connecting is not a pending release, so it never blocks Isolate', () => {
		expect(
			[
				'connected',
				'connecting',
				'disconnecting',
				'disconnected',
				'Disconnected',
				'disconnect_pending',
				'weird',
				null,
			].map(networkStateOf),
		).toEqual([
			'released',
			'unknown',
			'pendingIsolation',
			'isolated',
			'isolated',
			'pendingIsolation',
			'unknown',
			'unknown',
		]);
	});

	it('roles from the EDR record: machine type and OS platform; nothing marks a domain controller', () => {
		expect(
			['server', 'desktop', 'laptop', 'kubernetes node', 'unknown', null].map(roleOfMachineType),
		).toEqual(['server', 'workstation', 'workstation', 'server', undefined, undefined]);
		expect(['WindowsServer2022', 'Windows11', 'macOS', 'Linux', null].map(roleOfPlatform)).toEqual([
			'server',
			'workstation',
			'workstation',
			undefined,
			undefined,
		]);
	});

	it('the stronger of the EDR role and the known role wins, and says where it came from', () => {
		const device = (type?: Device['type']) => ({ id: '1', hostname: 'H', type }) as Device;
		expect(roleOf(device('workstation'), 'domainController')).toEqual({
			role: 'domainController',
			roleSource: 'input',
		});
		expect(roleOf(device('server'), 'workstation')).toEqual({ role: 'server', roleSource: 'edr' });
		expect(roleOf(device('server'), 'server')).toEqual({ role: 'server', roleSource: 'edr' });
		expect(roleOf(device(undefined), 'server')).toEqual({ role: 'server', roleSource: 'input' });
		expect(roleOf(device(undefined))).toEqual({ role: 'unknown' });
	});
});

describe.each(PROVIDERS)('EDR identities: $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset());

	const idOf = (answer: {
		ids: { sentinelOne: { agentId: string }; defender: { machineId: string } };
	}) => (name === 'sentinelOne' ? answer.ids.sentinelOne.agentId : answer.ids.defender.machineId);

	it('a hostname at two clients is refused with both candidates; by ID reads exactly that one', async () => {
		const bsd = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'BSD' });
		const nwl = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'NWL' });
		const provider = providerFor(sandbox, name);
		const refused = provider.getDevice({ hostname: 'frontdesk' });
		await expect(refused).rejects.toThrow(/Hostname "frontdesk" matches 2 /);
		const message = await refused.catch((e: Error) => e.message);
		for (const answer of [bsd, nwl]) expect(message).toContain(`id ${idOf(answer)}, last seen `);
		expect(message).toMatch(
			name === 'sentinelOne' ? /site Bright Smile Dental/ : /machine group BSD Endpoints/,
		);
		expect(message).toMatch(
			name === 'sentinelOne' ? /site Northwind Logistics/ : /machine group NWL Endpoints/,
		);
		expect((await provider.getDevice({ id: idOf(nwl) })).id).toBe(idOf(nwl));
		const [one, two] = await provider.getDevices([{ hostname: 'FRONTDESK' }, { id: idOf(bsd) }]);
		expect((one as Error).message).toMatch(/matches 2/);
		expect((two as Device).id).toBe(idOf(bsd));
	});

	it('Get Device and Get Containment State refuse an ambiguous hostname too; by ID they read that device', async () => {
		const bsd = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'BSD' });
		sandbox.addDevice({ hostname: 'FRONTDESK', client: 'NWL' });
		for (const operation of ['get', 'getContainment']) {
			const exec = async (device: { mode: string; value: string }) => {
				const { ctx } = contextFor(sandbox, {
					parameters: { provider: name, resource: 'device', operation, device, options: {} },
				});
				return (await new MspEdr().execute.call(ctx as IExecuteFunctions))[0];
			};
			await expect(exec({ mode: 'hostname', value: 'FRONTDESK' })).rejects.toThrow(
				/Hostname "FRONTDESK" matches 2 /,
			);
			const out = await exec({ mode: 'id', value: idOf(bsd) });
			expect(out[0].json[operation === 'get' ? 'id' : 'deviceId']).toBe(idOf(bsd));
		}
	});

	it('ids of the wrong shape are refused by the provider without a request', async () => {
		const provider = providerFor(sandbox, name);
		const since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const bad =
			name === 'sentinelOne'
				? ['0x1A2B', '6.5e17', '1e21', '-12', '12 34', '1,2', 'abc']
				: ['abc', 'f'.repeat(39), 'g'.repeat(40), `${'a'.repeat(40)},${'b'.repeat(40)}`];
		for (const id of bad)
			expect(provider.deviceIdProblem(id)).toMatch(
				/is not a (SentinelOne agent|Defender machine) ID/,
			);
		expect(
			provider.deviceIdProblem(name === 'sentinelOne' ? '657613730168123595' : 'A1'.repeat(20)),
		).toBeUndefined();
		const results = await provider.getDevices(bad.map((id) => ({ id })));
		expect(results.every((r) => r instanceof Error)).toBe(true);
		await expect(provider.getDevice({ hostname: 'BSD-WS01,BSD-WS02' })).rejects.toThrow(
			/not a single hostname/,
		);
		expect(sandbox.requests.query({ vendor, since })).toHaveLength(0);
	});
});

type Params = (name: string, itemIndex: number) => unknown;

/** Node parameters for containment; `perItem` overrides per item (options are merged). */
function containmentParams(
	provider: string,
	devices: Array<{ mode: string; value: unknown }>,
	perItem: Array<Record<string, unknown>> = [],
	operation = 'isolate',
): Params {
	return (name, i) => {
		const own = perItem[i] ?? {};
		const base: Record<string, unknown> = {
			provider,
			resource: 'containment',
			operation,
			device: devices[i],
			comment: own.comment ?? 'Unit test',
			waitForCompletion: own.waitForCompletion ?? false,
			options: { ...((own.options as IDataObject) ?? {}) },
		};
		return base[name];
	};
}

describe.each(PROVIDERS)('MSP EDR containment node: $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	const world = () => sandbox.world();
	const device = (hostname: string) => world().devices.find((d) => d.hostname === hostname)!;
	const idOf = (hostname: string) =>
		name === 'sentinelOne'
			? device(hostname).ids.sentinelOneAgentId
			: device(hostname).ids.defenderMachineId;
	const mark = () => sandbox.requests.all().at(-1)?.seq ?? 0;
	const containmentWrites = (since: number) =>
		sandbox.requests
			.query({ vendor, since })
			.filter(
				(r) =>
					r.method === 'POST' && /\/agents\/actions\/(dis)?connect$|\/(un)?isolate$/.test(r.path),
			);
	const run = async (
		params: Params,
		items: number,
		continueOnFail = false,
		node: Partial<INode> = {},
	) => {
		const { ctx, requests } = contextFor(sandbox, {
			parameters: params as never,
			items: Array.from({ length: items }, (_, i) => ({ i })),
			continueOnFail,
			node,
		});
		const out = (await new MspEdr().execute.call(ctx as IExecuteFunctions))[0];
		return { out, requests };
	};

	it.each([
		[
			'a comma in an ID',
			{ mode: 'id', value: 'A,B' },
			{},
			/Device \(By ID\) "A,B" is not a single device/,
		],
		[
			'two hostnames',
			{ mode: 'hostname', value: 'BSD-WS01, BSD-WS02' },
			{},
			/Device \(By Hostname\) .* is not a single device/,
		],
		['an empty device', { mode: 'hostname', value: ' ' }, {}, /Device \(By Hostname\) is empty/],
		[
			'a negative wait timeout',
			null,
			{ waitTimeout: -5 },
			/Wait Timeout \(Seconds\) must be a number of seconds, 0 or more, not -5/,
		],
		[
			'a poll interval that is not a number',
			null,
			{ pollInterval: 'soon' },
			/Poll Interval \(Seconds\) must be a number/,
		],
		[
			'an unknown role',
			null,
			{ deviceRole: 'router' },
			/Known Device Role "router" is not a role: use workstation, server or domainController/,
		],
		[
			'a role that cannot be protected',
			null,
			{ protectedRoles: ['workstation'] },
			/Protected Roles: "workstation" is not a role that can be protected/,
		],
	])(
		'refuses %s in item 1 before any request, naming the field',
		async (_case, bad, options, message) => {
			const since = mark();
			const devices = [
				{ mode: 'hostname', value: 'BSD-WS01' },
				(bad as { mode: string; value: string } | null) ?? { mode: 'hostname', value: 'NWL-WS01' },
			];
			const params = containmentParams(name, devices, [{}, { options }]);
			await expect(run(params, 2)).rejects.toThrow(message);
			expect(sandbox.requests.query({ vendor, since })).toHaveLength(0);
			expect(device('BSD-WS01').containment).toBe('released');
		},
	);

	it('refuses IDs of the wrong shape for the vendor, and numeric IDs that lost digits', async () => {
		const since = mark();
		const bad = name === 'sentinelOne' ? ['0x1A2B', '6.5e17'] : ['bsd-ws01', 'A1'.repeat(19)];
		for (const value of bad)
			await expect(run(containmentParams(name, [{ mode: 'id', value }]), 1)).rejects.toThrow(
				name === 'sentinelOne'
					? /Device \(By ID\): ".*" is not a SentinelOne agent ID/
					: /Device \(By ID\): ".*" is not a Defender machine ID/,
			);
		await expect(
			run(containmentParams(name, [{ mode: 'id', value: Number('657613730168123595') }]), 1),
		).rejects.toThrow(/cannot hold the device ID exactly/);
		expect(sandbox.requests.query({ vendor, since })).toHaveLength(0);
	});

	it('continue-on-fail: a refused device is an error item with its id, hostname and role; the others are isolated', async () => {
		const hosts = ['BSD-WS01', 'BSD-SRV01', 'NWL-WS02'];
		const { out } = await run(
			containmentParams(
				name,
				hosts.map((value) => ({ mode: 'hostname', value })),
				[{}, { options: { protectedHostnames: '' } }],
			),
			3,
			true,
		);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({
			hostname: expect.stringMatching(/^bsd-ws01$/i),
			role: 'workstation',
			roleSource: 'edr',
			requested: true,
		});
		expect(out[1].json).toMatchObject({
			error: expect.stringMatching(
				/^BSD-SRV01 \(id \w+\) is protected and was not isolated: its role is server \(as .* reports it\), a Protected Role\. Turn on "Override Protection" for this item to isolate it anyway\.$/i,
			),
			description: expect.stringMatching(/Override Protection/),
			deviceId: idOf('BSD-SRV01'),
			hostname: expect.stringMatching(/^bsd-srv01$/i),
			role: 'server',
			roleSource: 'edr',
			refused: true,
		});
		expect(out[2].json).toMatchObject({
			hostname: expect.stringMatching(/^nwl-ws02$/i),
			requested: true,
		});
		expect(hosts.map((h) => device(h).containment)).toEqual([
			'pendingIsolation',
			'released',
			'pendingIsolation',
		]);
	});

	it('continue (using error output): the refused item is only `error`, which n8n routes to the error output', async () => {
		const { out } = await run(
			containmentParams(name, [
				{ mode: 'hostname', value: 'HLL-WS02' },
				{ mode: 'hostname', value: 'HLL-DC01' },
			]),
			2,
			true,
			{ onError: 'continueErrorOutput' },
		);
		expect(out[0].json).toMatchObject({ requested: true });
		expect(out[1]).toEqual({
			json: {
				error: expect.stringMatching(/^HLL-DC01 \(id \w+\) is protected .*Override Protection/i),
			},
			pairedItem: { item: 1 },
		});
	});

	it('per item: dry run for one item, a real request for the other; the same device twice is sent once', async () => {
		const since = mark();
		const { out, requests } = await run(
			containmentParams(
				name,
				[
					{ mode: 'hostname', value: 'BSD-WS03' },
					{ mode: 'hostname', value: 'HLL-WS03' },
					{ mode: 'id', value: idOf('HLL-WS03') },
				],
				[{ options: { dryRun: true } }],
			),
			3,
		);
		expect(out[0].json).toMatchObject({ dryRun: true, request: { method: 'POST' } });
		expect(JSON.stringify(out[0].json)).toContain(idOf('BSD-WS03'));
		expect(device('BSD-WS03').containment).toBe('released');
		expect(out[1].json).toMatchObject({ deviceId: idOf('HLL-WS03'), requested: true });
		expect(out[2].json).toEqual(out[1].json);
		expect(device('HLL-WS03').containment).toBe('pendingIsolation');
		expect(containmentWrites(since)).toHaveLength(1);
		expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});

	it('comments per item: one request per comment where the vendor batches; Defender records each on its machine', async () => {
		const hosts = ['BSD-WS05', 'NWL-WS05', 'HLL-WS05'];
		const since = mark();
		await run(
			containmentParams(
				name,
				hosts.map((value) => ({ mode: 'hostname', value })),
				[{ comment: 'Ticket 1' }, { comment: 'Ticket 2' }, { comment: 'Ticket 1' }],
			),
			3,
		);
		expect(hosts.map((h) => device(h).containment)).toEqual(Array(3).fill('pendingIsolation'));
		// SentinelOne: one disconnect per distinct comment (its body has no comment field); Defender: one per machine.
		expect(containmentWrites(since)).toHaveLength(name === 'sentinelOne' ? 2 : 3);
		if (name === 'microsoftDefender') {
			const comments = hosts.map((h) => {
				const op = world().operations.find(
					(o) => o.kind === 'isolate' && o.deviceKey === device(h).key,
				)!;
				return sliceOf(world()).actions[op.id]?.comment;
			});
			expect(comments).toEqual(['Ticket 1', 'Ticket 2', 'Ticket 1']);
		}
	});
});

describe('SentinelOne: an agent reporting "connecting"', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	it('is isolated when asked, during a release that has not finished as when offline', async () => {
		sandbox.setTiming({ readsToFinish: 50, msToFinish: 60_000 });
		const world = sandbox.world();
		const ws = world.devices.find((d) => d.hostname === 'NWL-WS07')!;
		ws.containment = 'isolated';
		sandbox.updateDevice('HLL-WS06', { online: false });
		const params = (operation: string, value: string) =>
			containmentParams('sentinelOne', [{ mode: 'hostname', value }], [], operation);
		const exec = async (p: Params) => {
			const { ctx } = contextFor(sandbox, { parameters: p as never, items: [{}] });
			return (await new MspEdr().execute.call(ctx as IExecuteFunctions))[0];
		};
		const released = await exec(params('release', 'NWL-WS07'));
		expect(released[0].json).toMatchObject({ requested: true, state: 'pendingRelease' });
		const agent = async (host: string) =>
			(await providerFor(sandbox, 'sentinelOne').getDevice({ hostname: host })).raw as {
				networkStatus: string;
			};
		expect((await agent('NWL-WS07')).networkStatus).toBe('connecting');
		expect((await agent('HLL-WS06')).networkStatus).toBe('connecting');
		for (const host of ['NWL-WS07', 'HLL-WS06']) {
			const out = await exec(params('isolate', host));
			expect(out[0].json).toMatchObject({ requested: true, state: 'pendingIsolation' });
			expect(world.devices.find((d) => d.hostname === host)!.containment).toBe('pendingIsolation');
		}
	});
});
