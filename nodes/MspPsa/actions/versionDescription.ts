import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { commonOptionsProperty } from '../../shared';
import { CREDENTIAL_OF, PROVIDER_OPTIONS } from '../providers';
import * as company from './company';
import * as configuration from './configuration';
import * as ticket from './ticket';

/** Each provider's credential, shown only for that provider. */
export const credentials: INodeCredentialDescription[] = Object.entries(CREDENTIAL_OF).map(
	([provider, name]) => ({
		name,
		required: true,
		displayOptions: { show: { provider: [provider] } },
	}),
);

export const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: PROVIDER_OPTIONS,
		default: 'connectwise',
		description: 'The PSA to work in; operations and output are the same for each',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Company', value: 'company' },
			{
				name: 'Configuration',
				value: 'configuration',
				description: 'ConnectWise configuration or Halo asset',
			},
			{ name: 'Ticket', value: 'ticket' },
		],
		default: 'ticket',
	},
	...ticket.description,
	...company.description,
	...configuration.description,
	// Add Note has its own Options (the common ones plus Note Key), named the same.
	commonOptionsProperty({ hide: { operation: ['addNote'] } }),
];
