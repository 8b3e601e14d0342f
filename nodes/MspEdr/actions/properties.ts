import type { INodeProperties } from 'n8n-workflow';

import { commonOptionsProperty, waitOptionFieldsWhileWaiting } from '../../shared';
import { providerProperty } from './common.descriptions';
import * as containment from './containment';
import * as device from './device';
import * as mitigation from './mitigation';
import * as threat from './threat';

/** Every parameter of the node: provider first, then resource, operations and their fields. */
export const edrProperties: INodeProperties[] = [
	providerProperty,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Containment', value: 'containment' },
			{ name: 'Device', value: 'device' },
			{ name: 'Mitigation', value: 'mitigation' },
			{ name: 'Threat', value: 'threat' },
		],
		default: 'threat',
	},
	...threat.description,
	...device.description,
	...containment.description,
	...mitigation.description,
	containment.containmentOptions,
	commonOptionsProperty({ show: { resource: ['threat', 'device'] } }),
	// Run Mitigation can wait for the action to finish; its wait fields show while it does.
	commonOptionsProperty({ show: { resource: ['mitigation'] } }, waitOptionFieldsWhileWaiting),
];
