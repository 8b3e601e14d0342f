import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readCommonOptions, runPerItem } from '../../../shared';
import { asData, providerFor, threatIdOf } from '../context';

export const description: INodeProperties[] = [
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description: 'SentinelOne threat note or Defender alert comment',
		displayOptions: { show: { resource: ['threat'], operation: ['addNote'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const note = (this.getNodeParameter('note', i) as string).trim();
			if (!note)
				throw new NodeOperationError(this.getNode(), 'Note is empty: enter the text to add', {
					itemIndex: i,
				});
			return asData(await providerFor(this, i).addNote(threatIdOf(this, i), note));
		},
	);
}
