import axios, { type AxiosInstance } from 'axios';
import * as http from 'http';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { AUTOTASK_SANDBOX_USER, ciIdOf, companyIdOf } from '../../../sandbox/vendors/autotask';

import { validateAgainstSpec, type SpecSample } from './spec';

type Json = Record<string, unknown>;

describe('sandbox: Autotask PSA', () => {
	let sandbox: Sandbox;
	let base: string;
	let api: AxiosInstance;
	const samples: SpecSample[] = [];

	/** Collected here, validated against the spec in one run at the end. */
	function valid(operationId: string, body: unknown, request = false): void {
		samples.push({ label: `${operationId} #${samples.length + 1}`, operationId, body, request });
	}

	const headers = (overrides: Record<string, string> = {}) => ({
		ApiIntegrationCode: AUTOTASK_SANDBOX_USER.integrationCode,
		UserName: AUTOTASK_SANDBOX_USER.userName,
		Secret: AUTOTASK_SANDBOX_USER.secret,
		...overrides,
	});

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		base = sandbox.vendorUrl('autotask');
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', throttleWindowScale: 1 });
		api = axios.create({
			baseURL: `${base}/ATServicesRest/V1.0`,
			headers: headers(),
			validateStatus: () => true,
		});
	});

	it('answers zoneInformation for the API user without login, and 500 with errors for an unknown one', async () => {
		const zone = await axios.get(`${base}/atservicesrest/v1.0/zoneInformation`, {
			params: { user: AUTOTASK_SANDBOX_USER.userName },
		});
		expect(zone.data).toEqual({
			zoneName: 'Sandbox',
			url: `${base}/ATServicesRest/`,
			webUrl: `${base}/`,
			ci: 1,
		});
		valid('ZoneInformationApiIntegration_QueryZoneInformation', zone.data);
		const unknown = await axios.get(`${base}/ATServicesRest/V1.0/zoneInformation`, {
			params: { user: 'nobody@example.com' },
			validateStatus: () => true,
		});
		expect(unknown.status).toBe(500);
		expect(unknown.data).toEqual({ errors: ['Zone information could not be determined'] });
	});

	it('takes its three headers in any case, and refuses wrong ones', async () => {
		const lower = await axios.get(`${base}/ATServicesRest/V1.0/Companies/entityInformation`, {
			headers: {
				apiintegrationcode: AUTOTASK_SANDBOX_USER.integrationCode,
				username: AUTOTASK_SANDBOX_USER.userName,
				secret: AUTOTASK_SANDBOX_USER.secret,
			},
		});
		expect(lower.status).toBe(200);
		const badSecret = await api.get('/Companies/entityInformation', {
			headers: headers({ Secret: 'wrong' }),
		});
		expect(badSecret.status).toBe(401);
		expect(badSecret.data.errors).toEqual([expect.any(String)]);
		expect(
			(await api.get('/Companies/entityInformation', { headers: headers({ UserName: 'x@y.z' }) }))
				.status,
		).toBe(401);
		const badCode = await api.get('/Companies/entityInformation', {
			headers: headers({ ApiIntegrationCode: 'WRONG' }),
		});
		expect(badCode.status).toBe(500);
		expect(badCode.data).toEqual({ errors: ['IntegrationCode is invalid.'] });
	});

	it('serves the estate: clients as companies, devices as configuration items, by query and by id', async () => {
		const world = sandbox.world();
		const companies = await api.post('/Companies/query', {
			filter: [{ op: 'gt', field: 'id', value: 0 }],
		});
		expect(companies.data.items).toHaveLength(world.clients.length);
		valid('Companies_Query', companies.data);
		const one = await api.get(`/Companies/${companyIdOf(world.clients[0])}`);
		expect(one.data.item).toMatchObject({ id: companyIdOf(world.clients[0]) });
		valid('Companies_QueryItem', one.data);
		expect((await api.get('/Companies/1')).data).toEqual({ item: null });
		const device = world.devices[0];
		const cis = await api.post('/ConfigurationItems/query', {
			filter: [
				{ op: 'eq', field: 'companyid', value: companyIdOf(world.clients[0]) },
				{ op: 'eq', field: 'rmmDeviceAuditHostname', value: device.hostname.toLowerCase() },
			],
		});
		expect(cis.data.items).toEqual([
			expect.objectContaining({ id: ciIdOf(device), referenceTitle: device.hostname }),
		]);
		valid('ConfigurationItems_Query', cis.data);
		valid(
			'ConfigurationItems_QueryItem',
			(await api.get(`/ConfigurationItems/${ciIdOf(device)}`)).data,
		);
		valid(
			'ConfigurationItems_QueryFieldDefinitions',
			(await api.get('/ConfigurationItems/entityInformation/fields')).data,
		);
		valid(
			'Resources_Query',
			(
				await api.post('/Resources/query', {
					filter: [{ op: 'eq', field: 'userName', value: AUTOTASK_SANDBOX_USER.userName }],
				})
			).data,
		);
	});

	it('filters with and/or groups, in, contains and noteq; refuses a query without a filter or with MaxRecords over 500', async () => {
		const company = companyIdOf(sandbox.world().clients[0]);
		const open = await api.post('/Tickets/query', {
			MaxRecords: 500,
			filter: [
				{ op: 'eq', field: 'companyID', value: company },
				{ op: 'noteq', field: 'status', value: 5 },
				{
					op: 'or',
					items: [
						{ op: 'contains', field: 'title', value: 'printer' },
						{ op: 'in', field: 'priority', value: [1, 5] },
					],
				},
			],
		});
		expect(open.data.items.length).toBeGreaterThan(0);
		for (const t of open.data.items as Json[]) {
			expect(t.companyID).toBe(company);
			expect(t.status).not.toBe(5);
			expect(
				String(t.title).toLowerCase().includes('printer') || [1, 5].includes(Number(t.priority)),
			).toBe(true);
		}
		valid('Tickets_Query', open.data);
		const none = await api.post('/Tickets/query', { filter: [] });
		expect(none.status).toBe(500);
		expect(none.data.errors).toEqual([expect.any(String)]);
		const big = await api.post('/Tickets/query', {
			MaxRecords: 501,
			filter: [{ op: 'gt', field: 'id', value: 0 }],
		});
		expect(big.status).toBe(500);
		const bad = await api.post('/Tickets/query', {
			filter: [{ op: 'like', field: 'title', value: 'x' }],
		});
		expect(bad.data).toEqual({ errors: ['Unknown filter operator: like'] });
	});

	it('pages with nextPageUrl: POST queries take the same body again, URL queries a GET', async () => {
		sandbox.reset({ ticketsPerClient: 200 });
		const total = (sandbox.world().vendors.autotask as { tickets: unknown[] }).tickets.length;
		const body = { MaxRecords: 500, filter: [{ op: 'gt', field: 'id', value: 0 }] };
		const first = await api.post('/Tickets/query', body);
		expect(first.data.items).toHaveLength(500);
		expect(first.data.pageDetails.nextPageUrl).toMatch(
			/\/ATServicesRest\/V1\.0\/Tickets\/query\/next\?paging=/,
		);
		const ids: number[] = (first.data.items as Json[]).map((t) => Number(t.id));
		let next: string | null = first.data.pageDetails.nextPageUrl;
		while (next) {
			const page = await axios.post(next, body, { headers: headers() });
			ids.push(...(page.data.items as Json[]).map((t) => Number(t.id)));
			next = page.data.pageDetails.nextPageUrl;
		}
		expect(new Set(ids).size).toBe(total);
		const search = JSON.stringify({
			MaxRecords: 200,
			filter: [{ op: 'gt', field: 'id', value: 0 }],
		});
		const byUrl = await api.get('/Tickets/query', { params: { search } });
		expect(byUrl.data.items).toHaveLength(200);
		const second = await axios.get(byUrl.data.pageDetails.nextPageUrl, { headers: headers() });
		expect(Number(second.data.items[0].id)).toBeGreaterThan(Number(byUrl.data.items[199].id));
	});

	it('creates with POST -> itemId, updates with PATCH, adds child notes and root time entries, all as the spec says', async () => {
		const company = companyIdOf(sandbox.world().clients[0]);
		const ticket = {
			companyID: company,
			title: 'Ransomware on BSD-WS02',
			status: 1,
			priority: 5,
			queueID: 29683326,
			externalID: 'edr-1',
		};
		valid('Tickets_CreateEntity', ticket, true);
		const created = await api.post('/Tickets', ticket);
		expect(created.data).toEqual({ itemId: expect.any(Number) });
		valid('Tickets_CreateEntity', created.data);
		const id = created.data.itemId as number;
		const patch = { id, status: 5, resolution: 'Contained' };
		valid('Tickets_PatchEntity', patch, true);
		expect((await api.patch('/Tickets', patch)).data).toEqual({ itemId: id });
		const got = await api.get(`/Tickets/${id}`);
		expect(got.data.item).toMatchObject({
			id,
			status: 5,
			resolution: 'Contained',
			externalID: 'edr-1',
		});
		expect(got.data.item.completedDate).toEqual(expect.any(String));
		valid('Tickets_QueryItem', got.data);
		valid(
			'Tickets_QueryFieldDefinitions',
			(await api.get('/Tickets/entityInformation/fields')).data,
		);
		const note = {
			ticketID: id,
			title: 'Contained',
			description: 'Host isolated',
			noteType: 1,
			publish: 2,
		};
		valid('TicketNotesChild_CreateEntity', note, true);
		const noted = await api.post(`/Tickets/${id}/Notes`, note);
		expect(noted.data).toEqual({ itemId: expect.any(Number) });
		valid(
			'TicketNotes_Query',
			(
				await api.post('/TicketNotes/query', {
					filter: [{ op: 'eq', field: 'ticketID', value: id }],
				})
			).data,
		);
		valid('TicketNotesChild_Query', (await api.get(`/Tickets/${id}/Notes`)).data);
		const time = {
			ticketID: id,
			resourceID: 29682885,
			roleID: 8,
			dateWorked: '2026-01-10T00:00:00Z',
			startDateTime: '2026-01-10T15:00:00Z',
			endDateTime: '2026-01-10T15:30:00Z',
			hoursWorked: 0.5,
			summaryNotes: 'Remote cleanup',
			isNonBillable: false,
		};
		valid('TimeEntries_CreateEntity', time, true);
		const logged = await api.post('/TimeEntries', time);
		valid('TimeEntries_QueryItem', (await api.get(`/TimeEntries/${logged.data.itemId}`)).data);
		const ci = { ticketID: id, configurationItemID: ciIdOf(sandbox.world().devices[0]) };
		expect((await api.post(`/Tickets/${id}/AdditionalConfigurationItems`, ci)).data).toEqual({
			itemId: expect.any(Number),
		});
		valid(
			'TicketAdditionalConfigurationItemsChild_Query',
			(await api.get(`/Tickets/${id}/AdditionalConfigurationItems`)).data,
		);
		valid(
			'ThresholdApiIntegration_QueryThresholdInformation',
			(await api.get('/ThresholdInformation')).data,
		);
	});

	it('refuses bad writes with 500 and its errors array', async () => {
		const bad = await api.post('/Tickets', { companyID: 1, title: '', status: 99 });
		expect(bad.status).toBe(500);
		expect(bad.data.errors).toEqual(
			expect.arrayContaining([
				'Value 1 for field companyID is invalid: no such Company.',
				'Missing Required Field: title',
				'Missing Required Field: priority',
			]),
		);
		const long = await api.post('/Tickets', {
			companyID: companyIdOf(sandbox.world().clients[0]),
			title: 'x',
			status: 1,
			priority: 2,
			externalID: 'x'.repeat(51),
		});
		expect(long.data).toEqual({
			errors: ['Value for field externalID exceeds the maximum length of 50.'],
		});
		expect((await api.patch('/Tickets', { status: 5 })).data).toEqual({
			errors: ['Missing Required Field: id'],
		});
	});

	it('answers a server fault with its errors body under the flaky profile', async () => {
		sandbox.setFaults({ profile: 'flaky', rate: 1, vendors: ['autotask'] });
		const answers = await Promise.all(
			Array.from({ length: 12 }, () =>
				api.get('/ThresholdInformation', { timeout: 5000 }).catch(() => undefined),
			),
		);
		const errors = answers.filter((a) => a && a.status >= 500);
		expect(errors.length).toBeGreaterThan(0);
		for (const e of errors)
			expect(e!.data).toEqual({ errors: ['An unexpected error has occurred.'] });
	}, 30_000);

	it('answers 429 with Retry-After and errors past 10,000 requests in the hour under the throttled profile', async () => {
		sandbox.setFaults({ profile: 'throttled', vendors: ['autotask'] });
		const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
		const url = new URL(`${base}/ATServicesRest/V1.0/ThresholdInformation`);
		const get = () =>
			new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
				const req = http.get(url, { agent, headers: headers() }, (res) => {
					let body = '';
					res.on('data', (chunk) => (body += chunk));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							retryAfter: res.headers['retry-after'] as string | undefined,
							body,
						}),
					);
				});
				req.on('error', reject);
			});
		const statuses: Array<{ status: number; retryAfter?: string; body: string }> = [];
		// Three at a time: the thread limit of the same profile refuses a fourth in flight.
		for (let sent = 0; sent < 10_002; sent += 3)
			statuses.push(
				...(await Promise.all(Array.from({ length: Math.min(3, 10_002 - sent) }, get))),
			);
		agent.destroy();
		const throttled = statuses.filter((s) => s.status === 429);
		expect(throttled).toHaveLength(2);
		expect(Number(throttled[0].retryAfter)).toBeGreaterThan(0);
		expect(JSON.parse(throttled[0].body).errors[0]).toMatch(/threshold/);
	}, 120_000);

	it('refuses a fourth request in flight on one endpoint under the throttled profile, counts each endpoint apart and logs the count', async () => {
		const query = () =>
			api.post('/Tickets/query', { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1 });
		// Latency holds each request in flight long enough for all of them to arrive together.
		sandbox.setLatency(300);
		try {
			sandbox.requests.clear();
			const free = await Promise.all(Array.from({ length: 5 }, query));
			expect(free.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
			expect(
				sandbox.requests
					.query({ vendor: 'autotask' })
					.map((e) => e.concurrency?.inFlight)
					.sort(),
			).toEqual([1, 2, 3, 4, 5]);

			sandbox.setFaults({ profile: 'throttled', vendors: ['autotask'] });
			sandbox.requests.clear();
			const [tickets, companies, zone] = await Promise.all([
				Promise.all(Array.from({ length: 5 }, query)),
				Promise.all(
					Array.from({ length: 3 }, () =>
						api.post('/Companies/query', { filter: [{ op: 'gt', field: 'id', value: 0 }] }),
					),
				),
				Promise.all(
					Array.from({ length: 4 }, () =>
						api.get('/zoneInformation', { params: { user: AUTOTASK_SANDBOX_USER.userName } }),
					),
				),
			]);
			const refused = tickets.filter((r) => r.status !== 200);
			expect(tickets.filter((r) => r.status === 200)).toHaveLength(3);
			expect(refused).toHaveLength(2);
			for (const r of refused) {
				expect(r.status).toBe(500);
				expect(r.data.errors[0]).toMatch(/Itgenatr005.*thread threshold of 3 threads/);
			}
			expect(companies.map((r) => r.status)).toEqual([200, 200, 200]);
			expect(zone.map((r) => r.status)).toEqual([200, 200, 200, 200]);
			const log = sandbox.requests.query({ vendor: 'autotask' });
			expect(log.filter((e) => e.fault === 'threadLimit')).toHaveLength(2);
			expect(log.filter((e) => /zoneInformation/i.test(e.path)).map((e) => e.concurrency)).toEqual([
				undefined,
				undefined,
				undefined,
				undefined,
			]);
			const peak = (entity: string) =>
				Math.max(
					...log
						.filter((e) => e.concurrency?.key.endsWith(`|${entity}`) && e.fault === undefined)
						.map((e) => e.concurrency!.inFlight),
				);
			expect(peak('tickets')).toBe(3);
			expect(peak('companies')).toBe(3);
			// The refused requests held no thread: three more go through once the first are answered.
			expect((await Promise.all(Array.from({ length: 3 }, query))).map((r) => r.status)).toEqual([
				200, 200, 200,
			]);
		} finally {
			sandbox.setLatency(0);
		}
	}, 30_000);

	it('provides an importable n8n credential that discovers the sandbox zone', () => {
		expect(sandbox.n8nCredentials().find((c) => c.type === 'mspAutotaskApi')).toEqual({
			id: 'sandbox-autotask',
			name: 'Sandbox Autotask',
			type: 'mspAutotaskApi',
			data: {
				...AUTOTASK_SANDBOX_USER,
				zone: 'discover',
				zoneLookupUrl: `${base}/ATServicesRest`,
			},
		});
	});

	// One validator run, last, since it blocks the event loop.
	it('every answer and request body the node relies on matches the Autotask swagger, and the check has teeth', () => {
		expect(samples.length).toBeGreaterThan(15);
		const results = validateAgainstSpec('autotask', [
			...samples,
			{
				label: 'not in the spec',
				operationId: 'Tickets_QueryItem',
				body: { item: { id: 'not-a-number' } },
			},
		]);
		const broken = results.pop()!;
		expect(results.filter((r) => r.errors.length)).toEqual([]);
		expect(broken.errors.length).toBeGreaterThan(0);
	});
});
