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

/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** `https://<server>/cwa/api/v1`: the REST base under the Automate server URL. */
export function automateApiBase(credentials: ICredentialDataDecryptedObject): string {
	return `${String(credentials.serverUrl ?? '')
		.replace(/\/+$/, '')
		.replace(/\/cwa(\/api\/v1)?$/i, '')}/cwa/api/v1`;
}

/** Automate's login answer -> the token n8n stores, or the vendor's reason as the error. */
function automateToken(response: LoginAnswer): CachedToken {
	const result = (response.body ?? {}) as Record<string, unknown>;
	if (result.IsTwoFactorRequired === true && !result.AccessToken) {
		throw new Error(
			'ConnectWise Automate login needs a two-factor passcode: set Two-Factor Passcode in the credential, or use an API user without two-factor',
		);
	}
	if (response.statusCode >= 400 || typeof result.AccessToken !== 'string' || !result.AccessToken) {
		const message =
			typeof result.message === 'string'
				? result.message
				: typeof result.Message === 'string'
					? result.Message
					: `HTTP ${response.statusCode}`;
		throw new Error(`ConnectWise Automate login failed: ${message}`);
	}
	const expiresAt = Date.parse(String(result.ExpirationDate ?? ''));
	return {
		accessToken: result.AccessToken,
		expiresAt: Number.isNaN(expiresAt) ? Date.now() + 3600 * 1000 : expiresAt,
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
 * A two-factor passcode is only valid once: use an API user without two-factor, or expect the
 * login to fail once the passcode has been used.
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
			description: 'Only for API users with two-factor authentication',
		},
		...cachedTokenProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const url = `${automateApiBase(credentials)}/apitoken`;
		const body: Record<string, string> = {
			Username: String(credentials.username ?? ''),
			Password: String(credentials.password ?? ''),
		};
		if (credentials.twoFactorPasscode)
			body.TwoFactorPasscode = String(credentials.twoFactorPasscode);
		const clientId = String(credentials.clientId ?? '');
		// Items sent together share one login: a two-factor passcode is only valid once.
		return await sharedLogin([url, clientId, body], async () => {
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
			return automateToken(response);
		});
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
