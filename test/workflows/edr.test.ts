import type { IDataObject, INode } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import type { DeviceAnswer } from '../../sandbox/scenario/devices';
import { sliceOf } from '../../sandbox/vendors/defender/common';

import { runWorkflow, type WorkflowJson } from './harness';

const EDR = 'n8n-nodes-msp-orchestration.mspEdr';

/** Isolate hosts in SentinelOne and read the containment back through Defender: one estate, two EDRs. */
function workflow(): WorkflowJson {
	return {
		name: 'Isolate and verify',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'Isolate',
				type: EDR,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					provider: 'sentinelOne',
					resource: 'containment',
					operation: 'isolate',
					device: { __rl: true, mode: 'hostname', value: '={{ $json.host }}' },
					comment: 'Ransomware response',
					waitForCompletion: true,
					options: { pollInterval: 1, waitTimeout: 20 },
				},
				credentials: {
					mspSentinelOneApi: { id: 'sandbox-sentinelone', name: 'Sandbox SentinelOne' },
				},
			},
			{
				id: '3',
				name: 'Verify in Defender',
				type: EDR,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					provider: 'microsoftDefender',
					resource: 'device',
					operation: 'getContainment',
					device: { __rl: true, mode: 'hostname', value: '={{ $json.hostname }}' },
					options: {},
				},
				credentials: {
					mspMicrosoftDefenderApi: {
						id: 'sandbox-defender',
						name: 'Sandbox Microsoft Defender for Endpoint',
					},
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Isolate', type: 'main', index: 0 }]] },
			Isolate: { main: [[{ node: 'Verify in Defender', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: isolate with SentinelOne, verify with Defender', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 60_000 } });
	});
	afterAll(async () => sandbox.stop());

	it('isolates both hosts in one request, waits, and Defender reports them isolated', async () => {
		const credentials = Object.fromEntries(
			sandbox
				.n8nCredentials()
				.filter(
					(c) => c.type.startsWith('mspSentinelOne') || c.type.startsWith('mspMicrosoftDefender'),
				)
				.map((c) => [c.type, c.data as never]),
		);
		const run = await runWorkflow(workflow(), {
			input: [{ host: 'BSD-WS02' }, { host: 'NWL-WS05' }],
			credentials,
		});
		expect(run.error).toBeUndefined();
		expect(run.outputOf('Isolate').map((i) => [i.hostname, i.state, i.requested])).toEqual([
			['BSD-WS02', 'isolated', true],
			['NWL-WS05', 'isolated', true],
		]);
		expect(run.outputOf('Verify in Defender').map((i) => i.state)).toEqual([
			'isolated',
			'isolated',
		]);
		expect(
			sandbox.requests
				.query({ vendor: 'sentinelone' })
				.filter((r) => r.path.endsWith('/agents/actions/disconnect')),
		).toHaveLength(1);
		// The token is cached on the credential: at most one fetch per item in flight when the first requests go out
		// together (Defender pacing lets 100 through back to back; n8n refreshes per request that finds no token).
		const tokens = sandbox.requests
			.query({ vendor: 'microsoft-login' })
			.filter((r) => r.status === 200).length;
		expect(tokens).toBeGreaterThanOrEqual(1);
		expect(tokens).toBeLessThanOrEqual(2);
	});
});

const VENDORS = [
	{ provider: 'sentinelOne', vendor: 'sentinelone', label: 'SentinelOne' },
	{ provider: 'microsoftDefender', vendor: 'defender', label: 'Microsoft Defender for Endpoint' },
] as const;

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

/** Manual trigger -> one MSP EDR node; the input items carry what expressions read per item. */
function edrWorkflow(
	provider: string,
	parameters: IDataObject,
	onError: OnError = 'stopWorkflow',
): WorkflowJson {
	const node: INode = {
		id: '2',
		name: 'EDR',
		type: EDR,
		typeVersion: 1,
		position: [220, 0],
		parameters: { provider, ...parameters },
		onError,
		credentials:
			provider === 'sentinelOne'
				? { mspSentinelOneApi: { id: 'sandbox-sentinelone', name: 'Sandbox SentinelOne' } }
				: { mspMicrosoftDefenderApi: { id: 'sandbox-defender', name: 'Sandbox Defender' } },
	};
	return {
		name: 'EDR containment',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			node,
		],
		connections: { Start: { main: [[{ node: 'EDR', type: 'main', index: 0 }]] } },
	};
}

