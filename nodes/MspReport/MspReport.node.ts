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

export class MspReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP Report',
		name: 'mspReport',
		icon: { light: 'file:mspReport.svg', dark: 'file:mspReport.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description:
			'Build compliance and incident evidence per client, render it as HTML, Markdown and CSV, and publish it to Hudu or IT Glue',
		defaults: { name: 'MSP Report' },
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
