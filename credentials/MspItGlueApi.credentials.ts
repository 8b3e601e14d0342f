import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { sharedRateLimitProperties } from './common/sharedRateLimit';

/** The API host of each IT Glue data centre; paths sit directly under it (`/organizations`). */
const REGION_HOSTS: Record<string, string> = {
	us: 'https://api.itglue.com',
	eu: 'https://api.eu.itglue.com',
	au: 'https://api.au.itglue.com',
};

/** Base URL of the credential's region, without a trailing slash. */
export function itGlueBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'us');
	const url =
		region === 'custom'
			? String(credentials.baseUrl ?? '')
			: (REGION_HOSTS[region] ?? REGION_HOSTS.us);
	return url.replace(/\/+$/, '');
}

/**
 * IT Glue API: every request carries the API key in the `x-api-key` header. Keys are created by an
 * Administrator under Account → Settings → API Keys. The report node reads organizations and writes
 * flexible assets; it never reads passwords, so the key needs no "Password Access".
 */
export class MspItGlueApi implements ICredentialType {
	name = 'mspItGlueApi';

	displayName = 'MSP IT Glue API';

	icon: Icon = { light: 'file:mspItGlueApi.svg', dark: 'file:mspItGlueApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/report.md#it-glue';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'us',
			options: [
				{ name: 'US (api.itglue.com)', value: 'us' },
				{ name: 'EU (api.eu.itglue.com)', value: 'eu' },
				{ name: 'Australia (api.au.itglue.com)', value: 'au' },
				{ name: 'Custom URL', value: 'custom' },
			],
			description: 'The IT Glue data centre your account lives on',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.eu.itglue.com',
			description: 'API address, for example a test instance',
			displayOptions: { show: { region: ['custom'] } },
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'ITG.…',
			required: true,
		},
		...sharedRateLimitProperties(),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'x-api-key': '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.region === "custom" ? $credentials.baseUrl.replace(/\\/+$/, "") : ({us: "https://api.itglue.com", eu: "https://api.eu.itglue.com", au: "https://api.au.itglue.com"})[$credentials.region]}}',
			// One organization: the smallest documented read every key may do.
			url: '/organizations',
			qs: { 'page[size]': 1 },
		},
		// n8n shows a failed test's HTTP status text, never the answer's body, so the reason for each
		// status IT Glue documents is given here.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'IT Glue did not accept the API key (403): check it under Account → Settings → API Keys (keys unused for 90 days are revoked) and that the region is the one you sign in to',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'IT Glue did not accept the API key (401): check the key and that the account has API access (Enterprise plan)',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No IT Glue API at this address (404): with a custom URL, give the API address (for example https://api.eu.itglue.com), not the sign-in page',
				},
			},
		],
	};
}
