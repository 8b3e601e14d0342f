import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import * as contain from '../../../nodes/MspEdr/actions/containment/contain';
import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { createProvider } from '../../../nodes/MspEdr/providers';
import type { ContainmentRead, EdrProvider } from '../../../nodes/MspEdr/providers/types';
import { DryRunStop, pollUntil, ThreatSchema, DeviceSchema } from '../../../nodes/shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { toThreat } from '../../../nodes/MspEdr/providers/huntress/mappers';
import { HuntressIncident } from '../../../nodes/MspEdr/providers/huntress/schemas';
import { HUNTRESS_IDS, HUNTRESS_KEYS } from '../../../sandbox/vendors/huntress';
import type { Threat as WorldThreat } from '../../../sandbox/world/types';
import { contextFor, providerFor, sandboxCredentials } from './setup';

const NODE = {
	id: 'n',
	name: 'MSP EDR',
	type: 'mspEdr',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
const fast = { timeoutMs: 5000, intervalMs: 1, sleep: async () => undefined };

describe('EDR provider: Huntress', () => {
	let sandbox: Sandbox;
	let since = 0;
	const provider = (): EdrProvider => providerFor(sandbox, 'huntress');
	const world = () => sandbox.world();
	const agentId = (hostname: string) =>
		String(HUNTRESS_IDS.agent(world(), world().devices.find((d) => d.hostname === hostname)!));
	const incidentId = (threat: WorldThreat) => String(HUNTRESS_IDS.incident(world(), threat));
	const requests = () => sandbox.requests.query({ vendor: 'huntress', since });
	const paths = () => requests().map((r) => `${r.method} ${r.path.replace(/^\/huntress/, '')}`);
	const openThreat = () =>
		world().threats.find((t) => t.status === 'new' && t.mitigationStatus === 'notMitigated')!;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [] });
		sandbox.setTiming({ readsToFinish: 2, msToFinish: 60_000 });
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
	});

	it('lists incident reports as threats across page_token pages, newest change first', async () => {
		const threats = await provider().listThreats({ returnAll: true });
		expect(threats).toHaveLength(world().threats.length);
		expect(new Set(threats.map((t) => t.id)).size).toBe(threats.length);
		const lists = requests().filter((r) => r.path === '/huntress/v1/incident_reports');
		expect(lists.length).toBe(Math.ceil(threats.length / 7));
		expect(lists[0].query).toMatchObject({
			limit: '7',
			sort_field: 'updated_at',
			sort_direction: 'desc',
		});
		expect(lists[1].query.page_token).toEqual(expect.any(String));
		for (const threat of threats) expect(ThreatSchema.safeParse(threat).success).toBe(true);
		const ransomware = world().threats.find((t) => t.scenario === 'ransomware')!;
		const device = world().devices.find((d) => d.key === ransomware.deviceKey)!;
		expect(threats.find((t) => t.id === incidentId(ransomware))).toMatchObject({
			deviceId: agentId(device.hostname),
			hostname: device.hostname,
			hostnameKey: device.hostname.toLowerCase(),
			company: { id: expect.any(String), name: expect.any(String) },
			classification: 'ransomware_canaries, process_detections',
			title: expect.stringMatching(new RegExp(`Incident on ${device.hostname}`)),
			status: 'new',
			mitigationStatus: 'notMitigated',
			detectedAt: new Date(ransomware.detectedAt).toISOString(),
		});
		// Organization names are read once; each agent once, however many incidents it has.
		expect(paths().filter((p) => p === 'GET /v1/organizations')).toHaveLength(1);
		const agentReads = paths().filter((p) => /^GET \/v1\/agents\/\d+$/.test(p));
		expect(new Set(agentReads).size).toBe(agentReads.length);
	});

	it('reads changes since a time without paging past them, and reports the vendor clock', async () => {
		const newest = [...world().threats].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
		const reading = await provider().readThreats({
			changedSince: newest[2].updatedAt,
			returnAll: true,
		});
		expect(reading.threats.map((t) => t.id).sort()).toEqual(
			newest
				.filter((t) => t.updatedAt >= newest[2].updatedAt)
				.map(incidentId)
				.sort(),
		);
		expect(requests().filter((r) => r.path === '/huntress/v1/incident_reports')).toHaveLength(1);
		expect(Date.parse(reading.vendorNow ?? '')).toBeGreaterThan(0);
	});

	it('sends the filters Huntress has (one value each) and filters the rest itself', async () => {
		const critical = await provider().listThreats({
			severities: ['critical'],
			statuses: ['new'],
			returnAll: true,
		});
		expect(critical.every((t) => t.severity === 'critical' && t.status === 'new')).toBe(true);
		expect(requests().find((r) => r.path === '/huntress/v1/incident_reports')?.query).toMatchObject(
			{
				severity: 'critical',
				status: 'sent',
			},
		);
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const ransomware = world().threats.find((t) => t.scenario === 'ransomware')!;
		const device = world().devices.find((d) => d.key === ransomware.deviceKey)!;
		const mine = await provider().listThreats({
			deviceId: agentId(device.hostname),
			returnAll: true,
		});
		expect(mine.map((t) => t.id)).toContain(incidentId(ransomware));
		expect(mine.every((t) => t.deviceId === agentId(device.hostname))).toBe(true);
		expect(requests().find((r) => r.path === '/huntress/v1/incident_reports')?.query).toMatchObject(
			{
				agent_id: agentId(device.hostname),
			},
		);
	});

	it('refuses ids of the wrong shape before any request', async () => {
		const p = provider();
		await expect(p.getThreat('2100000000000007717x')).rejects.toThrow(
			/not a Huntress incident report ID/,
		);
		await expect(p.getDevice({ id: 'da638_1' })).rejects.toThrow(/not a Huntress agent ID/);
		await expect(p.requestContainment('isolate', ['12,13'], 'x')).rejects.toThrow(
			/not a Huntress agent ID/,
		);
		await expect(p.listThreats({ deviceId: '-1', returnAll: true })).rejects.toThrow(/Device ID/);
		await expect(p.listThreats({ groups: ['Acme'], returnAll: true })).rejects.toThrow(
			/Organization ID/,
		);
		expect(p.deviceIdProblem('1001')).toBeUndefined();
		expect(p.deviceIdProblem('1e3')).toMatch(/whole numbers/);
		expect(requests()).toHaveLength(0);
	});

	it('isolates with POST /v1/agents/{id}/isolation, reads back Isolated, releases with DELETE', async () => {
		const p = provider();
		const id = agentId('NWL-WS06');
		const [sent] = await p.requestContainment('isolate', [id], 'Ransomware response');
		expect(sent).toEqual({ deviceId: id });
		expect(paths()).toContain(`POST /v1/agents/${id}/isolation`);
		const isolated = await pollUntil({
			...fast,
			check: async () => {
				const [read] = await p.readContainments('isolate', [sent]);
				if (read instanceof Error) throw read;
				return { done: read.containment.state === 'isolated', value: read.containment.state };
			},
		});
		expect(isolated.value).toBe('isolated');
		expect(world().devices.find((d) => d.hostname === 'NWL-WS06')!.containment).toBe('isolated');
		await p.requestContainment('release', [id], 'All clear');
		expect(paths()).toContain(`DELETE /v1/agents/${id}/isolation`);
		expect((await p.getContainment(id)).state).toMatch(/pendingRelease|released/);
	});

	it('describes the isolation request on a dry run without sending it', async () => {
		const id = agentId('NWL-WS06');
		const error = await provider()
			.requestContainment('isolate', [id], 'Drill', { dryRun: true })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DryRunStop);
		expect((error as DryRunStop).request).toMatchObject({
			method: 'POST',
			url: expect.stringMatching(new RegExp(`/v1/agents/${id}/isolation$`)),
			body: { reason: 'Drill', strict_isolation: false },
		});
		expect(requests().filter((r) => r.method !== 'GET')).toHaveLength(0);
	});

	it('contains through the shared action: an isolated agent is not sent again', async () => {
		const run = async () =>
			await contain.changeContainment(
				provider(),
				NODE as INode,
				{ kind: 'isolate', sleep: fast.sleep },
				[
					{
						ref: { hostname: 'NWL-WS06' },
						options: {
							comment: 'c',
							wait: true,
							timeoutMs: 5000,
							intervalMs: 1,
							protection: { patterns: [], roles: [], override: false },
						},
					},
				],
			);
		const [first] = await run();
		expect(first).toMatchObject({ containment: { state: 'isolated' } });
		const [again] = await run();
		expect(again).toMatchObject({ containment: { state: 'isolated', alreadyInState: true } });
		expect(paths().filter((p) => p.startsWith('POST'))).toHaveLength(1);
	});

	it('refuses a hostname two organizations use, listing both, without isolating', async () => {
		const other = world().clients.find(
			(c) => c.key !== world().devices.find((d) => d.hostname === 'NWL-WS06')!.clientKey,
		)!;
		sandbox.addDevice({ hostname: 'NWL-WS06', client: other.key, os: 'Windows 11 Pro' });
		await expect(provider().getDevice({ hostname: 'nwl-ws06' })).rejects.toThrow(
			/Hostname "nwl-ws06" matches 2 Huntress agents: .*organization .*id \d+.*organization .*id \d+/,
		);
		expect(paths().filter((p) => p.startsWith('POST'))).toHaveLength(0);
	});

	it('approves the proposed remediations in one bulk request and follows them to completion', async () => {
		const p = provider();
		const threat = await p.getThreat(incidentId(openThreat()));
		const started = await p.mitigate({ kind: 'approveRemediations', threat, comment: 'Approved' });
		expect(started).toMatchObject({ action: 'approveRemediations', status: 'pending' });
		expect(paths()).toContain(`POST /v1/incident_reports/${threat.id}/remediations/bulk_approval`);
		const done = await pollUntil({
			...fast,
			check: async () => {
				const read = await p.readMitigation(started);
				return { done: read.status !== 'pending', value: read };
			},
		});
		expect(done.value).toMatchObject({ status: 'succeeded', completedAt: expect.any(String) });
		expect((await p.getThreat(threat.id)).mitigationStatus).toBe('mitigated');
		// Nothing is left to approve: a second run sends nothing and reads the outcome.
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		expect(
			await p.mitigate({ kind: 'approveRemediations', threat, comment: 'Again' }),
		).toMatchObject({
			status: 'succeeded',
		});
		expect(paths().filter((x) => x.startsWith('POST'))).toHaveLength(0);
	});

	it('rejects the remediations with the comment, and offers no other mitigation', async () => {
		const p = provider();
		const threat = await p.getThreat(incidentId(openThreat()));
		expect(
			await p.mitigate({ kind: 'rejectRemediations', threat, comment: 'Admin tool' }),
		).toMatchObject({
			status: 'succeeded',
		});
		expect(paths()).toContain(`POST /v1/incident_reports/${threat.id}/remediations/bulk_rejection`);
		expect(p.mitigations).toEqual(['approveRemediations', 'quarantine', 'rejectRemediations']);
		await expect(p.mitigate({ kind: 'kill', threat, comment: 'x' })).rejects.toThrow(
			/no "kill" mitigation/,
		);
	});

	it('quarantines by approving the Quarantine File remediation Huntress proposes, and reads it back as succeeded', async () => {
		const p = provider();
		const threat = await p.getThreat(incidentId(openThreat()));
		const sent = await p.mitigate({ kind: 'quarantine', threat, comment: 'Ransomware' });
		expect(sent).toMatchObject({ action: 'quarantine', status: 'pending' });
		expect(paths()).toContain(`POST /v1/incident_reports/${threat.id}/remediations/bulk_approval`);
		// Huntress runs the approved remediation; it completes within the sandbox's reads to finish.
		await p.readMitigation(sent);
		expect(await p.readMitigation(sent)).toMatchObject({ status: 'succeeded' });
		// Nothing is left unapproved: a second quarantine sends nothing.
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		await p.mitigate({ kind: 'quarantine', threat, comment: 'Ransomware' });
		expect(paths().filter((x) => x.startsWith('POST'))).toHaveLength(0);
	});

	it("resolves an incident report, keeping Huntress's reason when it refuses; verdicts and notes are refused", async () => {
		const p = provider();
		const threat = await p.getThreat(incidentId(openThreat()));
		await expect(p.updateThreat(threat.id, { status: 'resolved' })).rejects.toThrow(
			/Huntress could not resolve incident report \d+: .*Confirm that all remediations are approved/,
		);
		await p.mitigate({ kind: 'approveRemediations', threat, comment: 'ok' });
		expect(await p.updateThreat(threat.id, { status: 'resolved' })).toMatchObject({
			status: 'resolved',
		});
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		expect(await p.updateThreat(threat.id, { status: 'resolved' })).toMatchObject({
			status: 'resolved',
		});
		expect(paths().filter((x) => x.startsWith('POST'))).toHaveLength(0);
		await expect(p.updateThreat(threat.id, { verdict: 'falsePositive' })).rejects.toThrow(
			/no analyst verdict/,
		);
		await expect(p.updateThreat(threat.id, { status: 'inProgress' })).rejects.toThrow(
			/can only resolve/,
		);
		await expect(p.addNote(threat.id, 'note')).rejects.toThrow(/no API to add notes/);
		expect(paths().filter((x) => x.startsWith('POST'))).toHaveLength(0);
	});

	it("keeps Huntress's message when the read-only default key is refused a write", async () => {
		const credentials = sandboxCredentials(sandbox);
		credentials.mspHuntressApi = { ...credentials.mspHuntressApi, ...HUNTRESS_KEYS.readOnly };
		const p = providerFor(sandbox, 'huntress', credentials);
		await expect(p.requestContainment('isolate', [agentId('NWL-WS06')], 'x')).rejects.toThrow(
			/Huntress refused to isolate agent \d+ \(403\): .*read-only/,
		);
	});

	it('maps agents as devices with their organization as company', async () => {
		const devices = await provider().getDevices([
			{ id: agentId('NWL-WS06') },
			{ hostname: 'BSD-WS02' },
			{ id: '999999' },
		]);
		const [byId, byName, missing] = devices;
		for (const d of [byId, byName]) expect(DeviceSchema.safeParse(d).success).toBe(true);
		expect(byId).toMatchObject({
			hostname: 'NWL-WS06',
			company: { id: expect.any(String), name: expect.any(String) },
			os: expect.any(String),
			type: 'workstation',
		});
		expect(byName).toMatchObject({ hostname: 'BSD-WS02' });
		expect((missing as Error).message).toMatch(/No Huntress agent with id "999999"/);
	});

	it('reads many agents from the agent list when that takes fewer requests than one read each; an id it lacks is read alone', async () => {
		const hosts = world()
			.devices.filter((d) => d.type === 'workstation')
			.slice(0, 8)
			.map((d) => d.hostname);
		const ids = hosts.map(agentId);
		// The account's agents (the organizations' agents_count) at 7 a page: fewer pages than ids.
		const pages = Math.ceil(world().devices.length / 7);
		expect(pages).toBeLessThan(ids.length);
		const devices = await provider().getDevices([...ids.map((id) => ({ id })), { id: '999999' }]);
		expect(devices.slice(0, 8).map((d) => (d as { hostname: string }).hostname)).toEqual(hosts);
		expect((devices[8] as Error).message).toMatch(/No Huntress agent with id "999999"/);
		const lists = paths().filter((p) => p === 'GET /v1/agents');
		expect(lists.length).toBeGreaterThan(0);
		expect(lists.length).toBeLessThanOrEqual(pages);
		expect(paths().filter((p) => /^GET \/v1\/agents\/\d+$/.test(p))).toEqual([
			'GET /v1/agents/999999',
		]);

		// Isolated, then read back from the list as well.
		const p = provider();
		const sent = await p.requestContainment('isolate', ids, 'Outbreak');
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		const reads = await p.readContainments('isolate', sent);
		expect(reads.map((r) => (r as ContainmentRead).containment.state)).toEqual(
			ids.map(() => expect.stringMatching(/^(pendingIsolation|isolated)$/)),
		);
		// The organizations' agents_count sizes the list; no agent is read by id.
		expect(paths().filter((path) => path !== 'GET /v1/agents')).toEqual(['GET /v1/organizations']);
		expect(paths().length - 1).toBeLessThanOrEqual(pages);

		// Two agents: two reads by id cost less than the list.
		since = sandbox.requests.all().at(-1)?.seq ?? 0;
		await provider().getDevices(ids.slice(0, 2).map((id) => ({ id })));
		expect(paths().filter((path) => path.startsWith('GET /v1/agents'))).toEqual(
			ids.slice(0, 2).map((id) => `GET /v1/agents/${id}`),
		);
	});

	it('reads each agent by id when the agent list fails, so one bad page fails no device', async () => {
		const ids = world()
			.devices.filter((d) => d.type === 'workstation')
			.slice(0, 8)
			.map((d) => agentId(d.hostname));
		const { ctx } = contextFor(sandbox);
		const send = ctx.helpers.httpRequestWithAuthentication;
		// Huntress answers the agent list 503 every time; everything else goes through.
		ctx.helpers.httpRequestWithAuthentication = (async (
			type: string,
			request: IHttpRequestOptions,
		) =>
			request.method === 'GET' && /\/v1\/agents$/.test(String(request.url))
				? { statusCode: 503, headers: {}, body: { error: 'Service Unavailable' } }
				: await send.call(ctx, type, request)) as typeof send;
		const p = createProvider('huntress', ctx, ctx.getNode() as INode, {
			pacer: null,
			pageSize: 7,
			sleep: async () => undefined,
		});
		const devices = await p.getDevices(ids.map((id) => ({ id })));
		expect(devices.map((d) => (d instanceof Error ? d.message : d.id))).toEqual(ids);
		const reads = await p.readContainments(
			'isolate',
			ids.map((deviceId) => ({ deviceId })),
		);
		expect(reads.every((r) => !(r instanceof Error))).toBe(true);
		expect(paths().filter((path) => /^GET \/v1\/agents\/\d+$/.test(path))).toHaveLength(
			ids.length * 2,
		);
	});

	it('reads options per item through the node: each item isolates with its own reason', async () => {
		const hosts = ['NWL-WS06', 'BSD-WS02'];
		const { ctx } = contextFor(sandbox, {
			parameters: ((name: string, i: number) =>
				({
					provider: 'huntress',
					resource: 'containment',
					operation: 'isolate',
					device: { mode: 'hostname', value: hosts[i] },
					comment: `Reason ${i}`,
					waitForCompletion: false,
					options: { dryRun: i === 1 },
				})[name]) as never,
			items: hosts.map((h) => ({ json: { h } })) as never,
		});
		const out = (await new MspEdr().execute.call(ctx as IExecuteFunctions))[0];
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({ state: 'pendingIsolation', requested: true });
		expect(JSON.stringify(out[1].json)).toContain('Reason 1');
		expect(paths().filter((p) => p.startsWith('POST'))).toEqual([
			`POST /v1/agents/${agentId('NWL-WS06')}/isolation`,
		]);
	});
});

describe('Huntress incident report mapping: remediations beyond the first ten', () => {
	const completed = (id: number) => ({
		id,
		type: 'assisted',
		action: 'Quarantine File',
		status: 'completed',
	});
	const incident = (hasMore: boolean) =>
		HuntressIncident.parse({
			id: 7001,
			agent_id: 12,
			organization_id: 4,
			severity: 'high',
			status: 'sent',
			remediations: {
				total_count: hasMore ? 11 : 10,
				has_more: hasMore,
				items: Array.from({ length: 10 }, (_, n) => completed(n + 1)),
			},
		});

	it('does not call a report mitigated when Huntress lists only its first ten remediations', () => {
		// The eleventh may still await approval: "mitigated" would make Skip If Already Mitigated skip it.
		expect(toThreat(incident(true)).mitigationStatus).toBeUndefined();
		expect(toThreat(incident(false)).mitigationStatus).toBe('mitigated');
	});
});
