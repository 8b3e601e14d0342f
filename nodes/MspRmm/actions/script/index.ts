import type { INodeProperties } from 'n8n-workflow';

import * as result from './getResult.operation';
import * as list from './list.operation';
import * as run from './run.operation';

export const getResult = { execute: result.getResult };
export const waitForCompletion = { execute: result.waitForCompletion };
export { list, run };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['script'] } },
		options: [
			{
				name: 'Get Many',
				value: 'list',
				description: 'Scripts in the RMM library, optionally by name',
				action: 'Get many scripts',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Status, exit code (NinjaOne) and output of a script run',
				action: 'Get a script result',
			},
			{
				name: 'Run',
				value: 'run',
				description: 'Run a script on a device with parameters',
				action: 'Run a script on a device',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Poll a script run until it finishes or the timeout',
				action: 'Wait for a script run',
			},
		],
		default: 'run',
	},
	...result.getResultDescription,
	...list.description,
	...run.description,
	...result.waitDescription,
];
