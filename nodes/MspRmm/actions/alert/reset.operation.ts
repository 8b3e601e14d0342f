import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { checkedId, optionsProperty, setup } from '../common';

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
		// An RMM that cannot reset says so itself; where it can, the id is checked before the request.
		const id = provider.capabilities.alertReset
			? checkedId(this, provider, 'alert', 'Alert ID', alertId, i)
			: alertId;
		await provider.resetAlert(id);
		return { id, reset: true };
	});
}
