import { NodeApiError } from 'n8n-workflow';

import type { TransportOptions, VendorProfile } from '../../../nodes/shared';
import { DryRunStop, Pacer, Transport, pacerFor } from '../../../nodes/shared';
import { describeCredentials } from '../../../nodes/shared/transport/credentialInfo';
import type { Reply } from './helpers';
import {
	credentials,
	fakeClock,
	fakeContext,
	networkFailure,
	profile,
	thrownStatus,
} from './helpers';

function setup(replies: Reply[], options: TransportOptions = {}, vendor: VendorProfile = profile) {
	const clock = fakeClock();
	const fake = fakeContext(replies);
	const transport = new Transport(fake.ctx, vendor, {
		now: clock.now,
		sleep: clock.sleep,
		random: () => 0.5,
		pacer: null,
		...options,
	});
	return { ...fake, clock, transport };
}

async function failure(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('expected the request to fail');
}

const get = { method: 'GET' as const, path: '/tickets', operation: 'list tickets' };
const post = {
	method: 'POST' as const,
	path: '/tickets',
	operation: 'create ticket',
	body: { summary: 'x' },
};

describe('Transport: requests', () => {
	it('joins the base URL, authenticates with the profile credential and returns the body', async () => {
		const { transport, calls, credentialTypes } = setup([{ statusCode: 200, body: [{ id: 1 }] }]);
		await expect(transport.request({ ...get, qs: { page: 1 } })).resolves.toEqual([{ id: 1 }]);
		expect(credentialTypes).toEqual(['mspTestApi']);
		expect(calls[0]).toMatchObject({
			method: 'GET',
			url: 'https://api.vendor.test/v1/tickets',
			qs: { page: 1 },
			returnFullResponse: true,
			ignoreHttpStatusErrors: { ignore: true, except: [401] },
			timeout: 30000,
		});
	});

	it('passes the array format for query lists through', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: [] }]);
		await transport.request({ ...get, qs: { ids: ['1', '2'] }, arrayFormat: 'comma' });
		expect(calls[0].arrayFormat).toBe('comma');
	});

	it('passes absolute URLs (next links) through unchanged', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: [] }]);
		await transport.request({ ...get, path: 'https://other.vendor.test/next?page=2' });
		expect(calls[0].url).toBe('https://other.vendor.test/next?page=2');
	});

	it('reads the base URL once per transport and the secrets again after every request', async () => {
		const { transport, getCredentials, calls } = setup([
			{ statusCode: 200, body: 1 },
			{ statusCode: 200, body: 2 },
		]);
		await transport.request(get);
		await transport.request(get);
		expect(calls.map((call) => call.url)).toEqual([
			'https://api.vendor.test/v1/tickets',
			'https://api.vendor.test/v1/tickets',
		]);
		// Once for the base URL, then once after each request (n8n may have stored a new token).
		expect(getCredentials).toHaveBeenCalledTimes(3);
	});

	it('form-encodes the body when asked', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: {} }]);
		await transport.request({
			method: 'POST',
			path: '/auth/token',
			operation: 'get token',
			form: true,
			body: { grant_type: 'client_credentials', scope: 'all' },
		});
		expect(calls[0].body).toBe('grant_type=client_credentials&scope=all');
		expect(calls[0].headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded' });
	});

	it('returns status and lower-cased headers from requestRaw', async () => {
		const { transport } = setup([
			{ statusCode: 201, headers: { Link: '<x>; rel="next"' }, body: { id: 5 } },
		]);
		await expect(transport.requestRaw(post)).resolves.toEqual({
			statusCode: 201,
			headers: { link: '<x>; rel="next"' },
			body: { id: 5 },
		});
	});
});

