import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isCancellation } from './cancellation';
import { runPerItem } from './execute';
import { executionSecrets, redactSecretValues } from './redact';
import { findDryRunStop } from './transport/dryRun';

/** One input item on its way through a batch run. */
export interface BatchEntry<T> {
	itemIndex: number;
	value: T;
}

export type BatchOutput = IDataObject | IDataObject[];

/**
 * The three steps of an operation that treats all input items together (one vendor request for
 * many items), each item keeping its own parameters:
 * - `prepare` reads and validates one item's parameters, sending nothing; throwing fails that item.
 * - `check` takes every prepared item at once and may read (look ups, refusals) but never write:
 *   one entry per given entry, in order, the value to act on or that item's error.
 * - `act` takes every checked item at once and does the writes: one entry per given entry, in
 *   order, the item's output or its error (a dry run's DryRunStop becomes a dry-run item).
 * A step that throws fails every item it was given.
 */
export interface BatchSteps<P, C> {
	prepare(itemIndex: number): P | Promise<P>;
	check(entries: Array<BatchEntry<P>>): Promise<Array<C | Error>>;
	act(entries: Array<BatchEntry<C>>): Promise<Array<BatchOutput | Error>>;
}

const ITEM_DATA = new WeakMap<object, IDataObject>();

/**
 * Fields an error item carries next to `error` and `description` when the item fails with this
 * error under Continue On Fail (for example what was refused). Returns the error.
 */
export function withItemData<E extends Error>(error: E, data: IDataObject): E {
	ITEM_DATA.set(error, data);
	return error;
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/** Runs one step over the entries; failures go to `failed`, the rest come back for the next step. */
async function settle<I, O>(
	entries: Array<BatchEntry<I>>,
	step: (entries: Array<BatchEntry<I>>) => Promise<Array<O | Error>>,
	failed: Map<number, Error>,
): Promise<Array<BatchEntry<O>>> {
	if (!entries.length) return [];
	let outcomes: Array<O | Error>;
	try {
		outcomes = await step(entries);
		if (outcomes.length !== entries.length)
			throw new Error(`A batch step answered ${outcomes.length} of ${entries.length} items`);
	} catch (error) {
		outcomes = entries.map(() => asError(error));
	}
	const passed: Array<BatchEntry<O>> = [];
	entries.forEach((entry, k) => {
		const outcome = outcomes[k];
		if (outcome instanceof Error) failed.set(entry.itemIndex, outcome);
		else passed.push({ itemIndex: entry.itemIndex, value: outcome });
	});
	return passed;
}

/**
 * Output items through `runPerItem`, so results, dry runs and errors get exactly its redaction,
 * pairing and Continue On Fail handling: each item's handler only hands back what the batch decided.
 */
async function replay(
	ctx: IExecuteFunctions,
	outputs: Map<number, BatchOutput>,
	failed: Map<number, Error>,
	concurrency: number,
): Promise<INodeExecutionData[]> {
	return await runPerItem(ctx, { concurrency }, async (itemIndex) => {
		const error = failed.get(itemIndex);
		if (error) throw error;
		return outputs.get(itemIndex) ?? {};
	});
}

/**
 * Without Continue On Fail an item that failed before any write fails the node now, naming that
 * item (the first one), so a batch never has written for some items when the run fails for another.
 * A cancelled execution stops the node whatever the setting.
 */
async function stopOnFailure(ctx: IExecuteFunctions, failed: Map<number, Error>): Promise<void> {
	if (!failed.size) return;
	if (ctx.continueOnFail() && ![...failed.values()].some(isCancellation)) return;
	await replay(ctx, new Map(), failed, 1);
	// runPerItem has thrown for the first failed item; this only guards the contract.
	throw [...failed.entries()].sort(([a], [b]) => a - b)[0][1];
}

/**
 * Runs an operation over all input items as one batch: every item is prepared (validated) and
 * checked before anything is written, so without Continue On Fail an invalid or refused item fails
 * the node before any write is sent. With Continue On Fail each failed item becomes an error item
 * (`{ error, description, … }` paired with its input; on the error output of "continue (using error
 * output)" as n8n routes it) and the other items go on.
 * Outputs, dry runs and errors leave through `runPerItem`, without the execution's secrets.
 */
export async function runBatched<P, C>(
	ctx: IExecuteFunctions,
	steps: BatchSteps<P, C>,
): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const failed = new Map<number, Error>();
	const prepared: Array<BatchEntry<P>> = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			prepared.push({ itemIndex, value: await steps.prepare(itemIndex) });
		} catch (error) {
			failed.set(itemIndex, asError(error));
		}
	}
	await stopOnFailure(ctx, failed);
	const checked = await settle(prepared, steps.check.bind(steps), failed);
	await stopOnFailure(ctx, failed);
	const outputs = new Map<number, BatchOutput>();
	for (const entry of await settle(checked, steps.act.bind(steps), failed))
		outputs.set(entry.itemIndex, entry.value);
	const items = await replay(ctx, outputs, failed, Math.max(1, count));
	return markErrorItems(ctx, items, failed);
}

/**
 * Error items as n8n routes them. With "continue (using error output)" n8n moves an item to the
 * error output when its json holds only `error` (n8n 2.x also accepts `message` and `details`), then
 * adds the input item's fields: the item is reduced to `{ error }`, whose message names what failed.
 * (An item-level `error` would route too, but n8n then replaces the json with the bare message and
 * drops the input's fields.) Otherwise the error item keeps `description` and adds the error's item data.
 */
function markErrorItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	failed: Map<number, Error>,
): INodeExecutionData[] {
	if (!failed.size) return items;
	const secrets = executionSecrets(ctx);
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	return items.map((item) => {
		const paired = item.pairedItem;
		const itemIndex =
			paired && typeof paired === 'object' && !Array.isArray(paired) ? paired.item : undefined;
		const error = itemIndex === undefined ? undefined : failed.get(itemIndex);
		if (!error || findDryRunStop(error) || typeof item.json.error !== 'string') return item;
		if (toErrorOutput) return { ...item, json: { error: item.json.error } };
		const data = ITEM_DATA.get(error);
		return data ? { ...item, json: { ...item.json, ...redactSecretValues(data, secrets) } } : item;
	});
}
