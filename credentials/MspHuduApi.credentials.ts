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
	};
}
