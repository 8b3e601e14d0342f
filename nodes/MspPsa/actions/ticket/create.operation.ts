import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { NewTicket, PsaProvider } from '../../providers/types';
import { locator, out, perItem, requireRef, requireText } from '../common';
import { changesFrom, fitSummary, readFields, ticketFieldOptions } from './fields';

const show = { resource: ['ticket'], operation: ['create', 'findOrCreate'] };

export const description: INodeProperties[] = [
	locator('Company', 'company', 'searchCompanies', {
		required: true,
		displayOptions: { show },
		description: 'The client the ticket is for',
	}),
	{
		displayName: 'Summary',
		name: 'summary',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'External Reference',
		name: 'externalReference',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ={{ $json.alertId }}',
		description:
			'ID of the alert or device the ticket is about. A ticket with this reference is reused instead of creating a duplicate.',
		displayOptions: { show: { resource: ['ticket'], operation: ['findOrCreate'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
			},
			{
				displayName: 'External Reference',
				name: 'externalReference',
				type: 'string',
				default: '',
				description:
					'ID of the alert or device the ticket is about (ConnectWise externalXRef, Halo third-party ID)',
				displayOptions: { show: { '/operation': ['create'] } },
			},
			{
				displayName: 'Match Closed Tickets',
				name: 'includeClosed',
				type: 'boolean',
				default: false,
				description:
					'Whether a closed ticket with the same reference counts as found (otherwise a new ticket is opened)',
				displayOptions: { show: { '/operation': ['findOrCreate'] } },
			},
			...ticketFieldOptions(),
		],
	},
];

/** Builds the ticket from the parameters; summary and company are checked before any request. */
export function newTicket(
	ctx: IExecuteFunctions,
	provider: PsaProvider,
	itemIndex: number,
): NewTicket {
	const summary = fitSummary(
		ctx,
		provider,
		requireText(ctx, ctx.getNodeParameter('summary', itemIndex, ''), 'Summary', itemIndex),
	);
	const company = requireRef(
		ctx,
		ctx.getNodeParameter('company', itemIndex, ''),
		'Company',
		itemIndex,
	);
	const fields = readFields(ctx, 'additionalFields', itemIndex);
	return {
		summary,
		companyId: requireText(ctx, company.id ?? company.name, 'Company', itemIndex),
		description:
			typeof fields.description === 'string' && fields.description ? fields.description : undefined,
		externalReference:
			typeof fields.externalReference === 'string' && fields.externalReference
				? fields.externalReference
				: undefined,
		...changesFrom(fields),
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const ticket = await provider.createTicket(newTicket(this, provider, itemIndex));
		return out(ticket, includeRaw);
	});
}
