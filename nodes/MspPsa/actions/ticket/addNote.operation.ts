import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { commonOptionsProperty } from '../../../shared';
import { out, perItem, requireText, ticketIdFrom } from '../common';
import { findMarked, NOTE_KEY_MAX, readNoteKey, withMarker } from './noteKey';

const show = { resource: ['ticket'], operation: ['addNote'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Visibility',
		name: 'visibility',
		type: 'options',
		default: 'internal',
		options: [
			{ name: 'Internal', value: 'internal', description: 'Only technicians see it' },
			{
				name: 'Customer-Visible',
				value: 'customer',
				description: 'The customer sees it in the portal and notifications',
			},
		],
		displayOptions: { show },
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'boolean',
		default: false,
		description:
			'Whether the note is the resolution of the ticket (ConnectWise Resolution flag; Halo "Resolution" outcome; on Autotask a note like any other)',
		displayOptions: { show },
	},
	commonOptionsProperty({ show }, [
		{
			displayName: 'Note Key',
			name: 'noteKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. timeline:{{ $json.threatId }}',
			description: `Writes the note once per key: the note ends with the line [n8n:&lt;key&gt;], and when the ticket already has a note with it, nothing is added and that note is returned with added: false (a rerun after a failure). Up to ${NOTE_KEY_MAX} characters, no brackets.`,
		},
	]),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Items with the same ticket and key take turns, so two of them in one run still add one note.
	const turns = new Map<string, Promise<unknown>>();
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const id = ticketIdFrom(this, provider, itemIndex);
		const text = requireText(this, this.getNodeParameter('text', itemIndex, ''), 'Text', itemIndex);
		const internal = this.getNodeParameter('visibility', itemIndex, 'internal') === 'internal';
		const resolution = this.getNodeParameter('resolution', itemIndex, false) === true;
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const key = readNoteKey(this.getNode(), options.noteKey, itemIndex);
		if (!key)
			return {
				...out(await provider.addNote(id, { text, internal, resolution }), includeRaw),
				added: true,
			};

		const turn = `${id}\n${key}`;
		const before = turns.get(turn) ?? Promise.resolve();
		const mine = before
			.catch(() => undefined)
			.then(async () => {
				const existing = findMarked(await provider.listNotes(id), key);
				if (existing) return { ...out(existing, includeRaw), added: false };
				const note = await provider.addNote(id, {
					text: withMarker(text, key),
					internal,
					resolution,
				});
				return { ...out(note, includeRaw), added: true };
			});
		turns.set(turn, mine);
		return await mine;
	});
}
