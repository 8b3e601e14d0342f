import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationSubtitle } from '../shared/actions/subtitle';
import { router } from './actions/router';
import { credentials, properties } from './actions/versionDescription';
import { listSearch } from './methods';

export class MspPsa implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP PSA',
		name: 'mspPsa',
		icon: { light: 'file:mspPsa.svg', dark: 'file:mspPsa.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description:
			'Tickets, companies and configurations in ConnectWise PSA, HaloPSA or Autotask PSA, with one set of operations and one output shape',
		defaults: { name: 'MSP PSA' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