/** Isolate, one device per item: by hostname from `$json.host` or by ID from `$json.id`. */
function isolate(options: IDataObject = {}, extra: IDataObject = {}): IDataObject {
	return {
		resource: 'containment',
		operation: 'isolate',
		device: {
			__rl: true,
			mode: extra.mode ?? 'hostname',
			value: extra.mode === 'id' ? '={{ $json.id }}' : '={{ $json.host }}',
		},
		comment: extra.comment ?? 'Isolated by the workflows tier',
		waitForCompletion: extra.waitForCompletion ?? false,
		options,
	};
}

describe.each(VENDORS)('workflow: containment you can trust ($label)', ({ provider, vendor }) => {
	let sandbox: Sandbox;
	let since = 0;
	const credentials = () =>
		Object.fromEntries(
			sandbox
				.n8nCredentials()
				.filter(
					(c) => c.type.startsWith('mspSentinelOne') || c.type.startsWith('mspMicrosoftDefender'),
				)
				.map((c) => [c.type, c.data as never]),
		);
	const run = async (parameters: IDataObject, input: IDataObject[], onError?: OnError) =>
		await runWorkflow(edrWorkflow(provider, parameters, onError), {
			input,
			credentials: credentials(),
		});
	const idOf = (answer: DeviceAnswer) =>
		provider === 'sentinelOne' ? answer.ids.sentinelOne.agentId : answer.ids.defender.machineId;
	const seeded = (hostname: string) => {
		const device = sandbox.world().devices.find((d) => d.hostname === hostname)!;
		return {
			device,
			id: provider === 'sentinelOne' ? device.ids.sentinelOneAgentId : device.ids.defenderMachineId,
		};
	};
	const stateOf = (key: string) => sandbox.world().devices.find((d) => d.key === key)!.containment;
	/** Isolate or release requests the vendor received since the mark. */
	const containmentRequests = () =>
		sandbox.requests
			.query({ vendor, since })
			.filter(
				(r) =>
					r.method === 'POST' && /\/agents\/actions\/(dis)?connect$|\/(un)?isolate$/.test(r.path),
			);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 60_000 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
	});

	it('a hostname at two clients: by ID isolates only that device; by hostname refuses, listing both, and sends nothing', async () => {
		const bsd = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'BSD' });
		const nwl = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'NWL' });

		const byHost = await run(isolate(), [{ host: 'FRONTDESK' }]);
		expect(byHost.error?.message).toMatch(/Hostname "FRONTDESK" matches 2 /);
		for (const answer of [bsd, nwl])
			expect(byHost.error?.message).toContain(`id ${idOf(answer)}, last seen `);
		expect(byHost.error?.message).toMatch(
			provider === 'sentinelOne' ? /Bright Smile Dental/ : /BSD Endpoints/,
		);
		expect(byHost.error?.message).toMatch(
			provider === 'sentinelOne' ? /Northwind Logistics/ : /NWL Endpoints/,
		);
		expect(containmentRequests()).toHaveLength(0);

		const byId = await run(isolate({}, { mode: 'id' }), [{ id: idOf(nwl) }]);
		expect(byId.error).toBeUndefined();
		expect(byId.outputOf('EDR')).toEqual([
			expect.objectContaining({ deviceId: idOf(nwl), requested: true, role: 'workstation' }),
		]);
		expect(containmentRequests()).toHaveLength(1);
		expect([stateOf(bsd.device.key), stateOf(nwl.device.key)]).toEqual([
			'released',
			'pendingIsolation',
		]);
	});

	it('a domain controller and a server that match no pattern are refused by their EDR role; with override they are isolated', async () => {
		const dc = sandbox.addDevice({ hostname: 'BSD-AD01', client: 'BSD', type: 'domainController' });
		const app = sandbox.addDevice({ hostname: 'NWL-APP01', client: 'NWL', type: 'server' });
		const input = [{ host: 'BSD-AD01' }, { host: 'NWL-APP01' }];

		const refused = await run(isolate(), input);
		expect(refused.error?.message).toMatch(
			/^BSD-AD01 \(id \w+\) is protected and was not isolated: its role is server \(as .* reports it\), a Protected Role\. Turn on "Override Protection" for this item to isolate it anyway\.$/i,
		);
		expect(refused.error?.description).toMatch(/Override Protection/);
		expect(containmentRequests()).toHaveLength(0);
		expect([stateOf(dc.device.key), stateOf(app.device.key)]).toEqual(['released', 'released']);

		const overridden = await run(isolate({ overrideProtection: true }), input);
		expect(overridden.error).toBeUndefined();
		expect(overridden.outputOf('EDR').map((o) => [o.deviceId, o.role, o.requested])).toEqual([
			[idOf(dc), 'server', true],
			[idOf(app), 'server', true],
		]);
		expect([stateOf(dc.device.key), stateOf(app.device.key)]).toEqual([
			'pendingIsolation',
			'pendingIsolation',
		]);
	});

	it('Known Device Role from the input protects a domain controller the EDR only knows as a server', async () => {
		const dc = sandbox.addDevice({ hostname: 'HLL-AD02', client: 'HLL', type: 'domainController' });
		const options = { protectedRoles: ['domainController'], deviceRole: '={{ $json.rmmRole }}' };
		const result = await run(
			isolate(options),
			[
				{ host: 'HLL-AD02', rmmRole: 'Domain Controller' },
				{ host: 'HLL-SRV01', rmmRole: '' },
			],
			'continueRegularOutput',
		);
		expect(result.error).toBeUndefined();
		const [refused, server] = result.outputOf('EDR');
		expect(refused).toMatchObject({
			error: expect.stringMatching(
				/is protected and was not isolated: its role is domain controller \(from Known Device Role in the input; .* reports server\), a Protected Role\. Turn on "Override Protection" for this item to isolate it anyway\.$/,
			),
			deviceId: idOf(dc),
			role: 'domainController',
			roleSource: 'input',
		});
		// Only domain controllers are protected here: the server the RMM says nothing about is isolated.
		expect(server).toMatchObject({ role: 'server', roleSource: 'edr', requested: true });
		expect(stateOf(dc.device.key)).toBe('released');
		expect(seeded('HLL-SRV01').device.containment).toBe('pendingIsolation');
	});

	it('a batch of three with one protected: continue-on-fail isolates the other two; without it nothing is sent', async () => {
		const input = [{ host: 'BSD-WS01' }, { host: 'BSD-DC01' }, { host: 'NWL-WS02' }];
		const hosts = input.map((i) => seeded(i.host));

		const stopped = await run(isolate(), input);
		expect(stopped.error?.message).toMatch(
			/^BSD-DC01 \(id \w+\) is protected and was not isolated/i,
		);
		expect(stopped.error?.message).toMatch(/never-isolate list \(pattern "\*-DC\*"\)/);
		expect(containmentRequests()).toHaveLength(0);
		expect(hosts.map((h) => h.device.containment)).toEqual(['released', 'released', 'released']);

		const routed = await run(isolate(), input, 'continueErrorOutput');
		expect(routed.error).toBeUndefined();
		expect(routed.outputOf('EDR', 0).map((o) => [o.deviceId, o.requested])).toEqual([
			[hosts[0].id, true],
			[hosts[2].id, true],
		]);
		// n8n routes an item whose json is only `error` to the error output and adds the input's fields.
		expect(routed.outputOf('EDR', 1)).toEqual([
			{
				host: 'BSD-DC01',
				error: expect.stringMatching(
					new RegExp(`^BSD-DC01 \\(id ${hosts[1].id}\\) is protected .*Override Protection`, 'i'),
				),
			},
		]);
		expect(routed.itemsOf('EDR', 1)[0].pairedItem).toEqual({ item: 1 });
		expect(
			hosts.map((h) => sandbox.world().devices.find((d) => d.key === h.device.key)!.containment),
		).toEqual(['pendingIsolation', 'released', 'pendingIsolation']);
		expect(containmentRequests()).toHaveLength(provider === 'sentinelOne' ? 1 : 2);
	});

	it('options per item: override on item 0 only isolates item 0; each item’s comment is its own', async () => {
		const input = [
			{ host: 'BSD-DC01', override: true, comment: 'Approved in ticket 101' },
			{ host: 'NWL-DC01', override: false, comment: 'Ticket 102' },
			{ host: 'HLL-WS04', override: false, comment: 'Ticket 103' },
		];
		const result = await run(
			isolate({ overrideProtection: '={{ $json.override }}' }, { comment: '={{ $json.comment }}' }),
			input,
			'continueRegularOutput',
		);
		const out = result.outputOf('EDR');
		expect(out[0]).toMatchObject({ requested: true, deviceId: seeded('BSD-DC01').id });
		expect(out[1].error).toMatch(/NWL-DC01 \(id \w+\) is protected/i);
		expect(out[2]).toMatchObject({ requested: true, deviceId: seeded('HLL-WS04').id });
		expect(['BSD-DC01', 'NWL-DC01', 'HLL-WS04'].map((h) => seeded(h).device.containment)).toEqual([
			'pendingIsolation',
			'released',
			'pendingIsolation',
		]);
		if (provider === 'microsoftDefender') {
			// Defender records the comment on each machine's isolate action.
			const world = sandbox.world();
			const commentOf = (hostname: string) => {
				const op = world.operations.find(
					(o) => o.kind === 'isolate' && o.deviceKey === seeded(hostname).device.key,
				)!;
				return sliceOf(world).actions[op.id].comment;
			};
			expect([commentOf('BSD-DC01'), commentOf('HLL-WS04')]).toEqual([
				'Approved in ticket 101',
				'Ticket 103',
			]);
		} else {
			// SentinelOne's disconnect body has no comment: one request per distinct comment.
			expect(containmentRequests()).toHaveLength(2);
		}
	});

	it.each([
		[
			'two devices in one ID',
			{ mode: 'id' },
			{ id: 'A,B' },
			{},
			/Device \(By ID\) "A,B" is not a single device/,
		],
		[
			'a negative wait timeout',
			{ waitForCompletion: true },
			{ host: 'NWL-WS03' },
			{ waitTimeout: -5 },
			/Wait Timeout \(Seconds\) must be a number of seconds, 0 or more, not -5/,
		],
		[
			'an unknown role',
			{},
			{ host: 'NWL-WS03' },
			{ deviceRole: 'router' },
			/Known Device Role "router" is not a role/,
		],
	])(
		'bad input (%s) fails naming the field before any request',
		async (_case, extra, item, options, message) => {
			const first =
				(extra as IDataObject).mode === 'id' ? { id: seeded('BSD-WS02').id } : { host: 'BSD-WS02' };
			const result = await run(isolate({ ...options }, extra as IDataObject), [first, item]);
			expect(result.error?.message).toMatch(message);
			expect(sandbox.requests.query({ vendor, since })).toHaveLength(0);
			expect(seeded('BSD-WS02').device.containment).toBe('released');
		},
	);

	it('IDs of the wrong shape for the vendor are refused before any request', async () => {
		const bad = provider === 'sentinelOne' ? ['0x1A2B3C', '6.576e17'] : ['bsd-ws02', '12345'];
		for (const id of bad) {
			const result = await run(isolate({}, { mode: 'id' }), [{ id }]);
			expect(result.error?.message).toMatch(
				provider === 'sentinelOne'
					? /Device \(By ID\): ".*" is not a SentinelOne agent ID: agent IDs are decimal digits only/
					: /Device \(By ID\): ".*" is not a Defender machine ID: machine IDs are 40 hexadecimal characters/,
			);
		}
		expect(sandbox.requests.query({ vendor, since })).toHaveLength(0);
	});
});

describe('workflow: SentinelOne agent reporting "connecting"', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 60_000 } });
	});
	afterAll(async () => sandbox.stop());

	it('is isolated (the disconnect is sent), not refused as a pending release', async () => {
		sandbox.updateDevice('BSD-WS06', { online: false });
		const since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const result = await runWorkflow(edrWorkflow('sentinelOne', isolate()), {
			input: [{ host: 'BSD-WS06' }],
			credentials: Object.fromEntries(
				sandbox
					.n8nCredentials()
					.filter((c) => c.type === 'mspSentinelOneApi')
					.map((c) => [c.type, c.data as never]),
			),
		});
		expect(result.error).toBeUndefined();
		expect(result.outputOf('EDR')).toEqual([
			expect.objectContaining({ hostname: 'BSD-WS06', requested: true, state: 'pendingIsolation' }),
		]);
		const requests = sandbox.requests.query({ vendor: 'sentinelone', since });
		expect(requests.filter((r) => r.path.endsWith('/agents/actions/disconnect'))).toHaveLength(1);
		expect(sandbox.world().devices.find((d) => d.hostname === 'BSD-WS06')!.containment).toBe(
			'pendingIsolation',
		);
	});
});
