import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import type { CachedToken } from './common/cachedToken';
import { bearerWhileFresh, cachedTokenProperties } from './common/cachedToken';
import type { LoginAnswer } from './common/login';
import { loginWithRetry, sharedLogin } from './common/login';
import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** `https://<server>/cwa/api/v1`: the REST base under the Automate server URL. */
export function automateApiBase(credentials: ICredentialDataDecryptedObject): string {
	return `${String(credentials.serverUrl ?? '')
		.replace(/\/+$/, '')
		.replace(/\/cwa(\/api\/v1)?$/i, '')}/cwa/api/v1`;
}

/**
 * A date of the login answer as epoch ms, or undefined when it names no zone: Automate's zone-less
 * dates are its server's local time (see the RMM provider's `time.ts`), which the login cannot
 * place, so such an expiry is not trusted.
 */
function zonedEpoch(value: unknown): number | undefined {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!/\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
	const epoch = Date.parse(text);
	return Number.isNaN(epoch) ? undefined : epoch;
}

/** What a two-factor login needs said, depending on whether the credential's passcode was used already. */
function twoFactorMessage(
	credentials: ICredentialDataDecryptedObject,
	sentPasscode: boolean,
): string {
	const fix =
		'Enter a new two-factor passcode in the credential, or use an integrator account (an Automate API user without two-factor authentication), whose token renews without anyone typing a passcode.';
	// Worded without "passcode:" or "token:" before a word, which redaction would take for a secret.
	if (sentPasscode)
		return `ConnectWise Automate refused the two-factor passcode, which is valid once and for a short time. ${fix}`;
	if (credentials.twoFactorUsedAt)
		return `ConnectWise Automate needs a new two-factor passcode to renew its token, because the passcode in the credential was used for the first token and is valid only once. ${fix}`;
	return `ConnectWise Automate login needs a two-factor passcode. ${fix}`;
}

/** Automate's login answer -> the token n8n stores, or the vendor's reason as the error. */
function automateToken(
	response: LoginAnswer,
	credentials: ICredentialDataDecryptedObject,
	sentPasscode: boolean,
): CachedToken {
	const result = (response.body ?? {}) as Record<string, unknown>;
	if (result.IsTwoFactorRequired === true && !result.AccessToken) {
		throw new Error(twoFactorMessage(credentials, sentPasscode));
	}
	if (response.statusCode >= 400 || typeof result.AccessToken !== 'string' || !result.AccessToken) {
		const message =
			typeof result.message === 'string'
				? result.message
				: typeof result.Message === 'string'
					? result.Message
					: `HTTP ${response.statusCode}`;
		if (sentPasscode && /two.?factor|passcode|2fa|mfa/i.test(message))
			throw new Error(`${twoFactorMessage(credentials, true)} (Automate said: ${message})`);
		throw new Error(`ConnectWise Automate login failed: ${message}`);
	}
	// [unverified] ~1 hour, as community clients observe, when the expiry names no zone.
	const expiresAt = zonedEpoch(result.ExpirationDate);
	return {
		accessToken: result.AccessToken,
		expiresAt: expiresAt ?? Date.now() + 3600 * 1000,
	};
}

/**
 * ConnectWise Automate REST API with an API user. Login is `POST /cwa/api/v1/apitoken` with
 * `{Username, Password, TwoFactorPasscode}`, and every call (login included) carries the
 * `ClientId` header of a registered integration (required since Automate 2020 patch 11).
 *
 * Token handling: `preAuthentication` logs in and n8n keeps the token in the hidden expirable
 * `accessToken` field. n8n calls it when the token is empty and again after a 401; a token within
 * five minutes of its `ExpirationDate` is not sent, so Automate answers 401 and n8n logs in again.
 *
 * A two-factor passcode is valid once: it is sent for the first token only. The login that used it
 * also clears it from the credential (n8n stores what `preAuthentication` returns) and notes when
 * (`twoFactorUsedAt`, no secret), so a later renewal never resends a spent passcode and its error
 * says that a new passcode, or an integrator account without two-factor, is needed.
 */
export class MspConnectWiseAutomateApi implements ICredentialType {
	name = 'mspConnectWiseAutomateApi';

	displayName = 'MSP ConnectWise Automate API';

	icon: Icon = {
		light: 'file:mspConnectWiseAutomateApi.svg',
		dark: 'file:mspConnectWiseAutomateApi.dark.svg',
	};

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/rmm.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.hostedrmm.com',
			description: 'Address of your Automate server, without /cwa/api/v1',
			required: true,
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'The integration ClientId registered with ConnectWise, sent as the ClientId header on every call',
			required: true,
		},
		{
			displayName: 'Two-Factor Passcode',
			name: 'twoFactorPasscode',
			type: 'string',
			default: '',
			description:
				'Only for API users with two-factor authentication. Used once, for the first token, then cleared: a renewal needs a new passcode, so prefer an integrator account without two-factor.',
		},
		{
			displayName: 'Two-Factor Passcode Used At',
			name: 'twoFactorUsedAt',
			type: 'hidden',
			default: 0,
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const url = `${automateApiBase(credentials)}/apitoken`;
		const body: Record<string, string> = {
			Username: String(credentials.username ?? ''),
			Password: String(credentials.password ?? ''),
		};
		const passcode = String(credentials.twoFactorPasscode ?? '').trim();
		if (passcode) body.TwoFactorPasscode = passcode;
		const clientId = String(credentials.clientId ?? '');
		// Items sent together share one login: a two-factor passcode is only valid once.
		const token = await sharedLogin([url, clientId, body], async () => {
			const response = await loginWithRetry(
				'ConnectWise Automate login',
				async () =>
					(await this.helpers.httpRequest({
						method: 'POST',
						url,
						headers: { 'Content-Type': 'application/json', ClientId: clientId },
						body,
						json: true,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					})) as LoginAnswer,
			);
			return automateToken(response, credentials, passcode !== '');
		});
		// A spent passcode is cleared, so the next renewal does not send it again.
		return passcode ? { ...token, twoFactorPasscode: '', twoFactorUsedAt: Date.now() } : token;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return bearerWhileFresh(credentials, requestOptions, EXPIRY_MARGIN_MS, {
			ClientId: String(credentials.clientId ?? ''),
		});
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.serverUrl.replace(/\\/+$/, "")}}/cwa/api/v1',
			url: '/Clients',
			qs: { pageSize: 1, page: 1 },
		},
	};
}
