import type { INodeProperties } from 'n8n-workflow';

import { threatIdProperty } from '../common.descriptions';
import * as run from './run.operation';

export { run };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['mitigation'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				action: 'Run a mitigation action on a threat',
				description:
					'SentinelOne kill, quarantine, remediate or rollback; Defender stop and quarantine file or antivirus scan',
			},
		],
		default: 'run',
	},
	threatIdProperty(['run']),
	...run.description,
];
