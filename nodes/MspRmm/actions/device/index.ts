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
				description:
					'Get a device by its RMM ID or from the list; to look one up by hostname use Get by Hostname',
				action: 'Get a device',
			},
			{
				name: 'Get by Hostname',
				value: 'getByHostname',
				description:
					'Get the one device with this exact hostname, optionally within one client; several matches is an error that lists them',
				action: 'Get a device by hostname',
			},
			{
				name: 'Get Many',
				value: 'search',
				description: 'Devices filtered by organization, hostname, online state and type',
				action: 'Get many devices',
			},
		],
		default: 'get',
	},
	...get.description,
	...getByHostname.description,
	...search.description,
];
