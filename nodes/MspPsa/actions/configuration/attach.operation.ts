import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, requireId, ticketIdField, ticketIdFrom } from '../common';

export const description: INodeProperties[] = [
	ticketIdField(['attach'], 'configuration'),
	{
		displayName: 'Configuration ID',
		name: 'configurationId',
		type: 'string',
		required: true,
		default: '',
		description:
			'ConnectWise configuration, Halo asset or Autotask configuration item ID, e.g. from Configuration > Get Many',
		displayOptions: { show: { resource: ['configuration'], operation: ['attach'] } },
	},
];

/** Links the configuration to the ticket; attaching it again is a no-op that says so. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const ticketId = ticketIdFrom(this, provider, itemIndex);
		const configurationId = requireId(
			this,
			provider,
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
