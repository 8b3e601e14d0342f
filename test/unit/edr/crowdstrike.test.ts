import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import * as fs from 'fs';
import * as path from 'path';

import { MspCrowdStrikeApi } from '../../../credentials/MspCrowdStrikeApi.credentials';
import * as contain from '../../../nodes/MspEdr/actions/containment/contain';
import { createProvider } from '../../../nodes/MspEdr/providers';
import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { hostClock } from '../../../nodes/MspEdrTrigger/hostClock';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { TokenStore } from '../../../sandbox/lib/tokens';
import { FALCON_CLIENTS, FALCON_IDS, TOKEN_SLICE } from '../../../sandbox/vendors/crowdstrike';
import { HOUR, MINUTE, worldNow } from '../../../sandbox/world/clock';
import type { Threat } from '../../../sandbox/world/types';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { addThreat, advanceVendorClock } from './setup';

/** FalconPy's endpoint table (method, path, query parameters), copied from the published SDK. */
const SPEC = JSON.parse(
	fs.readFileSync(
		path.resolve(
			__dirname,
			'../../fixtures/vendor-specs/crowdstrike-falconpy-endpoints-subset.json',
		),
		'utf8',
	),
) as {
	modules: Record<
		string,
		Array<{
			method: string;
			path: string;
			parameters: Array<{ name: string; in: string; required?: boolean }>;
		}>
	>;
};
const OPERATIONS = Object.values(SPEC.modules).flat();

