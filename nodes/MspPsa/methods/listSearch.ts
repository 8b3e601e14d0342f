import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { refFrom } from '../actions/common';
import { psaProvider } from '../providers';
import type { Choice } from '../providers/types';

function provider(ctx: ILoadOptionsFunctions) {
	return psaProvider(ctx, ctx.getNodeParameter('provider', 'connectwise') as string);
}

function filtered(choices: Choice[], filter?: string): INodeListSearchResult {
	const needle = filter?.trim().toLowerCase();
	return {
		results: choices
			.filter((choice) => !needle || choice.name.toLowerCase().includes(needle))
			.map((choice) => ({ name: choice.name, value: choice.value })),
	};
}

export async function searchCompanies(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const companies = await provider(this).searchCompanies(
		{ name: filter?.trim() || undefined },
		{ returnAll: false, limit: 100 },
	);
	return {
		results: companies.map((c) => ({
			name: c.identifier ? `${c.name} (${c.identifier})` : c.name,
			value: c.id,
		})),
	};
}

export async function searchBoards(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return filtered(await provider(this).listBoards(), filter);
}

/** ConnectWise statuses belong to a board: the board chosen in the same collection is used. */
export async function searchStatuses(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const board =
		refFrom(this.getCurrentNodeParameter('additionalFields.board')) ??
		refFrom(this.getCurrentNodeParameter('updateFields.board')) ??
		refFrom(this.getCurrentNodeParameter('filters.board'));
	return filtered(await provider(this).listStatuses(board), filter);
}

/** The Ticket ID typed in the node when it is a plain number; an expression has no value while editing. */
function typedTicketId(ctx: ILoadOptionsFunctions): string | undefined {
	const value = ctx.getCurrentNodeParameter('ticketId');
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
	return /^=?\s*(\d+)\s*$/.exec(text)?.[1];
}

/** Close Status: the closed statuses of the ticket's board (ConnectWise) or the tenant (Halo). */
export async function searchCloseStatuses(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return filtered(await provider(this).listTicketStatuses('closed', typedTicketId(this)), filter);
}

/** Reopen's Status: the open statuses of the ticket's board (ConnectWise) or the tenant (Halo). */
export async function searchReopenStatuses(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return filtered(await provider(this).listTicketStatuses('open', typedTicketId(this)), filter);
}

export async function searchPriorities(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return filtered(await provider(this).listPriorities(), filter);
}
