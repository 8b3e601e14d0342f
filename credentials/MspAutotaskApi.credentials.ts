import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { safeJson } from './common/cachedToken';
import type { LoginAnswer } from './common/login';
import { loginHost, loginWithRetry, sharedLogin } from './common/login';
import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** Autotask's zone lookup host (ZoneInformation is served there for every zone and needs no login). */
export const AUTOTASK_ZONE_LOOKUP_URL = 'https://webservices.autotask.net/ATServicesRest';

/**
 * Stands in for the zone's host until the zone is known: requests are built against it and
 * `authenticate` puts the zone found by `preAuthentication` in its place (n8n calls
 * preAuthentication before the first request, so nothing is ever sent to it).
 */
export const AUTOTASK_ZONE_PENDING = 'https://zone-pending.autotask.invalid/ATServicesRest';

/**
 * `https://webservices5.autotask.net/ATServicesRest/`, `…/ATServicesRest/V1.0` or without the
 * trailing slash: the REST root without a slash, under which every path starts with `/V1.0/`.
 */
export function autotaskRestRoot(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/v1\.0$/i, '')
		.replace(/\/+$/, '');
}

/** The zone the credential works in: the URL the user set, else the one ZoneInformation gave. */
export function autotaskZone(credentials: ICredentialDataDecryptedObject): string {
	return credentials.zone === 'url'
		? autotaskRestRoot(credentials.zoneUrl)
		: autotaskRestRoot(credentials.zoneApiUrl);
}

/** The base URL requests are built against (see AUTOTASK_ZONE_PENDING). */
export function autotaskApiBase(credentials: ICredentialDataDecryptedObject): string {
	return autotaskZone(credentials) || AUTOTASK_ZONE_PENDING;
}

/** Autotask's answer to a user name no zone serves: a 500 that is its verdict, not an outage. */
const UNKNOWN_USER = /zone information could not be determined/i;

const bodyOf = (answer: LoginAnswer): unknown =>
	typeof answer.body === 'string' ? safeJson(answer.body) : answer.body;

function errorsOf(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	if (!Array.isArray(errors)) return undefined;
	return errors
		.map((e) => (typeof e === 'string' ? e : String((e as { message?: unknown })?.message ?? '')))
		.filter(Boolean)
		.join('; ');
}

/**
 * Autotask PSA REST API user (Admin > Resources (Users) > API user, security level "API User
 * (system)"): three headers on every request, `ApiIntegrationCode` (the tracking identifier),
 * `UserName` and `Secret`.
 *
 * Zone: Autotask serves each database from one zone (webservices5, webservices14…). By default it
 * is found through `GET {lookup}/V1.0/zoneInformation?user=<user name>` (no login needed) in
 * `preAuthentication`; n8n stores the answer in the hidden expirable `zoneApiUrl` field, so it is
 * asked once per credential and again after a 401 (a database moved to another zone answers 401).
 * A zone URL set by the user is used as given.
 */
export class MspAutotaskApi implements ICredentialType {
	name = 'mspAutotaskApi';

	displayName = 'MSP Autotask API';

