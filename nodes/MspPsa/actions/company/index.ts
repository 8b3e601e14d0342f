import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as search from './search.operation';

export { get, search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['company'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a company' },
			{
				name: 'Get Many',
				value: 'search',
				action: 'Get many companies',
				description: 'Companies filtered by name or identifier',
			},
		],
		default: 'get',
	},
	...get.description,
	...search.description,
];
