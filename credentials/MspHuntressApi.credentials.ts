import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { sharedRateLimitProperties } from './common/sharedRateLimit';

/**
 * Huntress API v1. Every request carries HTTP Basic auth of the API key and secret (Account
 * Settings → API Credentials). The account's default key only reads: isolating, releasing,
 * resolving incidents and approving remediations need a user-based API key with those permissions.
 */
export class MspHuntressApi implements ICredentialType {
	name = 'mspHuntressApi';

	displayName = 'MSP Huntress API';

	icon: Icon = { light: 'file:mspHuntressApi.svg', dark: 'file:mspHuntressApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/edr.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.huntress.io',
			description: 'Address of the Huntress API, without /v1',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'hk_…',
			required: true,
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		...sharedRateLimitProperties(),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const pair = `${String(credentials.apiKey ?? '')}:${String(credentials.apiSecret ?? '')}`;
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Basic ${Buffer.from(pair).toString('base64')}`,
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.huntress.io").replace(/\\/+$/, "")}}/v1',
			url: '/account',
		},
		// n8n shows a failed test's HTTP status text ("Unauthorized"), never the answer's body, so the
		// vendor's reason for each status is given here.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Huntress did not accept the API key and secret (401): check both, or generate a new pair under Account Settings → API Credentials',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Huntress accepted the key but it may not read the account (403): use a key with access to the account',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Huntress API at this address (404): Base URL is https://api.huntress.io, without /v1',
				},
			},
		],
	};
}
