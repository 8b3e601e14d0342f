import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { NewTicket, PsaProvider } from '../../providers/types';
import { locator, out, perItem, requireText } from '../common';
import { companyIdOf, requireCompany } from '../company/resolve';
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
		placeholder: 'e.g. edr-device:{{ $json.deviceId }}',
		description:
			'A stable key for what the ticket is about, with a prefix naming the kind: the device of a threat or alert (deviceId in MSP EDR and MSP RMM output), or the threat itself (its ID, as the threat-response template does). A ticket with this reference is reused instead of creating a duplicate.',
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
					'ID of the alert or device the ticket is about (ConnectWise externalXRef, Halo third-party ID, Autotask external ID)',
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
			{
				displayName: 'Tickets Read When the Search Misses',
				name: 'missLookBack',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 100,
				description:
					"How many of the company's newest tickets to look through for the reference when Halo's search does not find it (0: every ticket). Halo's search finds the reference line this node writes into a ticket's details; raise this when tickets got their reference from another tool.",
				displayOptions: { show: { '/operation': ['findOrCreate'], '/provider': ['halo'] } },
			},
			...ticketFieldOptions(),
		],
	},
];

/**
 * Builds the ticket from the parameters. Summary and company are checked before any request; a
 * company given By Name is then looked up, so the ticket is opened for exactly that client.
 * Create and Find or Create share it.
 */
export async function newTicket(
	ctx: IExecuteFunctions,
	provider: PsaProvider,
	itemIndex: number,
): Promise<NewTicket> {
	const summary = fitSummary(
		ctx,
		provider,
		requireText(ctx, ctx.getNodeParameter('summary', itemIndex, ''), 'Summary', itemIndex),
	);
	const company = requireCompany(
		ctx,
		provider,
		ctx.getNodeParameter('company', itemIndex, ''),
		'Company',
		itemIndex,
	);
	const fields = readFields(ctx, 'additionalFields', itemIndex);
	return {
		summary,
		companyId: await companyIdOf(ctx, provider, company, 'Company', itemIndex),
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
		const ticket = await provider.createTicket(await newTicket(this, provider, itemIndex));
		return out(ticket, includeRaw);
	});
}
