import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import { asData, deviceRefOf, providerFor } from '../context';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const device = await providerFor(this, i).getDevice(deviceRefOf(this, i));
			return asData(withRaw(device, readCommonOptions(this, i).includeRaw));
		},
	);
}
