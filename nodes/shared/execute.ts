import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { mapWithConcurrency } from './concurrency';
import { redact, redactString } from './redact';
import { findDryRunStop } from './transport/dryRun';

type ErrorLike = {
	message?: unknown;
	description?: unknown;
	httpCode?: unknown;
	context?: IDataObject;
	name?: unknown;
};

function isNodeApiError(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError || (error as ErrorLike | undefined)?.name === 'NodeApiError';
}

function isNodeOperationError(error: unknown): error is NodeOperationError {
	return (
		error instanceof NodeOperationError || (error as ErrorLike | undefined)?.name === 'NodeOperationError'
	);
}

function toItems(result: IDataObject | IDataObject[], itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const { message, description, httpCode } = (error ?? {}) as ErrorLike;
	const json: IDataObject = { error: redactString(typeof message === 'string' ? message : String(error)) };
	if (typeof description === 'string' && description) json.description = redactString(description);
	if (httpCode !== undefined && httpCode !== null) json.httpCode = String(httpCode);
	return { json, pairedItem: { item: itemIndex } };
}

/** Marks the failing item and rethrows as an n8n error so the UI can point at it. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	const node = ctx.getNode();
	if (isNodeApiError(error) || isNodeOperationError(error)) {
		error.message = redactString(error.message);
		if (typeof error.description === 'string') error.description = redactString(error.description);
		error.context.itemIndex = itemIndex;
		return error;
	}
	const message = redactString((error as ErrorLike | undefined)?.message?.toString() ?? String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/**
 * Runs `handler` for every input item with bounded concurrency and keeps the
 * output in input order, each item paired with its input. A dry run's first
 * write becomes a `{ dryRun: true, operation, request }` item; with Continue On
 * Fail a failure becomes an error item and the other items go on.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	opts: { concurrency: number },
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const indexes = ctx.getInputData().map((_, index) => index);
	const perItem = await mapWithConcurrency(indexes, opts.concurrency, async (itemIndex) => {
		try {
			return toItems(await handler(itemIndex), itemIndex);
		} catch (error) {
			const stop = findDryRunStop(error);
			if (stop) {
				const request = redact(stop.request) as unknown as IDataObject;
				return toItems({ dryRun: true, operation: stop.request.operation, request }, itemIndex);
			}
			if (ctx.continueOnFail()) return [errorItem(error, itemIndex)];
			const nodeError = asNodeError(ctx, error, itemIndex);
			if (isNodeApiError(nodeError)) throw new NodeApiError(ctx.getNode(), nodeError as unknown as JsonObject);
			throw new NodeOperationError(ctx.getNode(), nodeError, { itemIndex });
		}
	});
	return perItem.flat();
}
