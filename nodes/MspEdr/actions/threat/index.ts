import type { INodeProperties } from 'n8n-workflow';

import { threatIdProperty } from '../common.descriptions';
import * as addNote from './addNote.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { addNote, get, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['threat'] } },
		options: [
			{
				name: 'Add Note',
				value: 'addNote',
				action: 'Add a note to a threat',
				description: 'SentinelOne note or Defender alert comment',
			},
			{ name: 'Get', value: 'get', action: 'Get a threat' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many threats' },
			{ name: 'Update', value: 'update', action: 'Update threat status or verdict' },
		],
		default: 'getMany',
	},
	threatIdProperty(['get', 'update', 'addNote']),
	...getMany.description,
	...get.description,
	...update.description,
	...addNote.description,
];
