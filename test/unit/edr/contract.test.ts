import { startSandbox, type Sandbox } from '../../../sandbox';
import { S1_TOKENS } from '../../../sandbox/vendors/sentinelone';
import { SANDBOX_TENANT } from '../../../sandbox/vendors/microsoft-login';
import * as contain from '../../../nodes/MspEdr/actions/containment/contain';
import type { ContainResult } from '../../../nodes/MspEdr/actions/containment/contain';
import type { INode } from 'n8n-workflow';

import type {
	DeviceRef,
	EdrProvider,
	EdrProviderName,
} from '../../../nodes/MspEdr/providers/types';
import type { Device as WorldDevice } from '../../../sandbox/world/types';
import { pollUntil } from '../../../nodes/shared';
import { deviceIdIn, PROVIDERS, providerFor, sandboxCredentials, threatIdIn } from './setup';

const NODE = {
	id: 'n',
	name: 'MSP EDR',
	type: 'mspEdr',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
const fast = { timeoutMs: 5000, intervalMs: 1, sleep: async () => undefined };
/** The same options for every device of a run (the node reads them per item; see node.test.ts). */
interface ContainOptions {
	kind: 'isolate' | 'release';
	comment: string;
	protectedPatterns: string[];
	protectedRoles: contain.ProtectedRole[];
	overrideProtection: boolean;
	wait: boolean;
	timeoutMs: number;
	intervalMs: number;
	sleep?: (ms: number) => Promise<void>;
}
const options = (extra: Partial<ContainOptions> = {}): ContainOptions => ({
	kind: 'isolate',
	comment: 'Contract test',
	protectedPatterns: ['*-DC*'],
	// Role protection is exercised in protection.test.ts; these runs count requests by name pattern.
	protectedRoles: [],
	overrideProtection: false,
	wait: true,
	...fast,
	...extra,
});
const changeContainment = async (
	provider: EdrProvider,
	node: INode,
	refs: DeviceRef[],
	o: ContainOptions,
): Promise<ContainResult[]> =>
	await contain.changeContainment(
		provider,
		node,
		{ kind: o.kind, sleep: o.sleep },
		refs.map((ref) => ({
			ref,
			options: {
				comment: o.comment,
				wait: o.wait,
				timeoutMs: o.timeoutMs,
				intervalMs: o.intervalMs,
				protection: {
					patterns: o.protectedPatterns,
					roles: o.protectedRoles,
					override: o.overrideProtection,
				},
			},
		})),
	);
const ok = (results: ContainResult[]) =>
	results.map((r) => ('containment' in r ? r.containment : undefined));
const errors = (results: ContainResult[]) =>
	results.map((r) => ('error' in r ? r.error.message : undefined));

describe.each(PROVIDERS)('EDR contract: $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	const provider = () => providerFor(sandbox, name);
	const writes = (path: RegExp) =>
		sandbox.requests.query({ vendor }).filter((r) => r.method === 'POST' && path.test(r.path));

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});

	it('lists threats across pages without duplicates, and honours a limit', async () => {
		const all = await provider().listThreats({ returnAll: true });
		expect(all).toHaveLength(29);
		expect(new Set(all.map((t) => t.id)).size).toBe(29);
		expect(
			sandbox.requests.query({ vendor }).filter((r) => /\/(threats|alerts)$/.test(r.path)).length,
		).toBeGreaterThanOrEqual(5);
		expect(all[0]).toMatchObject({
			id: expect.any(String),
			deviceId: expect.any(String),
			hostname: expect.any(String),
			severity: expect.any(String),
			status: 'new',
		});
		expect(await provider().listThreats({ returnAll: false, limit: 3 })).toHaveLength(3);
	});

	it('filters by detection time, severity, status and hostname', async () => {
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const found = await provider().listThreats({
			since: ransomware.detectedAt,
			severities: ['high', 'critical'],
			statuses: ['new'],
			hostname: 'BSD-WS02',
			returnAll: true,
		});
		expect(found.map((t) => t.id)).toContain(threatIdIn(name, ransomware));
		for (const threat of found) {
			expect(threat).toMatchObject({
				hostname: expect.stringMatching(/^bsd-ws02$/i),
				severity: 'high',
				status: 'new',
			});
			expect(Date.parse(threat.detectedAt!)).toBeGreaterThanOrEqual(
				Date.parse(ransomware.detectedAt),
			);
		}
		expect(found.find((t) => t.id === threatIdIn(name, ransomware))!.sha1).toBe(ransomware.sha1);
	});

	it('gets one threat, updates status and verdict, and adds a note', async () => {
		const threat = sandbox.world().threats[1];
		const id = threatIdIn(name, threat);
		const unjudged = await provider().getThreat(id);
		expect(unjudged).toMatchObject({ id, status: 'new' });
		// No analyst verdict yet: the field is absent, never the text "undefined".
		expect(unjudged.verdict).toBeUndefined();
		const updated = await provider().updateThreat(id, {
			status: 'inProgress',
			verdict: 'falsePositive',
		});
		expect(updated).toMatchObject({ id, status: 'inProgress', verdict: 'falsePositive' });
		expect(sandbox.world().threats[1]).toMatchObject({
			status: 'inProgress',
			verdict: 'falsePositive',
		});
		expect(await provider().addNote(id, 'Signed admin tool, closing')).toMatchObject({
			threatId: id,
			added: true,
		});
		expect(sandbox.world().threats[1].notes.map((n) => n.text)).toContain(
			'Signed admin tool, closing',
		);
		await provider().updateThreat(id, { status: 'resolved' });
		expect(sandbox.world().threats[1].status).toBe('resolved');
	});

	it('finds devices by id and hostname; an unknown device is a clear error', async () => {
		const id = deviceIdIn(name, sandbox.world(), 'NWL-WS04');
		expect(await provider().getDevice({ hostname: 'nwl-ws04' })).toMatchObject({
			id,
			hostname: expect.stringMatching(/^nwl-ws04$/i),
		});
		expect((await provider().getDevice({ id })).id).toBe(id);
		await expect(provider().getDevice({ hostname: 'NOPE-WS99' })).rejects.toThrow(
			/No .* "NOPE-WS99" was found/,
		);
		expect((await provider().getContainment(id)).state).toBe('released');
	});

	it('isolates a batch, waits until isolated, is idempotent, and releases', async () => {
		const hosts = ['BSD-WS01', 'BSD-WS03', 'NWL-WS01', 'NWL-WS02', 'HLL-WS02'];
		const results = await changeContainment(
			provider(),
			NODE,
			hosts.map((hostname) => ({ hostname })),
			options(),
		);
		expect(errors(results)).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect(ok(results).map((c) => c?.state)).toEqual(Array(5).fill('isolated'));
		expect(ok(results).every((c) => c?.requested === true && c.alreadyInState === false)).toBe(
			true,
		);
		for (const host of hosts)
			expect(sandbox.world().devices.find((d) => d.hostname === host)!.containment).toBe(
				'isolated',
			);
		const batch = provider().containmentBatchSize;
		const isolateCalls = writes(/\/agents\/actions\/disconnect$|\/isolate$/);
		expect(isolateCalls).toHaveLength(Math.ceil(hosts.length / batch));

		const again = await changeContainment(
			provider(),
			NODE,
			hosts.map((hostname) => ({ hostname })),
			options(),
		);
		expect(ok(again).every((c) => c?.alreadyIsolated === true && c.requested === false)).toBe(true);
		expect(writes(/\/agents\/actions\/disconnect$|\/isolate$/)).toHaveLength(isolateCalls.length);

		const released = await changeContainment(
			provider(),
			NODE,
			[{ hostname: hosts[0] }],
			options({ kind: 'release' }),
		);
		expect(ok(released)[0]).toMatchObject({ state: 'released', requested: true });
		expect(sandbox.world().devices.find((d) => d.hostname === hosts[0])!.containment).toBe(
			'released',
		);
	});

	it('honours the never-isolate list unless protection is overridden', async () => {
		const refused = await changeContainment(
			provider(),
			NODE,
			[{ hostname: 'BSD-DC01' }, { hostname: 'BSD-WS04' }],
			options(),
		);
		expect(errors(refused)[0]).toMatch(
			/^BSD-DC01 \(id \w+\) is protected and was not isolated: it is on the never-isolate list \(pattern "\*-DC\*"\)\. Turn on "Override Protection" for this item to isolate it anyway\.$/i,
		);
		expect(ok(refused)[1]?.state).toBe('isolated');
		expect(sandbox.world().devices.find((d) => d.hostname === 'BSD-DC01')!.containment).toBe(
			'released',
		);
		const forced = await changeContainment(
			provider(),
			NODE,
			[{ hostname: 'BSD-DC01' }],
			options({ overrideProtection: true }),
		);
		expect(ok(forced)[0]?.state).toBe('isolated');
	});

	it('reports an unknown device per device while the others proceed', async () => {
		const results = await changeContainment(
			provider(),
			NODE,
			[{ hostname: 'GHOST-01' }, { hostname: 'HLL-WS03' }],
			options({ wait: false }),
		);
		expect(errors(results)[0]).toMatch(/GHOST-01/);
		expect(ok(results)[1]).toMatchObject({ state: 'pendingIsolation', requested: true });
	});

	it('runs a mitigation and waits for it to complete', async () => {
		const threat = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const p = provider();
		const kind = name === 'sentinelOne' ? 'quarantine' : 'stopAndQuarantineFile';
		const started = await p.mitigate({
			kind,
			threat: await p.getThreat(threatIdIn(name, threat)),
			comment: 'Contain ransomware',
		});
		expect(started).toMatchObject({ action: kind, status: 'pending' });
		const done = await pollUntil({
			...fast,
			check: async () => {
				const a = await p.readMitigation(started);
				return { done: a.status !== 'pending', value: a };
			},
		});
		expect(done.value.status).toBe('succeeded');
		expect(sandbox.world().threats.find((t) => t.key === threat.key)!.mitigationStatus).toBe(
			'mitigated',
		);
	});

	it('turns a vendor permission error into a clear message', async () => {
		const credentials = sandboxCredentials(sandbox);
		if (name === 'sentinelOne') credentials.mspSentinelOneApi.apiToken = S1_TOKENS.viewer;
		else
			Object.assign(credentials.mspMicrosoftDefenderApi, {
				clientId: SANDBOX_TENANT.apps[1].appId,
				clientSecret: SANDBOX_TENANT.apps[1].secret,
				accessToken: '',
			});
		const readOnly = providerFor(sandbox, name as EdrProviderName, credentials);
		const results = await changeContainment(readOnly, NODE, [{ hostname: 'BSD-WS05' }], options());
		const message = errors(results)[0] ?? '';
		expect(message).toMatch(
			name === 'sentinelOne' ? /Forbidden: Insufficient permissions/ : /Machine\.Isolate/,
		);
	});
});

