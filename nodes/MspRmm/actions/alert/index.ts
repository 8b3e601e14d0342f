import type { INodeProperties } from 'n8n-workflow';

import * as list from './list.operation';
import * as reset from './reset.operation';

export { list, reset };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['alert'] } },
		options: [
			{
				name: 'List Active',
				value: 'list',
				description: 'Active (triggered) alerts',
				action: 'List active alerts',
			},
			{
				name: 'Reset',
				value: 'reset',
				description: 'Reset an alert (NinjaOne; Automate has no API for it)',
				action: 'Reset an alert',
			},
		],
		default: 'list',
	},
	...list.description,
	...reset.description,
];
