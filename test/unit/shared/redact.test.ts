import { REDACTED, redact, redactString, secretsOf } from '../../../nodes/shared';

describe('redact', () => {
	it('blanks secret-looking keys at any depth and leaves the input untouched', () => {
		const input = {
			headers: { Authorization: 'Basic abc', 'x-api-key': 'k', Cookie: 'c=1', Accept: 'json' },
			nested: [{ password: 'p', clientSecret: 's', privateKey: 'pk', passcode: '1234', name: 'ok' }],
			sessionToken: 't',
			page_token: 'keep-me',
		};
		const output = redact(input);
		expect(output).toEqual({
			headers: { Authorization: REDACTED, 'x-api-key': REDACTED, Cookie: REDACTED, Accept: 'json' },
			nested: [
				{ password: REDACTED, clientSecret: REDACTED, privateKey: REDACTED, passcode: REDACTED, name: 'ok' },
			],
			sessionToken: REDACTED,
			page_token: 'keep-me',
		});
		expect(input.headers.Authorization).toBe('Basic abc');
	});

	it('removes known secret strings anywhere, including inside messages', () => {
		const output = redact({ message: 'client secret S3cr3tValue was rejected', list: ['S3cr3tValue'] }, [
			'S3cr3tValue',
		]);
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
		const text = 'sent Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig123 and Bearer abcdefgh12345678';
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