describe('Transport: retry', () => {
	it('waits exactly the Retry-After seconds on 429', async () => {
		const { transport, clock } = setup([
			{ statusCode: 429, headers: { 'Retry-After': '7' }, body: 'slow down' },
			{ statusCode: 200, body: 'ok' },
		]);
		await expect(transport.request(get)).resolves.toBe('ok');
		expect(clock.sleeps).toEqual([7000]);
	});

	it('waits until the Retry-After HTTP date', async () => {
		const clock = fakeClock();
		const date = new Date(clock.t + 12000).toUTCString();
		const { transport, clock: used } = setup([
			{ statusCode: 429, headers: { 'retry-after': date } },
			{ statusCode: 200, body: 'ok' },
		]);
		await transport.request(get);
		expect(used.sleeps).toEqual([12000]);
	});

	it('honours a vendor reset header on 429', async () => {
		const vendor: VendorProfile = {
			...profile,
			rateLimitResetAt: (headers) => Number(headers['x-ratelimit-retryafter']) * 1000,
		};
		const clock = fakeClock();
		const resetEpochSeconds = Math.floor(clock.t / 1000) + 20;
		const { transport, clock: used } = setup(
			[
				{ statusCode: 429, headers: { 'X-Ratelimit-Retryafter': String(resetEpochSeconds) } },
				{ statusCode: 200, body: 'ok' },
			],
			{},
			vendor,
		);
		await transport.request(get);
		expect(used.sleeps).toEqual([resetEpochSeconds * 1000 - clock.t]);
	});

	it.each([502, 503, 504])(
		'retries a read on %i with jittered exponential backoff',
		async (status) => {
			const { transport, clock, calls } = setup(
				[{ statusCode: status }, { statusCode: status }, { statusCode: 200, body: 'ok' }],
				{ random: () => 1 },
			);
			await expect(transport.request(get)).resolves.toBe('ok');
			expect(calls).toHaveLength(3);
			expect(clock.sleeps).toEqual([500, 1000]);
		},
	);

	it('uses full jitter (random 0 waits nothing)', async () => {
		const { transport, clock } = setup([{ statusCode: 503 }, { statusCode: 200, body: 'ok' }], {
			random: () => 0,
		});
		await transport.request(get);
		expect(clock.sleeps).toEqual([0]);
	});

	it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN'])(
		'retries a read on %s',
		async (code) => {
			const { transport, calls } = setup([networkFailure(code), { statusCode: 200, body: 'ok' }]);
			await expect(transport.request(get)).resolves.toBe('ok');
			expect(calls).toHaveLength(2);
		},
	);

	it('retries a read on "socket hang up" without a code', async () => {
		const { transport } = setup([
			{ throws: new Error('socket hang up') },
			{ statusCode: 200, body: 'ok' },
		]);
		await expect(transport.request(get)).resolves.toBe('ok');
	});

	it('retries idempotent writes (PUT, DELETE) on 503', async () => {
		const { transport, calls } = setup([{ statusCode: 503 }, { statusCode: 204, body: '' }]);
		await transport.request({ method: 'DELETE', path: '/tickets/1', operation: 'delete ticket' });
		expect(calls).toHaveLength(2);
	});

	it('does not retry a POST on 503', async () => {
		const { transport, calls } = setup([{ statusCode: 503, body: { message: 'down' } }]);
		const error = await failure(transport.request(post));
		expect(calls).toHaveLength(1);
		expect(error.httpCode).toBe('503');
	});

	it('does not retry a POST on a network error', async () => {
		const { transport, calls } = setup([networkFailure('ECONNRESET')]);
		const error = await failure(transport.request(post));
		expect(calls).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('TestVendor could not be reached');
	});

	it('retries a POST on 429 because the request was rejected', async () => {
		const { transport, calls } = setup([
			{ statusCode: 429, headers: { 'retry-after': '1' } },
			{ statusCode: 201, body: { id: 9 } },
		]);
		await expect(transport.request(post)).resolves.toEqual({ id: 9 });
		expect(calls).toHaveLength(2);
	});

	it('retries a POST marked idempotent on 503', async () => {
		const { transport, calls } = setup([{ statusCode: 503 }, { statusCode: 200, body: 'ok' }]);
		await transport.request({ ...post, idempotent: true });
		expect(calls).toHaveLength(2);
	});

	it('does not retry 4xx other than 429', async () => {
		const { transport, calls } = setup([{ statusCode: 400, body: { message: 'bad' } }]);
		await failure(transport.request(get));
		expect(calls).toHaveLength(1);
	});

	it('stops after maxAttempts and reports the last status', async () => {
		const { transport, calls } = setup(
			[{ statusCode: 503 }, { statusCode: 503 }, { statusCode: 503 }, { statusCode: 503 }],
			{ maxAttempts: 3 },
		);
		const error = await failure(transport.request(get));
		expect(calls).toHaveLength(3);
		expect(error.httpCode).toBe('503');
		expect(error.description).toContain('Gave up after 3 attempts');
	});

	it('defaults to 4 attempts', async () => {
		const { transport, calls } = setup(Array.from({ length: 6 }, () => ({ statusCode: 502 })));
		await failure(transport.request(get));
		expect(calls).toHaveLength(4);
	});

	it('fails at once with when to retry if the server asks to wait beyond the budget', async () => {
		const { transport, calls, clock } = setup(
			[
				{
					statusCode: 429,
					headers: { 'retry-after': '120' },
					body: { message: 'Too many requests' },
				},
			],
			{ maxTotalWaitMs: 60000 },
		);
		const start = clock.t;
		const error = await failure(transport.request(get));
		expect(calls).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(error.httpCode).toBe('429');
		expect(error.message).toBe('Too many requests');
		expect(error.description).toContain(new Date(start + 120000).toISOString());
		expect(error.failure).toEqual({
			cause: 'rate-limited',
			retryAfterMs: 120000,
			resetsAtEpochMs: start + 120000,
		});
	});

	it('keeps the total wait within maxTotalWaitMs', async () => {
		const { transport, clock } = setup(
			[
				{ statusCode: 429, headers: { 'retry-after': '3' } },
				{ statusCode: 429, headers: { 'retry-after': '3' } },
				{ statusCode: 429, headers: { 'retry-after': '3' } },
			],
			{ maxTotalWaitMs: 5000, maxAttempts: 10 },
		);
		const error = await failure(transport.request(get));
		expect(clock.sleeps).toEqual([3000]);
		expect(error.httpCode).toBe('429');
	});
});

