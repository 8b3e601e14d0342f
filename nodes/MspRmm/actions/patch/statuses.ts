import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { PatchStatus } from '../../../shared';

const ALL: PatchStatus[] = ['pending', 'approved', 'failed', 'installed', 'rejected'];

export function statusField(
	show: { resource: string[]; operation: string[] },
	defaults: PatchStatus[],
): INodeProperties {
	const field: INodeProperties = {
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		default: [],
		options: [
			{ name: 'Approved', value: 'approved' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'Installed', value: 'installed' },
			{ name: 'Pending (Not Approved)', value: 'pending' },
			{ name: 'Rejected', value: 'rejected' },
		],
		description: 'Patch statuses to return; empty returns all',
		displayOptions: { show },
	};
	return { ...field, default: [...defaults] };
}

export function readStatuses(ctx: IExecuteFunctions, itemIndex: number): PatchStatus[] {
	const raw = ctx.getNodeParameter('statuses', itemIndex, []) as unknown;
	const list = (Array.isArray(raw) ? raw : String(raw).split(','))
		.map((s) => String(s).trim())
		.filter(Boolean);
	const bad = list.filter((s) => !ALL.includes(s as PatchStatus));
	if (bad.length)
		throw new NodeOperationError(ctx.getNode(), `Statuses has unknown value(s) ${bad.join(', ')}`, {
			itemIndex,
			description: `Allowed: ${ALL.join(', ')}`,
		});
	return list.length ? (list as PatchStatus[]) : ALL;
}
