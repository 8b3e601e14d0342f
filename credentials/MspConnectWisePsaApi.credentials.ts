import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { sharedRateLimitProperties } from './common/sharedRateLimit';

const DEFAULT_CODEBASE = 'v4_6_release';

/**
 * REST base of the credential, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0.
 * Cloud sites use the `api-` host (the UI host answers "SSL is required"); on-premise servers and
 * the sandbox use a custom URL.
 */
export function connectWiseApiBase(credentials: ICredentialDataDecryptedObject): string {
	const root =
		credentials.site === 'custom'
			? String(credentials.customUrl ?? '')
			: `https://${String(credentials.site ?? '')}`;
	const codebase = String(credentials.codebase || DEFAULT_CODEBASE).replace(/^\/+|\/+$/g, '');
	return `${root.replace(/\/+$/, '')}/${codebase}/apis/3.0`;
}

/**
 * ConnectWise PSA (Manage) API member keys. Every request carries
 * `Authorization: Basic base64(companyId+publicKey:privateKey)` and the `clientId` header
 * (required since August 2019; register one at developer.connectwise.com/ClientID).
 */
export class MspConnectWisePsaApi implements ICredentialType {
	name = 'mspConnectWisePsaApi';

	displayName = 'MSP ConnectWise PSA API';

	icon: Icon = {
		light: 'file:mspConnectWisePsaApi.svg',
		dark: 'file:mspConnectWisePsaApi.dark.svg',
	};

	documentationUrl =
		'https://github.com/msp-orchestration/n8n-nodes-msp-orchestration/blob/main/docs/nodes/psa.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Site',
			name: 'site',
			type: 'options',
			default: 'api-na.myconnectwise.net',
			options: [
				{ name: 'North America (api-na.myconnectwise.net)', value: 'api-na.myconnectwise.net' },
				{ name: 'Europe (api-eu.myconnectwise.net)', value: 'api-eu.myconnectwise.net' },
				{ name: 'Australia (api-au.myconnectwise.net)', value: 'api-au.myconnectwise.net' },
				{
					name: 'Australia Alternate (api-aus.myconnectwise.net)',
					value: 'api-aus.myconnectwise.net',
				},
				{ name: 'South Africa (api-za.myconnectwise.net)', value: 'api-za.myconnectwise.net' },
				{
					name: 'Staging (api-staging.connectwisedev.com)',
					value: 'api-staging.connectwisedev.com',
				},
				{ name: 'On-Premise or Custom URL', value: 'custom' },
			],
			description: 'Cloud region of your ConnectWise PSA, or a custom URL for on-premise servers',
		},
		{
			displayName: 'Custom URL',
			name: 'customUrl',
			type: 'string',
			default: '',
			placeholder: 'https://cw.example.com',
			description: 'Server root without the codebase, e.g. https://cw.example.com',
			displayOptions: { show: { site: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Codebase',
			name: 'codebase',
			type: 'string',
			default: DEFAULT_CODEBASE,
			description:
				'Path segment before /apis/3.0. v4_6_release works for on-premise and cloud sites.',
		},
		{
			displayName: 'Company ID',
			name: 'companyId',
			type: 'string',
			default: '',
			description: 'The company ID you log in with',
			required: true,
		},
		{
			displayName: 'Public Key',
			name: 'publicKey',
			type: 'string',
			default: '',
			description: 'Public key of the API member (System > Members > API Members > API Keys)',
			required: true,
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description:
				'Your integration GUID from developer.connectwise.com/ClientID, sent as the clientId header',
			required: true,
		},
		...sharedRateLimitProperties(),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The literal '+' joins company and public key in the Basic user name.
		const user = `${String(credentials.companyId ?? '')}+${String(credentials.publicKey ?? '')}`;
		const basic = Buffer.from(`${user}:${String(credentials.privateKey ?? '')}`).toString('base64');
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Basic ${basic}`,
				clientId: String(credentials.clientId ?? ''),
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{($credentials.site === "custom" ? $credentials.customUrl.replace(/\\/+$/, "") : "https://" + $credentials.site) + "/" + ($credentials.codebase || "v4_6_release") + "/apis/3.0"}}',
			url: '/company/companies',
			qs: { pageSize: 1, fields: 'id' },
		},
		// n8n shows a failed test's HTTP status text ("Unauthorized"), never the answer's body, so the
		// vendor's reason for each status is given here.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'ConnectWise PSA did not accept these keys (401): check Company ID, Public Key, Private Key and Client ID, and that the API member is active',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"ConnectWise PSA accepted the keys but the API member's security role may not read companies (403): allow Company Maintenance (Inquire)",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No ConnectWise PSA API at this address (404): check Site and Codebase (on cloud sites a wrong Company ID can also answer 404)',
				},
			},
		],
	};
}
