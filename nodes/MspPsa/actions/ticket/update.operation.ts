import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { out, perItem, requireText, ticketIdFrom } from '../common';
import { changesFrom, fitSummary, readFields, ticketFieldOptions } from './fields';

export const description: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['ticket'], operation: ['update'] } },
		options: [
			...ticketFieldOptions(),
			{ displayName: 'Summary', name: 'summary', type: 'string', default: '' },
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		const fields = readFields(this, 'updateFields', itemIndex);
		const changes = changesFrom(fields);
		if (typeof fields.summary === 'string') {
			changes.summary = fitSummary(
				this,
				provider,
				requireText(this, fields.summary, 'Summary', itemIndex),
			);
		}
		if (!changes.summary && !changes.board && !changes.status && !changes.priority) {
			throw new NodeOperationError(this.getNode(), 'Nothing to update', {
				itemIndex,
				description:
					'Add at least one of Summary, Board / Queue, Status or Priority under Update Fields.',
			});
		}
		return out(await provider.updateTicket(id, changes), includeRaw);
	});
}
