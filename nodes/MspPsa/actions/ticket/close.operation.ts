import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, refFrom, ticketIdFrom } from '../common';
import { closeStatusField } from './fields';

export const description: INodeProperties[] = [
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description:
			'Resolution note added before the ticket is closed; leave empty to close without a note',
		displayOptions: { show: { resource: ['ticket'], operation: ['close'] } },
	},
	closeStatusField(),
];

/**
 * Moves the ticket to the Close Status, or to the closed status found from the PSA's own status
 * data (ConnectWise: the board's active closed status flagged default, else the first by sort
 * order; Halo: its built-in closed status, whatever the tenant calls it). A closed ticket is left
 * as is unless a different Close Status is chosen.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		// Checked before any request: Halo reads its statuses before the ticket.
		const id = ticketIdFrom(this, provider, itemIndex);
		const resolution = String(this.getNodeParameter('resolution', itemIndex, '') ?? '').trim();
		const status = refFrom(this.getNodeParameter('closeStatus', itemIndex, ''));
		return out(await provider.closeTicket(id, resolution, status), includeRaw);
	});
}
