import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getByHostname from './getByHostname.operation';
import * as search from './search.operation';

export { get, getByHostname, search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['device'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a device by its ID or from the list',
				action: 'Get a device',
			},
			{
				name: 'Get by Hostname',
				value: 'getByHostname',
				description: 'Find the one device with this exact hostname',
				action: 'Get a device by hostname',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Search devices by organization, hostname, online state and type',
				action: 'Search devices',
			},
		],
		default: 'get',
	},
	...get.description,
	...getByHostname.description,
	...search.description,
];
