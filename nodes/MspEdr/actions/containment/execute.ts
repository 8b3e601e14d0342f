import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { cancelSignalOf, readCommonOptions, redact, withRaw } from '../../../shared';
import type { ContainmentKind, DeviceRef } from '../../providers/types';
import { deviceRefOf, providerFor } from '../context';
import type { ContainResult } from './contain';
import { changeContainment, parsePatterns } from './contain';

/**
 * All input items go through one containment run, so a vendor with a batch endpoint gets one
 * request for many devices. Options come from the first item; each item names one device.
 */
export async function executeContainment(
	ctx: IExecuteFunctions,
	kind: ContainmentKind,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const common = readCommonOptions(ctx, 0);
	const extra = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const refs: Array<DeviceRef | Error> = items.map((_, i) => {
		try {
			return deviceRefOf(ctx, i);
		} catch (error) {
			return error as Error;
		}
	});
	const valid = refs
		.map((r, i) => ({ r, i }))
		.filter((x): x is { r: DeviceRef; i: number } => !(x.r instanceof Error));
	const results = await changeContainment(
		providerFor(ctx, 0),
		ctx.getNode(),
		valid.map((v) => v.r),
		{
			kind,
			comment: String(
				ctx.getNodeParameter('comment', 0, '') ||
					`${kind === 'isolate' ? 'Isolated' : 'Released'} by n8n`,
			),
			protectedPatterns: parsePatterns(String(extra.protectedHostnames ?? '*-DC*')),
			overrideProtection: extra.overrideProtection === true,
			wait: ctx.getNodeParameter('waitForCompletion', 0, false) as boolean,
			timeoutMs: common.waitTimeoutMs,
			intervalMs: common.pollIntervalMs,
			signal: cancelSignalOf(ctx),
		},
	);
	const byItem = new Map<number, ContainResult>();
	results.forEach((result) => byItem.set(valid[result.index].i, result));
	return items.map((_, i) => {
		const bad = refs[i];
		const result: ContainResult =
			bad instanceof Error ? { index: i, error: bad } : (byItem.get(i) as ContainResult);
		return toItem(ctx, result, i, common.includeRaw);
	});
}

function toItem(
	ctx: IExecuteFunctions,
	result: ContainResult,
	itemIndex: number,
	includeRaw: boolean,
): INodeExecutionData {
	if ('containment' in result)
		return {
			json: withRaw(result.containment, includeRaw) as unknown as IDataObject,
			pairedItem: { item: itemIndex },
		};
	if ('dryRun' in result)
		return {
			json: {
				dryRun: true,
				operation: result.dryRun.operation,
				request: redact(result.dryRun.request) as IDataObject,
			},
			pairedItem: { item: itemIndex },
		};
	const { error } = result;
	if (ctx.continueOnFail()) {
		const json: IDataObject = { error: error.message };
		const description = (error as { description?: unknown }).description;
		if (typeof description === 'string') json.description = description;
		return { json, pairedItem: { item: itemIndex } };
	}
	if (error instanceof NodeApiError) throw error;
	if (error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		throw error;
	}
	if ((error as { name?: string }).name === 'NodeApiError')
		throw new NodeApiError(ctx.getNode(), error as unknown as JsonObject, { itemIndex });
	throw new NodeOperationError(ctx.getNode(), error, { itemIndex });
}