describe('Transport: errors', () => {
	const cases: Array<[number, unknown, string, string]> = [
		[
			401,
			{ code: 'Unauthorized', message: 'Authorization has been denied' },
			'Authorization has been denied',
			'credential',
		],
		[
			403,
			{ error: { code: 'Forbidden', message: 'Missing scope Machine.Isolate' } },
			'Missing scope Machine.Isolate',
			'permission',
		],
		[
			404,
			{ error: { code: 'ResourceNotFound', message: 'Machine 123 was not found' } },
			'Machine 123 was not found',
			'did not find',
		],
		[409, { errors: ['Ticket is locked'] }, 'Ticket is locked', 'conflict'],
		[
			500,
			'<html><body><h1>Internal Server Error</h1></body></html>',
			'Internal Server Error',
			'unavailable',
		],
	];

	it.each(cases)(
		'maps %i with the vendor message and a hint',
		async (status, body, message, hint) => {
			const { transport } = setup([{ statusCode: status, body }]);
			const error = await failure(transport.request(post));
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.httpCode).toBe(String(status));
			expect(error.message).toBe(message);
			expect(error.description).toContain('TestVendor "create ticket" failed with HTTP');
			expect(error.description).toContain(hint);
		},
	);

	it('lists the vendor field errors on 400/422', async () => {
		const { transport } = setup([
			{
				statusCode: 400,
				body: {
					code: 'InvalidObject',
					message: 'ticket object is invalid',
					errors: [
						{
							code: 'MissingRequiredField',
							message: 'The summary field is required.',
							field: 'summary',
						},
					],
				},
			},
		]);
		const error = await failure(transport.request(post));
		expect(error.message).toBe('ticket object is invalid');
		expect(error.description).toContain('summary: The summary field is required.');
	});

	it('uses the profile error reader first', async () => {
		const vendor: VendorProfile = {
			...profile,
			errorMessage: (body) => (body as { resultCode?: string }).resultCode,
		};
		const { transport } = setup(
			[{ statusCode: 400, body: { resultCode: 'INVALID_DEVICE' } }],
			{},
			vendor,
		);
		expect((await failure(transport.request(get))).message).toBe('INVALID_DEVICE');
	});

	it('maps a 401 that n8n threw (after its credential refresh) like a returned one', async () => {
		const { transport } = setup([thrownStatus(401, { message: 'token expired' })]);
		const error = await failure(transport.request(get));
		expect(error.httpCode).toBe('401');
		expect(error.message).toBe('token expired');
		expect(error.failure).toEqual({ cause: 'credential-invalid' });
	});

	it('removes credential secrets from messages, descriptions and context', async () => {
		const { transport } = setup([
			{
				statusCode: 400,
				body: {
					message: `invalid client secret ${credentials.clientSecret}`,
					echo: { Authorization: 'Bearer abcdefghijkl' },
				},
			},
		]);
		const error = await failure(transport.request(post));
		const everything = JSON.stringify({
			m: error.message,
			d: error.description,
			r: error.errorResponse,
		});
		expect(everything).not.toContain(String(credentials.clientSecret));
		expect(everything).not.toContain('abcdefghijkl');
		expect(error.message).toContain('[redacted]');
	});
});

describe('Transport: dry run', () => {
	it('sends reads and stops at the first write with the request it would send', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: [{ id: 1 }] }], { dryRun: true });
		await transport.request(get);
		const error = await failure(
			transport.request({
				...post,
				headers: { Authorization: 'Bearer abcdefghijklmnop', 'x-trace': '1' },
			}),
		);
		expect(calls).toHaveLength(1);
		expect(error).toBeInstanceOf(DryRunStop);
		expect((error as unknown as DryRunStop).request).toEqual({
			operation: 'create ticket',
			method: 'POST',
			url: 'https://api.vendor.test/v1/tickets',
			body: { summary: 'x' },
			headers: { Authorization: '[redacted]', 'x-trace': '1' },
		});
	});

	it('lets read-only POST searches through', async () => {
		const { transport, calls } = setup([{ statusCode: 200, body: [] }], { dryRun: true });
		await transport.request({ ...post, operation: 'search tickets', readOnly: true });
		expect(calls).toHaveLength(1);
	});

	it('describe() never sends', async () => {
		const { transport, calls } = setup([]);
		await expect(
			transport.describe({ ...get, qs: { api_key: 'zzz-secret-zzz', page: 2 } }),
		).resolves.toEqual({
			operation: 'list tickets',
			method: 'GET',
			url: 'https://api.vendor.test/v1/tickets',
			qs: { api_key: '[redacted]', page: 2 },
		});
		expect(calls).toHaveLength(0);
	});
});

