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

const COMMERCIAL_SCOPE = 'https://api.securitycenter.microsoft.com/.default';
/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** API base of the credential: one of the documented hosts, or a custom URL (sovereign clouds, the sandbox). */
export function defenderApiBase(credentials: ICredentialDataDecryptedObject): string {
	const host =
		credentials.apiHost === 'custom'
			? String(credentials.customApiUrl ?? '')
			: String(credentials.apiHost ?? '');
	return host.replace(/\/+$/, '');
}

/** US Government hosts are their own resource; every other host is the commercial WindowsDefenderATP resource. */
function scopeFor(credentials: ICredentialDataDecryptedObject): string {
	const host = String(credentials.apiHost ?? '');
	if (/securitycenter\.microsoft\.us$/.test(host)) return `${host}/.default`;
	return COMMERCIAL_SCOPE;
}

/**
 * Microsoft Defender for Endpoint with an Entra ID app registration (client credentials).
 * The app needs WindowsDefenderATP application permissions with admin consent: Alert.ReadWrite.All,
 * Machine.Read.All, Machine.Isolate, Machine.Scan and Machine.StopAndQuarantine.
 *
 * Token handling: `preAuthentication` fetches a token from `{loginHost}/{tenantId}/oauth2/v2.0/token`
 * and n8n stores it in the hidden expirable `accessToken` field, so one token serves every
 * execution until it expires. n8n calls preAuthentication when the token is empty and again after
 * a 401; because n8n does not look at the expiry itself, a token within five minutes of
 * `expiresAt` is not sent, Defender answers 401 and n8n fetches a fresh one before retrying.
 */
export class MspMicrosoftDefenderApi implements ICredentialType {
	name = 'mspMicrosoftDefenderApi';

	displayName = 'MSP Microsoft Defender for Endpoint API';

	icon: Icon = {
		light: 'file:mspMicrosoftDefenderApi.svg',
		dark: 'file:mspMicrosoftDefenderApi.dark.svg',
	};

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/edr.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: "The customer's Entra ID tenant (directory) ID or primary domain",
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'Application (client) ID of the app registration',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret value (not the secret ID)',
			required: true,
		},
		{
			displayName: 'API Host',
			name: 'apiHost',
			type: 'options',
			default: 'https://api.securitycenter.microsoft.com',
			options: [
				{
					name: 'Global (api.securitycenter.microsoft.com)',
					value: 'https://api.securitycenter.microsoft.com',
				},
				{
					name: 'Global (api.security.microsoft.com)',
					value: 'https://api.security.microsoft.com',
				},
				{ name: 'United States', value: 'https://us.api.security.microsoft.com' },
				{ name: 'Europe', value: 'https://eu.api.security.microsoft.com' },
				{ name: 'United Kingdom', value: 'https://uk.api.security.microsoft.com' },
				{ name: 'Australia', value: 'https://au.api.security.microsoft.com' },
				{ name: 'Switzerland', value: 'https://swa.api.security.microsoft.com' },
				{ name: 'US Government GCC', value: 'https://api-gcc.securitycenter.microsoft.us' },
				{ name: 'US Government GCC High', value: 'https://api-gov.securitycenter.microsoft.us' },
				{ name: 'Custom', value: 'custom' },
			],
			description: 'The regional host is closest to your data; all of them serve the same API',
		},
		{
			displayName: 'Custom API URL',
			name: 'customApiUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.securitycenter.microsoft.com',
			description: 'Base URL without /api',
			displayOptions: { show: { apiHost: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Login Host',
			name: 'loginHost',
			type: 'string',
			default: 'https://login.microsoftonline.com',
			description:
				'Microsoft identity platform host; change it for sovereign clouds (for example https://login.microsoftonline.us)',
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const loginHost = String(credentials.loginHost || 'https://login.microsoftonline.com').replace(
			/\/+$/,
			'',
		);
		return await requestClientCredentialsToken(this.helpers, {
			url: `${loginHost}/${encodeURIComponent(String(credentials.tenantId ?? ''))}/oauth2/v2.0/token`,
			clientId: credentials.clientId,
			clientSecret: credentials.clientSecret,
			scope: scopeFor(credentials),
			defaultExpiresInSeconds: 3599,
			failure: (body, statusCode) => {
				// The AADSTS description names the problem (wrong secret, unknown tenant...) and never echoes the secret.
				const description =
					typeof body?.error_description === 'string'
						? body.error_description.split(' Trace ID:')[0]
						: `HTTP ${statusCode}`;
				return `Microsoft login failed: ${description}`;
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
				'={{($credentials.apiHost === "custom" ? $credentials.customApiUrl : $credentials.apiHost).replace(/\\/+$/, "")}}/api',
			url: '/alerts',
			qs: { $top: 1 },
		},
	};
}
