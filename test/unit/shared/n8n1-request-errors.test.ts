import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isAmbiguousFailure, Transport, type TransportOptions } from '../../../nodes/shared';
import { networkErrorCode } from '../../../nodes/shared/transport/retry';
import type { Reply } from './helpers';
import { credentials, fakeClock, fakeContext, node, profile, thrownStatus } from './helpers';

/**
 * n8n 1.x (n8n-core and n8n-workflow 1.12x) hands request failures over in another shape than 2.x:
 *
 * - `httpRequestWithAuthentication` wraps the axios error in a NodeApiError whose `cause` is lost
 *   (1.x's ExecutionBaseError redeclares the field and keeps only a cause that is not an Error).
 *   The socket's code survives only as `httpCode` ("ECONNRESET"), found by NodeApiError among the
 *   axios error's properties, and the message is n8n's own sentence for that code.
 * - `ignoreHttpStatusErrors` is read as a plain boolean, so `{ ignore: true, except: [401] }` hands
 *   the 401 back as an answer and 1.x never reaches its token refresh.
 * - With status errors on, a failed status throws a NodeApiError with `httpCode` "401", "429"...,
 *   the parsed body in `context.data` and no headers.
 *
 * The shapes below are what n8n 1.123 produced for a dropped socket, an axios timeout, a refused
 * connection, an aborted execution and a 401, rebuilt here without the cause (as 1.x does).
 */
function n8n1Failure(
	httpCode: string,
	message: string,
	extra: { description?: string; data?: unknown } = {},
) {
	const error = new NodeApiError(node, {}, { message, httpCode });
	expect(error.cause).toBeUndefined();
	if (extra.description !== undefined) error.description = extra.description;
	if (extra.data !== undefined) error.context.data = extra.data;
	return error;
}

const N8N1 = {
	reset: () =>
		n8n1Failure(
			'ECONNRESET',
			'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.',
		),
	clientTimeout: () =>
		n8n1Failure('ECONNABORTED', 'The connection was aborted, perhaps the server is offline'),
	refused: () =>
		n8n1Failure('ECONNREFUSED', 'The service refused the connection - perhaps it is offline'),
	cancelled: () => n8n1Failure('ERR_CANCELED', 'canceled'),
	unauthorized: (data: unknown) =>
		n8n1Failure('401', 'Authorization failed - please check your credentials', {
			description: 'Request failed with status code 401',
			data,
		}),
};

/** A login-token credential as n8n hands it over: the hidden `accessToken` it renews. */
const tokenCredentials: ICredentialDataDecryptedObject = {
	...credentials,
	accessToken: 'token-1',
	expiresAt: 0,
};

function setup(
	replies: Array<Reply | ((options: IHttpRequestOptions) => Reply)>,
	creds = tokenCredentials,
	options: TransportOptions = {},
) {
	const clock = fakeClock();
	const fake = fakeContext(replies, creds);
	const transport = new Transport(fake.ctx, profile, {
		now: clock.now,
		sleep: clock.sleep,
		random: () => 0.5,
		pacer: null,
		...options,
	});
	return { ...fake, transport };
}

async function failure(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('expected the request to fail');
}

const get = { method: 'GET' as const, path: '/devices', operation: 'list devices' };
const post = {
	method: 'POST' as const,
	path: '/tickets',
	operation: 'create ticket',
	body: { summary: 'x' },
};