describe('EDR contract: vendor differences', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});
	afterAll(async () => sandbox.stop());

	it('Defender: a second action while one is pending gets a clear message', async () => {
		const p = providerFor(sandbox, 'microsoftDefender');
		const id = deviceIdIn('microsoftDefender', sandbox.world(), 'HLL-WS04');
		await p.requestContainment('isolate', [id], 'first');
		await expect(p.requestContainment('release', [id], 'second')).rejects.toThrow(
			/already has an action in progress/,
		);
	});

	it('Defender refuses the "suspicious" verdict it does not have; SentinelOne sets it', async () => {
		const threat = sandbox.world().threats[2];
		await expect(
			providerFor(sandbox, 'microsoftDefender').updateThreat(threat.defenderAlertId, {
				verdict: 'suspicious',
			}),
		).rejects.toThrow(/no "suspicious" classification/);
		expect(
			await providerFor(sandbox, 'sentinelOne').updateThreat(threat.sentinelOneThreatId, {
				verdict: 'suspicious',
			}),
		).toMatchObject({ verdict: 'suspicious' });
	});

	it('a pending isolation is not sent again; a pending release blocks isolation', async () => {
		sandbox.setTiming({ readsToFinish: 50, msToFinish: 60_000 });
		const p = providerFor(sandbox, 'sentinelOne');
		const since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const base = options({ wait: false });
		await changeContainment(p, NODE, [{ hostname: 'NWL-WS06' }], base);
		const pending = await changeContainment(p, NODE, [{ hostname: 'NWL-WS06' }], base);
		expect(ok(pending)[0]).toMatchObject({
			requested: false,
			state: 'pendingIsolation',
			note: expect.stringMatching(/already pending/),
		});
		const blocked = await changeContainment(
			p,
			NODE,
			[{ hostname: 'NWL-WS06' }],
			options({ wait: false, kind: 'release' }),
		);
		expect(errors(blocked)[0]).toMatch(/NWL-WS06 \(id \w+\) has a pending isolation/);
		expect(
			sandbox.requests.query({ vendor: 'sentinelone', since }).filter((r) => r.method === 'POST'),
		).toHaveLength(1);
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});
});

