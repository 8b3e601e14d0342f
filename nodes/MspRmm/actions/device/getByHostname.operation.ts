import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { clientOptionField, deviceByHostname, optionsProperty, out, setup } from '../common';

const show = { resource: ['device'], operation: ['getByHostname'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Hostname',
		name: 'hostname',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'NWL-WS03',
		description:
			'Exact hostname, not case-sensitive. Several devices with this name is an error that lists them; set Options > Client to look in one client only.',
		displayOptions: { show },
	},
	optionsProperty(show, [clientOptionField]),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const hostname = String(this.getNodeParameter('hostname', i, '')).trim();
		if (!hostname)
			throw new NodeOperationError(this.getNode(), 'Hostname is empty', { itemIndex: i });
		// Read per item: each item may name its own client (an expression on the EDR's site or group).
		const { client } = this.getNodeParameter('options', i, {}) as IDataObject;
		const wanted = client === undefined || client === null ? '' : String(client).trim();
		return out(
			await deviceByHostname(this, provider, hostname, i, wanted || undefined),
			options.includeRaw,
		);
	});
}
