import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Choice, Ref } from './types';

/** What a Ref points at after resolving it against the vendor's list. */
export interface Named {
	id: string;
	name: string;
}

function sameName(a: string, b: string): boolean {
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Finds a board, status, priority... by id or by name. An unknown one is rejected before any
 * write, listing the valid names so the user can fix the parameter; a name that several records
 * carry is rejected too, listing each with its id.
 */
export function resolveRef(
	node: INode,
	kind: string,
	ref: Ref,
	choices: Named[],
	scope?: string,
): Named {
	const where = scope ? ` on ${scope}` : '';
	if (!ref.id) {
		const named = choices.filter((choice) => sameName(choice.name, ref.name ?? ''));
		const ids = new Set(named.map((choice) => choice.id));
		if (ids.size > 1) {
			const listed = [...ids].map((id) => named.find((choice) => choice.id === id) as Named);
			throw new NodeOperationError(
				node,
				`${kind[0].toUpperCase()}${kind.slice(1)} "${ref.name ?? ''}"${where} matches ${ids.size}: ${listed.map((c) => `${c.name.trim()} (id ${c.id})`).join(', ')}`,
				{ description: `Nothing was changed. Give the ${kind} by id to choose one of them.` },
			);
		}
	}
	const match = ref.id
		? choices.find((choice) => choice.id === String(ref.id).trim())
		: choices.find((choice) => sameName(choice.name, ref.name ?? ''));
	if (match) return match;
	const given = ref.id ? `id ${ref.id}` : `"${ref.name ?? ''}"`;
	const valid = choices.map((choice) => choice.name).join(', ') || '(none)';
	throw new NodeOperationError(node, `Unknown ${kind} ${given}${where}`, {
		description: `Valid ${kind} names${where}: ${valid}`,
	});
}

/** Largest record id: ConnectWise PSA and HaloPSA ids are int32 in their specs. */
export const INT32_MAX = 2_147_483_647;

/**
 * A record id the user gave, checked against an int32 id type before any request: decimal digits
 * only, 1 to 2147483647, outer whitespace ignored. `Number()` would read `0x10` as 16 and `1e3` as
 * 1000 and act on another record, so nothing but digits is accepted.
 */
export function int32Id(node: INode, field: string, id: string, vendor: string): number {
	const text = id.trim();
	const value = /^\d+$/.test(text) ? Number(text) : NaN;
	if (value >= 1 && value <= INT32_MAX) return value;
	const article = /^[aeiou]/i.test(vendor) ? 'an' : 'a';
	throw new NodeOperationError(
		node,
		`${field} must be ${article} ${vendor} id, got ${JSON.stringify(id)}`,
		{
			description: `${field} takes a whole number written in decimal digits only, from 1 to ${INT32_MAX} (no signs, decimals, exponents, hex or spaces), e.g. 5001.`,
		},
	);
}

export function hasRef(ref: Ref | undefined): ref is Ref {
	return Boolean(ref && ((ref.id && String(ref.id).trim()) || (ref.name && ref.name.trim())));
}

export function toChoices(items: Named[]): Choice[] {
	return items.map((item) => ({ name: item.name, value: item.id }));
}

/** Caches one promise per key for the lifetime of a provider (one execution). */
export class Memo {
	private readonly entries = new Map<string, Promise<unknown>>();

	get<T>(key: string, load: () => Promise<T>): Promise<T> {
		let entry = this.entries.get(key) as Promise<T> | undefined;
		if (!entry) {
			entry = load();
			this.entries.set(key, entry);
			// A failed lookup is not cached: the next item tries again.
			entry.catch(() => this.entries.delete(key));
		}
		return entry;
	}
}

/**
 * A reference that fits a vendor field of `max` characters: itself when it fits, otherwise its
 * start, `~` and 14 hex digits of a hash of the whole reference. The same reference always gives
 * the same value, so Find or Create finds the ticket it opened; long references that share their
 * start (CrowdStrike Falcon's composite alert ids of one host do) still differ.
 */
export function fitReference(reference: string, max: number): string {
	if (reference.length <= max) return reference;
	const digest = cyrb53(reference).toString(16).padStart(14, '0');
	return `${reference.slice(0, max - digest.length - 1)}~${digest}`;
}

/** A 53-bit string hash (cyrb53): stable across runs and hosts, no dependency. */
function cyrb53(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