/**
 * Requests per containment run, from the sandbox request log (no waiting, so no status polls):
 * - SentinelOne: ceil(ids / 100) `GET /agents?ids=` reads (the agent carries its network status,
 *   so no second read) and ceil(devices to send / 100) disconnect or connect calls.
 * - Defender: ceil(ids / 20) `GET /machines?$filter=id eq … or …` reads, ceil(candidates / 20)
 *   `GET /machineactions?$filter=(machineId eq … or …) and (type eq 'Isolate' or …)` reads, and one
 *   isolate or unisolate call per machine to send (Defender has no batch action).
 * - A hostname costs one lookup of its own on both; an id a batch did not return costs one more read.
 */
const EXPECTED: Record<
	EdrProviderName,
	(refs: number, candidates: number, sent: number) => Record<string, number>
> = {
	sentinelOne: (refs, _candidates, sent) => ({
		'GET /agents': Math.ceil(refs / 100),
		...(sent ? { 'POST /agents/actions/disconnect': Math.ceil(sent / 100) } : {}),
	}),
	microsoftDefender: (refs, candidates, sent) => ({
		'GET /machines': Math.ceil(refs / 20),
		'GET /machineactions': Math.ceil(candidates / 20),
		...(sent ? { 'POST /machines/{id}/isolate': sent } : {}),
	}),
	// Huntress reads one agent per id and isolates one agent per request; organization names once.
	huntress: (refs, _candidates, sent) => ({
		'GET /organizations': 1,
		'GET /agents/{id}': refs,
		...(sent ? { 'POST /agents/{id}/isolation': sent } : {}),
	}),
	// CrowdStrike reads 100 hosts per request (the host carries its containment status) and contains
	// 100 hosts per request.
	crowdStrike: (refs, _candidates, sent) => ({
		'GET /devices/entities/devices/v2': Math.ceil(refs / 100),
		...(sent ? { 'POST /devices/entities/devices-actions/v2': Math.ceil(sent / 100) } : {}),
	}),
};

