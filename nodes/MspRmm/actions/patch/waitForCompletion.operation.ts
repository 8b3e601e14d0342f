import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, runPerItem, withRaw } from '../../../shared';
import { deviceLocator, deviceName, resolveDevice, setup, waitingOptionsProperty } from '../common';
import { waitForPatches } from '../wait';

const show = { resource: ['patch'], operation: ['waitForCompletion'] };

export const description: INodeProperties[] = [
	deviceLocator(show),
	{
		displayName: 'Patch KBs',
		name: 'kbs',
		type: 'string',
		default: '={{ ($json.patches || []).map(p => p.kb).filter(Boolean).join(",") }}',
		placeholder: 'KB5045935,KB5045991',
		description:
			'Comma-separated KB numbers to wait for (the Apply output by default). Empty waits for the patch job only.',
		displayOptions: { show },
	},
	waitingOptionsProperty(show),
];

/** The KB numbers of the item (`KB5045935` or `5045935`), refused before any request when one is not. */
function kbsOf(ctx: IExecuteFunctions, i: number): Array<{ kb: string }> {
	const kbs = String(ctx.getNodeParameter('kbs', i, '') ?? '')
		.split(',')
		.map((kb) => kb.trim())
		.filter(Boolean);
	const bad = kbs.filter((kb) => !/^(KB)?[0-9]+$/i.test(kb));
	if (bad.length)
		throw new NodeOperationError(
			ctx.getNode(),
			`Patch KBs has invalid value(s) ${bad.join(', ')}`,
			{
				itemIndex: i,
				description: 'A KB number is KB followed by digits, e.g. KB5045935 (or the digits alone)',
			},
		);
	return kbs.map((kb) => ({ kb: /^KB/i.test(kb) ? kb.toUpperCase() : `KB${kb}` }));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const kbs = kbsOf(this, i);
		const device = await resolveDevice(this, provider, i);
		const result = await waitForPatches(provider, device.id, kbs, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		const list = (patches: typeof result.installed) =>
			withRaw(patches, options.includeRaw) as unknown as IDataObject[];
		return {
			...result,
			...deviceName(device),
			installed: list(result.installed),
			failed: list(result.failed),
			pending: list(result.pending),
		} as IDataObject;
	});
}
