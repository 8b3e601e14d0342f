import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	bearerWhileFresh,
	cachedTokenProperties,
	safeJson,
	type CachedToken,
} from './common/cachedToken';
import { loginHost, loginWithRetry, sharedLogin, type LoginAnswer } from './common/login';
import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** Falcon tokens live 30 minutes (`expires_in` 1799); one this close to expiry is not sent. */
const EXPIRY_MARGIN_MS = 2 * 60 * 1000;

/** API hosts of the Falcon clouds, as CrowdStrike's own SDK (FalconPy) names them. */
export const FALCON_CLOUDS: Record<string, string> = {
	'us-1': 'https://api.crowdstrike.com',
	'us-2': 'https://api.us-2.crowdstrike.com',
	'eu-1': 'https://api.eu-1.crowdstrike.com',
	'us-gov-1': 'https://api.laggar.gcw.crowdstrike.com',
};

/** API base of the credential: the chosen cloud, or a custom URL (a proxy, the sandbox). */
export function falconApiBase(credentials: ICredentialDataDecryptedObject): string {
	const host =
		credentials.cloud === 'custom'
			? String(credentials.customApiUrl ?? '')
			: (FALCON_CLOUDS[String(credentials.cloud ?? '')] ?? FALCON_CLOUDS['us-1']);
	return host.replace(/\/+$/, '');
}

/** Falcon's `errors` array (`[{code, message}]`) in one line; the secret is never echoed. */
function loginFailure(body: Record<string, unknown> | undefined, statusCode: number): string {
	const errors = Array.isArray(body?.errors) ? (body.errors as Array<{ message?: unknown }>) : [];
	const messages = errors
		.map((e) => (typeof e.message === 'string' ? e.message : ''))
		.filter(Boolean);
	return `CrowdStrike Falcon login failed: ${messages.join('; ') || `HTTP ${statusCode}`}`;
}

/**
 * OAuth2 client credentials as Falcon takes them: `POST /oauth2/token` with form fields `client_id`
 * and `client_secret` (no grant type or scope), answered 201. Concurrent requests of one API client
 * share one token request; a 5xx or a lost answer is tried again, a 4xx fails with Falcon's words.
 */
export async function requestFalconToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Promise<CachedToken> {
	const url = `${falconApiBase(credentials)}/oauth2/token`;
	const form: Record<string, string> = {
		client_id: String(credentials.clientId ?? ''),
		client_secret: String(credentials.clientSecret ?? ''),
	};
	if (credentials.memberCid) form.member_cid = String(credentials.memberCid);
	return await sharedLogin(['falcon', url, form], async () => {
		const response = await loginWithRetry(
			`Token request to ${loginHost(url)}`,
			async () =>
				(await helpers.httpRequest({
					method: 'POST',
					url,
					headers: {
						'Content-Type': 'application/x-www-form-urlencoded',
						Accept: 'application/json',
					},
					body: new URLSearchParams(form).toString(),
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as LoginAnswer,
		);
		const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
			| Record<string, unknown>
			| undefined;
		if (response.statusCode >= 400 || typeof body?.access_token !== 'string')
			throw new Error(loginFailure(body, response.statusCode));
		const expiresIn = Number(body.expires_in ?? 1799);
		return { accessToken: body.access_token, expiresAt: Date.now() + expiresIn * 1000 };
	});
}

/**
 * CrowdStrike Falcon with an API client (Support and resources > API clients and keys). Scopes:
 * Alerts read and write, Hosts read and write (containment needs Hosts write).
 *
 * Token handling: `preAuthentication` asks the cloud's `/oauth2/token` and n8n keeps the token in
 * this credential's hidden expirable field, so each credential has its own token, reused by every
 * execution until it nears its 30-minute expiry or Falcon answers 401.
 */
export class MspCrowdStrikeApi implements ICredentialType {
	name = 'mspCrowdStrikeApi';

	displayName = 'MSP CrowdStrike Falcon API';

	icon: Icon = { light: 'file:mspCrowdStrikeApi.svg', dark: 'file:mspCrowdStrikeApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/edr.md#crowdstrike-falcon';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'ID of the Falcon API client',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Secret of the Falcon API client, shown once when the client is created',
			required: true,
		},
		{
			displayName: 'Cloud',
			name: 'cloud',
			type: 'options',
			default: 'us-1',
			options: [
				{ name: 'US-1 (api.crowdstrike.com)', value: 'us-1' },
				{ name: 'US-2 (api.us-2.crowdstrike.com)', value: 'us-2' },
				{ name: 'EU-1 (api.eu-1.crowdstrike.com)', value: 'eu-1' },
				{ name: 'US-GOV-1 (api.laggar.gcw.crowdstrike.com)', value: 'us-gov-1' },
				{ name: 'Custom', value: 'custom' },
			],
			description: 'The Falcon cloud the customer account (CID) lives in',
		},
		{
			displayName: 'Custom API URL',
			name: 'customApiUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.crowdstrike.com',
			description: 'Base URL of the Falcon API (a proxy in front of it)',
			displayOptions: { show: { cloud: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Member CID',
			name: 'memberCid',
			type: 'string',
			default: '',
			description:
				'Flight Control (MSSP) parent clients only: the child CID the token acts for. Leave empty to act on the parent.',
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await requestFalconToken(this.helpers, credentials);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return bearerWhileFresh(credentials, requestOptions, EXPIRY_MARGIN_MS);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{($credentials.cloud === "custom" ? $credentials.customApiUrl : {"us-1":"https://api.crowdstrike.com","us-2":"https://api.us-2.crowdstrike.com","eu-1":"https://api.eu-1.crowdstrike.com","us-gov-1":"https://api.laggar.gcw.crowdstrike.com"}[$credentials.cloud]).replace(/\\/+$/, "")}}',
			url: '/devices/queries/devices/v1',
			qs: { limit: 1 },
		},
	};
}
