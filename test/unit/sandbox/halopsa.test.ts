import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { TokenStore } from '../../../sandbox/lib/tokens';

import { validateAgainstSpec, type SpecSample } from './spec';

type Json = Record<string, unknown>;

describe('sandbox: HaloPSA', () => {
	let sandbox: Sandbox;
	let base: string;
	let creds: Record<string, string>;
	let http: AxiosInstance;
	const samples: SpecSample[] = [];

	async function token(overrides: Record<string, string> = {}, tenant = creds.tenant) {
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: creds.clientId,
			client_secret: creds.clientSecret,
			scope: 'all',
			...overrides,
		});
		return axios.post(`${base}/auth/token`, form.toString(), {
			params: { tenant },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			validateStatus: () => true,
		});
	}

	/** Collected here, validated against the spec in one run at the end. */
	function valid(operationId: string, body: unknown): void {
		samples.push({ label: `${operationId} #${samples.length + 1}`, operationId, body });
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		base = sandbox.vendorUrl('halopsa');
		creds = sandbox.vendorCredentials().find((v) => v.id === 'halopsa')!.credentials;
	});
	afterAll(async () => sandbox.stop());
	beforeEach(async () => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', throttleWindowScale: 1 });
		const issued = await token();
		http = axios.create({
			baseURL: `${base}/api`,
			headers: { Authorization: `Bearer ${issued.data.access_token}` },
			validateStatus: () => true,
		});
	});

	it('issues client-credentials tokens and rejects bad clients, tenants and grants the OAuth way', async () => {
		const ok = await token();
		expect(ok.status).toBe(200);
		expect(ok.data).toEqual({
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: 3600,
			scope: 'all',
		});
		expect((await token({ client_secret: 'wrong' })).data).toEqual({ error: 'invalid_client' });
		expect((await token({}, 'other-tenant')).status).toBe(400);
		expect((await token({ grant_type: 'password' })).data).toEqual({
			error: 'unsupported_grant_type',
		});
	});

	it('answers 401 with a Bearer challenge without a token, with a bad one, and after expiry', async () => {
		const none = await axios.get(`${base}/api/Tickets`, { validateStatus: () => true });
		expect(none.status).toBe(401);
		expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
		expect(
			(
				await axios.get(`${base}/api/Tickets`, {
					headers: { Authorization: 'Bearer forged' },
					validateStatus: () => true,
				})
			).status,
		).toBe(401);
		expect((await http.get('/Status')).status).toBe(200);
		new TokenStore(() => sandbox.world(), 'halopsa').expireAll();
		expect((await http.get('/Status')).status).toBe(401);
	});

	it('pages tickets with pageinate/page_size/page_no and record_count, capping page_size at 100', async () => {
		sandbox.reset({ ticketsPerClient: 50 });
		http.defaults.headers.Authorization = `Bearer ${(await token()).data.access_token}`;
		const first = await http.get('/Tickets', {
			params: { pageinate: true, page_size: 500, page_no: 1, order: 'id' },
		});
		expect(first.data.record_count).toBe(150);
		expect(first.data.tickets).toHaveLength(100);
		expect(first.data.page_size).toBe(100);
		valid('listTickets', first.data);
		const second = await http.get('/Tickets', {
			params: { pageinate: true, page_size: 100, page_no: 2, order: 'id' },
		});
		expect(second.data.tickets).toHaveLength(50);
		expect(second.data.tickets[0].id).toBe(first.data.tickets[99].id + 1);
		const client = sandbox.world().clients[0].ids.haloClientId;
		const open = await http.get('/Tickets', {
			params: { client_id: client, open_only: true, pageinate: true, page_size: 100, page_no: 1 },
		});
		expect(open.data.tickets.every((t: Json) => t.client_id === client && t.status_id !== 9)).toBe(
			true,
		);
	});

	it('creates and updates tickets with POST arrays, closes with an action and validates against the spec', async () => {
		const client = sandbox.world().clients[0].ids.haloClientId;
		const created = await http.post('/Tickets', [
			{
				summary: 'Ransomware on BSD-WS02',
				details: 'From EDR',
				client_id: client,
				tickettype_id: 21,
				team: 'Security Operations',
				third_party_id_string: 'edr-1',
			},
		]);
		expect(created.status).toBe(200);
		expect(created.data).toMatchObject({
			summary: 'Ransomware on BSD-WS02',
			status_id: 1,
			client_id: client,
			third_party_id_string: 'edr-1',
		});
		valid('saveTickets', created.data);
		const id = created.data.id as number;
		const updated = await http.post('/Tickets', [
			{ id, priority_id: 1, summary: 'Ransomware on BSD-WS02 (contained)' },
		]);
		expect(updated.data).toMatchObject({
			id,
			priority_id: 1,
			summary: 'Ransomware on BSD-WS02 (contained)',
		});
		const action = await http.post('/Actions', [
			{ ticket_id: id, outcome: 'Close', note: 'Resolved', new_status: 9, timetaken: 0.25 },
		]);
		expect(action.status).toBe(200);
		valid('saveActions', action.data);
		const fetched = await http.get(`/Tickets/${id}`, { params: { includedetails: true } });
		expect(fetched.data).toMatchObject({
			status_id: 9,
			status_name: 'Closed',
			hasbeenclosed: true,
			timetaken: 0.25,
		});
		valid('getTicket', fetched.data);
		const actions = await http.get('/Actions', { params: { ticket_id: id } });
		expect(actions.data.record_count).toBe(1);
		valid('listActions', actions.data);
	});

	it('serves lookups, clients and assets that match the spec schemas', async () => {
		valid('listStatuses', (await http.get('/Status')).data);
		valid('listTicketTypes', (await http.get('/TicketType')).data);
		valid('listTeams', (await http.get('/Team')).data);
		valid('listPriorities', (await http.get('/Priority')).data);
		const clients = await http.get('/Client', {
			params: { search: 'dental', pageinate: true, page_size: 100, page_no: 1 },
		});
		expect(clients.data.clients).toHaveLength(1);
		valid('listClients', clients.data);
		valid('getClient', (await http.get(`/Client/${clients.data.clients[0].id}`)).data);
		const device = sandbox.world().devices[0];
		const assets = await http.get('/Asset', { params: { search: device.serialNumber } });
		expect(assets.data.assets.map((a: Json) => a.id)).toEqual([device.ids.haloAssetId]);
		valid('listAssets', assets.data);
		valid('getAsset', (await http.get(`/Asset/${device.ids.haloAssetId}`)).data);
	});

	it('reports validation errors keyed by field path and 404 for missing records', async () => {
		const bad = await http.post('/Tickets', [{ client_id: 999 }]);
		expect(bad.status).toBe(400);
		expect(bad.data).toEqual({
			'[0].summary': expect.any(String),
			'[0].client_id': expect.any(String),
		});
		const missing = await http.get('/Tickets/999999');
		expect(missing.status).toBe(404);
		expect(missing.data.Message).toMatch(/999999/);
	});

	it('throttles at 300 requests per rolling 5 minutes with its plain-text 429', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['halopsa'] });
		const results = await Promise.all(Array.from({ length: 303 }, () => http.get('/Status')));
		const throttled = results.filter((r) => r.status === 429);
		expect(throttled).toHaveLength(3);
		expect(throttled[0].data).toBe('Rate Limit Reached - 300 Requests per rolling 5 minute window');
		// 303 requests at once: the time a loaded machine needs.
	}, 60_000);

	it('provides an importable n8n credential', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspHaloPsaApi');
		expect(entry).toMatchObject({
			id: 'sandbox-halopsa',
			name: 'Sandbox HaloPSA',
			data: { resourceServerUrl: base, tenant: 'msp-sandbox', clientId: creds.clientId },
		});
	});

	it('presents fire-drill changes as the spec describes: renamed closed status, client name, added domain controller', async () => {
		sandbox.reset({
			variations: {
				haloClosedStatus: 'Resolved',
				clientNames: { BSD: { psa: 'Bright Smile Dental Group' } },
			},
		});
		const dc = sandbox.addDevice({ hostname: 'BSD-AD01', client: 'BSD', type: 'domainController' });
		const issued = await token();
		const api = axios.create({
			baseURL: `${base}/api`,
			headers: { Authorization: `Bearer ${issued.data.access_token}` },
			validateStatus: () => true,
		});
		const statuses = await api.get('/Status');
		expect((statuses.data as Json[]).find((s) => s.id === 9)).toMatchObject({ name: 'Resolved' });
		valid('listStatuses', statuses.data);
		const clients = await api.get('/Client');
		expect((clients.data.clients as Json[]).map((c) => c.name)).toContain(
			'Bright Smile Dental Group',
		);
		valid('listClients', clients.data);
		const asset = await api.get(`/Asset/${dc.ids.haloPsa.assetId}`);
		expect(asset.data).toMatchObject({
			inventory_number: 'BSD-AD01',
			assettype_name: 'Domain Controller',
			client_name: 'Bright Smile Dental Group',
		});
		valid('getAsset', asset.data);
		valid('listAssets', (await api.get('/Asset', { params: { search: 'BSD-AD01' } })).data);
	});

	// One validator run (compiling Halo's large schemas takes seconds), last, since it blocks the event loop.
	it('every response the node relies on matches the HaloPSA spec, and the check has teeth', () => {
		expect(samples.length).toBeGreaterThan(10);
		const results = validateAgainstSpec('halopsa', [
			...samples,
			{
				label: 'not in the spec',
				operationId: 'getTicket',
				body: { id: 1, summary: 'x', alert_ref: 'nope' },
			},
		]);
		const broken = results.pop()!;
		expect(results.filter((r) => r.errors.length)).toEqual([]);
		expect(broken.errors.length).toBeGreaterThan(0);
	});
});
