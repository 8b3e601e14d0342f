import type { INodeProperties } from 'n8n-workflow';

export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'CrowdStrike Falcon', value: 'crowdStrike' },
		{ name: 'Huntress', value: 'huntress' },
		{ name: 'Microsoft Defender for Endpoint', value: 'microsoftDefender' },
		{ name: 'SentinelOne', value: 'sentinelOne' },
	],
	default: 'sentinelOne',
	description: 'The EDR product to work with',
};

export const SEVERITY_OPTIONS = [
	{ name: 'Critical', value: 'critical' },
	{ name: 'High', value: 'high' },
	{ name: 'Medium', value: 'medium' },
	{ name: 'Low', value: 'low' },
	{ name: 'Informational', value: 'informational' },
];

export const STATUS_OPTIONS = [
	{ name: 'New', value: 'new' },
	{ name: 'In Progress', value: 'inProgress' },
	{ name: 'Resolved', value: 'resolved' },
];

export function threatIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Threat ID',
		name: 'threatId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 2100000000000007717',
		description:
			'The threat as the EDR numbers it: SentinelOne threat ID, Defender alert ID (da638…_1234567890), Huntress incident report ID or CrowdStrike alert composite ID (CID:ind:…)',
		displayOptions: { show: { resource: ['threat', 'mitigation'], operation: operations } },
	};
}

/** Device by list, hostname or vendor ID. */
export function deviceProperty(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Device',
		name: 'device',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The endpoint, as the EDR knows it',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: {
					searchListMethod: 'searchDevices',
					searchable: true,
					searchFilterRequired: false,
				},
			},
			{
				displayName: 'By Hostname',
				name: 'hostname',
				type: 'string',
				placeholder: 'e.g. BSD-WS02',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'SentinelOne agent, Defender machine, Huntress agent or CrowdStrike host ID',
			},
		],
	};
}
