import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { locator, out, perItem, refFrom, ticketIdFrom } from '../common';

export const description: INodeProperties[] = [
	locator('Status', 'reopenStatus', 'searchReopenStatuses', {
		description:
			"Open status to move the ticket to; empty uses the board's default (ConnectWise), the first open status (Halo) or the status picklist's default, New (Autotask). The list shows the statuses of the ticket's board when the Ticket ID is a plain number.",
		displayOptions: { show: { resource: ['ticket'], operation: ['reopen'] } },
	}),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		return out(
			await provider.reopenTicket(
				id,
				refFrom(this.getNodeParameter('reopenStatus', itemIndex, '')),
			),
			includeRaw,
		);
	});
}
