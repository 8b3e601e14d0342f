import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readCommonOptions, runPerItem, withRaw } from '../../../shared';
import { asData, providerFor, threatIdOf } from '../context';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const threat = await providerFor(this, i).getThreat(threatIdOf(this, i));
			return asData(withRaw(threat, readCommonOptions(this, i).includeRaw));
		},
	);
}
