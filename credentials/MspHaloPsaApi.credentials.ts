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
	requestClientCredentialsToken,
} from './common/cachedToken';
import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 2 * 60 * 1000;

function trimUrl(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/\/+$/, '');
}

/** The Halo web application URL; a trailing /api is accepted and removed. */
function instanceUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimUrl(credentials.resourceServerUrl).replace(/\/api$/i, '');
}

/** `{resource server}/api`: where every Halo API path lives. */
export function haloApiBase(credentials: ICredentialDataDecryptedObject): string {
	return `${instanceUrl(credentials)}/api`;
}

/** The authorisation server; Halo serves it at `{instance}/auth` unless configured elsewhere. */
export function haloAuthUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimUrl(credentials.authServerUrl) || `${instanceUrl(credentials)}/auth`;
}

/**
 * HaloPSA API application with client credentials (Configuration > Integrations > Halo API,
 * authentication method "Client ID and Secret (Services)").
 *
 * Token handling: `preAuthentication` posts the client credentials to `{auth}/token` (with
 * `?tenant=` for Halo-hosted instances) and n8n stores the token in the hidden expirable
 * `accessToken` field, so it is shared by every execution using this credential. n8n calls
 * preAuthentication when the token is empty and once more after a 401 before retrying the
 * request. A token within two minutes of `expiresAt` is not sent, so the request gets Halo's 401
 * and n8n refreshes the token instead of sending one that is about to expire.
 */
export class MspHaloPsaApi implements ICredentialType {
	name = 'mspHaloPsaApi';

	displayName = 'MSP HaloPSA API';

	icon: Icon = { light: 'file:mspHaloPsaApi.svg', dark: 'file:mspHaloPsaApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/psa.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Resource Server URL',
			name: 'resourceServerUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.halopsa.com',
			description: 'Your Halo web address (shown in Halo API > API Details); the API is under /api',
			required: true,
		},
		{
			displayName: 'Authorisation Server URL',
			name: 'authServerUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.halopsa.com/auth',
			description: 'Leave empty to use the resource server URL followed by /auth',
		},
		{
			displayName: 'Tenant',
			name: 'tenant',
			type: 'string',
			default: '',
			placeholder: 'acme',
			description:
				'Tenant name, required for Halo-hosted instances; leave empty for self-hosted Halo',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'all',
			description:
				'Space-separated scopes; "all" or at least "read:tickets edit:tickets read:customers read:assets edit:timesheets"',
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tenant = String(credentials.tenant ?? '').trim();
		return await requestClientCredentialsToken(this.helpers, {
			url: `${haloAuthUrl(credentials)}/token`,
			qs: tenant ? { tenant } : undefined,
			clientId: credentials.clientId,
			clientSecret: credentials.clientSecret,
			scope: String(credentials.scope || 'all'),
			failure: (body, statusCode) => {
				// OAuth error codes (invalid_client, invalid_scope...) never echo the secret.
				const reason = typeof body?.error === 'string' ? body.error : `HTTP ${statusCode}`;
				return `HaloPSA token request failed: ${reason}${tenant ? '' : ' (Halo-hosted instances need the Tenant field)'}`;
			},
		});
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
				'={{$credentials.resourceServerUrl.replace(/\\/+$/, "").replace(/\\/api$/i, "")}}/api',
			url: '/Status',
		},
	};
}
