import type { INodeProperties } from 'n8n-workflow';

import { operationsByProvider } from '../common';

import * as list from './list.operation';
import * as reset from './reset.operation';

export { list, reset };

/** Reset only where the RMM's API can clear an alert (NinjaOne). */
export const description: INodeProperties[] = [
	...operationsByProvider(
		'alert',
		[
			{
				name: 'Get Many',
				value: 'list',
				description: 'Active (triggered) alerts, of one device or all',
				action: 'Get many active alerts',
			},
			{
				name: 'Reset',
				value: 'reset',
				description: 'Reset an alert',
				action: 'Reset an alert',
				needs: 'alertReset',
			},
		],
		'list',
	),
	...list.description,
	...reset.description,
];
