import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readCommonOptions, runPerItem, withRaw } from '../../shared';
import { psaProvider } from '../providers';
import type { PsaProvider, Ref } from '../providers/types';

/** A resource locator for something the PSA names (company, board, status, priority). */
export function locator(
	displayName: string,
	name: string,
	searchListMethod: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. In Progress' },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 16' },
		],
		...extra,
	} as INodeProperties;
}

/** Resource locator value -> Ref (undefined when empty). */
export function refFrom(value: unknown): Ref | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string' || typeof value === 'number') return { id: String(value) };
	const { mode, value: inner } = value as { mode?: string; value?: unknown };
	const text = String(inner ?? '').trim();
	if (!text) return undefined;
	return mode === 'name' ? { name: text } : { id: text };
}

export function ticketIdField(operations: string[], resource = 'ticket'): INodeProperties {
	return {
		displayName: 'Ticket ID',
		name: 'ticketId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 5001',
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}

export function requireText(
	ctx: IExecuteFunctions,
	value: unknown,
	field: string,
	itemIndex: number,
): string {
	const text =
		typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!text)
		throw new NodeOperationError(ctx.getNode(), `${field} is required`, {
			itemIndex,
			description: `Set the ${field} parameter; it cannot be empty.`,
		});
	return text;
}

/**
 * A ticket, company or configuration id the user gave, checked against the vendor's id type before
 * any request (the error names the field and what it takes).
 */
export function requireId(
	ctx: IExecuteFunctions,
	provider: PsaProvider,
	value: unknown,
	field: string,
	itemIndex: number,
): string {
	return provider.recordId(field, requireText(ctx, value, field, itemIndex));
}

/** The Ticket ID parameter, checked before any request. */
export function ticketIdFrom(ctx: IExecuteFunctions, provider: PsaProvider, itemIndex: number) {
	return requireId(
		ctx,
		provider,
		ctx.getNodeParameter('ticketId', itemIndex, ''),
		'Ticket ID',
		itemIndex,
	);
}

export function requireRef(
	ctx: IExecuteFunctions,
	value: unknown,
	field: string,
	itemIndex: number,
): Ref {
	const ref = refFrom(value);
	if (!ref)
		throw new NodeOperationError(ctx.getNode(), `${field} is required`, {
			itemIndex,
			description: `Choose a ${field.toLowerCase()} from the list, or give its name or ID.`,
		});
	return ref;
}

/** Returns and limit as n8n nodes show them. */
export function pagingFields(resource: string, operations: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: operations } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: operations, returnAll: [false] } },
		},
	];
}

/**
 * Return All and Limit, the Limit checked before any request: an expression can hand over 0, -5,
 * 2.5 or text, which would otherwise ask the PSA for an odd page size or return nothing.
 */
export function readPaging(ctx: IExecuteFunctions, itemIndex: number) {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) === true;
	if (returnAll) return { returnAll, limit: 0 };
	const given = ctx.getNodeParameter('limit', itemIndex, 50);
	const limit =
		typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : (given as number);
	if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
		throw new NodeOperationError(
			ctx.getNode(),
			`Limit must be a positive whole number, got ${JSON.stringify(given)}`,
			{
				itemIndex,
				description: 'Set Limit to 1 or more (a whole number), or turn on Return All.',
			},
		);
	return { returnAll, limit };
}

type Handler = (
	provider: PsaProvider,
	itemIndex: number,
	includeRaw: boolean,
) => Promise<IDataObject | IDataObject[]>;

/**
 * Runs an operation for every item on one provider instance (so board, status and priority
 * lookups are read once per execution), with the common options applied.
 */
export async function perItem(
	ctx: IExecuteFunctions,
	handler: Handler,
): Promise<INodeExecutionData[]> {
	const first = readCommonOptions(ctx, 0);
	const provider = psaProvider(ctx, ctx.getNodeParameter('provider', 0) as string, {
		dryRun: first.dryRun,
	});
	return await runPerItem(ctx, { concurrency: first.concurrency }, async (itemIndex) => {
		const { includeRaw } = readCommonOptions(ctx, itemIndex);
		return await handler(provider, itemIndex, includeRaw);
	});
}

/** Normalized records with raw only when asked for. */
export function out<T extends { raw?: unknown }>(record: T, includeRaw: boolean): IDataObject {
	return withRaw(record, includeRaw) as unknown as IDataObject;
}
