import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { commonOptionsProperty } from '../../shared';
import { credentialPerProvider } from '../../shared/actions/providerCredentials';
import { CREDENTIAL_OF, PROVIDER_OPTIONS } from '../providers';
import * as company from './company';
import * as configuration from './configuration';
import * as ticket from './ticket';

/** Each provider's credential, offered only while that provider is chosen. */
export const credentials: INodeCredentialDescription[] = credentialPerProvider(CREDENTIAL_OF);

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
				description: 'ConnectWise configuration, Halo asset or Autotask configuration item',
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
