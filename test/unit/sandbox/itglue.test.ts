import axios, { type AxiosInstance } from 'axios';
import { readFileSync } from 'fs';
import * as path from 'path';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { itGlue } from '../../../sandbox/vendors/itglue';
import {
	itGlueOrganizationId,
	SANDBOX_API_KEY,
	type ItGlueSlice,
} from '../../../sandbox/vendors/itglue/store';

/**
 * IT Glue publishes no OpenAPI document. The answers are checked against the extraction of its
 * developer page (see test/fixtures/vendor-specs/README.md): the attribute names of each
 * endpoint's documented example, the documented `meta` keys and JSON:API envelopes.
 */
interface DerivedEndpoint {
	method: string;
	path: string;
	example_attribute_names?: Array<{ in: string; type: string; attributes: string[] }>;
}
const DERIVED = JSON.parse(
	readFileSync(
		path.resolve(__dirname, '../../fixtures/vendor-specs/itglue-api-endpoints.derived.json'),
		'utf8',
	),
) as {
	rate_limit: { requests: number; window_seconds: number; status_when_exceeded: number };
	pagination: { max_page_size: number };
	resources: Array<{ resource: string; endpoints: DerivedEndpoint[] }>;
};

function documented(method: string, route: string, where: string): string[] {
	const endpoint = DERIVED.resources
		.flatMap((r) => r.endpoints)
		.find((e) => e.method === method && e.path === route);
	const names = endpoint?.example_attribute_names?.find((n) => n.in === where)?.attributes;
	if (!names) throw new Error(`no documented ${where} attributes for ${method} ${route}`);
	return [...names].sort();
}

/** The `meta` keys of a documented list answer. */
const META_KEYS = [
	'current-page',
	'next-page',
	'prev-page',
	'total-pages',
	'total-count',
	'filters',
].sort();

