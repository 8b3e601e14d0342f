import type { INodeProperties } from 'n8n-workflow';

import * as build from './build.operation';

export { build };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['evidence'] } },
		options: [
			{
				name: 'Build',
				value: 'build',
				description: 'Map the incoming item into a validated evidence record',
				action: 'Build an evidence record',
			},
		],
		default: 'build',
	},
	...build.description,
];
