import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ThreatStatus } from '../../../shared';
import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import type { ThreatUpdate } from '../../providers/types';
import { asData, providerFor, threatIdOf } from '../context';
import { STATUS_OPTIONS } from '../common.descriptions';

const show = { resource: ['threat'], operation: ['update'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [{ name: 'Keep Current', value: 'keep' }, ...STATUS_OPTIONS],
		default: 'keep',
		description: 'SentinelOne incident status or Defender alert status',
		displayOptions: { show },
	},
	{
		displayName: 'Verdict',
		name: 'verdict',
		type: 'options',
		options: [
			{ name: 'Keep Current', value: 'keep' },
			{ name: 'True Positive', value: 'truePositive' },
			{ name: 'False Positive', value: 'falsePositive' },
			{ name: 'Suspicious', value: 'suspicious', description: 'SentinelOne only' },
		],
		default: 'keep',
		description: 'SentinelOne analyst verdict or Defender classification',
		displayOptions: { show },
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Optional note added with the change',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const update: ThreatUpdate = {};
			const status = this.getNodeParameter('status', i) as string;
			const verdict = this.getNodeParameter('verdict', i) as string;
			const comment = (this.getNodeParameter('comment', i, '') as string).trim();
			if (status !== 'keep') update.status = status as ThreatStatus;
			if (verdict !== 'keep') update.verdict = verdict as ThreatUpdate['verdict'];
			if (comment) update.comment = comment;
			if (!Object.keys(update).length) {
				throw new NodeOperationError(
					this.getNode(),
					'Nothing to update: choose a status, a verdict or enter a comment',
					{ itemIndex: i },
				);
			}
			const threat = await providerFor(this, i).updateThreat(threatIdOf(this, i), update);
			return asData(withRaw(threat, readCommonOptions(this, i).includeRaw));
		},
	);
}
