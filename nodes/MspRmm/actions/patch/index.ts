import type { INodeProperties } from 'n8n-workflow';

import { operationsByProvider } from '../common';

import * as apply from './apply.operation';
import * as getStatus from './getStatus.operation';
import * as list from './list.operation';
import * as listFleet from './listFleet.operation';
import * as scan from './scan.operation';
import * as waitForCompletion from './waitForCompletion.operation';

export { apply, getStatus, list, listFleet, scan, waitForCompletion };

/** Scan only where the RMM has one (NinjaOne): Automate collects patch inventory on its own schedule. */
export const description: INodeProperties[] = [
	...operationsByProvider(
		'patch',
		[
			{
				name: 'Apply Approved',
				value: 'apply',
				description:
					'Install the patches the device’s patch policy approved (no per-patch choice; on Datto RMM through the component named on the credential)',
				action: 'Apply approved patches on a device',
			},
			{
				name: 'Get Many',
				value: 'list',
				description: 'Patches of one device with severity and KB',
				action: 'Get many patches of a device',
			},
			{
				name: 'Get Many Across Fleet',
				value: 'listFleet',
				description:
					'Patches across all devices or one organization (NinjaOne fleet report; Automate per computer)',
				action: 'Get many patches across the fleet',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description:
					'Patch counts, failed and approved patches, and whether a patch job is running',
				action: 'Get the patch status of a device',
			},
			{
				name: 'Scan',
				value: 'scan',
				description: 'Start an OS patch scan',
				action: 'Scan a device for patches',
				needs: 'patchScan',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				description: 'Poll until the applied patches are installed or failed, or the timeout',
				action: 'Wait for patches to install',
			},
		],
		'list',
	),
	...apply.description,
	...getStatus.description,
	...list.description,
	...listFleet.description,
	...scan.description,
	...waitForCompletion.description,
];
