import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** Tokens this close to expiry are not sent, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 2 * 60 * 1000;

function trimUrl(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
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

	documentationUrl = 'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/psa.md#credentials';

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
			description: 'Tenant name, required for Halo-hosted instances; leave empty for self-hosted Halo',
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
			description: 'Space-separated scopes; "all" or at least "read:tickets edit:tickets read:customers read:assets edit:timesheets"',
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
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: String(credentials.clientId ?? ''),
			client_secret: String(credentials.clientSecret ?? ''),
			scope: String(credentials.scope || 'all'),
		});
		const tenant = String(credentials.tenant ?? '').trim();
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${haloAuthUrl(credentials)}/token`,
			qs: tenant ? { tenant } : undefined,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form.toString(),
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as Record<string, unknown> | undefined;
		if (response.statusCode >= 400 || typeof body?.access_token !== 'string') {
			// OAuth error codes (invalid_client, invalid_scope...) never echo the secret.
			const reason = typeof body?.error === 'string' ? body.error : `HTTP ${response.statusCode}`;
			throw new Error(`HaloPSA token request failed: ${reason}${tenant ? '' : ' (Halo-hosted instances need the Tenant field)'}`);
		}
		const expiresIn = Number(body.expires_in ?? 3600);
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
			baseURL: '={{$credentials.resourceServerUrl.replace(/\\/+$/, "").replace(/\\/api$/i, "")}}/api',
			url: '/Status',
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
