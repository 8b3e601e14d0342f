import { startSandbox, type Sandbox } from '../../../sandbox';
import { S1_TOKENS } from '../../../sandbox/vendors/sentinelone';
import { SANDBOX_TENANT } from '../../../sandbox/vendors/microsoft-login';
import { changeContainment, type ContainOptions, type ContainResult } from '../../../nodes/MspEdr/actions/containment/contain';
import type { EdrProviderName } from '../../../nodes/MspEdr/providers/types';
import { pollUntil } from '../../../nodes/shared';
import { deviceIdIn, PROVIDERS, providerFor, sandboxCredentials, threatIdIn } from './setup';

const NODE = { id: 'n', name: 'MSP EDR', type: 'mspEdr', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
const fast = { timeoutMs: 5000, intervalMs: 1, sleep: async () => undefined };
const options = (extra: Partial<ContainOptions> = {}): ContainOptions => ({ kind: 'isolate', comment: 'Contract test', protectedPatterns: ['*-DC*'], overrideProtection: false, wait: true, ...fast, ...extra });
const ok = (results: ContainResult[]) => results.map((r) => ('containment' in r ? r.containment : undefined));
const errors = (results: ContainResult[]) => results.map((r) => ('error' in r ? r.error.message : undefined));

describe.each(PROVIDERS)('EDR contract: $label', ({ name, vendor }) => {
	let sandbox: Sandbox;
	const provider = () => providerFor(sandbox, name);
	const writes = (path: RegExp) => sandbox.requests.query({ vendor }).filter((r) => r.method === 'POST' && path.test(r.path));

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
		expect(sandbox.requests.query({ vendor }).filter((r) => /\/(threats|alerts)$/.test(r.path)).length).toBeGreaterThanOrEqual(5);
		expect(all[0]).toMatchObject({ id: expect.any(String), deviceId: expect.any(String), hostname: expect.any(String), severity: expect.any(String), status: 'new' });
		expect(await provider().listThreats({ returnAll: false, limit: 3 })).toHaveLength(3);
	});

	it('filters by detection time, severity, status and hostname', async () => {
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const found = await provider().listThreats({ since: ransomware.detectedAt, severities: ['high', 'critical'], statuses: ['new'], hostname: 'BSD-WS02', returnAll: true });
		expect(found.map((t) => t.id)).toContain(threatIdIn(name, ransomware));
		for (const threat of found) {
			expect(threat).toMatchObject({ hostname: expect.stringMatching(/^bsd-ws02$/i), severity: 'high', status: 'new' });
			expect(Date.parse(threat.detectedAt!)).toBeGreaterThanOrEqual(Date.parse(ransomware.detectedAt));
		}
		expect(found.find((t) => t.id === threatIdIn(name, ransomware))!.sha1).toBe(ransomware.sha1);
	});

	it('gets one threat, updates status and verdict, and adds a note', async () => {
		const threat = sandbox.world().threats[1];
		const id = threatIdIn(name, threat);
		expect(await provider().getThreat(id)).toMatchObject({ id, status: 'new', verdict: 'undefined' });
		const updated = await provider().updateThreat(id, { status: 'inProgress', verdict: 'falsePositive' });
		expect(updated).toMatchObject({ id, status: 'inProgress', verdict: 'falsePositive' });
		expect(sandbox.world().threats[1]).toMatchObject({ status: 'inProgress', verdict: 'falsePositive' });
		expect(await provider().addNote(id, 'Signed admin tool, closing')).toMatchObject({ threatId: id, added: true });
		expect(sandbox.world().threats[1].notes.map((n) => n.text)).toContain('Signed admin tool, closing');
		await provider().updateThreat(id, { status: 'resolved' });
		expect(sandbox.world().threats[1].status).toBe('resolved');
	});

	it('finds devices by id and hostname; an unknown device is a clear error', async () => {
		const id = deviceIdIn(name, sandbox.world(), 'NWL-WS04');
		expect(await provider().getDevice({ hostname: 'nwl-ws04' })).toMatchObject({ id, hostname: expect.stringMatching(/^nwl-ws04$/i) });
		expect((await provider().getDevice({ id })).id).toBe(id);
		await expect(provider().getDevice({ hostname: 'NOPE-WS99' })).rejects.toThrow(/No .* "NOPE-WS99" was found/);
		expect((await provider().getContainment(id)).state).toBe('released');
	});

	it('isolates a batch, waits until isolated, is idempotent, and releases', async () => {
		const hosts = ['BSD-WS01', 'BSD-WS03', 'NWL-WS01', 'NWL-WS02', 'HLL-WS02'];
		const results = await changeContainment(provider(), NODE, hosts.map((hostname) => ({ hostname })), options());
		expect(errors(results)).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect(ok(results).map((c) => c?.state)).toEqual(Array(5).fill('isolated'));
		expect(ok(results).every((c) => c?.requested === true && c.alreadyInState === false)).toBe(true);
		for (const host of hosts) expect(sandbox.world().devices.find((d) => d.hostname === host)!.containment).toBe('isolated');
		const batch = provider().containmentBatchSize;
		const isolateCalls = writes(/\/agents\/actions\/disconnect$|\/isolate$/);
		expect(isolateCalls).toHaveLength(Math.ceil(hosts.length / batch));

		const again = await changeContainment(provider(), NODE, hosts.map((hostname) => ({ hostname })), options());
		expect(ok(again).every((c) => c?.alreadyIsolated === true && c.requested === false)).toBe(true);
		expect(writes(/\/agents\/actions\/disconnect$|\/isolate$/)).toHaveLength(isolateCalls.length);

		const released = await changeContainment(provider(), NODE, [{ hostname: hosts[0] }], options({ kind: 'release' }));
		expect(ok(released)[0]).toMatchObject({ state: 'released', requested: true });
		expect(sandbox.world().devices.find((d) => d.hostname === hosts[0])!.containment).toBe('released');
	});

	it('honours the never-isolate list unless protection is overridden', async () => {
		const refused = await changeContainment(provider(), NODE, [{ hostname: 'BSD-DC01' }, { hostname: 'BSD-WS04' }], options());
		expect(errors(refused)[0]).toMatch(/BSD-DC01 is on the never-isolate list \(pattern "\*-DC\*"\)/i);
		expect(ok(refused)[1]?.state).toBe('isolated');
		expect(sandbox.world().devices.find((d) => d.hostname === 'BSD-DC01')!.containment).toBe('released');
		const forced = await changeContainment(provider(), NODE, [{ hostname: 'BSD-DC01' }], options({ overrideProtection: true }));
		expect(ok(forced)[0]?.state).toBe('isolated');
	});

	it('reports an unknown device per device while the others proceed', async () => {
		const results = await changeContainment(provider(), NODE, [{ hostname: 'GHOST-01' }, { hostname: 'HLL-WS03' }], options({ wait: false }));
		expect(errors(results)[0]).toMatch(/GHOST-01/);
		expect(ok(results)[1]).toMatchObject({ state: 'pendingIsolation', requested: true });
	});

	it('runs a mitigation and waits for it to complete', async () => {
		const threat = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const p = provider();
		const kind = name === 'sentinelOne' ? 'quarantine' : 'stopAndQuarantineFile';
		const started = await p.mitigate({ kind, threat: await p.getThreat(threatIdIn(name, threat)), comment: 'Contain ransomware' });
		expect(started).toMatchObject({ action: kind, status: 'pending' });
		const done = await pollUntil({ ...fast, check: async () => { const a = await p.readMitigation(started); return { done: a.status !== 'pending', value: a }; } });
		expect(done.value.status).toBe('succeeded');
		expect(sandbox.world().threats.find((t) => t.key === threat.key)!.mitigationStatus).toBe('mitigated');
	});

	it('turns a vendor permission error into a clear message', async () => {
		const credentials = sandboxCredentials(sandbox);
		if (name === 'sentinelOne') credentials.mspSentinelOneApi.apiToken = S1_TOKENS.viewer;
		else Object.assign(credentials.mspMicrosoftDefenderApi, { clientId: SANDBOX_TENANT.apps[1].appId, clientSecret: SANDBOX_TENANT.apps[1].secret, accessToken: '' });
		const readOnly = providerFor(sandbox, name as EdrProviderName, credentials);
		const results = await changeContainment(readOnly, NODE, [{ hostname: 'BSD-WS05' }], options());
		const message = errors(results)[0] ?? '';
		expect(message).toMatch(name === 'sentinelOne' ? /Forbidden: Insufficient permissions/ : /Machine\.Isolate/);
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
		await expect(p.requestContainment('release', [id], 'second')).rejects.toThrow(/already has an action in progress/);
	});

	it('Defender refuses the "suspicious" verdict it does not have; SentinelOne sets it', async () => {
		const threat = sandbox.world().threats[2];
		await expect(providerFor(sandbox, 'microsoftDefender').updateThreat(threat.defenderAlertId, { verdict: 'suspicious' })).rejects.toThrow(/no "suspicious" classification/);
		expect(await providerFor(sandbox, 'sentinelOne').updateThreat(threat.sentinelOneThreatId, { verdict: 'suspicious' })).toMatchObject({ verdict: 'suspicious' });
	});

	it('a pending isolation is not sent again; a pending release blocks isolation', async () => {
		sandbox.setTiming({ readsToFinish: 50, msToFinish: 60_000 });
		const p = providerFor(sandbox, 'sentinelOne');
		const since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const base = options({ wait: false });
		await changeContainment(p, NODE, [{ hostname: 'NWL-WS06' }], base);
		const pending = await changeContainment(p, NODE, [{ hostname: 'NWL-WS06' }], base);
		expect(ok(pending)[0]).toMatchObject({ requested: false, state: 'pendingIsolation', note: expect.stringMatching(/already pending/) });
		const blocked = await changeContainment(p, NODE, [{ hostname: 'NWL-WS06' }], options({ wait: false, kind: 'release' }));
		expect(errors(blocked)[0]).toMatch(/NWL-WS06 has a pending isolation/);
		expect(sandbox.requests.query({ vendor: 'sentinelone', since }).filter((r) => r.method === 'POST')).toHaveLength(1);
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
	});
});
