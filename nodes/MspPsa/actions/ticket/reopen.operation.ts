import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { locator, out, perItem, refFrom, requireText } from '../common';

export const description: INodeProperties[] = [
	locator('Status', 'reopenStatus', 'searchStatuses', {
		description:
			"Open status to move the ticket to; empty uses the board's default (ConnectWise) or the first open status (Halo)",
		displayOptions: { show: { resource: ['ticket'], operation: ['reopen'] } },
	}),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = requireText(
			this,
			this.getNodeParameter('ticketId', itemIndex, ''),
			'Ticket ID',
			itemIndex,
		);
		return out(
			await provider.reopenTicket(
				id,
				refFrom(this.getNodeParameter('reopenStatus', itemIndex, '')),
			),
			includeRaw,
		);
	});
}
