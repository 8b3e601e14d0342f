import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { commonOptionsProperty, waitOptionFieldsWhileWaiting } from '../../../shared';
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
			'Reason recorded with the action, per item (Defender records it on each machine action; SentinelOne network quarantine takes no comment). A default is used when empty.',
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

/**
 * Containment options: the shared ones, waiting (only while Wait for Completion is on) and
 * protection. All read per item.
 */
export const containmentOptions: INodeProperties = commonOptionsProperty({ show }, [
	...waitOptionFieldsWhileWaiting,
	{
		displayName: 'Known Device Role',
		name: 'deviceRole',
		type: 'string',
		default: '',
		placeholder: "e.g. {{ $('MSP RMM').item.json.type }}",
		description:
			'The role you know from elsewhere (e.g. the type of the device in MSP RMM): workstation, server or domainController (also "domain controller" or "dc"); empty means unknown. The stronger of this and the role the EDR reports decides protection.',
	},
	{
		displayName: 'Never Isolate (Hostname Patterns)',
		name: 'protectedHostnames',
		type: 'string',
		default: '*-DC*',
		description:
			'Comma-separated hostname patterns (* and ? wildcards) that are refused unless Override Protection is on. Empty means no name patterns; Protected Roles still apply.',
	},
	{
		displayName: 'Override Protection',
		name: 'overrideProtection',
		type: 'boolean',
		default: false,
		description:
			'Whether to isolate protected devices (Protected Roles, never-isolate hostnames) anyway',
	},
	{
		displayName: 'Protected Roles',
		name: 'protectedRoles',
		type: 'multiOptions',
		options: [
			{ name: 'Domain Controller', value: 'domainController' },
			{ name: 'Server', value: 'server' },
		],
		default: ['server', 'domainController'],
		description:
			'Devices with these roles are refused for Isolate unless Override Protection is on. The role comes from the EDR (SentinelOne machine type, Defender OS platform) or Known Device Role, whichever is stronger.',
	},
]);
