import type { ICredentialDataDecryptedObject, ICredentialType } from 'n8n-workflow';

import { secretsOf, Transport } from '../../../nodes/shared';
import { fakeContext, profile } from './helpers';
import { REGISTERED_CREDENTIAL_NAMES, registeredCredentialTypes } from './registeredCredentials';

/** A filled-in credential: every password field gets its own recognisable secret. */
function filledCredential(type: ICredentialType) {
	const data: ICredentialDataDecryptedObject = { url: 'https://vendor.example.test/api/' };
	const secrets: string[] = [];
	for (const property of type.properties) {
		if (property.typeOptions?.password) {
			const secret = `S3CRET-${type.name}-${property.name}-9f8e7d`;
			data[property.name] = secret;
			secrets.push(secret);
		} else if (property.type === 'string') {
			data[property.name] = `value-of-${property.name}`;
		}
	}
	return { data, secrets };
}

const types = registeredCredentialTypes();

describe('secrets of every credential type stay out of errors and dry runs', () => {
	it('covers every registered credential', () => {
		expect(types.map((t) => t.name).sort()).toEqual(REGISTERED_CREDENTIAL_NAMES);
	});

	describe.each(types.map((type) => [type.name, type] as const))('%s', (_name, type) => {
		const { data, secrets } = filledCredential(type);

		it('has password fields and treats each as a secret', () => {
			expect(secrets.length).toBeGreaterThan(0);
			expect(secretsOf(data)).toEqual(expect.arrayContaining(secrets));
		});

		it('never shows a secret in the error of a vendor that echoes it back', async () => {
			const echo = {
				message: `Invalid credentials: ${secrets.join(' / ')}`,
				received: { ...data, Authorization: `Bearer ${secrets[0]}` },
				header: `Basic ${Buffer.from(`user:${secrets[0]}`).toString('base64')}`,
			};
			const { ctx } = fakeContext([{ statusCode: 400, body: echo }], data);
			const transport = new Transport(
				ctx,
				{ ...profile, credentialType: type.name },
				{ maxAttempts: 1, pacer: null },
			);
			const error = await transport
				.request({
					method: 'POST',
					path: 'tickets',
					body: { note: secrets[0] },
					operation: 'create ticket',
				})
				.then(
					() => undefined,
					(e: unknown) => e,
				);
			expect(error).toBeDefined();
			const visible = JSON.stringify({
				...(error as object),
				message: (error as Error).message,
				description: (error as { description?: string }).description,
			});
			expect(visible).toContain('create ticket');
			for (const secret of secrets) expect(visible).not.toContain(secret);
			expect(visible).not.toContain(Buffer.from(`user:${secrets[0]}`).toString('base64'));
		});

		it('never shows a secret in a dry run', async () => {
			const { ctx } = fakeContext([], data);
			const transport = new Transport(
				ctx,
				{ ...profile, credentialType: type.name },
				{ dryRun: true, pacer: null },
			);
			const described = await transport.describe({
				method: 'POST',
				path: 'tickets',
				headers: { Authorization: `Bearer ${secrets[0]}` },
				body: { summary: 'Patch failed', echo: secrets.join(',') },
				operation: 'create ticket',
			});
			const visible = JSON.stringify(described);
			for (const secret of secrets) expect(visible).not.toContain(secret);
		});
	});
});
