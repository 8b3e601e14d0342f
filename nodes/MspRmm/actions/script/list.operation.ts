import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { optionsProperty, out, setup } from '../common';

const show = { resource: ['script'], operation: ['list'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name Contains',
		name: 'nameFilter',
		type: 'string',
		default: '',
		displayOptions: { show },
	},
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const filter = String(this.getNodeParameter('nameFilter', i, '')).trim() || undefined;
		return (await provider.listScripts(filter)).map((s) =>
			out(s, options.includeRaw),
		) as IDataObject[];
	});
}
