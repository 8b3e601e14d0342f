import axios, { type AxiosInstance } from 'axios';
import { existsSync } from 'fs';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { SANDBOX_API_KEY, type HuduSlice } from '../../../sandbox/vendors/hudu/store';
import { specPath, validateAgainstSpec, type SpecSample as Sample } from './spec';

const SPEC_PATH = specPath('hudu');

describe('sandbox: Hudu', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let anonymous: AxiosInstance;
	const samples: Sample[] = [];
	const hudu = () => sandbox.world().vendors.hudu as HuduSlice;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		const baseURL = `${sandbox.vendorUrl('hudu')}/api/v1`;
		http = axios.create({
			baseURL,
			headers: { 'x-api-key': SANDBOX_API_KEY },
			validateStatus: () => true,
		});
		anonymous = axios.create({ baseURL, validateStatus: () => true });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
	});

	/** Collected here, validated against the spec in one run at the end. */
	const expectValid = (body: unknown, operationId: string, status: number) => {
		samples.push({
			label: `${operationId} ${status} #${samples.length + 1}`,
			body,
			operationId,
			status,
		});
	};

	describe('auth', () => {
		it('answers 401 without an x-api-key header', async () => {
			const res = await anonymous.get('/companies');
			expect(res.status).toBe(401);
			expect(res.data).toEqual({ error: 'Unauthorized' });
		});

		it('answers 401 with a wrong key, and never accepts the key as a bearer token', async () => {
			expect(
				(await anonymous.get('/companies', { headers: { 'x-api-key': 'wrong' } })).status,
			).toBe(401);
			expect(
				(
					await anonymous.get('/companies', {
						headers: { authorization: `Bearer ${SANDBOX_API_KEY}` },
					})
				).status,
			).toBe(401);
		});
	});

	describe('companies', () => {
		it('presents every neutral client under its Hudu company id', async () => {
			const res = await http.get('/companies');
			expect(res.status).toBe(200);
			const ids = (res.data.companies as Array<{ id: number }>).map((c) => c.id);
			expect(ids).toEqual(sandbox.world().clients.map((c) => c.ids.huduCompanyId));
			expectValid(res.data, 'get_companies', 200);
		});

		it('filters by exact name, search and id_in_integration', async () => {
			const client = sandbox.world().clients[1];
			const byName = await http.get('/companies', { params: { name: client.name } });
			expect(byName.data.companies).toHaveLength(1);
			expect(
				(await http.get('/companies', { params: { name: client.name.toUpperCase() } })).data
					.companies,
			).toHaveLength(0);
			const bySearch = await http.get('/companies', {
				params: { search: client.name.slice(0, 5).toLowerCase() },
			});
			expect(bySearch.data.companies[0].id).toBe(client.ids.huduCompanyId);
			const byIntegration = await http.get('/companies', {
				params: { id_in_integration: String(client.ids.connectwiseCompanyId) },
			});
			expect(byIntegration.data.companies.map((c: { id: number }) => c.id)).toEqual([
				client.ids.huduCompanyId,
			]);
		});

		it('reads one company, 404 when unknown', async () => {
			const id = sandbox.world().clients[0].ids.huduCompanyId;
			const res = await http.get(`/companies/${id}`);
			expect(res.data.company.name).toBe(sandbox.world().clients[0].name);
			expectValid(res.data, 'get_companies_id', 200);
			const missing = await http.get('/companies/99999');
			expect(missing.status).toBe(404);
			expect(missing.data).toEqual({ error: 'Not Found' });
		});
	});

	describe('pagination', () => {
		it('pages 25 by default, honours page_size and returns an empty page past the end', async () => {
			sandbox.reset({ clients: 30 });
			const first = await http.get('/companies');
			expect(first.data.companies).toHaveLength(25);
			const second = await http.get('/companies', { params: { page: 2 } });
			expect(second.data.companies).toHaveLength(5);
			expect(second.data.companies[0].id).toBe(first.data.companies[24].id + 1);
			const sized = await http.get('/companies', { params: { page: 3, page_size: 10 } });
			expect(sized.data.companies).toHaveLength(10);
			expect(
				(await http.get('/companies', { params: { page: 4, page_size: 10 } })).data.companies,
			).toHaveLength(0);
		});
	});

	describe('articles', () => {
		it('lists seeded articles filtered by company_id and name', async () => {
			const companyId = sandbox.world().clients[0].ids.huduCompanyId;
			const res = await http.get('/articles', { params: { company_id: companyId } });
			expect(res.data.articles.length).toBeGreaterThanOrEqual(2);
			expect(
				res.data.articles.every((a: { company_id: number }) => a.company_id === companyId),
			).toBe(true);
			expectValid(res.data, 'get_articles', 200);
			const named = await http.get('/articles', {
				params: { company_id: companyId, name: 'Onboarding checklist' },
			});
			expect(named.data.articles).toHaveLength(1);
		});

		it('creates with the article wrapper and updates in place', async () => {
			const companyId = sandbox.world().clients[2].ids.huduCompanyId;
			const created = await http.post('/articles', {
				article: { name: 'Report 2026-11', content: '<p>v1</p>', company_id: companyId },
			});
			expect(created.status).toBe(200);
			expect(created.data.article).toMatchObject({
				name: 'Report 2026-11',
				company_id: companyId,
				object_type: 'Article',
			});
			expect(created.data.article.url).toMatch(/\/kba\//);
			expectValid(created.data, 'post_articles', 200);
			expectValid(created.data, 'put_articles_id', 200);
			const id = created.data.article.id as number;
			const updated = await http.put(`/articles/${id}`, { article: { content: '<p>v2</p>' } });
			expect(updated.data.article).toMatchObject({
				id,
				content: '<p>v2</p>',
				name: 'Report 2026-11',
			});
			expectValid(updated.data, 'put_articles_id', 200);
			expect(hudu().articles.filter((a) => a.name === 'Report 2026-11')).toHaveLength(1);
			expectValid((await http.get(`/articles/${id}`)).data, 'get_articles_id', 200);
		});

		it('answers 422 with details for a blank name or unknown company, 404 for an unknown article', async () => {
			const blank = await http.post('/articles', { article: { content: 'x' } });
			expect(blank.status).toBe(422);
			expect(blank.data).toEqual({
				error: 'Unable to process request',
				details: ["Name can't be blank"],
			});
			const orphan = await http.post('/articles', { article: { name: 'x', company_id: 424242 } });
			expect(orphan.status).toBe(422);
			expect(orphan.data.details).toEqual(['Company must exist']);
			expect((await http.put('/articles/999999', { article: { content: 'x' } })).status).toBe(404);
		});
	});

	describe('magic dash', () => {
		it('creates or updates one tile per title and company_name', async () => {
			const company = sandbox.world().clients[1];
			const body = {
				title: 'Patch compliance',
				company_name: company.name,
				message: '90%',
				shade: 'warning',
				icon: 'fas fa-shield-alt',
			};
			const first = await http.post('/magic_dash', body);
			expect(first.status).toBe(201);
			expectValid(first.data, 'post_magic_dash', 201);
			const second = await http.post('/magic_dash', { ...body, message: '97%', shade: 'success' });
			expect(second.data.id).toBe(first.data.id);
			expect(second.data).toMatchObject({
				message: '97%',
				shade: 'success',
				company_id: company.ids.huduCompanyId,
			});
			const list = await http.get('/magic_dash', {
				params: { company_id: company.ids.huduCompanyId, title: 'Patch compliance' },
			});
			expect(list.data).toHaveLength(1);
			expectValid(list.data, 'get_magic_dash', 200);
		});

		it('answers 422 for an unknown company_name or a missing message', async () => {
			const unknown = await http.post('/magic_dash', {
				title: 't',
				company_name: 'Nobody Ltd',
				message: 'm',
			});
			expect(unknown.status).toBe(422);
			expect(unknown.data.details[0]).toMatch(/Nobody Ltd/);
			const missing = await http.post('/magic_dash', {
				title: 't',
				company_name: sandbox.world().clients[0].name,
			});
			expect(missing.data.details).toEqual(["message can't be blank"]);
		});

		it('deletes by id and by title + company_name', async () => {
			const name = sandbox.world().clients[0].name;
			const tile = (
				await http.post('/magic_dash', { title: 'A', company_name: name, message: 'm' })
			).data;
			expect((await http.delete(`/magic_dash/${tile.id}`)).status).toBe(204);
			expect((await http.delete(`/magic_dash/${tile.id}`)).status).toBe(404);
			await http.post('/magic_dash', { title: 'B', company_name: name, message: 'm' });
			const byName = await http.delete('/magic_dash', { data: { title: 'B', company_name: name } });
			expect(byName.status).toBe(204);
			expect(hudu().magicDash.map((m) => m.title)).toEqual(['Backups']);
		});
	});

	describe('throttling', () => {
		it('answers 429 "Retry later" past 300 requests a minute per key', async () => {
			sandbox.setFaults({ profile: 'throttled', throttleWindowScale: 1 });
			const statuses: number[] = [];
			for (let i = 0; i < 301; i++) statuses.push((await http.get('/magic_dash')).status);
			expect(statuses.slice(0, 300).every((s) => s === 200)).toBe(true);
			const limited = await http.get('/magic_dash');
			expect(limited.status).toBe(429);
			expect(limited.data).toBe('Retry later\n');
			expect(limited.headers['content-type']).toMatch(/text\/plain/);
			expect(sandbox.requests.query({ vendor: 'hudu' }).some((r) => r.fault === 'throttled')).toBe(
				true,
			);
		});
	});

	it('exposes an n8n credential for mspHuduApi', () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspHuduApi');
		expect(entry).toEqual({
			id: 'sandbox-hudu',
			name: 'Sandbox Hudu',
			type: 'mspHuduApi',
			data: { baseUrl: sandbox.vendorUrl('hudu'), apiKey: SANDBOX_API_KEY },
		});
	});

	describe('fire-drill changes', () => {
		it("presents a company under its documentation name, with each integration's own name, as the spec describes", async () => {
			sandbox.reset({
				variations: {
					clientNames: {
						HLL: { documentation: 'Harper & Lowe', psa: 'Harper and Lowe Solicitors' },
					},
				},
			});
			const res = await http.get('/companies', { params: { name: 'Harper & Lowe' } });
			expect(res.status).toBe(200);
			expect(res.data.companies).toHaveLength(1);
			expect(
				res.data.companies[0].integrations.find(
					(i: { integrator_name: string }) => i.integrator_name === 'cw_manage',
				),
			).toMatchObject({ name: 'Harper and Lowe Solicitors', company_name: 'Harper & Lowe' });
			expectValid(res.data, 'get_companies', 200);
			const one = await http.get(`/companies/${res.data.companies[0].id}`);
			expect(one.data.company.name).toBe('Harper & Lowe');
			expectValid(one.data, 'get_companies_id', 200);
		});
	});

	describe('spec validation (Hudu API v2.44.0)', () => {
		it('finds the spec', () => {
			// Never skip: a missing spec folder must fail the run.
			expect(existsSync(SPEC_PATH)).toBe(true);
		});

		it('every response the report node relies on matches the published spec', () => {
			const operations = new Set(samples.map((s) => s.operationId));
			for (const op of [
				'get_companies',
				'get_articles',
				'post_articles',
				'put_articles_id',
				'get_magic_dash',
				'post_magic_dash',
			]) {
				expect(operations).toContain(op);
			}
			const failures = validateAgainstSpec('hudu', samples).filter((r) => r.errors.length);
			expect(failures).toEqual([]);
		});

		it('the validator does reject a response that breaks the spec', () => {
			const [result] = validateAgainstSpec('hudu', [
				{
					label: 'control: wrong types',
					body: [{ id: 'x', title: 1 }],
					operationId: 'get_magic_dash',
					status: 200,
				},
			]);
			expect(result.errors.length).toBeGreaterThan(0);
		});
	});
});
