import type { INodeProperties } from 'n8n-workflow';

import * as attach from './attach.operation';
import * as find from './find.operation';

export { attach, find };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['configuration'] } },
		options: [
			{ name: 'Attach to Ticket', value: 'attach', action: 'Attach a configuration to a ticket' },
			{
				name: 'Get Many',
				value: 'find',
				action: 'Get many configurations',
				description: 'Configurations (assets) with this device name or serial number',
			},
		],
		default: 'find',
	},
	...find.description,
	...attach.description,
];
