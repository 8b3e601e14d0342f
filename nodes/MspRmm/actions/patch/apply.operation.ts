import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { cancelSignalOf, runPerItem, withRaw, writeVerified } from '../../../shared';
import {
	deviceLocator,
	deviceName,
	failIfOfflineField,
	offlineResult,
	resolveDevice,
	setup,
	waitField,
	waitingOptionsProperty,
} from '../common';
import type { PatchApplyStart } from '../../providers/types';
import { waitForPatches } from '../wait';

const show = { resource: ['patch'], operation: ['apply'] };

export const description: INodeProperties[] = [
	deviceLocator(show),
	{ ...failIfOfflineField, displayOptions: { show } },
	{ ...waitField, displayOptions: { show } },
	waitingOptionsProperty(show, { whileWaiting: true }),
];

/**
 * Installs the patches the device's patch policy approved: no RMM lets the API pick patches or a
 * reboot behaviour; the policy decides both (on Datto RMM, the component the credential names).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		await provider.checkPatchApply?.();
		const device = await resolveDevice(this, provider, i);
		if (device.online === false) return offlineResult(this, device, i, 'apply patches');
		const approved = (await provider.listPatches(device.id)).filter((p) => p.status === 'approved');
		const base: IDataObject = {
			deviceId: device.id,
			...deviceName(device),
			patches: withRaw(approved, options.includeRaw) as unknown as IDataObject[],
		};
		if (!approved.length) return { ...base, status: 'skipped', reason: 'noApprovedPatches' };
		// An apply whose answer was lost is read back (patch job running, or an approved patch moved on) before it is sent again.
		const start = await writeVerified<PatchApplyStart>(
			async () => (await provider.applyApprovedPatches(device.id)) ?? {},
			async () => {
				const state = await provider.patchState(device.id);
				const moved = state.patches.some(
					(p) => approved.some((a) => a.id === p.id) && p.status !== 'approved',
				);
				return state.jobRunning || moved ? {} : undefined;
			},
		);
		// An install already under way is followed, not started again: the output says so.
		if (start.alreadyRunning) base.alreadyRunning = true;
		if (!this.getNodeParameter('waitForCompletion', i, false))
			return { ...base, status: 'started' };
		const result = await waitForPatches(provider, device.id, approved, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		return {
			...base,
			...(withRaw(result as never, options.includeRaw) as IDataObject),
			...deviceName(device),
			installed: strip(result.installed, options.includeRaw),
			failed: strip(result.failed, options.includeRaw),
			pending: strip(result.pending, options.includeRaw),
		};
	});
}

function strip<T extends { raw?: unknown }>(list: T[], includeRaw: boolean): IDataObject[] {
	return withRaw(list, includeRaw) as unknown as IDataObject[];
}
