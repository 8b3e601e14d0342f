import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isCancellation } from './cancellation';
import { mapWithConcurrency } from './concurrency';
import type { Secrets } from './redact';
import { executionSecrets, redact, redactError, redactSecretValues, redactString } from './redact';
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
		error instanceof NodeOperationError ||
		(error as ErrorLike | undefined)?.name === 'NodeOperationError'
	);
}

/**
 * Output items without the execution's secrets. Responses already come back clean from the
 * transport; this also covers a token learnt after an earlier item's response was mapped.
 */
function toItems(
	result: IDataObject | IDataObject[],
	itemIndex: number,
	secrets: Secrets,
): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((json) => ({
		json: redactSecretValues(json, secrets),
		pairedItem: { item: itemIndex },
	}));
}

function errorItem(error: unknown, itemIndex: number, secrets: Secrets): INodeExecutionData {
	const { message, description, httpCode } = (error ?? {}) as ErrorLike;
	const json: IDataObject = {
		error: redactString(typeof message === 'string' ? message : String(error), secrets),
	};
	if (typeof description === 'string' && description)
		json.description = redactString(description, secrets);
	if (httpCode !== undefined && httpCode !== null) json.httpCode = String(httpCode);
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * n8n sends an item to a node's error output ("continue (using error output)") only when it carries nothing but
 * error, message and details: there the description and status travel in details.
 */
function forErrorOutput(ctx: IExecuteFunctions, item: INodeExecutionData): INodeExecutionData {
	if (ctx.getNode().onError !== 'continueErrorOutput') return item;
	const { error, description, httpCode } = item.json;
	const details = [
		// A network code (ECONNRESET) is no HTTP status.
		httpCode
			? /^\d+$/.test(String(httpCode))
				? `HTTP ${String(httpCode)}`
				: String(httpCode)
			: '',
		description ? String(description) : '',
	]
		.filter(Boolean)
		.join(': ');
	return { ...item, json: details ? { error, details } : { error } };
}

/** Marks the failing item and rethrows as an n8n error so the UI can point at it. */
function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	secrets: Secrets,
): Error {
	const node = ctx.getNode();
	if (isNodeApiError(error) || isNodeOperationError(error)) {
		redactError(error, secrets);
		error.context.itemIndex = itemIndex;
		return error;
	}
	const message = redactString(
		(error as ErrorLike | undefined)?.message?.toString() ?? String(error),
		secrets,
	);
	return new NodeOperationError(node, message, { itemIndex });
}

/** The error n8n receives: wrapping may add a stack or messages, so it is redacted once more. */
function thrown(
	ctx: IExecuteFunctions,
	nodeError: Error,
	itemIndex: number,
	secrets: Secrets,
): Error {
	const error = isNodeApiError(nodeError)
		? new NodeApiError(ctx.getNode(), nodeError as unknown as JsonObject)
		: new NodeOperationError(ctx.getNode(), nodeError, { itemIndex });
	redactError(error, secrets);
	return error;
}

/**
 * Runs `handler` for every input item with bounded concurrency and keeps the
 * output in input order, each item paired with its input. A dry run's first
 * write becomes a `{ dryRun: true, operation, request }` item; with Continue On
 * Fail a failure becomes an error item and the other items go on, except a cancelled execution,
 * which stops the node. Items, dry runs
 * and errors leave without any secret the execution's transports have seen.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	opts: { concurrency: number },
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const secrets = executionSecrets(ctx);
	const indexes = ctx.getInputData().map((_, index) => index);
	const perItem = await mapWithConcurrency(indexes, opts.concurrency, async (itemIndex) => {
		try {
			return toItems(await handler(itemIndex), itemIndex, secrets);
		} catch (error) {
			const stop = findDryRunStop(error);
			if (stop) {
				const request = redact(stop.request, secrets) as unknown as IDataObject;
				return toItems(
					{ dryRun: true, operation: stop.request.operation, request },
					itemIndex,
					secrets,
				);
			}
			// A cancelled execution stops the node; it is not one item's failure to carry on past.
			if (ctx.continueOnFail() && !isCancellation(error))
				return [forErrorOutput(ctx, errorItem(error, itemIndex, secrets))];
			throw thrown(ctx, asNodeError(ctx, error, itemIndex, secrets), itemIndex, secrets);
		}
	});
	return perItem.flat();
}
