import {
	REDACTED,
	SecretSet,
	executionSecrets,
	redact,
	redactError,
	redactSecretValues,
	redactString,
	secretsOf,
} from '../../../nodes/shared';

describe('redact', () => {
	it('blanks secret-looking keys at any depth and leaves the input untouched', () => {
		const input = {
			headers: { Authorization: 'Basic abc', 'x-api-key': 'k', Cookie: 'c=1', Accept: 'json' },
			nested: [
				{ password: 'p', clientSecret: 's', privateKey: 'pk', passcode: '1234', name: 'ok' },
			],
			sessionToken: 't',
			page_token: 'keep-me',
		};
		const output = redact(input);
		expect(output).toEqual({
			headers: { Authorization: REDACTED, 'x-api-key': REDACTED, Cookie: REDACTED, Accept: 'json' },
			nested: [
				{
					password: REDACTED,
					clientSecret: REDACTED,
					privateKey: REDACTED,
					passcode: REDACTED,
					name: 'ok',
				},
			],
			sessionToken: REDACTED,
			page_token: 'keep-me',
		});
		expect(input.headers.Authorization).toBe('Basic abc');
	});

	it('removes known secret strings anywhere, including inside messages', () => {
		const output = redact(
			{ message: 'client secret S3cr3tValue was rejected', list: ['S3cr3tValue'] },
			['S3cr3tValue'],
		);
		expect(JSON.stringify(output)).not.toContain('S3cr3tValue');
		expect(output.message).toBe(`client secret ${REDACTED} was rejected`);
	});

	it('survives cycles and errors', () => {
		const value: Record<string, unknown> = { a: 1 };
		value.self = value;
		value.err = new Error('token abc');
		expect(() => redact(value)).not.toThrow();
	});
});

describe('redactString', () => {
	it('redacts Bearer tokens and JWTs in free text', () => {
		const text =
			'sent Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig123 and Bearer abcdefgh12345678';
		const output = redactString(text);
		expect(output).not.toContain('eyJhbGciOi');
		expect(output).not.toContain('abcdefgh12345678');
		expect(output).toContain('Bearer [redacted]');
	});

	it('redacts Basic credentials but keeps the words "Basic authentication"', () => {
		const basic = Buffer.from('acme+pub:priv-key').toString('base64');
		expect(redactString(`header Basic ${basic}`)).toBe(`header Basic ${REDACTED}`);
		expect(redactString('Basic authentication failed')).toBe('Basic authentication failed');
	});

	it('redacts base64 forms of known secrets and key=value pairs', () => {
		const encoded = Buffer.from('S3cr3tValue').toString('base64');
		expect(redactString(`x ${encoded} y`, ['S3cr3tValue'])).toBe(`x ${REDACTED} y`);
		expect(redactString('GET /x?api_key=abc123&page=2')).toBe(`GET /x?api_key=${REDACTED}&page=2`);
		expect(redactString('{"password":"hunter22"}')).toBe(`{"password":"${REDACTED}"}`);
	});
});

describe('secretsOf', () => {
	it('returns values of secret fields only, longest first', () => {
		expect(
			secretsOf({
				url: 'https://x',
				clientId: 'id-123',
				clientSecret: 'short-secret',
				apiToken: 'a-much-longer-token-value',
				privateKey: 'pk',
			}),
		).toEqual(['a-much-longer-token-value', 'short-secret']);
	});
});

describe('credential-derived forms', () => {
	// Chosen so that its base64 contains both + and /, which change in URL-safe and URL-encoded text.
	const secret = 'pr1v>?~key-9f8e7d6c';
	const set = new SecretSet([secret]);
	const basic = (user: string) => Buffer.from(`${user}:${secret}`).toString('base64');

	it('finds a Basic token whatever its user part, with and without the prefix', () => {
		for (const user of ['u', 'acme+pub', 'company+public-key-123', 'é']) {
			const token = basic(user);
			expect(redactString(`Authorization: Basic ${token}`, set)).toBe(
				`Authorization: Basic ${REDACTED}`,
			);
			expect(redactString(`echo ${token} end`, set)).toBe(`echo ${REDACTED} end`);
		}
	});

	it('finds URL-encoded, URL-safe and base64 forms', () => {
		const token = basic('acme+pub');
		expect(token).toMatch(/[+/]/);
		expect(redactString(`h=${encodeURIComponent(`Basic ${token}`)}&x=1`, set)).toBe(
			`h=Basic%20${REDACTED}&x=1`,
		);
		expect(redactString(`t=${token.replace(/\+/g, '-').replace(/\//g, '_')}`, set)).toBe(
			`t=${REDACTED}`,
		);
		expect(redactString(`q=${encodeURIComponent(secret)}`, set)).toBe(`q=${REDACTED}`);
		expect(redactString(`q=${new URLSearchParams({ secret }).toString()}`, set)).toBe(
			`q=secret=${REDACTED}`,
		);
		expect(redactString(`b64 ${Buffer.from(secret).toString('base64')}`, set)).toBe(
			`b64 ${REDACTED}`,
		);
	});

	it('keeps text that only looks like base64', () => {
		expect(redactString('device DESKTOP4711ABCDEFGH and KB5034441', set)).toBe(
			'device DESKTOP4711ABCDEFGH and KB5034441',
		);
	});
});

describe('redactSecretValues', () => {
	const set = new SecretSet(['tok+1/abcdefghijkl==', '123456']);

	it('removes known secrets only, and keeps keys and credential-shaped text', () => {
		const data = {
			id: 1,
			token: 'not ours',
			note: 'echo tok+1/abcdefghijkl== here',
			list: [{ password: 'p' }],
		};
		expect(redactSecretValues(data, set)).toEqual({ ...data, note: `echo ${REDACTED} here` });
	});

	it('returns the input itself when it holds no secret', () => {
		const data = { devices: [{ id: 1, name: 'SRV-01' }] };
		expect(redactSecretValues(data, set)).toBe(data);
	});

	it('leaves numbers matching a short secret (a passcode) in data, not in errors', () => {
		expect(redactSecretValues({ kb: 'KB1234567' }, set)).toEqual({ kb: 'KB1234567' });
		expect(redactString('passcode 123456 rejected', set)).toBe(`passcode ${REDACTED} rejected`);
	});
});

describe('secret sets', () => {
	it('grow, and one execution context shares one set', () => {
		const ctx = {};
		executionSecrets(ctx).add(['first-secret']);
		expect(redactString('first-secret', executionSecrets(ctx))).toBe(REDACTED);
		executionSecrets(ctx).addCredentials({ accessToken: 'later-token-value' });
		expect(redactString('first-secret later-token-value', executionSecrets(ctx))).toBe(
			`${REDACTED} ${REDACTED}`,
		);
		expect(executionSecrets({}).values).toEqual([]);
	});

	it('redact errors in place, stack and cause included', () => {
		const cause = new Error('sent Bearer-less token-value-42');
		const error = Object.assign(new Error('vendor said token-value-42'), {
			description: 'token-value-42',
			context: { data: { echo: 'token-value-42' } },
			cause,
		});
		redactError(error, ['token-value-42']);
		const text = JSON.stringify({
			...error,
			message: error.message,
			stack: error.stack,
			cause: cause.stack,
		});
		expect(text).not.toContain('token-value-42');
		expect(error.message).toBe(`vendor said ${REDACTED}`);
	});
});
