import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { deviceLocator, deviceName, optionsProperty, out, resolveDevice, setup } from '../common';
import { readStatuses, statusField } from './statuses';

const show = { resource: ['patch'], operation: ['list'] };

export const description: INodeProperties[] = [
	deviceLocator(show),
	statusField(show, ['pending', 'approved', 'failed']),
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const statuses = readStatuses(this, i);
		const device = await resolveDevice(this, provider, i);
		const patches = (await provider.listPatches(device.id)).filter((p) =>
			statuses.includes(p.status),
		);
		return patches.map((p) => ({
			...out(p, options.includeRaw),
			...deviceName(device),
		})) as IDataObject[];
	});
}
