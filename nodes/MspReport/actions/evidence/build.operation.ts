import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { buildEvidence, type EvidenceFields } from '../../report/evidence';

const show = { resource: ['evidence'], operation: ['build'] };

/**
 * Every field is an expression with a default that reads the normalized shapes of the PSA, RMM
 * and EDR nodes (patch, job, threat, ticket), so the common case needs no mapping at all.
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Client',
		name: 'client',
		type: 'string',
		default: '={{ $json.client ?? $json.companyName ?? $json.company?.name ?? "" }}',
		required: true,
		description: 'Client (company) the evidence belongs to',
		displayOptions: { show },
	},
	{
		displayName: 'Device',
		name: 'device',
		type: 'string',
		default: '={{ $json.device ?? $json.hostname ?? $json.deviceName ?? "" }}',
		required: true,
		description: 'Hostname of the affected device',
		displayOptions: { show },
	},
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Patch', value: 'patch' },
			{ name: 'Incident', value: 'incident' },
		],
		default: 'patch',
		displayOptions: { show },
	},
	{
		displayName: 'Severity',
		name: 'severity',
		type: 'string',
		default: '={{ $json.severity ?? "" }}',
		required: true,
		description: 'One of critical, high, medium, low, informational',
		displayOptions: { show },
	},
	{
		displayName: 'Detected At',
		name: 'detectedAt',
		type: 'string',
		default: '={{ $json.detectedAt ?? $json.releasedAt ?? $json.createdAt ?? "" }}',
		required: true,
		description: 'When the vulnerability or threat was detected (ISO 8601)',
		displayOptions: { show },
	},
	{
		displayName: 'Vendor Detection Time',
		name: 'vendorDetectedAt',
		type: 'string',
		default: '={{ $json.vendorDetectedAt ?? $json.releasedAt ?? $json.threat?.detectedAt ?? "" }}',
		description:
			"The vendor's time: the patch's release or first-seen date, the EDR's detection time. The earlier of this and Detected At is kept, so time to remediate is not measured from the workflow run.",
		displayOptions: { show },
	},
	{
		displayName: 'Outcome',
		name: 'outcome',
		type: 'string',
		default: '={{ $json.outcome ?? $json.status ?? "" }}',
		required: true,
		description:
			'Remediated, failed, exception, pending or dismissed. Statuses of the other nodes are understood: installed, succeeded and resolved mean remediated; approved, queued, running, new and inProgress mean pending.',
		displayOptions: { show },
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '={{ $json.reason ?? "" }}',
		description:
			'Why it is not remediated, as the report shows it: the vendor error code, the patch policy state, the device offline',
		displayOptions: { show },
	},
	{
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		default: '={{ $json.reference ?? $json.kb ?? $json.id ?? "" }}',
		description: 'Patch KB or threat ID the record is about',
		displayOptions: { show },
	},
	{
		displayName: 'Remediated At',
		name: 'remediatedAt',
		type: 'string',
		default: '={{ $json.remediatedAt ?? $json.installedAt ?? $json.finishedAt ?? "" }}',
		displayOptions: { show },
	},
	{
		displayName: 'Verified At',
		name: 'verifiedAt',
		type: 'string',
		default: '={{ $json.verifiedAt ?? "" }}',
		description: 'When a read-back (patch re-scan, threat status) confirmed the fix',
		displayOptions: { show },
	},
	{
		displayName: 'Verified How',
		name: 'verifiedHow',
		type: 'string',
		default: '={{ $json.verifiedHow ?? "" }}',
		placeholder: 'Patch re-scan shows KB5045935 installed',
		displayOptions: { show },
	},
	{
		displayName: 'Ticket Reference',
		name: 'ticketReference',
		type: 'string',
		default: '={{ $json.ticketReference ?? $json.ticket?.number ?? $json.ticket?.id ?? "" }}',
		displayOptions: { show },
	},
	{
		displayName: 'Actions',
		name: 'actions',
		type: 'json',
		default: '={{ $json.actions ?? [] }}',
		description: 'Steps taken, as an array of {at, action, by?, result?}',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'evidenceOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Include Raw',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the incoming item under raw',
			},
			{
				displayName: 'SLA Due At',
				name: 'slaDueAt',
				type: 'string',
				default: '',
				description:
					'Due date agreed for this record; by default the report derives it from the SLA hours per severity',
			},
			{
				displayName: 'Verified By',
				name: 'verifiedBy',
				type: 'string',
				default: '',
			},
		],
	},
];

const FIELDS = [
	'client',
	'device',
	'kind',
	'severity',
	'detectedAt',
	'vendorDetectedAt',
	'outcome',
	'reason',
	'reference',
	'remediatedAt',
	'verifiedAt',
	'verifiedHow',
	'ticketReference',
	'actions',
] as const;

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	return await runPerItem(this, { concurrency: 1 }, async (i) => {
		const fields: IDataObject = {};
		for (const name of FIELDS) fields[name] = this.getNodeParameter(name, i, '');
		const options = this.getNodeParameter('evidenceOptions', i, {}) as IDataObject;
		const { evidence, problems } = buildEvidence({
			...fields,
			slaDueAt: options.slaDueAt,
			verifiedBy: options.verifiedBy,
		} as EvidenceFields);
		if (!evidence) {
			throw new NodeOperationError(
				this.getNode(),
				`Evidence record is incomplete or invalid: ${problems.join('; ')}`,
				{
					itemIndex: i,
					description:
						'Map the named fields to values of the incoming item (expressions) or fix the incoming data.',
				},
			);
		}
		return (
			options.includeRaw === true ? { ...evidence, raw: items[i].json } : evidence
		) as IDataObject;
	});
}
