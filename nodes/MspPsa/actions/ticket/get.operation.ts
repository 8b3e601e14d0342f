import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, ticketIdFrom } from '../common';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		return out(await provider.getTicket(id), includeRaw);
	});
}
