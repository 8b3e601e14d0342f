import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { commonOptionsProperty, waitOptionFields } from '../../../shared';
import { deviceProperty } from '../common.descriptions';
import { executeContainment } from './execute';

const show = { resource: ['containment'] };

export const isolate = {
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await executeContainment(this, 'isolate');
	},
};

export const release = {
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await executeContainment(this, 'release');
	},
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{
				name: 'Isolate',
				value: 'isolate',
				action: 'Isolate a device from the network',
				description:
					'SentinelOne disconnects many agents per request; Defender isolates one machine per request',
			},
			{ name: 'Release', value: 'release', action: 'Release a device from isolation' },
		],
		default: 'isolate',
	},
	deviceProperty(show),
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		default: '',
		placeholder: 'e.g. Isolated for ransomware alert, ticket #4711',
		description:
			'Reason recorded with the action (Defender requires one; a default is used when empty)',
		displayOptions: { show },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to poll until the device is isolated or released, up to the wait timeout',
		displayOptions: { show },
	},
];

/** Containment options: the shared ones, waiting (Wait for Completion) and the protection list. */
export const containmentOptions: INodeProperties = commonOptionsProperty({ show }, [
	...waitOptionFields,
	{
		displayName: 'Never Isolate (Hostname Patterns)',
		name: 'protectedHostnames',
		type: 'string',
		default: '*-DC*',
		description:
			'Comma-separated hostname patterns (* and ? wildcards) that are refused unless Override Protection is on, for example domain controllers',
	},
	{
		displayName: 'Override Protection',
		name: 'overrideProtection',
		type: 'boolean',
		default: false,
		description: 'Whether to isolate devices on the never-isolate list anyway',
	},
]);
