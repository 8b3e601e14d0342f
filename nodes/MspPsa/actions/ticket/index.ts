import type { INodeProperties } from 'n8n-workflow';

import { ticketIdField } from '../common';
import * as addNote from './addNote.operation';
import * as addTimeEntry from './addTimeEntry.operation';
import * as close from './close.operation';
import * as create from './create.operation';
import * as findNote from './findNote.operation';
import * as findOrCreate from './findOrCreate.operation';
import * as get from './get.operation';
import * as reopen from './reopen.operation';
import * as search from './search.operation';
import * as update from './update.operation';

export {
	addNote,
	addTimeEntry,
	close,
	create,
	findNote,
	findOrCreate,
	get,
	reopen,
	search,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['ticket'] } },
		options: [
			{
				name: 'Add Note',
				value: 'addNote',
				action: 'Add a note to a ticket',
				description: 'Add an internal or customer-visible note',
			},
			{ name: 'Add Time Entry', value: 'addTimeEntry', action: 'Add a time entry to a ticket' },
			{
				name: 'Close',
				value: 'close',
				action: 'Close a ticket',
				description: 'Close with a resolution note',
			},
			{ name: 'Create', value: 'create', action: 'Create a ticket' },
			{
				name: 'Find Note',
				value: 'findNote',
				action: 'Find a note on a ticket by its key',
				description: 'Read whether an event was already recorded (a note added with a Note Key)',
			},
			{
				name: 'Find or Create',
				value: 'findOrCreate',
				action: 'Find or create a ticket by external reference',
				description: 'Reuse the ticket for the same alert or device instead of opening a duplicate',
			},
			{ name: 'Get', value: 'get', action: 'Get a ticket' },
			{
				name: 'Get Many',
				value: 'search',
				action: 'Get many tickets',
				description: 'Tickets filtered by state, company, board, text or last update',
			},
			{ name: 'Reopen', value: 'reopen', action: 'Reopen a ticket' },
			{
				name: 'Update',
				value: 'update',
				action: 'Update a ticket',
				description: 'Change summary, priority, status or board',
			},
		],
		default: 'findOrCreate',
	},
	ticketIdField(['get', 'update', 'addNote', 'findNote', 'addTimeEntry', 'close', 'reopen']),
	...create.description,
	...findOrCreate.description,
	...get.description,
	...search.description,
	...update.description,
	...addNote.description,
	...findNote.description,
	...addTimeEntry.description,
	...close.description,
	...reopen.description,
];
