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
	failIfOfflineField,
	locatorValue,
	offlineResult,
	waitingOptionsProperty,
	out,
	resolveDevice,
	scriptLocator,
	setup,
	waitField,
} from '../common';
import { waitForScript } from '../wait';

const show = { resource: ['script'], operation: ['run'] };

export const description: INodeProperties[] = [
	deviceLocator(show),
	scriptLocator(show),
	{
		displayName: 'Parameters',
		name: 'parameters',
		type: 'string',
		default: '',
		placeholder: '-Drive C -Verbose',
		description:
			'NinjaOne: one command-line string. ConnectWise Automate: name=value pairs separated by |, e.g. drive=C|verbose=1.',
		displayOptions: { show },
	},
	{
		displayName: 'Run As',
		name: 'runAs',
		type: 'string',
		default: 'system',
		placeholder: 'system',
		description:
			'NinjaOne: system, loggedonuser, SR_LOCAL_ADMINISTRATOR, SR_DOMAIN_ADMINISTRATOR or a credential ID. Automate runs scripts as the agent: leave system.',
		displayOptions: { show },
	},
	{ ...failIfOfflineField, displayOptions: { show } },
	{ ...waitField, displayOptions: { show } },
	waitingOptionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const script = locatorValue(this, 'script', i).value;
		if (!script)
			throw new NodeOperationError(this.getNode(), 'Script is empty', {
				itemIndex: i,
				description: 'Pick a script from the list or give its ID',
			});
		const scriptId = checkedId(this, provider, 'script', 'Script ID', script, i);
		const parameters = String(this.getNodeParameter('parameters', i, '') ?? '');
		const runAs = String(this.getNodeParameter('runAs', i, 'system') ?? '').trim() || undefined;
		const device = await resolveDevice(this, provider, i);
		if (device.online === false) return offlineResult(this, device, i, 'run a script');
		const job = await provider.runScript({
			deviceId: device.id,
			scriptId,
			parameters: parameters || undefined,
			runAs,
		});
		if (!this.getNodeParameter('waitForCompletion', i, false))
			return { ...out(job, options.includeRaw), hostname: device.hostname } as IDataObject;
		const done = await waitForScript(provider, device.id, job.id, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		return { ...out(done, options.includeRaw), hostname: device.hostname } as IDataObject;
	});
}