describe('sandbox: IT Glue', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	const slice = () => sandbox.world().vendors.itglue as ItGlueSlice;
	const jsonApi = { headers: { 'content-type': 'application/vnd.api+json' } };

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		http = axios.create({
			baseURL: sandbox.vendorUrl('itglue'),
			headers: { 'x-api-key': SANDBOX_API_KEY },
			validateStatus: () => true,
		});
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	it('answers 403 with a JSON:API error to a missing or wrong key', async () => {
		for (const headers of [{}, { 'x-api-key': 'ITG.wrong' }]) {
			const res = await axios.get(`${sandbox.vendorUrl('itglue')}/organizations`, {
				headers,
				validateStatus: () => true,
			});
			expect(res.status).toBe(403);
			expect(res.data).toEqual({ errors: [{ status: 403, title: 'Forbidden' }] });
		}
	});

	it('lists the estate clients as organizations, with the documented attributes and meta', async () => {
		const res = await http.get('/organizations');
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/application\/vnd\.api\+json/);
		const body = res.data as {
			data: Array<{ id: unknown; type: string; attributes: Record<string, unknown> }>;
			meta: Record<string, unknown>;
		};
		expect(body.data).toHaveLength(sandbox.world().clients.length);
		const wanted = documented('GET', '/organizations', 'response');
		for (const organization of body.data) {
			expect(typeof organization.id).toBe('string');
			expect(organization.type).toBe('organizations');
			expect(Object.keys(organization.attributes).sort()).toEqual(wanted);
		}
		expect(Object.keys(body.meta).sort()).toEqual(META_KEYS);
		const client = sandbox.world().clients[1];
		const one = await http.get(`/organizations/${itGlueOrganizationId(sandbox.world(), client)}`);
		expect((one.data as { data: { id: string } }).data.id).toBe(
			String(itGlueOrganizationId(sandbox.world(), client)),
		);
	});

	it('pages with page[number] and page[size] up to the documented 1000', async () => {
		const total = sandbox.world().clients.length;
		const res = await http.get('/organizations', {
			params: { 'page[size]': 2, 'page[number]': 2 },
		});
		const body = res.data as { data: unknown[]; meta: Record<string, unknown> };
		expect(body.data).toHaveLength(Math.min(2, Math.max(0, total - 2)));
		expect(body.meta).toMatchObject({
			'current-page': 2,
			'prev-page': 1,
			'total-count': total,
			'total-pages': Math.ceil(total / 2),
		});
		const huge = await http.get('/organizations', { params: { 'page[size]': 5000 } });
		expect((huge.data as { meta: Record<string, unknown> }).meta['total-pages']).toBe(1);
		expect(DERIVED.pagination.max_page_size).toBe(1000);
	});

	it('creates, lists, updates and archives flexible assets in the documented shapes', async () => {
		const organizationId = itGlueOrganizationId(sandbox.world(), sandbox.world().clients[0]);
		const types = await http.get('/flexible_asset_types', {
			params: { 'filter[name]': 'Site Summary' },
		});
		const type = (types.data as { data: Array<{ id: string; attributes: object }> }).data[0];
		expect(Object.keys(type.attributes).sort()).toEqual(
			documented('GET', '/flexible_asset_types', 'response'),
		);
		const attributes = {
			'organization-id': organizationId,
			'flexible-asset-type-id': Number(type.id),
			traits: { name: 'Branch office', notes: '<p>Two racks</p>' },
		};
		// Every attribute sent is one the create example documents.
		expect(
			Object.keys(attributes).every((k) =>
				documented('POST', '/flexible_assets', 'request').includes(k),
			),
		).toBe(true);
		const created = await http.post(
			'/flexible_assets',
			{ data: { type: 'flexible_assets', attributes } },
			jsonApi,
		);
		expect(created.status).toBe(201);
		const asset = (created.data as { data: { id: string; type: string; attributes: object } }).data;
		expect(asset.type).toBe('flexible-assets');
		expect(Object.keys(asset.attributes).sort()).toEqual(
			documented('GET', '/flexible_assets', 'response'),
		);
		expect(asset.attributes).toMatchObject({ name: 'Branch office', archived: false });

		const listed = await http.get('/flexible_assets', {
			params: {
				'filter[flexible-asset-type-id]': type.id,
				'filter[organization-id]': organizationId,
			},
		});
		const names = (listed.data as { data: Array<{ attributes: { name: string } }> }).data.map(
			(a) => a.attributes.name,
		);
		expect(names).toEqual(['Head office', 'Branch office']);

		const patched = await http.patch(
			`/flexible_assets/${asset.id}`,
			{ data: { type: 'flexible_assets', attributes: { traits: { name: 'Branch' } } } },
			jsonApi,
		);
		expect(patched.status).toBe(200);
		// The trait set sent replaces the stored one: the omitted notes are cleared.
		expect(
			(patched.data as { data: { attributes: { traits: object } } }).data.attributes.traits,
		).toEqual({ name: 'Branch' });
		await http.patch(
			`/flexible_assets/${asset.id}`,
			{ data: { type: 'flexible_assets', attributes: { archived: true } } },
			jsonApi,
		);
		expect(slice().flexibleAssets.find((a) => String(a.id) === asset.id)).toMatchObject({
			archived: true,
			traits: { name: 'Branch' },
		});
	});

	it('answers JSON:API errors: 400 without the type filter, 415, and 422 as quoted from real answers', async () => {
		const noType = await http.get('/flexible_assets');
		expect(noType.status).toBe(400);
		expect((noType.data as { errors: unknown[] }).errors).toHaveLength(1);
		const wrongMedia = await http.post('/flexible_assets', { data: {} });
		expect(wrongMedia.status).toBe(415);
		const badOrganization = await http.post(
			'/flexible_assets',
			{
				data: {
					type: 'flexible_assets',
					attributes: { 'organization-id': 1, 'flexible-asset-type-id': 101, traits: {} },
				},
			},
			jsonApi,
		);
		expect(badOrganization.status).toBe(422);
		expect(badOrganization.data).toEqual({
			errors: [
				{
					status: 422,
					title: 'Valid organization_id is required',
					source: { pointer: 'data/attributes/organization_id' },
				},
			],
		});
	});

	it('answers 429 with a JSON:API error past the budget under the throttled profile', async () => {
		expect(itGlue.throttle).toMatchObject({
			limit: DERIVED.rate_limit.requests,
			windowMs: DERIVED.rate_limit.window_seconds * 1000,
		});
		// The same policy with a budget of three, so the test need not send 3,000 requests.
		const small = await startSandbox({
			port: 0,
			vendors: [{ ...itGlue, throttle: { ...itGlue.throttle!, limit: 3 } }],
		});
		try {
			small.setFaults({ profile: 'throttled' });
			const get = async () =>
				await axios.get(`${small.vendorUrl('itglue')}/organizations`, {
					headers: { 'x-api-key': SANDBOX_API_KEY },
					validateStatus: () => true,
				});
			const statuses = [];
			for (let i = 0; i < 4; i++) statuses.push((await get()).status);
			expect(statuses).toEqual([200, 200, 200, DERIVED.rate_limit.status_when_exceeded]);
			expect((await get()).data).toEqual({ errors: [{ status: 429, title: 'Too Many Requests' }] });
		} finally {
			await small.stop();
		}
	});

	it('gives injected server errors the JSON:API error shape under the flaky profile', async () => {
		sandbox.setFaults({
			profile: 'flaky',
			rate: 1,
			vendors: ['itglue'],
			timeoutMs: 50,
			slowMs: 10,
		});
		const answers = [];
		for (let i = 0; i < 30; i++) {
			try {
				answers.push(await http.get('/organizations', { timeout: 500 }));
			} catch {
				// reset or timeout: no answer to check
			}
		}
		const serverErrors = answers.filter((a) => a.status >= 500);
		expect(serverErrors.length).toBeGreaterThan(0);
		for (const answer of serverErrors)
			expect(answer.data).toEqual({
				errors: [{ status: answer.status, title: expect.any(String) }],
			});
	});

	it('exposes an n8n credential for mspItGlueApi pointing at the sandbox', () => {
		expect(sandbox.n8nCredentials().find((c) => c.type === 'mspItGlueApi')).toEqual({
			id: 'sandbox-itglue',
			name: 'Sandbox IT Glue',
			type: 'mspItGlueApi',
			data: { region: 'custom', baseUrl: sandbox.vendorUrl('itglue'), apiKey: SANDBOX_API_KEY },
		});
	});
});
