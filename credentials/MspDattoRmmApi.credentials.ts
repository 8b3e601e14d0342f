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
import { bearerWhileFresh, cachedTokenProperties, safeJson } from './common/cachedToken';
import type { LoginAnswer } from './common/login';
import { loginHost, loginWithRetry, sharedLogin } from './common/login';
import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** Datto documents a 100-hour token life; used when the answer has no `expires_in`. */
const TOKEN_LIFE_SECONDS = 100 * 60 * 60;

/**
 * HTTP Basic of Datto's fixed public OAuth client `public-client:public`, the same for every
 * account (it is not a secret: the API key and secret in the body identify the user).
 */
const PUBLIC_CLIENT_BASIC = 'Basic cHVibGljLWNsaWVudDpwdWJsaWM=';

/** The API URL of each Datto RMM platform (Setup → Global Settings → Access Control shows yours). */
export const DATTO_PLATFORMS: Record<string, string> = {
	pinotage: 'https://pinotage-api.centrastage.net',
	merlot: 'https://merlot-api.centrastage.net',
	concord: 'https://concord-api.centrastage.net',
	vidal: 'https://vidal-api.centrastage.net',
	zinfandel: 'https://zinfandel-api.centrastage.net',
	syrah: 'https://syrah-api.centrastage.net',
};

/** The account's API URL without a trailing slash or `/api` (resources are under `/api/v2`). */
export function dattoRmmBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const platform = String(credentials.platform ?? 'merlot');
	const url =
		platform === 'custom'
			? String(credentials.apiUrl ?? '')
			: (DATTO_PLATFORMS[platform] ?? DATTO_PLATFORMS.merlot);
	return url.replace(/\/+$/, '').replace(/\/api$/i, '');
}

/**
 * Datto RMM API v2: an API key and secret (Setup → Users → Generate API Keys, with API access
 * enabled under Setup → Global Settings → Access Control), exchanged for a bearer token with the
 * OAuth password grant at `{api url}/auth/oauth/token`.
 *
 * Token handling: `preAuthentication` fetches a token and n8n keeps it in the hidden expirable
 * `accessToken` field for its documented life (100 hours); n8n calls it again after a 401, and a
 * token within five minutes of `expiresAt` is not sent, so Datto answers 401 and a new one is fetched.
 */
export class MspDattoRmmApi implements ICredentialType {
	name = 'mspDattoRmmApi';

	displayName = 'MSP Datto RMM API';

	icon: Icon = { light: 'file:mspDattoRmmApi.svg', dark: 'file:mspDattoRmmApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/rmm.md#datto-rmm';

	properties: INodeProperties[] = [
		{
			displayName: 'Platform',
			name: 'platform',
			type: 'options',
			default: 'merlot',
			options: [
				{ name: 'Concord (concord-api.centrastage.net)', value: 'concord' },
				{ name: 'Custom API URL', value: 'custom' },
				{ name: 'Merlot (merlot-api.centrastage.net)', value: 'merlot' },
				{ name: 'Pinotage (pinotage-api.centrastage.net)', value: 'pinotage' },
				{ name: 'Syrah (syrah-api.centrastage.net)', value: 'syrah' },
				{ name: 'Vidal (vidal-api.centrastage.net)', value: 'vidal' },
				{ name: 'Zinfandel (zinfandel-api.centrastage.net)', value: 'zinfandel' },
			],
			description:
				'The platform your account is on, as the API URL under Setup → Global Settings → Access Control shows it',
		},
		{
			displayName: 'API URL',
			name: 'apiUrl',
			type: 'string',
			default: '',
			placeholder: 'https://merlot-api.centrastage.net',
			description: 'The API URL Datto RMM shows, without /api',
			displayOptions: { show: { platform: ['custom'] } },
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Secret Key',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Patch Install Component',
			name: 'patchComponent',
			type: 'string',
			default: '',
			placeholder: 'Install Approved Windows Updates [WIN]',
			description:
				'The ComStore or custom component this account uses to install approved Windows updates now, by its exact name or its uid (Components in Datto RMM). MSP RMM’s Apply Approved Patches runs it on the device as a quick job, because Datto RMM’s API has no patch install call of its own. Leave empty if you do not use Apply Approved Patches.',
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await requestDattoToken(this.helpers, credentials);
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
				'={{$credentials.platform === "custom" ? $credentials.apiUrl.replace(/\\/+$/, "").replace(/\\/api$/i, "") : "https://" + $credentials.platform + "-api.centrastage.net"}}',
			url: '/api/v2/account',
		},
	};
}

/**
 * `POST {api url}/auth/oauth/token`, form encoded, password grant with the API key as username and
 * the secret as password, the public client in HTTP Basic. A 5xx or network failure is retried
 * (`loginWithRetry`); requests that find no token at the same time share one login.
 */
export async function requestDattoToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Promise<CachedToken> {
	const url = `${dattoRmmBaseUrl(credentials)}/auth/oauth/token`;
	const username = String(credentials.apiKey ?? '');
	const password = String(credentials.apiSecret ?? '');
	return await sharedLogin(['datto-password', url, username, password], async () => {
		const form = new URLSearchParams({ grant_type: 'password', username, password });
		const response = await loginWithRetry(
			`Token request to ${loginHost(url)}`,
			async () =>
				(await helpers.httpRequest({
					method: 'POST',
					url,
					headers: {
						Authorization: PUBLIC_CLIENT_BASIC,
						'Content-Type': 'application/x-www-form-urlencoded',
					},
					body: form.toString(),
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as LoginAnswer,
		);
		const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
			| Record<string, unknown>
			| undefined;
		if (response.statusCode >= 400 || typeof body?.access_token !== 'string')
			throw new Error(`Datto RMM login failed: ${loginError(body, response.statusCode)}`);
		const expiresIn = Number(body.expires_in ?? TOKEN_LIFE_SECONDS);
		return {
			accessToken: body.access_token,
			expiresAt: Date.now() + (Number.isFinite(expiresIn) ? expiresIn : TOKEN_LIFE_SECONDS) * 1000,
		};
	});
}

/** OAuth's `{error, error_description}` (e.g. invalid_grant: Bad credentials); never the secret. */
function loginError(body: Record<string, unknown> | undefined, status: number): string {
	const parts = [body?.error, body?.error_description ?? body?.message].filter(
		(p) => typeof p === 'string' && p.length > 0,
	);
	return parts.length ? parts.join(': ') : `HTTP ${status}`;
}
