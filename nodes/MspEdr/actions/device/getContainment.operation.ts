import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import { asData, deviceRefOf, providerFor } from '../context';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const provider = providerFor(this, i);
			const device = await provider.getDevice(deviceRefOf(this, i));
			const containment = await provider.getContainment(device.id);
			return asData(
				withRaw(
					{ ...containment, hostname: device.hostname },
					readCommonOptions(this, i).includeRaw,
				),
			);
		},
	);
}
