import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { checkedId, companyIdOf, companyLocator, optionsProperty, out, setup } from '../common';

const show = { resource: ['alert'], operation: ['list'] };

export const description: INodeProperties[] = [
	companyLocator(show),
	{
		displayName: 'Device ID',
		name: 'deviceId',
		type: 'string',
		default: '',
		description: 'Only alerts of this device; leave empty for all',
		displayOptions: { show },
	},
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const companyId = companyIdOf(this, provider, i);
		const given = String(this.getNodeParameter('deviceId', i, '') ?? '').trim();
		const deviceId = given ? checkedId(this, provider, 'device', 'Device ID', given, i) : undefined;
		return (await provider.listAlerts({ companyId, deviceId })).map((a) =>
			out(a, options.includeRaw),
		) as IDataObject[];
	});
}
