import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, runPerItem } from '../../../shared';
import {
	checkedId,
	deviceLocator,
	deviceName,
	optionsProperty,
	out,
	resolveDevice,
	setup,
	waitingOptionsProperty,
} from '../common';
import type { RmmProvider } from '../../providers/types';
import { waitForScript } from '../wait';

const runIdField = (operation: string): INodeProperties => ({
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	description: 'The ID returned by Run Script',
	displayOptions: { show: { resource: ['script'], operation: [operation] } },
});

export const getResultDescription: INodeProperties[] = [
	deviceLocator({ resource: ['script'], operation: ['getResult'] }),
	runIdField('getResult'),
	optionsProperty({ resource: ['script'], operation: ['getResult'] }),
];

export const waitDescription: INodeProperties[] = [
	deviceLocator({ resource: ['script'], operation: ['waitForCompletion'] }),
	runIdField('waitForCompletion'),
	waitingOptionsProperty({ resource: ['script'], operation: ['waitForCompletion'] }),
];

/** The Run ID of the item, checked against the shapes Run Script returns for this RMM. */
function runId(ctx: IExecuteFunctions, provider: RmmProvider, i: number): string {
	const value = String(ctx.getNodeParameter('runId', i, '') ?? '').trim();
	if (!value)
		throw new NodeOperationError(ctx.getNode(), 'Run ID is empty', {
			itemIndex: i,
			description: 'Use the id returned by Run Script',
		});
	return checkedId(ctx, provider, 'run', 'Run ID', value, i);
}

export async function getResult(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const id = runId(this, provider, i);
		const device = await resolveDevice(this, provider, i);
		return {
			...out(await provider.getScriptRun(device.id, id), options.includeRaw),
			...deviceName(device),
		} as IDataObject;
	});
}

export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const id = runId(this, provider, i);
		const device = await resolveDevice(this, provider, i);
		const done = await waitForScript(provider, device.id, id, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		return { ...out(done, options.includeRaw), ...deviceName(device) } as IDataObject;
	});
}
