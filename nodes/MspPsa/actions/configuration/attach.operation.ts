import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, requireText, ticketIdField } from '../common';

export const description: INodeProperties[] = [
	ticketIdField(['attach'], 'configuration'),
	{
		displayName: 'Configuration ID',
		name: 'configurationId',
		type: 'string',
		required: true,
		default: '',
		description: 'ConnectWise configuration or Halo asset ID, e.g. from Find',
		displayOptions: { show: { resource: ['configuration'], operation: ['attach'] } },
	},
];

/** Links the configuration to the ticket; attaching it again is a no-op that says so. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const ticketId = requireText(
			this,
			this.getNodeParameter('ticketId', itemIndex, ''),
			'Ticket ID',
			itemIndex,
		);
		const configurationId = requireText(
			this,
			this.getNodeParameter('configurationId', itemIndex, ''),
			'Configuration ID',
			itemIndex,
		);
		const { configuration, attached } = await provider.attachConfiguration(
			ticketId,
			configurationId,
		);
		return {
			ticketId,
			attached,
			alreadyAttached: !attached,
			configuration: out(configuration, includeRaw),
		};
	});
}
