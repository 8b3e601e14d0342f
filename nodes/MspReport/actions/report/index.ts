import type { INodeProperties } from 'n8n-workflow';

import * as build from './build.operation';
import * as publish from './publish.operation';

export { build, publish };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['report'] } },
		options: [
			{
				name: 'Build',
				value: 'build',
				description:
					'Aggregate all incoming evidence into one report per client (JSON, HTML, Markdown, CSV)',
				action: 'Build a compliance report',
			},
			{
				name: 'Publish',
				value: 'publish',
				description:
					'Upsert the report article and the status tile of each client in the documentation platform',
				action: 'Publish a compliance report',
			},
		],
		default: 'build',
	},
	...build.description,
	...publish.description,
];