describe.each(PROVIDERS)('EDR contract: requests per containment, $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	let since = 0;
	const provider = () => providerFor(sandbox, name);
	const idsOf = (devices: WorldDevice[]) =>
		devices.map((d) =>
			name === 'sentinelOne' ? d.ids.sentinelOneAgentId : d.ids.defenderMachineId,
		);
	/** Requests since the mark, by method and path with the vendor prefix cut and machine ids generalised. */
	const counts = () => {
		const out: Record<string, number> = {};
		for (const r of sandbox.requests.query({ vendor, since })) {
			const path = r.path
				.replace(/^\/(sentinelone\/web\/api\/v2\.1|defender\/api)/, '')
				.replace(/^\/machines\/[^/]+(?=\/|$)/, '/machines/{id}');
			out[`${r.method} ${path}`] = (out[`${r.method} ${path}`] ?? 0) + 1;
		}
		return out;
	};
	const mark = () => {
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
	};

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			scale: { clients: 3, devicesPerClient: 80, threats: 0 },
		});
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
		mark();
	});

	it('isolates 240 devices by id in batched reads and writes; domain controllers are refused without a request', async () => {
		const devices = sandbox.world().devices;
		expect(devices).toHaveLength(240);
		const controllers = devices.filter((d) => d.type === 'domainController').length;
		const results = await changeContainment(
			provider(),
			NODE,
			idsOf(devices).map((id) => ({ id })),
			options({ wait: false }),
		);
		const refused = errors(results).filter(Boolean);
		expect(refused).toHaveLength(controllers);
		for (const message of refused)
			expect(message).toMatch(/is on the never-isolate list \(pattern "\*-DC\*"\)/);
		expect(ok(results).filter((c) => c?.requested && c.state === 'pendingIsolation')).toHaveLength(
			240 - controllers,
		);
		expect(counts()).toEqual(EXPECTED[name](240, 240 - controllers, 240 - controllers));
		expect(sandbox.world().devices.filter((d) => d.containment !== 'released')).toHaveLength(
			240 - controllers,
		);
	});

	it('sends nothing for devices already isolated and reports them as alreadyIsolated', async () => {
		const targets = sandbox
			.world()
			.devices.filter((d) => d.type !== 'domainController')
			.slice(0, 45);
		await changeContainment(
			provider(),
			NODE,
			idsOf(targets.slice(0, 5)).map((id) => ({ id })),
			options(),
		);
		expect(targets.slice(0, 5).every((d) => d.containment === 'isolated')).toBe(true);
		mark();
		const results = await changeContainment(
			provider(),
			NODE,
			idsOf(targets).map((id) => ({ id })),
			options({ wait: false }),
		);
		expect(errors(results).filter(Boolean)).toEqual([]);
		expect(
			ok(results)
				.slice(0, 5)
				.every(
					(c) => c?.alreadyIsolated === true && c.requested === false && c.state === 'isolated',
				),
		).toBe(true);
		expect(
			ok(results)
				.slice(5)
				.every((c) => c?.requested === true),
		).toBe(true);
		expect(counts()).toEqual(EXPECTED[name](45, 45, 40));

		mark();
		const again = await changeContainment(
			provider(),
			NODE,
			idsOf(targets.slice(0, 5)).map((id) => ({ id })),
			options({ wait: false }),
		);
		expect(ok(again).every((c) => c?.alreadyIsolated === true)).toBe(true);
		expect(counts()).toEqual(EXPECTED[name](5, 5, 0));
	});

	it('names an unknown id while the rest of its batch proceeds, at one extra read', async () => {
		const [first, second] = idsOf(
			sandbox.world().devices.filter((d) => d.type !== 'domainController'),
		);
		const unknown = name === 'sentinelOne' ? '1999999999999999999' : 'f'.repeat(40);
		const results = await changeContainment(
			provider(),
			NODE,
			[{ id: first }, { id: unknown }, { id: second }],
			options({ wait: false }),
		);
		expect(errors(results)[1]).toMatch(new RegExp(`No .* "${unknown}" was found`));
		expect(ok(results)[0]).toMatchObject({ deviceId: first, requested: true });
		expect(ok(results)[2]).toMatchObject({ deviceId: second, requested: true });
		const expected = EXPECTED[name](3, 2, 2);
		const extra =
			name === 'sentinelOne'
				? { 'GET /agents': expected['GET /agents'] + 1 }
				: { 'GET /machines/{id}': 1 };
		expect(counts()).toEqual({ ...expected, ...extra });
	});

	it('looks hostnames up one by one and still reads the containment state in batches', async () => {
		const hosts = ['BSD-WS01', 'NWL-WS02', 'HLL-WS03'];
		const results = await changeContainment(
			provider(),
			NODE,
			hosts.map((hostname) => ({ hostname })),
			options({ wait: false }),
		);
		expect(ok(results).every((c) => c?.requested === true)).toBe(true);
		const expected = EXPECTED[name](hosts.length, hosts.length, hosts.length);
		// Each hostname is one lookup (computerName__contains / startswith(computerDnsName,…)) instead of a share of an id batch.
		expect(counts()).toEqual(
			name === 'sentinelOne'
				? { ...expected, 'GET /agents': 3 }
				: { ...expected, 'GET /machines': 3 },
		);
	});

	it('a pending isolation is not sent again; a pending release blocks isolation (without a request)', async () => {
		sandbox.setTiming({ readsToFinish: 50, msToFinish: 60_000 });
		const [id] = idsOf(sandbox.world().devices.filter((d) => d.hostname === 'NWL-WS06'));
		await changeContainment(provider(), NODE, [{ id }], options({ wait: false }));
		mark();
		const pending = await changeContainment(provider(), NODE, [{ id }], options({ wait: false }));
		expect(ok(pending)[0]).toMatchObject({
			requested: false,
			state: 'pendingIsolation',
			note: expect.stringMatching(/already pending/),
		});
		const blocked = await changeContainment(
			provider(),
			NODE,
			[{ id }],
			options({ wait: false, kind: 'release' }),
		);
		expect(errors(blocked)[0]).toMatch(/NWL-WS06 \(id \w+\) has a pending isolation/i);
		expect(
			sandbox.requests.query({ vendor, since }).filter((r) => r.method === 'POST'),
		).toHaveLength(0);
	});
});

