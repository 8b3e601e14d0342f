import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { requestClientCredentialsToken } from '../../../credentials/common/cachedToken';
import {
	LOGIN_ATTEMPTS,
	LOGIN_MAX_TOTAL_WAIT_MS,
	loginTiming,
	sharedLogin,
} from '../../../credentials/common/login';
import { MspAutotaskApi } from '../../../credentials/MspAutotaskApi.credentials';
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

describe('Autotask zone lookup', () => {
	const autotask = new MspAutotaskApi();
	const credentials = {
		userName: 'n8n-api@msp.example',
		secret: 'At-Secret-Value-42',
		integrationCode: 'TRACKING-ID',
		zone: 'discover',
		zoneLookupUrl: 'https://webservices.autotask.test/ATServicesRest',
	};
	const zone = {
		statusCode: 200,
		body: {
			zoneName: 'Pre-release',
			url: 'https://webservices5.autotask.test/ATServicesRest/',
			webUrl: 'https://ww5.autotask.test/',
			ci: 5,
		},
	};
	const lookup = async (helpers: IHttpRequestHelper['helpers']) =>
		await autotask.preAuthentication.call({ helpers } as IHttpRequestHelper, credentials);

	it('asks again after a 503, a reset and a cut-short answer, then uses the zone found', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 503, body: { errors: ['An unexpected error has occurred.'] } },
			resetError(),
			{ statusCode: 200, body: '{"zoneName":"Pre-release","url":"https://webserv' },
			zone,
		]);
		await expect(lookup(helpers)).resolves.toEqual({
			zoneApiUrl: 'https://webservices5.autotask.test/ATServicesRest',
			zoneWebUrl: 'https://ww5.autotask.test/',
		});
		expect(sent.map((o) => [o.url, o.qs])).toEqual(
			Array.from({ length: 4 }, () => [
				'https://webservices.autotask.test/ATServicesRest/V1.0/zoneInformation',
				{ user: 'n8n-api@msp.example' },
			]),
		);
		// The lookup needs no login: the secret and the integration code are never sent.
		expect(JSON.stringify(sent)).not.toMatch(/At-Secret-Value-42|TRACKING-ID/);
	});

	it('fails at once on an unknown API user with Autotask words', async () => {
		const { helpers, sent } = tokenEndpoint([
			{ statusCode: 500, body: { errors: ['Zone information could not be determined'] } },
		]);
		await expect(lookup(helpers)).rejects.toThrow(
			'Autotask zone lookup for the API user failed: Zone information could not be determined',
		);
		expect(sent).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('says so when every answer came back cut short, and when the zone host never answered', async () => {
		const cut = { statusCode: 200, body: '{"zoneName":"Pre' };
		const { helpers, sent } = tokenEndpoint(Array.from({ length: LOGIN_ATTEMPTS }, () => cut));
		await expect(lookup(helpers)).rejects.toThrow(
			'Autotask zone lookup for the API user failed: the answer named no zone URL (HTTP 200)',
		);
		expect(sent).toHaveLength(LOGIN_ATTEMPTS);
		const down = tokenEndpoint(Array.from({ length: LOGIN_ATTEMPTS }, resetError));
		await expect(lookup(down.helpers)).rejects.toThrow(
			`Zone lookup at webservices.autotask.test got no answer after ${LOGIN_ATTEMPTS} attempts (ECONNRESET)`,
		);
	});

	it('lets concurrent items share one lookup', async () => {
		let answer: (value: Answer) => void = () => undefined;
		const { helpers, sent } = tokenEndpoint([
			async () => await new Promise<Answer>((resolve) => (answer = resolve)),
		]);
		const both = Promise.all([lookup(helpers), lookup(helpers)]);
		await Promise.resolve();
		answer(zone);
		expect((await both).map((z) => z.zoneApiUrl)).toEqual([
			'https://webservices5.autotask.test/ATServicesRest',
			'https://webservices5.autotask.test/ATServicesRest',
		]);
		expect(sent).toHaveLength(1);
	});
});
