import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';

/**
 * An Automate API user with two-factor: the passcode in the credential serves the first token
 * only (a passcode is valid once), and a later renewal says what is needed instead of resending it.
 */
const PASSCODE = '246810';
const PASSWORD = 'Sandbox-Automate-Pass-2';

describe('ConnectWise Automate credential: a two-factor passcode is used once', () => {
	let sandbox: Sandbox;
	const node = new MspRmm();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset({ clients: 3, devicesPerClient: 10 }));

	function credentialsFor(passcode: string): ICredentialDataDecryptedObject {
		const base = sandbox.n8nCredentials().find((e) => e.type === 'mspConnectWiseAutomateApi')!
			.data as ICredentialDataDecryptedObject;
		return { ...base, username: 'sandbox-2fa', password: PASSWORD, twoFactorPasscode: passcode };
	}
	function listAlerts(credentials: ICredentialDataDecryptedObject) {
		const { ctx } = fakeExecuteContext({
			parameters: {
				provider: 'connectWiseAutomate',
				resource: 'alert',
				operation: 'list',
				options: {},
			},
			credentials: { mspConnectWiseAutomateApi: credentials },
			credentialTypes: [new MspConnectWiseAutomateApi()],
		});
		return node.execute.call(ctx);
	}
	const expireTokens = () =>
		(
			sandbox.world().vendors['connectwise-automate:tokens'] as Map<string, { expiresAt: number }>
		).forEach((t) => (t.expiresAt = 0));

	it('uses the passcode for the first token, then clears it and notes when it was used', async () => {
		const credentials = credentialsFor(PASSCODE);
		const [out] = await listAlerts(credentials);
		expect(out.length).toBeGreaterThan(0);
		expect(credentials.twoFactorPasscode).toBe('');
		expect(Number(credentials.twoFactorUsedAt)).toBeGreaterThan(0);
		expect(credentials.accessToken).toEqual(expect.any(String));
	});

	it('on a later renewal, says a new passcode or an integrator account without two-factor is needed', async () => {
		const credentials = credentialsFor(PASSCODE);
		await listAlerts(credentials);
		expireTokens();
		const error = (await listAlerts(credentials).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(
			/needs a new two-factor passcode to renew its token, because the passcode in the credential was used for the first token/,
		);
		expect(error.message).toMatch(/integrator account \(an Automate API user without two-factor/);
		expect(error.message).not.toContain('[redacted]');
		expect(JSON.stringify(error)).not.toContain(PASSWORD);
		expect(JSON.stringify(error)).not.toContain(PASSCODE);
	});

	it('a passcode already spent elsewhere (say by the credential test) is refused with the same advice', async () => {
		await listAlerts(credentialsFor(PASSCODE));
		const again = credentialsFor(PASSCODE);
		const error = (await listAlerts(again).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(/refused the two-factor passcode, which is valid once/);
		expect(error.message).toMatch(/Enter a new two-factor passcode/);
		expect(JSON.stringify(error)).not.toContain(PASSCODE);
	});

	it('without a passcode, a two-factor user is told how to log in', async () => {
		const error = (await listAlerts(credentialsFor('')).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(
			/login needs a two-factor passcode\. Enter a new two-factor passcode/,
		);
	});
});

describe('ConnectWise Automate credential: token expiry with or without a zone', () => {
	const login = async (ExpirationDate: string) => {
		const helper = {
			helpers: {
				httpRequest: async () => ({
					statusCode: 200,
					body: {
						AccessToken: 'token',
						TokenType: 'Bearer',
						ExpirationDate,
						IsTwoFactorRequired: false,
					},
				}),
			},
		} as unknown as IHttpRequestHelper;
		return (await new MspConnectWiseAutomateApi().preAuthentication.call(helper, {
			serverUrl: 'https://acme.hostedrmm.test',
			username: 'u',
			password: 'p',
			clientId: 'c',
		})) as { expiresAt: number; twoFactorPasscode?: string };
	};

	it('takes an expiry that names its zone', async () => {
		const at = new Date(Date.now() + 30 * 60_000).toISOString();
		expect((await login(at)).expiresAt).toBe(Date.parse(at));
	});

	it('keeps the token about an hour when the expiry has no zone (server local time it cannot place)', async () => {
		const before = Date.now();
		const token = await login('2024-07-16T13:00:00');
		expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
		expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
		// Nothing to clear without a passcode.
		expect(token.twoFactorPasscode).toBeUndefined();
	});
});
