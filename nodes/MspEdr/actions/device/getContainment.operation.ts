import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import { asData, deviceRefOf, executionProvider } from '../context';

export const description: INodeProperties[] = [];

/** A hostname that matches several devices is an error listing them; by ID reads exactly that device. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const provider = executionProvider(this);
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const device = await provider.getDevice(deviceRefOf(this, i, provider));
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
