import type { INodeProperties } from 'n8n-workflow';

import { deviceProperty } from '../common.descriptions';
import * as get from './get.operation';
import * as getContainment from './getContainment.operation';

export { get, getContainment };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['device'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a device' },
			{
				name: 'Get Containment State',
				value: 'getContainment',
				action: 'Get the containment state of a device',
				description: 'Isolated, pending isolation, released or pending release',
			},
		],
		default: 'get',
	},
	deviceProperty({ resource: ['device'] }),
];
