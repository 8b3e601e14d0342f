import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { sharedRateLimitProperties } from './common/sharedRateLimit';

/**
 * SentinelOne management API v2.1. Every request carries `Authorization: ApiToken <token>`.
 * Create a service user (Settings → Users → Service Users) scoped to the account or sites the
 * MSP manages; containment and mitigation need a role with threat and endpoint actions
 * (Admin, IR Team or SOC), a Viewer token can only read. API tokens expire: renew them here.
 */
export class MspSentinelOneApi implements ICredentialType {
	name = 'mspSentinelOneApi';

	displayName = 'MSP SentinelOne API';

	icon: Icon = { light: 'file:mspSentinelOneApi.svg', dark: 'file:mspSentinelOneApi.dark.svg' };

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/edr.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Console URL',
			name: 'consoleUrl',
			type: 'string',
			default: '',
			placeholder: 'https://usea1-partners.sentinelone.net',
			description: 'Address of your management console, without /web/api/v2.1',
			required: true,
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
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
			headers: { Authorization: '=ApiToken {{$credentials.apiToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.consoleUrl.replace(/\\/+$/, "")}}/web/api/v2.1',
			url: '/sites',
			qs: { limit: 1 },
		},
		// n8n shows a failed test's HTTP status text ("Unauthorized"), never the answer's body, so the
		// vendor's reason for each status is given here.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'SentinelOne did not accept the API token (401): it is mistyped, revoked or expired (tokens expire: generate a new one for the service user)',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"SentinelOne accepted the token but its user's role may not list sites (403): use a service user with access to the account or sites",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"No SentinelOne API at this address (404): Console URL is the console's address, without /web/api/v2.1",
				},
			},
		],
	};
}
