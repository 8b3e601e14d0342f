import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import type { DeviceSearch } from '../../providers/types';
import { companyIdOf, companyLocator, optionsProperty, out, setup } from '../common';

const show = { resource: ['device'], operation: ['search'] };

export const description: INodeProperties[] = [
	companyLocator(show),
	{
		displayName: 'Hostname Contains',
		name: 'hostname',
		type: 'string',
		default: '',
		placeholder: 'SRV',
		displayOptions: { show },
	},
	{
		displayName: 'Online State',
		name: 'onlineState',
		type: 'options',
		default: 'any',
		options: [
			{ name: 'Any', value: 'any' },
			{ name: 'Online', value: 'online' },
			{ name: 'Offline', value: 'offline' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Device Type',
		name: 'deviceType',
		type: 'options',
		default: 'any',
		options: [
			{ name: 'Any', value: 'any' },
			{ name: 'Server', value: 'server' },
			{ name: 'Workstation', value: 'workstation' },
		],
		description: 'Server includes domain controllers (their type is domainController)',
		displayOptions: { show },
	},
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
	optionsProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const online = this.getNodeParameter('onlineState', i, 'any') as string;
		const type = this.getNodeParameter('deviceType', i, 'any') as string;
		if (!['any', 'online', 'offline'].includes(online))
			throw new NodeOperationError(
				this.getNode(),
				`Online State "${online}" is not valid: use any, online or offline`,
				{ itemIndex: i },
			);
		if (!['any', 'server', 'workstation'].includes(type))
			throw new NodeOperationError(
				this.getNode(),
				`Device Type "${type}" is not valid: use any, server or workstation`,
				{ itemIndex: i },
			);
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = Number(this.getNodeParameter('limit', i, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1))
			throw new NodeOperationError(
				this.getNode(),
				`Limit must be a whole number of at least 1, got ${limit}`,
				{ itemIndex: i },
			);
		const search: DeviceSearch = {
			companyId: companyIdOf(this, provider, i),
			hostname: String(this.getNodeParameter('hostname', i, '')).trim() || undefined,
			online: online === 'any' ? undefined : online === 'online',
			type: type === 'any' ? undefined : (type as DeviceSearch['type']),
			returnAll,
			limit,
		};
		const devices = await provider.searchDevices(search);
		return devices.map((d) => out(d, options.includeRaw)) as IDataObject[];
	});
}
