import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { SANDBOX_TENANT } from '../../../sandbox/vendors/microsoft-login';

const app = SANDBOX_TENANT.apps[0];
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const good = {
	grant_type: 'client_credentials',
	client_id: app.appId,
	client_secret: app.secret,
	scope: 'https://api.securitycenter.microsoft.com/.default',
};

describe('sandbox: Microsoft identity platform token endpoint', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	const post = (tenant: string, fields: Record<string, string>) =>
		http.post(`/microsoft-login/${tenant}/oauth2/v2.0/token`, form(fields), {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		http = axios.create({ baseURL: sandbox.baseUrl, validateStatus: () => true });
	});
	afterAll(async () => sandbox.stop());

	it('issues a bearer token for client credentials, by tenant id or domain', async () => {
		for (const tenant of [SANDBOX_TENANT.id, SANDBOX_TENANT.domain]) {
			const res = await post(tenant, good);
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({
				token_type: 'Bearer',
				expires_in: 3599,
				ext_expires_in: 3599,
			});
			expect(typeof res.data.access_token).toBe('string');
		}
	});

	it.each([
		[
			'a wrong secret',
			SANDBOX_TENANT.id,
			{ client_secret: 'nope' },
			401,
			'invalid_client',
			7000215,
		],
		['no secret', SANDBOX_TENANT.id, { client_secret: '' }, 401, 'invalid_client', 7000218],
		[
			'an unknown client',
			SANDBOX_TENANT.id,
			{ client_id: '00000000-0000-0000-0000-000000000001' },
			400,
			'unauthorized_client',
			700016,
		],
		[
			'an unknown tenant',
			'11111111-2222-3333-4444-555555555555',
			{},
			400,
			'invalid_request',
			90002,
		],
		['a malformed tenant', 'not a tenant', {}, 400, 'invalid_request', 900023],
		[
			'a scope without /.default',
			SANDBOX_TENANT.id,
			{ scope: 'https://api.securitycenter.microsoft.com' },
			400,
			'invalid_scope',
			1002012,
		],
		[
			'an unknown resource',
			SANDBOX_TENANT.id,
			{ scope: 'https://example.com/.default' },
			400,
			'invalid_resource',
			500011,
		],
		[
			'another grant type',
			SANDBOX_TENANT.id,
			{ grant_type: 'password' },
			400,
			'unsupported_grant_type',
			70003,
		],
	])('refuses %s with the AADSTS body', async (_label, tenant, override, status, error, code) => {
		const fields = { ...good, ...override } as Record<string, string>;
		for (const key of Object.keys(fields)) if (fields[key] === '') delete fields[key];
		const res = await post(tenant, fields);
		expect(res.status).toBe(status);
		expect(res.data).toMatchObject({ error, error_codes: [code] });
		expect(res.data.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
		expect(res.data.error_description).toContain('Trace ID:');
		expect(JSON.stringify(res.data)).not.toContain(app.secret);
	});

	it('only accepts POST', async () => {
		const res = await http.get(`/microsoft-login/${SANDBOX_TENANT.id}/oauth2/v2.0/token`);
		expect(res.status).toBe(400);
		expect(res.data.error_codes).toEqual([900561]);
	});

	it('keeps issued tokens out of the state dump', async () => {
		await post(SANDBOX_TENANT.id, good);
		const state = await http.get('/_sandbox/state');
		expect(JSON.stringify(state.data)).not.toContain('access_token');
		expect(JSON.stringify(state.data.vendors)).not.toMatch(/microsoft-login:tokens/);
	});
});
