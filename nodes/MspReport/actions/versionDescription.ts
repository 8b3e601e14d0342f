import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { credentialPerProvider } from '../../shared/actions/providerCredentials';
import { PROVIDER_OPTIONS } from '../providers';
import * as evidence from './evidence';
import * as report from './report';

/**
 * Each provider's credential, asked for only by Publish: building evidence and reports needs none.
 * Resource and Operation are named in `show` (each has values the credential is not shown for,
 * so n8n's editor keeps them in the parameter list); the provider goes through `hide`, see
 * credentialPerProvider.
 */
export const credentials: INodeCredentialDescription[] = credentialPerProvider(
	{ hudu: 'mspHuduApi', itGlue: 'mspItGlueApi' },
	{ show: { resource: ['report'], operation: ['publish'] } },
);

export const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: PROVIDER_OPTIONS,
		default: 'hudu',
		description:
			'Documentation platform the Publish operation writes to. Building evidence and reports needs no provider.',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Evidence', value: 'evidence' },
			{ name: 'Report', value: 'report' },
		],
		default: 'report',
	},
	...evidence.description,
	...report.description,
];
