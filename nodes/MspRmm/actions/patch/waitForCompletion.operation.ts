import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { cancelSignalOf, runPerItem, withRaw } from '../../../shared';
import { deviceLocator, waitingOptionsProperty, resolveDevice, setup } from '../common';
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

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const device = await resolveDevice(this, provider, i);
		const kbs = String(this.getNodeParameter('kbs', i, '') ?? '')
			.split(',')
			.map((kb) => kb.trim())
			.filter(Boolean)
			.map((kb) => ({ kb: /^KB/i.test(kb) ? kb : `KB${kb}` }));
		const result = await waitForPatches(provider, device.id, kbs, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		const list = (patches: typeof result.installed) =>
			withRaw(patches, options.includeRaw) as unknown as IDataObject[];
		return {
			...result,
			hostname: device.hostname,
			installed: list(result.installed),
			failed: list(result.failed),
			pending: list(result.pending),
		} as IDataObject;
	});
}
