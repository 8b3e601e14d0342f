import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Company } from '../../../shared';
import { Memo } from '../../providers/common';
import type { PsaProvider, Ref } from '../../providers/types';
import { refFrom, requireRef } from '../common';

/** Companies named in an error message; the rest are counted. */
const LISTED = 10;

/** Name lookups per execution: the items of one client repeat its name, so each is read once. */
const lookups = new WeakMap<PsaProvider, Memo>();

function sameName(a: string, b: string): boolean {
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * The companies called `name` (whole name, case and outer spaces aside), found with the PSA's own
 * company search, plus the other companies that search returned (for an error that helps). The
 * search is the vendor's loose one (ConnectWise `name contains`, Halo `search`): only whole-name
 * matches count, so "Northwind" never picks "Northwind Logistics".
 */
export async function companiesNamed(
	provider: PsaProvider,
	name: string,
): Promise<{ exact: Company[]; similar: Company[] }> {
	let memo = lookups.get(provider);
	if (!memo) lookups.set(provider, (memo = new Memo()));
	const found = await memo.get(
		name.trim().toLowerCase(),
		async () =>
			await provider.searchCompanies({ name: name.trim() }, { returnAll: true, limit: 0 }),
	);
	return {
		exact: found.filter((company) => sameName(company.name, name)),
		similar: found.filter((company) => !sameName(company.name, name)),
	};
}

function listed(companies: Company[]): string {
	const shown = companies.slice(0, LISTED).map((c) => `${c.name} (ID ${c.id})`);
	const more = companies.length - shown.length;
	return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** The error for a name that matches several companies: a client is never guessed. */
export function ambiguousCompany(
	ctx: IExecuteFunctions,
	field: string,
	name: string,
	matches: Company[],
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`${field} "${name}" matches ${matches.length} companies: ${listed(matches)}`,
		{
			itemIndex,
			description: `Several companies in the PSA have this name. Choose the one you mean By ID (or From List), or rename one of them in the PSA.`,
		},
	);
}

function unknownCompany(
	ctx: IExecuteFunctions,
	field: string,
	name: string,
	similar: Company[],
	itemIndex: number,
): NodeOperationError {
	const near = similar.length
		? `Companies whose name contains it: ${listed(similar)}.`
		: 'No company name contains it.';
	return new NodeOperationError(ctx.getNode(), `${field} "${name}" matches no company`, {
		itemIndex,
		description: `${near} The whole name is compared (case aside); check the spelling, or choose the company From List or By ID.`,
	});
}

/**
 * The Company parameter as a Ref, checked before any request: an id (From List, By ID) must be the
 * vendor's id type, a name (By Name) is kept for `companyIdOf`. Undefined when empty.
 */
export function readCompany(provider: PsaProvider, value: unknown, field: string): Ref | undefined {
	const ref = refFrom(value);
	if (!ref?.id) return ref;
	return { id: provider.recordId(field, ref.id) };
}

/** As readCompany, for a Company the operation cannot do without. */
export function requireCompany(
	ctx: IExecuteFunctions,
	provider: PsaProvider,
	value: unknown,
	field: string,
	itemIndex: number,
): Ref {
	const ref = requireRef(ctx, value, field, itemIndex);
	return ref.id ? { id: provider.recordId(field, ref.id) } : ref;
}

/**
 * The id of the company a Ref names, for the request that follows: an id as given, a name looked up
 * through the PSA. A name that matches no company, or several, is an error listing what matched
 * (name and ID): the operation never runs for a guessed client, nor for every client.
 */
export async function companyIdOf(
	ctx: IExecuteFunctions,
	provider: PsaProvider,
	ref: Ref,
	field: string,
	itemIndex: number,
): Promise<string> {
	if (ref.id) return ref.id;
	const name = (ref.name ?? '').trim();
	const { exact, similar } = await companiesNamed(provider, name);
	if (exact.length === 1) return exact[0].id;
	if (exact.length > 1) throw ambiguousCompany(ctx, field, name, exact, itemIndex);
	throw unknownCompany(ctx, field, name, similar, itemIndex);
}
