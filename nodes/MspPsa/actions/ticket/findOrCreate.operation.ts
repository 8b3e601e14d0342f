import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import type { FindOrCreateResult, Ticket } from '../../../shared';
import { findOrCreateConverged, KeyedQueue, writeVerified } from '../../../shared';
import type { NewTicket, PsaProvider } from '../../providers/types';

import { out, perItem, requireText } from '../common';
import { newTicket } from './create.operation';
import { readFields } from './fields';

/** Fields are shared with Create (see create.operation.ts). */
export const description: INodeProperties[] = [];

/**
 * Looks the ticket up by its external reference within the company first and creates it only
 * when none exists, so a rerun of the workflow never opens a duplicate.
 *
 * Items of one execution with the same company and reference take turns (the rest run at the
 * node's Concurrency), so the second finds the ticket the first opened. Executions running at
 * the same moment (two schedule ticks, two queue-mode workers) cannot take turns: after creating,
 * the reference is read back, the oldest open ticket with it is kept, newer ones are closed as
 * duplicates with a note naming it, and the kept ticket is returned (see nodes/shared/converge.ts).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const turns = new KeyedQueue();
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const reference = requireText(
			this,
			this.getNodeParameter('externalReference', itemIndex, ''),
			'External Reference',
			itemIndex,
		);
		// The company is resolved (By Name looked up) by the helper Create uses, before the search.
		const input = { ...(await newTicket(this, provider, itemIndex)), externalReference: reference };
		const fields = readFields(this, 'additionalFields', itemIndex);
		const includeClosed = fields.includeClosed === true;
		const missLookBack = readMissLookBack(this, fields.missLookBack, itemIndex);
		const result = await turns.run(
			`${input.companyId}\n${reference}`,
			async () =>
				await findOrCreateTicket(provider, input, reference, { includeClosed, missLookBack }),
		);
		const output: IDataObject = {
			...out(result.record, includeRaw),
			created: result.created,
			// Ids this item closed as duplicates of the returned ticket; [] unless a run raced this one.
			duplicatesClosed: result.duplicates,
		};
		return output;
	});
}

/** The vendor-neutral steps of converging on one ticket; every vendor detail stays in the provider. */
async function findOrCreateTicket(
	provider: PsaProvider,
	input: NewTicket,
	reference: string,
	{ includeClosed, missLookBack }: { includeClosed: boolean; missLookBack?: number },
): Promise<FindOrCreateResult<Ticket>> {
	return await findOrCreateConverged<Ticket>({
		find: async () =>
			await provider.findTicketByReference(reference, input.companyId, includeClosed, missLookBack),
		// A create whose answer was lost is found again by its reference instead of being sent twice.
		create: async () =>
			await writeVerified(
				async () => await provider.createTicket(input),
				async () => await provider.findTicketByReference(reference, input.companyId, true),
			),
		readBack: async () => await provider.listOpenTicketsByReference(reference, input.companyId),
		// Close, its status choice and its resolution note are the provider's, as for the Close operation.
		retire: async (duplicate, kept) => {
			await provider.closeTicket(duplicate.id, duplicateNote(kept, reference));
		},
		age: (ticket) => ({ id: ticket.id, createdAt: ticket.createdAt }),
	});
}

/** Tickets Read When the Search Misses: a whole number, 0 or more (0: every ticket); unset keeps the provider's default. */
function readMissLookBack(
	ctx: IExecuteFunctions,
	given: unknown,
	itemIndex: number,
): number | undefined {
	if (given === undefined || given === null || given === '') return undefined;
	const count = typeof given === 'number' ? given : Number.NaN;
	if (!Number.isInteger(count) || count < 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Tickets Read When the Search Misses must be a whole number, 0 or more, not ${JSON.stringify(given)}`,
			{
				itemIndex,
				description:
					'Use 100 (one page, the default), a larger number, or 0 to read every ticket of the company.',
			},
		);
	}
	return count;
}

/** The resolution note of a ticket closed as a duplicate: it names the ticket work goes on in. */
function duplicateNote(kept: Ticket, reference: string): string {
	const number = kept.number ?? kept.id;
	return `Closed as a duplicate of ticket #${number}: it was opened at the same moment for the same external reference (${reference}). Work continues on ticket #${number}.`;
}
