import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { deviceLocator, optionsProperty, out, resolveDevice, setup } from '../common';

const show = { resource: ['device'], operation: ['get'] };

export const description: INodeProperties[] = [deviceLocator(show), optionsProperty(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) =>
		out(await resolveDevice(this, provider, i), options.includeRaw),
	);
}
