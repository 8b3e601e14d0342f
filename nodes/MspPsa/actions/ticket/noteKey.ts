import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TicketNote } from '../../../shared';

/**
 * Longest Note Key: the marker stays one line under the note, and a key built from the longest
 * vendor ids fits (a CrowdStrike Falcon composite alert id is 97 characters, so
 * `approval-answer:<alert id>:<ISO time>` is 138).
 */
export const NOTE_KEY_MAX = 200;

/**
 * The Note Key option as given: trimmed, or undefined when empty. A key that could not be read back
 * exactly from the note text (brackets, line breaks, too long) is refused before any request.
 */
export function readNoteKey(node: INode, value: unknown, itemIndex: number): string | undefined {
	if (value === undefined || value === null) return undefined;
	const key = String(value).trim();
	if (!key) return undefined;
	if (key.length > NOTE_KEY_MAX || /[[\]\r\n\t]/.test(key))
		throw new NodeOperationError(
			node,
			`Note Key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key)} is not valid: use up to ${NOTE_KEY_MAX} characters without brackets or line breaks`,
			{
				itemIndex,
				description:
					'A Note Key names the event the note is about, e.g. timeline:{{ $json.threatId }}; it is written into the note as [n8n:<key>].',
			},
		);
	return key;
}

/** The marker line a keyed note ends with: `[n8n:<key>]`. */
export function noteMarker(key: string): string {
	return `[n8n:${key}]`;
}

/** The note text with its marker as the last line. */
export function withMarker(text: string, key: string): string {
	return `${text.replace(/\s+$/, '')}\n${noteMarker(key)}`;
}

/**
 * The first note carrying the key's marker. The marker is looked for anywhere in the text, so a PSA
 * that reflows line breaks (or a technician who edits the note above it) does not hide it; `[n8n:a]`
 * never matches `[n8n:ab]` because the closing bracket is part of the marker.
 */
export function findMarked<T extends Pick<TicketNote, 'text'>>(
	notes: T[],
	key: string,
): T | undefined {
	const marker = noteMarker(key);
	return notes.find((note) => note.text.includes(marker));
}
