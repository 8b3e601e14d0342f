import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TicketFilter } from '../../providers/types';
import { locator, out, pagingFields, perItem, readPaging, refFrom } from '../common';
import { companyIdOf, readCompany } from '../company/resolve';
import { readFields } from './fields';

const show = { resource: ['ticket'], operation: ['search'] };
const STATES: ReadonlyArray<TicketFilter['state']> = ['open', 'closed', 'any'];

export const description: INodeProperties[] = [
	...pagingFields('ticket', ['search']),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			locator('Board / Queue', 'board', 'searchBoards'),
			locator('Company', 'company', 'searchCompanies'),
			{
				displayName: 'State',
				name: 'state',
				type: 'options',
				default: 'open',
				options: [
					{ name: 'Open', value: 'open' },
					{ name: 'Closed', value: 'closed' },
					{ name: 'Any', value: 'any' },
				],
			},
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				default: '',
				description:
					'Text the summary contains (Halo also searches the details; Autotask also matches the ticket number)',
			},
			{ displayName: 'Updated Since', name: 'updatedSince', type: 'dateTime', default: '' },
		],
	},
];

function filterFrom(
	ctx: IExecuteFunctions,
	fields: Record<string, unknown>,
	itemIndex: number,
): TicketFilter {
	const updatedSince =
		typeof fields.updatedSince === 'string' && fields.updatedSince
			? fields.updatedSince
			: undefined;
	if (updatedSince && Number.isNaN(Date.parse(updatedSince))) {
		throw new NodeOperationError(ctx.getNode(), `Updated Since is not a date: "${updatedSince}"`, {
			itemIndex,
			description: 'Use an ISO 8601 date such as 2026-11-01T00:00:00Z',
		});
	}
	const state = fields.state ?? 'open';
	if (!STATES.includes(state as TicketFilter['state']))
		throw new NodeOperationError(
			ctx.getNode(),
			`State must be open, closed or any, got ${JSON.stringify(state)}`,
			{
				itemIndex,
			},
		);
	return {
		state: state as TicketFilter['state'],
		board: refFrom(fields.board),
		text: typeof fields.text === 'string' && fields.text ? fields.text : undefined,
		updatedSince,
	};
}

/**
 * Every filter and the Limit are checked before any request; a Company given By Name is then looked
 * up, and the search runs for that company only (never for every client).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const fields = readFields(this, 'filters', itemIndex);
		const company = readCompany(provider, fields.company, 'Company');
		const filter = filterFrom(this, fields, itemIndex);
		const paging = readPaging(this, itemIndex);
		if (company)
			filter.companyId = await companyIdOf(this, provider, company, 'Company', itemIndex);
		const tickets = await provider.searchTickets(filter, paging);
		return tickets.map((ticket) => out(ticket, includeRaw));
	});
}