const NODE = {
	id: 'n',
	name: 'MSP EDR',
	type: 'mspEdr',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as INode;
const credentialTypes = [new MspCrowdStrikeApi()];

function credentialsOf(
	sandbox: Sandbox,
	client: { clientId: string; clientSecret: string } = FALCON_CLIENTS.analyst,
): ICredentialDataDecryptedObject {
	return {
		cloud: 'custom',
		customApiUrl: sandbox.vendorUrl('crowdstrike'),
		clientId: client.clientId,
		clientSecret: client.clientSecret,
	};
}

describe('CrowdStrike Falcon provider', () => {
	let sandbox: Sandbox;
	let credentials: ICredentialDataDecryptedObject;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [] });
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 60_000 });
		credentials = credentialsOf(sandbox);
	});

	const setup = (creds = credentials, pageSize = 7) => {
		const { ctx, requests } = fakeExecuteContext({
			parameters: {},
			credentials: { mspCrowdStrikeApi: creds },
			credentialTypes,
		});
		const provider = createProvider('crowdStrike', ctx, NODE, {
			pacer: null,
			pageSize,
			sleep: async () => undefined,
		});
		return { provider, requests };
	};
	const log = () => sandbox.requests.query({ vendor: 'crowdstrike' });
	const hostIdOf = (hostname: string) =>
		FALCON_IDS.aid(sandbox.world().devices.find((d) => d.hostname === hostname)!);
	const alertIdOf = (threat: Threat) => FALCON_IDS.alert(sandbox.world(), threat);

	it('sends only requests FalconPy documents: method, path and query parameters, required ones present', async () => {
		const { provider } = setup();
		const threats = await provider.listThreats({
			returnAll: true,
			severities: ['high', 'critical'],
		});
		await provider.getDevice({ hostname: 'BSD-WS03' });
		await provider.searchDevices('BSD');
		await provider.updateThreat(threats[0].id, { status: 'inProgress', comment: 'Looking' });
		await provider.requestContainment('isolate', [hostIdOf('BSD-WS03')], 'test');
		const entries = log();
		expect(entries.length).toBeGreaterThan(6);
		for (const entry of entries) {
			const route = entry.path.replace(/^\/crowdstrike/, '');
			const operation = OPERATIONS.find((o) => o.method === entry.method && o.path === route);
			expect({ route, method: entry.method, known: Boolean(operation) }).toEqual({
				route,
				method: entry.method,
				known: true,
			});
			if (!operation || route === '/oauth2/token') continue;
			const query = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
			for (const name of Object.keys(entry.query))
				expect([route, query.includes(name)]).toEqual([route, true]);
			for (const p of operation.parameters.filter((q) => q.in === 'query' && q.required))
				expect([route, p.name in entry.query]).toEqual([route, true]);
		}
		const token = entries.find((e) => e.path.endsWith('/oauth2/token'))!;
		expect(token).toMatchObject({ method: 'POST', status: 201 });
	});

	it('lists alerts a page at a time with an FQL filter, then reads each page by composite id', async () => {
		const { provider } = setup();
		const world = sandbox.world();
		const threats = await provider.listThreats({
			returnAll: true,
			statuses: ['new', 'inProgress'],
		});
		const open = world.threats.filter((t) => t.status !== 'resolved');
		expect(threats.map((t) => t.id).sort()).toEqual(open.map(alertIdOf).sort());
		const queries = log().filter((e) => e.path.endsWith('/alerts/queries/alerts/v2'));
		expect(queries.length).toBe(Math.floor(open.length / 7) + 1);
		expect(queries[0].query).toMatchObject({
			filter: "status:['new','in_progress','reopened']",
			sort: 'created_timestamp|desc',
			offset: '0',
			limit: '7',
		});
		expect(log().filter((e) => e.path.endsWith('/alerts/entities/alerts/v2'))).toHaveLength(
			Math.ceil(open.length / 7),
		);
		const limited = await provider.listThreats({ returnAll: false, limit: 3 });
		expect(limited).toHaveLength(3);
	});

	it('maps an alert to the shared threat with its triage facts', async () => {
		const { provider } = setup();
		const world = sandbox.world();
		const source = world.threats.find((t) => t.scenario === 'ransomware')!;
		const device = world.devices.find((d) => d.key === source.deviceKey)!;
		const threat = await provider.getThreat(alertIdOf(source));
		expect(threat).toMatchObject({
			id: alertIdOf(source),
			deviceId: FALCON_IDS.aid(device),
			hostname: device.hostname,
			hostnameKey: device.hostname.toLowerCase(),
			severity: source.severity,
			commandLine: source.commandLine,
			parentProcess: source.processName,
			user: device.lastLoggedOnUser,
			processName: source.processName,
			sha256: source.sha256,
			edrConfidence: source.confidence,
			detectedAt: source.detectedAt,
			status: source.status,
		});
		expect(threat.company?.id).toMatch(/^[0-9a-f]{32}$/);
		expect(threat.mitreTechniques).toEqual(
			source.mitreTechniques.length ? [source.mitreTechniques[0]] : undefined,
		);
		expect((threat.raw as IDataObject).severity).toEqual(expect.any(Number));
		expect((threat.raw as IDataObject).confidence).toEqual(expect.any(Number));
		expect(threat).not.toHaveProperty('verdict');
	});

	it('updates status and appends a comment once; a verdict is refused before any request', async () => {
		const { provider } = setup();
		const source = sandbox.world().threats[0];
		const id = alertIdOf(source);
		const updated = await provider.updateThreat(id, {
			status: 'resolved',
			comment: 'Benign admin tool',
		});
		expect(updated.status).toBe('resolved');
		expect(source.status).toBe('resolved');
		await provider.updateThreat(id, { comment: 'Benign admin tool' });
		expect(source.notes.filter((n) => n.text === 'Benign admin tool')).toHaveLength(1);
		const patches = log().filter((e) => e.method === 'PATCH');
		expect(patches).toHaveLength(2);
		const before = log().length;
		await expect(provider.updateThreat(id, { verdict: 'falsePositive' })).rejects.toThrow(
			/Verdict: CrowdStrike Falcon alerts have no analyst verdict/,
		);
		expect(log()).toHaveLength(before);
	});

	it('refuses wrong-shape ids before any request', async () => {
		const { provider, requests } = setup();
		await expect(provider.getDevice({ id: '5388C592189444AD9E84DF071C8F3954' })).rejects.toThrow(
			/Device ID: "5388C592189444AD9E84DF071C8F3954" is not a CrowdStrike host ID: .*32 lowercase hexadecimal/,
		);
		await expect(provider.getThreat("abc' OR 1")).rejects.toThrow(
			/Threat ID: .* is not a CrowdStrike alert composite ID/,
		);
		await expect(
			provider.requestContainment('isolate', ['1234', hostIdOf('BSD-WS03')], 'x'),
		).rejects.toThrow(/"1234" is not a CrowdStrike host ID/);
		const [bad] = await provider.getDevices([{ id: 'not-hex' }]);
		expect((bad as Error).message).toMatch(/not a CrowdStrike host ID/);
		expect(provider.deviceIdProblem(hostIdOf('BSD-WS03'))).toBeUndefined();
		expect(requests).toHaveLength(0);
		expect(log()).toHaveLength(0);
	});

	it('refuses a hostname at two clients with both candidates; by ID reads exactly that one', async () => {
		const bsd = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'BSD' });
		const nwl = sandbox.addDevice({ hostname: 'FRONTDESK', client: 'NWL' });
		const { provider } = setup();
		const refused = provider.getDevice({ hostname: 'frontdesk' });
		await expect(refused).rejects.toThrow(/Hostname "frontdesk" matches 2 CrowdStrike hosts/);
		const message = await refused.catch((e: Error) => e.message);
		for (const answer of [bsd, nwl])
			expect(message).toContain(`id ${answer.ids.crowdStrike.hostId}, last seen `);
		expect((await provider.getDevice({ id: nwl.ids.crowdStrike.hostId })).hostname).toBe(
			'FRONTDESK',
		);
		expect(log().filter((e) => e.path.endsWith('devices-actions/v2'))).toHaveLength(0);
	});

	it('isolates and releases a batch in one request each and reads the hosts back; per-item dry run is not sent', async () => {
		const { provider } = setup();
		const hosts = ['BSD-WS01', 'BSD-WS02', 'BSD-WS03', 'NWL-WS01'];
		const item = (hostname: string, dryRun = false) => ({
			ref: { hostname },
			options: {
				comment: 'Ransomware drill',
				wait: true,
				timeoutMs: 5000,
				intervalMs: 1,
				dryRun,
				protection: { patterns: [], roles: [], override: false },
			},
		});
		const isolated = await contain.changeContainment(
			provider,
			NODE,
			{ kind: 'isolate', sleep: async () => undefined },
			[...hosts.map((h) => item(h)), item('NWL-WS02', true)],
		);
		for (const result of isolated.slice(0, 4))
			expect(result).toMatchObject({
				containment: { state: 'isolated', requested: true, alreadyInState: false },
			});
		expect(String((isolated[4] as { error?: unknown }).error)).toMatch(
			/Dry run: "contain hosts" was not sent/,
		);
		const actions = log().filter((e) => e.path.endsWith('/devices/entities/devices-actions/v2'));
		expect(actions).toHaveLength(1);
		expect(actions[0]).toMatchObject({
			method: 'POST',
			status: 202,
			query: { action_name: 'contain' },
		});
		const world = sandbox.world();
		for (const h of hosts)
			expect(world.devices.find((d) => d.hostname === h)!.containment).toBe('isolated');
		expect(world.devices.find((d) => d.hostname === 'NWL-WS02')!.containment).toBe('released');

		const released = await contain.changeContainment(
			provider,
			NODE,
			{ kind: 'release', sleep: async () => undefined },
			hosts.map((h) => item(h)),
		);
		for (const result of released)
			expect(result).toMatchObject({ containment: { state: 'released', requested: true } });
		const lifts = log().filter((e) => e.query.action_name === 'lift_containment');
		expect(lifts).toHaveLength(1);
		const containment = await provider.getContainment(hostIdOf('BSD-WS01'));
		expect(containment).toMatchObject({ state: 'released', raw: { status: 'normal' } });
	});

	it("a host Falcon refuses in a batch it otherwise takes is an error with Falcon's reason, never reported pending", async () => {
		const { provider } = setup();
		const options = {
			comment: 'Ransomware drill',
			wait: false,
			timeoutMs: 5000,
			intervalMs: 1,
			protection: { patterns: [], roles: [], override: false },
		};
		const checked = await contain.checkContainment(provider, NODE, 'isolate', [
			{ ref: { hostname: 'BSD-WS01' }, options },
			{ ref: { hostname: 'BSD-WS03' }, options },
		]);
		const gone = hostIdOf('BSD-WS03');
		// The host is hidden from Falcon between the check and the request.
		const world = sandbox.world();
		world.devices.splice(
			world.devices.findIndex((d) => d.hostname === 'BSD-WS03'),
			1,
		);
		const [taken, refused] = await contain.sendContainment(
			provider,
			NODE,
			{ kind: 'isolate', sleep: async () => undefined },
			checked as contain.Checked[],
		);
		expect(taken).toMatchObject({ state: 'pendingIsolation', requested: true });
		expect(refused).toBeInstanceOf(Error);
		expect(String((refused as Error).message)).toContain(`Device not found: ${gone}`);
		expect(String((refused as Error).message)).toContain('BSD-WS03');
	});

	it('offers no mitigation and says why', async () => {
		const { provider } = setup();
		expect(provider.mitigations).toEqual([]);
		const threat = await provider.getThreat(alertIdOf(sandbox.world().threats[0]));
		await expect(provider.mitigate({ kind: 'kill', threat, comment: 'x' })).rejects.toThrow(
			/CrowdStrike Falcon has no "kill" mitigation/,
		);
	});

	it('keeps one token per credential, reuses it, and fetches a new one after a 401', async () => {
		const first = setup();
		await first.provider.searchDevices('BSD');
		await first.provider.searchDevices('NWL');
		const tokenRequests = () => log().filter((e) => e.path.endsWith('/oauth2/token'));
		expect(tokenRequests()).toHaveLength(1);
		expect(credentials.accessToken).toEqual(expect.any(String));

		// Another credential (another API client) never borrows this one's token.
		const otherCreds = credentialsOf(sandbox, FALCON_CLIENTS.readOnly);
		const other = setup(otherCreds);
		await other.provider.searchDevices('BSD');
		expect(tokenRequests()).toHaveLength(2);
		expect(otherCreds.accessToken).not.toBe(credentials.accessToken);

		// Falcon revokes the tokens (or they expire): the next request gets 401 and one new token.
		const before = credentials.accessToken;
		new TokenStore(() => sandbox.world(), TOKEN_SLICE).expireAll();
		await first.provider.searchDevices('BSD');
		expect(tokenRequests()).toHaveLength(3);
		expect(credentials.accessToken).not.toBe(before);
		expect(log().filter((e) => e.status === 401)).toHaveLength(1);

		// The read-only client is refused writes with Falcon's own errors array, verbatim.
		await expect(
			other.provider.requestContainment('isolate', [hostIdOf('BSD-WS03')], 'x'),
		).rejects.toThrow(/403: access denied, authorization failed/);
	});

	it('retries a 429 at the epoch second X-Ratelimit-Retryafter names', async () => {
		const waits: number[] = [];
		const { ctx } = fakeExecuteContext({
			parameters: {},
			credentials: { mspCrowdStrikeApi: credentials },
			credentialTypes,
		});
		const provider = createProvider('crowdStrike', ctx, NODE, {
			pacer: null,
			maxTotalWaitMs: 120_000,
			sleep: async (ms) => {
				waits.push(ms);
				sandbox.setFaults({ profile: 'none', vendors: [] });
			},
		});
		await provider.searchDevices('BSD');
		// Spend the account's budget, then one more read is answered 429 and waited out.
		sandbox.setFaults({ profile: 'throttled', vendors: ['crowdstrike'] });
		// In rounds of 200, so a loaded machine does not drop connections.
		for (let round = 0; round < 30; round++)
			await Promise.all(
				Array.from({ length: 200 }, async () => {
					const res = await fetch(`${sandbox.vendorUrl('crowdstrike')}/oauth2/token`, {
						method: 'POST',
					});
					await res.arrayBuffer();
				}),
			);
		await provider.searchDevices('BSD');
		const throttled = log().filter(
			(e) => e.status === 429 && e.path.endsWith('/devices/queries/devices/v1'),
		);
		expect(throttled).toHaveLength(1);
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(0);
		expect(waits[0]).toBeLessThanOrEqual(61_000);
	}, 120_000);
});