describe.each(PROVIDERS)('EDR contract: waiting reads in batches, $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			scale: { clients: 3, devicesPerClient: 80, threats: 0 },
		});
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});
	afterAll(async () => sandbox.stop());

	it('polls every sent device together, one batched read per round', async () => {
		const devices = sandbox
			.world()
			.devices.filter((d) => d.type !== 'domainController')
			.slice(0, 150);
		const ids = devices.map((d) =>
			name === 'sentinelOne' ? d.ids.sentinelOneAgentId : d.ids.defenderMachineId,
		);
		let rounds = 0;
		const since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const results = await changeContainment(
			providerFor(sandbox, name),
			NODE,
			ids.map((id) => ({ id })),
			options({ sleep: async () => void rounds++ }),
		);
		expect(ok(results).every((c) => c?.state === 'isolated' && c.requested)).toBe(true);
		expect(devices.every((d) => d.containment === 'isolated')).toBe(true);
		// Each poll (one more than the sleeps between them) reads all open devices in the read batches.
		const polls = rounds + 1;
		const reads = (path: RegExp) =>
			sandbox.requests
				.query({ vendor, since })
				.filter((r) => r.method === 'GET' && path.test(r.path)).length;
		if (name === 'sentinelOne') {
			expect(reads(/\/agents$/)).toBe(Math.ceil(150 / 100) * (1 + polls));
		} else {
			expect(reads(/\/machines$/)).toBe(Math.ceil(150 / 20));
			expect(reads(/\/machineactions$/)).toBe(Math.ceil(150 / 20) * (1 + polls));
			expect(reads(/\/machineactions\/[^/]+$/)).toBe(0);
		}
	});
});
