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
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** The instance hosts NinjaOne documents; API paths sit directly under the host (`/v2/...`). */
const REGION_HOSTS: Record<string, string> = {
	app: 'https://app.ninjarmm.com',
	eu: 'https://eu.ninjarmm.com',
	oc: 'https://oc.ninjarmm.com',
	ca: 'https://ca.ninjarmm.com',
	us2: 'https://us2.ninjarmm.com',
	fed: 'https://fed.ninjarmm.com',
};

/** Base URL of the credential's instance, without a trailing slash. */
export function ninjaOneBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'app');
	const url =
		region === 'custom'
			? String(credentials.baseUrl ?? '')
			: (REGION_HOSTS[region] ?? REGION_HOSTS.app);
	return url.replace(/\/+$/, '');
}

/** The scopes NinjaOne knows; anything else in a stored value is not a NinjaOne scope. */
const NINJA_SCOPES = ['monitoring', 'management', 'control'];

/** What every operation of the node needs: reads (monitoring), patching, scripts and resets (management). */
export const DEFAULT_NINJAONE_SCOPES = ['monitoring', 'management'];

function ninjaScopes(value: unknown): string[] {
	const list = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[\s,]+/)
			: [];
	return [...new Set(list.map((v) => String(v).trim()).filter((v) => NINJA_SCOPES.includes(v)))];
}

function sameScopes(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((s) => b.includes(s));
}

/**
 * The scope of the token request, space-separated. Never empty: an empty or missing choice means the
 * default (monitoring and management), since asking for nothing gives a token that every write
 * refuses with 403 "missing the required scope".
 *
 * Scopes are read from `apiScopes`. Credentials saved before kept them in `scopes`, a name n8n's
 * credential form also uses for the user's own permissions on the credential (a new credential got
 * `[]` or those permissions there, not the declared default); a stored `scopes` list of NinjaOne
 * scopes still applies unless `apiScopes` was changed from its default.
 */
export function ninjaOneScope(credentials: ICredentialDataDecryptedObject): string {
	const chosen = ninjaScopes(credentials.apiScopes);
	const legacy = ninjaScopes(credentials.scopes);
	const explicit = chosen.length > 0 && !sameScopes(chosen, DEFAULT_NINJAONE_SCOPES);
	const scopes = explicit
		? chosen
		: legacy.length
			? legacy
			: chosen.length
				? chosen
				: DEFAULT_NINJAONE_SCOPES;
	return scopes.join(' ');
}

/**
 * NinjaOne public API v2 with an "API Services (machine-to-machine)" application (Administration →
 * Apps → API), OAuth2 client credentials against `{instance}/ws/oauth/token`.
 * Scopes: monitoring (read), management (patching, scripts, alert resets), control (remote access).
 *
 * Token handling: `preAuthentication` fetches a token and n8n keeps it in the hidden expirable
 * `accessToken` field, so one token serves every execution until it expires. n8n calls
 * preAuthentication when the token is empty and again after a 401; since n8n does not look at the
 * expiry itself, a token within five minutes of `expiresAt` is not sent, NinjaOne answers 401 and
 * n8n fetches a fresh one before retrying the request.
 */
export class MspNinjaOneApi implements ICredentialType {
	name = 'mspNinjaOneApi';

	displayName = 'MSP NinjaOne API';

	icon: Icon = { light: 'file:mspNinjaOneApi.svg', dark: 'file:mspNinjaOneApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/rmm.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'app',
			options: [
				{ name: 'US (app.ninjarmm.com)', value: 'app' },
				{ name: 'US 2 (us2.ninjarmm.com)', value: 'us2' },
				{ name: 'Europe (eu.ninjarmm.com)', value: 'eu' },
				{ name: 'Oceania (oc.ninjarmm.com)', value: 'oc' },
				{ name: 'Canada (ca.ninjarmm.com)', value: 'ca' },
				{ name: 'Federal (fed.ninjarmm.com)', value: 'fed' },
				{ name: 'Custom URL', value: 'custom' },
			],
			description: 'The NinjaOne instance your account lives on (the host you sign in to)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://eu.ninjarmm.com',
			description: 'Instance URL without /v2',
			displayOptions: { show: { region: ['custom'] } },
			required: true,
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
			displayName: 'Scopes',
			// Not `scopes`: n8n's credential form keeps the user's permissions under that key and
			// overwrites the field with them, so the declared default never reached a new credential.
			name: 'apiScopes',
			type: 'multiOptions',
			default: [...DEFAULT_NINJAONE_SCOPES],
			options: [
				{ name: 'Monitoring (Read)', value: 'monitoring' },
				{ name: 'Management (Patching, Scripts, Alert Resets)', value: 'management' },
				{ name: 'Control (Remote Access)', value: 'control' },
			],
			description:
				'Scopes to request; the API application must allow them. Patching, scripts and alert resets need Management. None chosen means Monitoring and Management.',
		},
		{
			// Where credentials saved before kept their scopes; read by ninjaOneScope, never shown.
			displayName: 'Scopes (Saved Before)',
			name: 'scopes',
			type: 'hidden',
			default: [],
		},
		...cachedTokenProperties(),
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await requestClientCredentialsToken(this.helpers, {
			url: `${ninjaOneBaseUrl(credentials)}/ws/oauth/token`,
			clientId: credentials.clientId,
			clientSecret: credentials.clientSecret,
			scope: ninjaOneScope(credentials),
			failure: (body, statusCode) => `NinjaOne login failed: ${loginError(body, statusCode)}`,
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
				'={{$credentials.region === "custom" ? $credentials.baseUrl.replace(/\\/+$/, "") : ({app: "https://app.ninjarmm.com", eu: "https://eu.ninjarmm.com", oc: "https://oc.ninjarmm.com", ca: "https://ca.ninjarmm.com", us2: "https://us2.ninjarmm.com", fed: "https://fed.ninjarmm.com"})[$credentials.region]}}',
			url: '/v2/organizations',
			qs: { pageSize: 1 },
		},
	};
}

/** NinjaOne answers `{resultCode}` (unknown app) or OAuth's `{error, error_description}`; neither echoes the secret. */
function loginError(body: Record<string, unknown> | undefined, status: number): string {
	const parts = [
		body?.resultCode,
		body?.errorMessage,
		body?.error_description ?? body?.error,
	].filter((p) => typeof p === 'string');
	return parts.length ? parts.join(': ') : `HTTP ${status}`;
}
