import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDER_OPTIONS } from '../providers';
import * as evidence from './evidence';
import * as report from './report';

/** Each provider's credential, shown only when that provider publishes. */
export const credentials: INodeCredentialDescription[] = [
	{
		name: 'mspHuduApi',
		required: true,
		displayOptions: { show: { provider: ['hudu'], resource: ['report'], operation: ['publish'] } },
	},
];

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
