import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { sharedRateLimitProperties } from './common/sharedRateLimit';

/**
 * Hudu REST API v1: every request carries the API key in the `x-api-key` header. Keys are created
 * under Admin → Basic Information → API Keys and can be limited to one company; the report node
 * reads companies and writes articles and Magic Dash tiles, so the key needs no password access.
 */
export class MspHuduApi implements ICredentialType {
	name = 'mspHuduApi';

	displayName = 'MSP Hudu API';

	icon: Icon = { light: 'file:mspHuduApi.svg', dark: 'file:mspHuduApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/report.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Hudu URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://docs.example-msp.com',
			description: 'Address of your Hudu instance, without /api/v1',
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
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/api/v1',
			url: '/companies',
			qs: { page: 1, page_size: 1 },
		},
		// n8n shows a failed test's HTTP status text ("Unauthorized"), never the answer's body, so the
		// vendor's reason for each status is given here.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Hudu did not accept the API key (401): check it under Admin → Basic Information → API Keys (it may have been deleted, or limited to other IP addresses)',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Hudu accepted the API key but it may not read companies (403): check the key’s company and IP restrictions',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"No Hudu API at this address (404): Hudu URL is your instance's address, without /api/v1",
				},
			},
		],
	};
}
