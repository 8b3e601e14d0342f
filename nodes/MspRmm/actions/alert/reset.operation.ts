import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { optionsProperty, setup } from '../common';

const show = { resource: ['alert'], operation: ['reset'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Alert ID',
		name: 'alertId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { show },
	},
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const alertId = String(this.getNodeParameter('alertId', i, '') ?? '').trim();
		if (!alertId)
			throw new NodeOperationError(this.getNode(), 'Alert ID is empty', { itemIndex: i });
		await provider.resetAlert(alertId);
		return { id: alertId, reset: true };
	});
}
