import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared';
import { companyIdOf, companyLocator, optionsProperty, out, setup } from '../common';
import { readStatuses, statusField } from './statuses';

const show = { resource: ['patch'], operation: ['listFleet'] };

export const description: INodeProperties[] = [
	companyLocator(show),
	statusField(show, ['pending', 'approved', 'failed']),
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
		const statuses = readStatuses(this, i);
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = Number(this.getNodeParameter('limit', i, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1))
			throw new NodeOperationError(
				this.getNode(),
				`Limit must be a whole number of at least 1, got ${limit}`,
				{ itemIndex: i },
			);
		const companyId = companyIdOf(this, provider, i);
		const patches = await provider.listFleetPatches({
			companyId,
			statuses,
			returnAll,
			limit,
			concurrency: options.concurrency,
		});
		return patches.map((p) => out(p, options.includeRaw)) as IDataObject[];
	});
}
