import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IDataObject,
} from 'n8n-workflow';

import { runPerItem, withRaw } from '../../../shared';
import { deviceLocator, deviceName, optionsProperty, resolveDevice, setup } from '../common';

const show = { resource: ['patch'], operation: ['getStatus'] };

export const description: INodeProperties[] = [deviceLocator(show), optionsProperty(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const device = await resolveDevice(this, provider, i);
		const state = await provider.patchState(device.id);
		const count = (status: string) => state.patches.filter((p) => p.status === status).length;
		const result: IDataObject = {
			deviceId: device.id,
			...deviceName(device),
			online: device.online ?? null,
			jobRunning: state.jobRunning,
			counts: {
				pending: count('pending'),
				approved: count('approved'),
				failed: count('failed'),
				installed: count('installed'),
				rejected: count('rejected'),
			},
			failed: withRaw(
				state.patches.filter((p) => p.status === 'failed'),
				options.includeRaw,
			) as unknown as IDataObject[],
			approved: withRaw(
				state.patches.filter((p) => p.status === 'approved'),
				options.includeRaw,
			) as unknown as IDataObject[],
		};
		return result;
	});
}
