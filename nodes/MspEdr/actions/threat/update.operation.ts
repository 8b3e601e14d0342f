import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ThreatStatus } from '../../../shared';
import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import type { ThreatUpdate, ThreatUpdateSupport } from '../../providers/types';
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
	{
		displayName: 'Skip What the EDR Cannot Record',
		name: 'skipUnsupported',
		type: 'boolean',
		default: false,
		description:
			'Whether to leave out a status, verdict or comment the chosen EDR has no API for (Huntress only resolves; CrowdStrike Falcon and Huntress have no verdict; Huntress takes no comment) and send the rest, listing what was left out under notRecorded. Off: such an update fails before any request.',
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
			const requested = Object.keys(update).length;
			const provider = providerFor(this, i);
			const notRecorded = this.getNodeParameter('skipUnsupported', i, false)
				? leaveOutUnsupported(update, provider.threatUpdates)
				: [];
			if (!requested) {
				throw new NodeOperationError(
					this.getNode(),
					'Nothing to update: choose a status, a verdict or enter a comment',
					{ itemIndex: i },
				);
			}
			const id = threatIdOf(this, i);
			// Everything requested is something this EDR cannot record: nothing is sent, the threat is read as it is.
			const threat = Object.keys(update).length
				? await provider.updateThreat(id, update)
				: await provider.getThreat(id);
			const data = withRaw(threat, readCommonOptions(this, i).includeRaw);
			return asData(notRecorded.length ? { ...data, notRecorded } : data);
		},
	);
}

/**
 * Removes from the update what the EDR has no API for and says what was left out: a line per field,
 * naming the value and the EDR.
 */
function leaveOutUnsupported(update: ThreatUpdate, support: ThreatUpdateSupport): string[] {
	const left: string[] = [];
	if (update.status && !support.statuses.includes(update.status)) {
		left.push(`status ${update.status}: this EDR does not set it`);
		delete update.status;
	}
	if (update.verdict && !support.verdicts.includes(update.verdict)) {
		left.push(`verdict ${update.verdict}: this EDR has no such analyst verdict`);
		delete update.verdict;
	}
	if (update.comment && !support.comments) {
		left.push('comment: this EDR has no API for comments');
		delete update.comment;
	}
	return left;
}
