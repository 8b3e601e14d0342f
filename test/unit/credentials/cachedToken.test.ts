import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import {
	bearerWhileFresh,
	cachedTokenProperties,
	requestClientCredentialsToken,
} from '../../../credentials/common/cachedToken';
import { loginTiming } from '../../../credentials/common/login';

// A 5xx login is retried with backoff; no real waiting in unit tests.
beforeEach(() => jest.spyOn(loginTiming, 'sleep').mockResolvedValue());
afterEach(() => jest.restoreAllMocks());

function helpersAnswering(statusCode: number, body: unknown) {
	const sent: IHttpRequestOptions[] = [];
	const helpers = {
		httpRequest: async (options: IHttpRequestOptions) => {
			sent.push(options);
			return { statusCode, body };
		},
	} as unknown as IHttpRequestHelper['helpers'];
	return { helpers, sent };
}

const request = {
	url: 'https://login.example.com/token',
	clientId: 'app',
	clientSecret: 's3cret',
	scope: 'read write',
	failure: (body: Record<string, unknown> | undefined, status: number) =>
		`Example login failed: ${String(body?.error ?? status)}`,
};

describe('cached token credentials', () => {
	it('declares the expirable hidden token n8n refreshes, and its expiry', () => {
		const [token, expiry] = cachedTokenProperties();
		expect(token).toMatchObject({
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
		});
		expect(expiry).toMatchObject({ name: 'expiresAt', type: 'hidden', default: 0 });
	});

	it('posts a form-encoded client-credentials grant and returns the token with its expiry', async () => {
		const { helpers, sent } = helpersAnswering(
			200,
			JSON.stringify({ access_token: 'tok', expires_in: 60 }),
		);
		const before = Date.now();
		const token = await requestClientCredentialsToken(helpers, {
			...request,
			qs: { tenant: 'acme' },
		});
		expect(token.accessToken).toBe('tok');
		expect(token.expiresAt).toBeGreaterThanOrEqual(before + 60000);
		expect(sent[0]).toMatchObject({ method: 'POST', url: request.url, qs: { tenant: 'acme' } });
		expect(Object.fromEntries(new URLSearchParams(String(sent[0].body)))).toEqual({
			grant_type: 'client_credentials',
			client_id: 'app',
			client_secret: 's3cret',
			scope: 'read write',
		});
	});

	it('throws the vendor wording for an OAuth error, without the secret', async () => {
		const { helpers } = helpersAnswering(401, '{"error":"invalid_client"}');
		await expect(requestClientCredentialsToken(helpers, request)).rejects.toThrow(
			'Example login failed: invalid_client',
		);
		const unreadable = helpersAnswering(502, '<html>bad gateway</html>');
		await expect(requestClientCredentialsToken(unreadable.helpers, request)).rejects.toThrow(
			'Example login failed: 502',
		);
		// A 502 is a passing outage: tried a few times before it is reported.
		expect(unreadable.sent.length).toBeGreaterThan(1);
	});

	it('sends Bearer only while the token is fresh, and extra headers always', () => {
		const options: IHttpRequestOptions = { url: '/x', headers: { Accept: 'application/json' } };
		const fresh = { accessToken: 'tok', expiresAt: Date.now() + 10 * 60000 };
		const stale = { accessToken: 'tok', expiresAt: Date.now() + 60000 };
		expect(bearerWhileFresh(fresh, options, 5 * 60000).headers).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok',
		});
		expect(bearerWhileFresh(stale, options, 5 * 60000, { ClientId: 'c' }).headers).toEqual({
			Accept: 'application/json',
			ClientId: 'c',
		});
		expect(bearerWhileFresh({ accessToken: '' }, options, 0).headers).toEqual({
			Accept: 'application/json',
		});
		expect(bearerWhileFresh({ accessToken: 'tok' }, options, 0).headers).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok',
		});
	});
});
