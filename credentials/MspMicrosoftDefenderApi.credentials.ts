import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

const COMMERCIAL_SCOPE = 'https://api.securitycenter.microsoft.com/.default';
/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** API base of the credential: one of the documented hosts, or a custom URL (sovereign clouds, the sandbox). */
export function defenderApiBase(credentials: ICredentialDataDecryptedObject): string {
	const host = credentials.apiHost === 'custom' ? String(credentials.customApiUrl ?? '') : String(credentials.apiHost ?? '');
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

	icon: Icon = { light: 'file:mspMicrosoftDefenderApi.svg', dark: 'file:mspMicrosoftDefenderApi.dark.svg' };

	documentationUrl = 'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/edr.md#credentials';

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
				{ name: 'Global (api.securitycenter.microsoft.com)', value: 'https://api.securitycenter.microsoft.com' },
				{ name: 'Global (api.security.microsoft.com)', value: 'https://api.security.microsoft.com' },
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
			description: 'Microsoft identity platform host; change it for sovereign clouds (for example https://login.microsoftonline.us)',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const loginHost = String(credentials.loginHost || 'https://login.microsoftonline.com').replace(/\/+$/, '');
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: String(credentials.clientId ?? ''),
			client_secret: String(credentials.clientSecret ?? ''),
			scope: scopeFor(credentials),
		});
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${loginHost}/${encodeURIComponent(String(credentials.tenantId ?? ''))}/oauth2/v2.0/token`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form.toString(),
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as Record<string, unknown>;
		if (response.statusCode >= 400 || typeof body?.access_token !== 'string') {
			// The AADSTS description names the problem (wrong secret, unknown tenant...) and never echoes the secret.
			const description = typeof body?.error_description === 'string' ? body.error_description.split(' Trace ID:')[0] : `HTTP ${response.statusCode}`;
			throw new Error(`Microsoft login failed: ${description}`);
		}
		const expiresIn = Number(body.expires_in ?? 3599);
		return { accessToken: body.access_token, expiresAt: Date.now() + expiresIn * 1000 };
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const expiresAt = Number(credentials.expiresAt ?? 0);
		const fresh = !expiresAt || expiresAt - Date.now() > EXPIRY_MARGIN_MS;
		if (!fresh || !credentials.accessToken) return requestOptions;
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken)}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.apiHost === "custom" ? $credentials.customApiUrl : $credentials.apiHost).replace(/\\/+$/, "")}}/api',
			url: '/alerts',
			qs: { $top: 1 },
		},
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