	icon: Icon = { light: 'file:mspAutotaskApi.svg', dark: 'file:mspAutotaskApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/psa.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API User Name',
			name: 'userName',
			type: 'string',
			default: '',
			placeholder: 'n8n-api@msp.example',
			description: "The API user's user name (an email address)",
			required: true,
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		// The integration code is part of the login: Autotask refuses a request without the right one,
		// and it is redacted from errors like the secret.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Integration Code',
			name: 'integrationCode',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The API tracking identifier chosen on the API user (Integration Vendor or Custom (Internal Integration)); sent as the ApiIntegrationCode header',
			required: true,
		},
		{
			displayName: 'Zone',
			name: 'zone',
			type: 'options',
			options: [
				{
					name: 'Discover From the User Name',
					value: 'discover',
					description: "Ask Autotask's ZoneInformation service which zone serves the database",
				},
				{ name: 'Set the Zone URL', value: 'url' },
			],
			default: 'discover',
		},
		{
			displayName: 'Zone URL',
			name: 'zoneUrl',
			type: 'string',
			default: '',
			placeholder: 'https://webservices5.autotask.net/ATServicesRest',
			description: 'The REST root of your zone, with or without /V1.0',
			displayOptions: { show: { zone: ['url'] } },
		},
		{
			displayName: 'Zone Lookup URL',
			name: 'zoneLookupUrl',
			type: 'string',
			default: AUTOTASK_ZONE_LOOKUP_URL,
			description:
				'Where ZoneInformation is asked; keep the default unless a proxy or a test server stands in for Autotask',
			displayOptions: { show: { zone: ['discover'] } },
		},
		{
			displayName: 'Zone API URL',
			name: 'zoneApiUrl',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
		{
			displayName: 'Zone Web URL',
			name: 'zoneWebUrl',
			type: 'hidden',
			default: '',
		},
		...sharedRateLimitProperties(),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.zone === 'url') {
			const zone = autotaskRestRoot(credentials.zoneUrl);
			if (!zone) throw new Error('Autotask: set the Zone URL, or choose to discover the zone');
			return { zoneApiUrl: zone, zoneWebUrl: '' };
		}
		const lookup = autotaskRestRoot(credentials.zoneLookupUrl) || AUTOTASK_ZONE_LOOKUP_URL;
		const user = String(credentials.userName ?? '').trim();
		const helpers = this.helpers;
		// A lookup that meets a passing outage (5xx, reset, timeout, a cut-short answer) is asked again, as every
		// login is; items that find no zone at the same time share one lookup.
		const response = await sharedLogin(
			['autotask-zone', lookup, user],
			async () =>
				await loginWithRetry(
					`Zone lookup at ${loginHost(lookup)}`,
					async () =>
						(await helpers.httpRequest({
							method: 'GET',
							url: `${lookup}/V1.0/zoneInformation`,
							qs: { user },
							json: true,
							returnFullResponse: true,
							ignoreHttpStatusErrors: true,
						})) as LoginAnswer,
					(answer) => UNKNOWN_USER.test(errorsOf(bodyOf(answer)) ?? ''),
				),
		);
		const body = bodyOf(response) as { url?: unknown; webUrl?: unknown } | undefined;
		const url = body?.url;
		if (response.statusCode >= 400 || typeof url !== 'string' || !url) {
			// Autotask answers an unknown user with 500 {"errors":["Zone information could not be determined"]}.
			const reason =
				errorsOf(body) ??
				(response.statusCode >= 400
					? `HTTP ${response.statusCode}`
					: `the answer named no zone URL (HTTP ${response.statusCode})`);
			throw new Error(`Autotask zone lookup for the API user failed: ${reason}`);
		}
		const webUrl = body.webUrl;
		return {
			zoneApiUrl: autotaskRestRoot(url),
			zoneWebUrl: typeof webUrl === 'string' ? webUrl.trim() : '',
		};
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const zone = autotaskZone(credentials);
		const options: IHttpRequestOptions = {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				ApiIntegrationCode: String(credentials.integrationCode ?? ''),
				UserName: String(credentials.userName ?? ''),
				Secret: String(credentials.secret ?? ''),
			},
		};
		if (zone) {
			if (typeof options.url === 'string' && options.url.startsWith(AUTOTASK_ZONE_PENDING))
				options.url = zone + options.url.slice(AUTOTASK_ZONE_PENDING.length);
			if (typeof options.baseURL === 'string' && options.baseURL.startsWith(AUTOTASK_ZONE_PENDING))
				options.baseURL = zone + options.baseURL.slice(AUTOTASK_ZONE_PENDING.length);
		}
		return options;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: AUTOTASK_ZONE_PENDING,
			url: '/V1.0/Companies/entityInformation',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Autotask did not accept the user name and secret (401): check the API user, its secret and that it is active',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 500,
					message:
						'Autotask refused the request (500): most often the integration code is invalid, or the API user lacks permissions',
				},
			},
		],
	};
}
