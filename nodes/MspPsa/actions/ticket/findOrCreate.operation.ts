import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeVerified } from '../../../shared';

import { out, perItem, requireText } from '../common';
import { newTicket } from './create.operation';
import { readFields } from './fields';

/** Fields are shared with Create (see create.operation.ts). */
export const description: INodeProperties[] = [];

/**
 * Looks the ticket up by its external reference within the company first and creates it only
 * when none exists, so a rerun of the workflow never opens a duplicate.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const reference = requireText(
			this,
			this.getNodeParameter('externalReference', itemIndex, ''),
			'External Reference',
			itemIndex,
		);
		const input = { ...newTicket(this, provider, itemIndex), externalReference: reference };
		const includeClosed = readFields(this, 'additionalFields', itemIndex).includeClosed === true;
		const found = await provider.findTicketByReference(reference, input.companyId, includeClosed);
		if (found) return { ...out(found, includeRaw), created: false };
		// A create whose answer was lost is found again by its reference instead of being sent twice.
		const created = await writeVerified(
			async () => await provider.createTicket(input),
			async () => await provider.findTicketByReference(reference, input.companyId, true),
		);
		return { ...out(created, includeRaw), created: true };
	});
}