describe('Transport: pacing', () => {
	it('acquires a pacer slot before every attempt', async () => {
		const clock = fakeClock();
		const pacer = new Pacer([{ requestsPerWindow: 1, windowMs: 60000 }], {
			now: clock.now,
			sleep: clock.sleep,
		});
		const { transport } = setup(
			[
				{ statusCode: 200, body: 1 },
				{ statusCode: 200, body: 2 },
				{ statusCode: 200, body: 3 },
			],
			{ pacer, sleep: clock.sleep, now: clock.now },
		);
		await transport.request(get);
		await transport.request(get);
		await transport.request(get);
		expect(clock.sleeps).toEqual([61000, 61000]);
	});

	it('shares the process-wide pacer between transports of the same credential', async () => {
		const windows = [{ requestsPerWindow: 1, windowMs: 10000 }];
		const vendor: VendorProfile = {
			...profile,
			credentialType: 'mspPacedApi',
			rateLimits: windows,
		};
		const clock = fakeClock();
		const key = `mspPacedApi|${String(credentials.url)}`;
		const first = fakeContext([{ statusCode: 200 }]);
		const second = fakeContext([{ statusCode: 200 }]);
		const other = fakeContext([{ statusCode: 200 }], {
			...credentials,
			clientId: 'another-account',
		});
		const transports = [first, second, other].map(
			(fake) => new Transport(fake.ctx, vendor, { sleep: clock.sleep, now: clock.now }),
		);
		// Create the shared pacers on the fake clock before the transports look them up.
		for (const fake of [first, other]) {
			const creds = await fake.ctx.getCredentials('mspPacedApi');
			const info = describeCredentials('mspPacedApi', String(creds.url), creds);
			expect(info.pacerKey.startsWith(key)).toBe(true);
			pacerFor(info.pacerKey, windows, { now: clock.now });
		}
		for (const transport of transports) await transport.request(get);
		// Same account: the second request waits out the 10 s window (plus its 200 ms guard); another account is not slowed.
		expect(clock.sleeps).toEqual([10200]);
	});

	it('lets a window budget go back to back, then waits for the window', async () => {
		const windows = [{ requestsPerWindow: 3, windowMs: 30000 }];
		const vendor: VendorProfile = {
			...profile,
			credentialType: 'mspWindowApi',
			rateLimits: windows,
		};
		const clock = fakeClock();
		const fake = fakeContext(Array.from({ length: 4 }, () => ({ statusCode: 200 })));
		const creds = await fake.ctx.getCredentials('mspWindowApi');
		pacerFor(describeCredentials('mspWindowApi', String(creds.url), creds).pacerKey, windows, {
			now: clock.now,
		});
		const transport = new Transport(fake.ctx, vendor, { sleep: clock.sleep, now: clock.now });
		for (let i = 0; i < 4; i++) await transport.request(get);
		expect(clock.sleeps).toEqual([30600]);
	});
});

describe('Transport: vendor throttling signalled with another status', () => {
	it('retries a 403 IP block the profile marks as rate limited, honouring Retry-After', async () => {
		const vendor: VendorProfile = {
			...profile,
			isRateLimited: ({ statusCode, headers }) =>
				statusCode === 403 && headers['retry-after'] !== undefined,
		};
		const { transport, clock, calls } = setup(
			[
				{ statusCode: 403, headers: { 'retry-after': '5' }, body: { message: 'IP blocked' } },
				{ statusCode: 201, body: { ok: true } },
			],
			{},
			vendor,
		);
		await expect(transport.request(post)).resolves.toEqual({ ok: true });
		expect(calls).toHaveLength(2);
		expect(clock.sleeps).toEqual([5000]);
	});

	it('reports it as rate limited when retries run out', async () => {
		const vendor: VendorProfile = {
			...profile,
			isRateLimited: ({ body }) => JSON.stringify(body).includes('Itgenatr005'),
		};
		const { transport } = setup(
			[{ statusCode: 500, body: { errors: ['Itgenatr005 thread threshold exceeded'] } }],
			{ maxAttempts: 1 },
			vendor,
		);
		const error = await failure(transport.request(get));
		expect(error.httpCode).toBe('500');
		expect(error.description).toContain('rate limiting');
		expect(error.failure).toEqual({ cause: 'rate-limited' });
	});
});
