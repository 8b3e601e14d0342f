import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Severity, ThreatStatus } from '../../../shared';
import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import { asData, providerFor } from '../context';
import { SEVERITY_OPTIONS, STATUS_OPTIONS } from '../common.descriptions';

const show = { resource: ['threat'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Detected Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description: 'Only threats detected at or after this time',
			},
			{
				displayName: 'Device ID',
				name: 'deviceId',
				type: 'string',
				default: '',
				description: 'SentinelOne agent ID or Defender machine ID',
			},
			{ displayName: 'Hostname', name: 'hostname', type: 'string', default: '' },
			{
				displayName: 'Severities',
				name: 'severities',
				type: 'multiOptions',
				options: SEVERITY_OPTIONS,
				default: [],
				description:
					'SentinelOne has confidence levels only: malicious counts as high, suspicious as medium',
			},
			{
				displayName: 'Sites or Machine Groups',
				name: 'groups',
				type: 'string',
				default: '',
				description:
					'Comma-separated SentinelOne site IDs, Defender machine group names, Huntress organization IDs or CrowdStrike CIDs; empty means all',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: STATUS_OPTIONS,
				default: [],
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
			const returnAll = this.getNodeParameter('returnAll', i) as boolean;
			const since = filters.since ? new Date(String(filters.since)) : undefined;
			if (since && Number.isNaN(since.getTime()))
				throw new NodeOperationError(
					this.getNode(),
					`Detected Since "${String(filters.since)}" is not a date`,
					{ itemIndex: i },
				);
			const threats = await providerFor(this, i).listThreats({
				since: since?.toISOString(),
				severities: (filters.severities as Severity[] | undefined)?.length
					? (filters.severities as Severity[])
					: undefined,
				statuses: (filters.statuses as ThreatStatus[] | undefined)?.length
					? (filters.statuses as ThreatStatus[])
					: undefined,
				deviceId: (filters.deviceId as string) || undefined,
				hostname: (filters.hostname as string) || undefined,
				groups: filters.groups
					? String(filters.groups)
							.split(',')
							.map((g) => g.trim())
							.filter(Boolean)
					: undefined,
				returnAll,
				limit: returnAll ? undefined : (this.getNodeParameter('limit', i) as number),
			});
			return withRaw(threats, readCommonOptions(this, i).includeRaw).map(asData);
		},
	);
}
