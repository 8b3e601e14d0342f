import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { out, perItem, ticketIdFrom } from '../common';

const show = { resource: ['ticket'], operation: ['addTimeEntry'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Hours',
		name: 'hours',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		required: true,
		default: 0.25,
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'timeFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Billable', name: 'billable', type: 'boolean', default: true },
			{
				displayName: 'Member',
				name: 'member',
				type: 'string',
				default: '',
				description:
					'ConnectWise member identifier or Autotask resource (ID or user name) to log the time for; the API user when empty (Halo logs the API agent)',
			},
			{
				displayName: 'Notes',
				name: 'notes',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
			},
			{
				displayName: 'Started At',
				name: 'startedAt',
				type: 'dateTime',
				default: '',
				description: 'When the work started; now minus the hours when empty',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		const hours = Number(this.getNodeParameter('hours', itemIndex, 0));
		if (!Number.isFinite(hours) || hours <= 0 || hours > 24) {
			throw new NodeOperationError(
				this.getNode(),
				`Hours must be more than 0 and at most 24, got ${String(hours)}`,
				{ itemIndex },
			);
		}
		const fields = this.getNodeParameter('timeFields', itemIndex, {}) as Record<string, unknown>;
		const given =
			typeof fields.startedAt === 'string' && fields.startedAt
				? Date.parse(fields.startedAt)
				: undefined;
		if (given !== undefined && Number.isNaN(given))
			throw new NodeOperationError(
				this.getNode(),
				`Started At is not a date: "${String(fields.startedAt)}"`,
				{ itemIndex },
			);
		const startedAt = new Date(given ?? Date.now() - hours * 3_600_000).toISOString();
		const entry = await provider.addTimeEntry(id, {
			hours,
			startedAt,
			notes: typeof fields.notes === 'string' && fields.notes ? fields.notes : undefined,
			billable: fields.billable !== false,
			member: typeof fields.member === 'string' && fields.member ? fields.member : undefined,
		});
		return out(entry, includeRaw);
	});
}
