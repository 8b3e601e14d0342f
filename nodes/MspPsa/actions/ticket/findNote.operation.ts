import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { out, perItem, ticketIdFrom } from '../common';
import { findMarked, NOTE_KEY_MAX, readNoteKey } from './noteKey';

const show = { resource: ['ticket'], operation: ['findNote'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Note Key',
		name: 'noteKey',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. cleanup:{{ $json.threatId }}',
		description: `The key a note was added with (Add Note > Options > Note Key). Reads only: returns that note with found: true, or found: false when the ticket has none. Up to ${NOTE_KEY_MAX} characters, no brackets.`,
		displayOptions: { show },
	},
];

/** Reads whether an event was already recorded on the ticket, without writing anything. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		const key = readNoteKey(
			this.getNode(),
			this.getNodeParameter('noteKey', itemIndex, ''),
			itemIndex,
		);
		if (!key)
			throw new NodeOperationError(this.getNode(), 'Note Key is empty', {
				itemIndex,
				description: 'Give the key the note was added with, e.g. cleanup:{{ $json.threatId }}',
			});
		const note = findMarked(await provider.listNotes(id), key);
		if (!note) return { found: false, ticketId: id, noteKey: key } as IDataObject;
		return { ...out(note, includeRaw), found: true, noteKey: key };
	});
}