describe('n8n 1.x request errors: a lost connection', () => {
	it.each([
		['a dropped socket', N8N1.reset, 'ECONNRESET'],
		['a client timeout', N8N1.clientTimeout, 'ECONNABORTED'],
		['a refused connection', N8N1.refused, 'ECONNREFUSED'],
	])('recognises %s by the code n8n keeps as httpCode', (_label, make, code) => {
		expect(networkErrorCode(make())).toBe(code);
	});

	it('does not take an aborted execution or an HTTP status for a network failure', () => {
		expect(networkErrorCode(N8N1.cancelled())).toBeUndefined();
		expect(networkErrorCode(N8N1.unauthorized({}))).toBeUndefined();
		expect(networkErrorCode(n8n1Failure('ENOTFOUND', 'The connection cannot be established'))).toBe(
			undefined,
		);
	});

	it('retries a read after a dropped connection', async () => {
		const { transport, calls } = setup([
			{ throws: N8N1.reset() },
			{ throws: N8N1.clientTimeout() },
			{ statusCode: 200, body: [{ id: 1 }] },
		]);
		await expect(transport.request(get)).resolves.toEqual([{ id: 1 }]);
		expect(calls).toHaveLength(3);
	});

	it('sends a write once and marks its failure ambiguous, for the read-back to decide', async () => {
		const { transport, calls } = setup([{ throws: N8N1.reset() }]);
		const error = await failure(transport.request(post));
		expect(calls).toHaveLength(1);
		expect(isAmbiguousFailure(error)).toBe(true);
		expect(error.message).toContain('TestVendor could not be reached');
	});

	it('sends nothing more after the execution was cancelled', async () => {
		const { transport, calls } = setup([{ throws: N8N1.cancelled() }]);
		await failure(transport.request(get));
		expect(calls).toHaveLength(1);
	});
});

describe('n8n 1.x request errors: a 401 handed back as an answer', () => {
	const refused = { statusCode: 401, body: { message: 'Token expired' } };

	it('resends once with status errors on, so that n8n renews the token, and returns the answer', async () => {
		const { transport, calls } = setup([refused, { statusCode: 200, body: { ok: true } }]);
		await expect(transport.request(get)).resolves.toEqual({ ok: true });
		expect(calls).toHaveLength(2);
		expect(calls[0].ignoreHttpStatusErrors).toEqual({ ignore: true, except: [401] });
		expect(calls[1].ignoreHttpStatusErrors).toBe(false);
		expect(calls[1].url).toBe(calls[0].url);
	});

	it('resends a write too: the vendor refused it before doing anything', async () => {
		const { transport, calls } = setup([refused, { statusCode: 201, body: { id: 7 } }]);
		await expect(transport.request(post)).resolves.toEqual({ id: 7 });
		expect(calls.map((c) => c.body)).toEqual([post.body, post.body]);
	});

	it('renews even when no retries are allowed, and only once', async () => {
		const { transport, calls } = setup(
			[refused, { throws: N8N1.unauthorized({ message: 'Token revoked' }) }],
			tokenCredentials,
			{ maxAttempts: 1 },
		);
		const error = await failure(transport.request(get));
		expect(calls).toHaveLength(2);
		expect(error.httpCode).toBe('401');
		// The vendor's words come from the body n8n 1.x keeps in context.data.
		expect(error.message).toBe('Token revoked');
	});

	it('retries what follows the renewal by the usual rules (a 503 on a read)', async () => {
		const { transport, calls } = setup([
			refused,
			{ throws: n8n1Failure('503', 'Service unavailable - try again later') },
			{ statusCode: 200, body: 'ok' },
		]);
		await expect(transport.request(get)).resolves.toBe('ok');
		expect(calls.map((c) => c.ignoreHttpStatusErrors)).toEqual([
			{ ignore: true, except: [401] },
			false,
			{ ignore: true, except: [401] },
		]);
	});

	it('does not resend for a fixed API key: a refused key stays refused', async () => {
		const { transport, calls } = setup([refused], credentials);
		const error = await failure(transport.request(get));
		expect(calls).toHaveLength(1);
		expect(error.httpCode).toBe('401');
	});

	it('does not resend a 401 that n8n threw: n8n 2.x already renewed and resent it', async () => {
		const { transport, calls } = setup([thrownStatus(401, { message: 'still refused' })]);
		const error = await failure(transport.request(get));
		expect(calls).toHaveLength(1);
		expect(error.httpCode).toBe('401');
	});
});
