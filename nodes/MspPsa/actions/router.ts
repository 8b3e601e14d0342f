import type { OperationTable } from '../../shared';
import { operationRouter } from '../../shared';

import * as company from './company';
import * as configuration from './configuration';
import * as ticket from './ticket';

/** resource -> operation -> execute; nothing else happens here. */
const OPERATIONS: OperationTable = {
	ticket: {
		create: ticket.create.execute,
		findOrCreate: ticket.findOrCreate.execute,
		get: ticket.get.execute,
		search: ticket.search.execute,
		update: ticket.update.execute,
		addNote: ticket.addNote.execute,
		findNote: ticket.findNote.execute,
		addTimeEntry: ticket.addTimeEntry.execute,
		close: ticket.close.execute,
		reopen: ticket.reopen.execute,
	},
	company: { get: company.get.execute, search: company.search.execute },
	configuration: { find: configuration.find.execute, attach: configuration.attach.execute },
};

export const router = operationRouter(OPERATIONS);
