import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as company from './company';
import * as configuration from './configuration';
import * as ticket from './ticket';

type Execute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

/** resource -> operation -> execute; nothing else happens here. */
const OPERATIONS: Record<string, Record<string, Execute>> = {
	ticket: {
		create: ticket.create.execute,
		findOrCreate: ticket.findOrCreate.execute,
		get: ticket.get.execute,
		search: ticket.search.execute,
		update: ticket.update.execute,
		addNote: ticket.addNote.execute,
		addTimeEntry: ticket.addTimeEntry.execute,
		close: ticket.close.execute,
		reopen: ticket.reopen.execute,
	},
	company: { get: company.get.execute, search: company.search.execute },
	configuration: { find: configuration.find.execute, attach: configuration.attach.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for resource "${resource}"`);
	}
	return [await execute.call(this)];
}
