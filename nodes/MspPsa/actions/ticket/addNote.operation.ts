import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, perItem, requireText } from '../common';

const show = { resource: ['ticket'], operation: ['addNote'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Visibility',
		name: 'visibility',
		type: 'options',
		default: 'internal',
		options: [
			{ name: 'Internal', value: 'internal', description: 'Only technicians see it' },
			{
				name: 'Customer-Visible',
				value: 'customer',
				description: 'The customer sees it in the portal and notifications',
			},
		],
		displayOptions: { show },
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'boolean',
		default: false,
		description:
			'Whether the note is the resolution of the ticket (ConnectWise Resolution flag; Halo "Resolution" outcome)',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = requireText(
			this,
			this.getNodeParameter('ticketId', itemIndex, ''),
			'Ticket ID',
			itemIndex,
		);
		const text = requireText(this, this.getNodeParameter('text', itemIndex, ''), 'Text', itemIndex);
		const internal = this.getNodeParameter('visibility', itemIndex, 'internal') === 'internal';
		const resolution = this.getNodeParameter('resolution', itemIndex, false) === true;
		return out(await provider.addNote(id, { text, internal, resolution }), includeRaw);
	});
}
