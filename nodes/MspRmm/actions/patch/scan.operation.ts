import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import {
	deviceLocator,
	deviceName,
	failIfOfflineField,
	offlineResult,
	optionsProperty,
	resolveDevice,
	setup,
} from '../common';

const show = { resource: ['patch'], operation: ['scan'] };

export const description: INodeProperties[] = [
	deviceLocator(show),
	{ ...failIfOfflineField, displayOptions: { show } },
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const device = await resolveDevice(this, provider, i);
		if (device.online === false) return offlineResult(this, device, i, 'scan for patches');
		await provider.scanPatches(device.id);
		return { deviceId: device.id, ...deviceName(device), status: 'requested' };
	});
}
