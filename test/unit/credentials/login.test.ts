import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { requestClientCredentialsToken } from '../../../credentials/common/cachedToken';
import {
	LOGIN_ATTEMPTS,
	LOGIN_MAX_TOTAL_WAIT_MS,
	loginTiming,
	sharedLogin,
} from '../../../credentials/common/login';
import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';

type Answer = { statusCode: number; body: unknown } | { throws: unknown };

/** n8n's `helpers.httpRequest` for preAuthentication, answering from a script and counting calls. */
function tokenEndpoint(answers: Array<Answer | (() => Promise<Answer>)>) {
	const sent: IHttpRequestOptions[] = [];
	const helpers = {
		httpRequest: async (options: IHttpRequestOptions) => {
			sent.push(options);
			const next = answers.shift();
			if (!next) throw new Error('unexpected token request');
			const answer = typeof next === 'function' ? await next() : next;
			if ('throws' in answer) throw answer.throws;
			return answer;
		},
	} as unknown as IHttpRequestHelper['helpers'];
	return { helpers, sent };
}

function resetError(): { throws: unknown } {
	return { throws: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) };
}

const request = {
	url: 'https://login.example.com/tenant-1/token',
	clientId: 'app',
	clientSecret: 'S3cret-Value-987',
	scope: 'read',
	failure: (body: Record<string, unknown> | undefined, status: number) =>
		`Example login failed: ${String(body?.error_description ?? body?.error ?? `HTTP ${status}`)}`,
};

let sleeps: number[];

beforeEach(() => {
	sleeps = [];
	jest.spyOn(loginTiming, 'sleep').mockImplementation(async (ms) => {
		sleeps.push(ms);
	});
	jest.spyOn(loginTiming, 'random').mockReturnValue(1);
});

afterEach(() => jest.restoreAllMocks());

const token = (value: string) => ({
	statusCode: 200,
	body: JSON.stringify({ access_token: value, expires_in: 3600 }),
});

describe('token requests: retries', () => {
	it('retries a 503 once and returns the token', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 503, body: '<html>Service Unavailable</html>' },
			token('tok-1'),
		]);
		await expect(requestClientCredentialsToken(helpers, request)).resolves.toMatchObject({
			accessToken: 'tok-1',
		});
		expect(sent).toHaveLength(2);
		expect(sleeps).toEqual([500]);
	});

	it('fails at once on a 401 with the vendor message, without the secret', async () => {
		const { helpers, sent } = tokenEndpoint([
			{
				statusCode: 401,
				body: '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}',
			},
		]);
		const error = (await requestClientCredentialsToken(helpers, request).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error.message).toBe(
			'Example login failed: AADSTS7000215: Invalid client secret provided.',
		);
		expect(JSON.stringify({ m: error.message, s: error.stack })).not.toContain(
			request.clientSecret,
		);
		expect(sent).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('retries a reset and a truncated success, then uses the token', async () => {
		const { helpers, sent } = tokenEndpoint([
			resetError(),
			{ statusCode: 200, body: '{"access_token":"tok-' },
			token('tok-2'),
		]);
		await expect(requestClientCredentialsToken(helpers, request)).resolves.toMatchObject({
			accessToken: 'tok-2',
		});
		expect(sent).toHaveLength(3);
	});

	it('gives up after a few attempts within the wait budget, naming the host and not the secret', async () => {
		const { helpers, sent } = tokenEndpoint(Array.from({ length: 10 }, resetError));
		const error = (await requestClientCredentialsToken(helpers, request).catch(
			(e: unknown) => e,
		)) as Error;
		expect(sent).toHaveLength(LOGIN_ATTEMPTS);
		expect(error.message).toBe(
			`Token request to login.example.com got no answer after ${LOGIN_ATTEMPTS} attempts (ECONNRESET)`,
		);
		expect(error.message).not.toContain(request.clientSecret);
		expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LOGIN_MAX_TOTAL_WAIT_MS);
		// Exponential with full jitter (random 1 = the ceiling): 500, 1000, 2000.
		expect(sleeps).toEqual([500, 1000, 2000]);
	});

	it('reports the last 5xx in the vendor words when every attempt fails', async () => {
		const { helpers, sent } = tokenEndpoint(
			Array.from({ length: 10 }, () => ({ statusCode: 502, body: 'bad gateway' })),
		);
		await expect(requestClientCredentialsToken(helpers, request)).rejects.toThrow(
			'Example login failed: HTTP 502',
		);
		expect(sent).toHaveLength(LOGIN_ATTEMPTS);
	});
});

describe('token requests: one login in flight per account', () => {
	it('lets concurrent items share one token request', async () => {
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const { helpers, sent } = tokenEndpoint([
			async () => {
				await gate;
				return token('shared');
			},
			token('later'),
		]);
		const halo = new MspHaloPsaApi();
		const credentials = {
			resourceServerUrl: 'https://acme.halopsa.test',
			clientId: 'app',
			clientSecret: 'S3cret-Value-987',
			scope: 'all',
		};
		const items = Array.from({ length: 5 }, async () =>
			halo.preAuthentication.call({ helpers } as IHttpRequestHelper, credentials),
		);
		release();
		const tokens = await Promise.all(items);
		expect(sent).toHaveLength(1);
		expect(tokens.map((t) => t.accessToken)).toEqual(Array(5).fill('shared'));
		// Once it is done, the next call (n8n found the stored token refused) logs in again.
		await expect(
			halo.preAuthentication.call({ helpers } as IHttpRequestHelper, credentials),
		).resolves.toMatchObject({ accessToken: 'later' });
		expect(sent).toHaveLength(2);
	});

	it('keeps different accounts (or a changed secret) apart', async () => {
		let calls = 0;
		const login = async () => ++calls;
		await Promise.all([
			sharedLogin(['url', 'a', 'secret-1'], login),
			sharedLogin(['url', 'a', 'secret-2'], login),
			sharedLogin(['url', 'b', 'secret-1'], login),
		]);
		expect(calls).toBe(3);
	});

	it('shares a failed login too, and the next call tries again', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 400, body: '{"error":"invalid_scope"}' },
			token('ok'),
		]);
		const results = await Promise.allSettled([
			requestClientCredentialsToken(helpers, request),
			requestClientCredentialsToken(helpers, request),
		]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(sent).toHaveLength(1);
		await expect(requestClientCredentialsToken(helpers, request)).resolves.toMatchObject({
			accessToken: 'ok',
		});
	});
});

describe('ConnectWise Automate login', () => {
	const automate = new MspConnectWiseAutomateApi();
	const credentials = {
		serverUrl: 'https://acme.hostedrmm.test',
		username: 'api-user',
		password: 'Pa55word-Value',
		clientId: 'client-guid',
	};

	it('retries a 503 and returns the token', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 503, body: { Message: 'down' } },
			{
				statusCode: 200,
				body: { AccessToken: 'cwa-token', ExpirationDate: '2099-01-01T00:00:00Z' },
			},
		]);
		await expect(
			automate.preAuthentication.call({ helpers } as IHttpRequestHelper, credentials),
		).resolves.toMatchObject({ accessToken: 'cwa-token' });
		expect(sent).toHaveLength(2);
	});

	it('fails at once on a 401 with Automate message', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 401, body: { Message: 'Username or password is incorrect' } },
		]);
		await expect(
			automate.preAuthentication.call({ helpers } as IHttpRequestHelper, credentials),
		).rejects.toThrow('ConnectWise Automate login failed: Username or password is incorrect');
		expect(sent).toHaveLength(1);
	});
});
