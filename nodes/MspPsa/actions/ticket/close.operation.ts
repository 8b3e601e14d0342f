import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, requireText } from '../common';

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
];

/**
 * Moves the ticket to the closed status found the vendor's way (ConnectWise: the board's active
 * status with Closed Status ticked; Halo: the status named Closed). A closed ticket is left as is.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = requireText(
			this,
			this.getNodeParameter('ticketId', itemIndex, ''),
			'Ticket ID',
			itemIndex,
		);
		const resolution = String(this.getNodeParameter('resolution', itemIndex, '') ?? '').trim();
		return out(await provider.closeTicket(id, resolution), includeRaw);
	});
}
