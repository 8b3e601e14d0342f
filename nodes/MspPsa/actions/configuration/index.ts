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
			{ name: 'Find', value: 'find', action: 'Find configurations by device name or serial' },
		],
		default: 'find',
	},
	...find.description,
	...attach.description,
];
