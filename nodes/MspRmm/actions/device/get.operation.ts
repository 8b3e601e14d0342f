import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { deviceLocator, optionsProperty, out, resolveDevice, setup } from '../common';

const show = { resource: ['device'], operation: ['get'] };

/**
 * By ID or from the list. A hostname is looked up by Get by Hostname, which can narrow it to one
 * client; a Get saved with a hostname (the mode it once had) still runs.
 */
export const description: INodeProperties[] = [
	deviceLocator(show, 'The device in the RMM; to find it by hostname use Get by Hostname', {
		byHostname: false,
	}),
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) =>
		out(await resolveDevice(this, provider, i), options.includeRaw),
	);
}