describe('MSP EDR Trigger: CrowdStrike Falcon', () => {
	let sandbox: Sandbox;
	const realHostClock = hostClock.now;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => {
		hostClock.now = realHostClock;
		await sandbox.stop();
	});

	const poller = (store: IDataObject) => async () => {
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'crowdStrike',
				minSeverity: 'informational',
				statuses: [],
				groups: '',
				options: { firstLookbackMinutes: 24 * 60 },
			},
			credentials: { mspCrowdStrikeApi: credentialsOf(sandbox) },
			credentialTypes,
		});
		const poll = {
			...ctx,
			getNodeParameter: (parameter: string, fallback?: unknown) =>
				(ctx.getNodeParameter as (n: string, i: number, f?: unknown) => unknown)(
					parameter,
					0,
					fallback,
				),
			getMode: () => 'trigger',
			getWorkflowStaticData: () => store,
			helpers: {
				...ctx.helpers,
				returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
			},
		};
		const out = await new MspEdrTrigger().poll.call(poll as unknown as IPollFunctions);
		return (out?.[0] ?? []).map((i) => String(i.json.id));
	};

	it('emits each alert exactly once, keeps to the vendor clock, and catches a late-stored one', async () => {
		const world = sandbox.reset({ now: Date.now() - 3 * 24 * HOUR });
		// The n8n host runs two hours ahead of Falcon: the checkpoint must still follow Falcon's Date.
		hostClock.now = () => worldNow(sandbox.world()) + 2 * HOUR;
		const iso = (ms: number) => new Date(ms).toISOString();
		const idOf = (t: Threat) => FALCON_IDS.alert(world, t);
		const store: IDataObject = {};
		const poll = poller(store);
		expect((await poll()).sort()).toEqual(world.threats.map(idOf).sort());
		expect(await poll()).toEqual([]);

		advanceVendorClock(world, MINUTE);
		const one = addThreat(world, iso(worldNow(world) - 5_000));
		expect(await poll()).toEqual([idOf(one)]);
		expect(await poll()).toEqual([]);

		// Detected 40 minutes ago but stored by Falcon only now: found by its updated time, once.
		advanceVendorClock(world, 20 * MINUTE);
		const late = addThreat(world, iso(worldNow(world) - 40 * MINUTE));
		expect(await poll()).toEqual([idOf(late)]);
		expect(await poll()).toEqual([]);
	});
});
