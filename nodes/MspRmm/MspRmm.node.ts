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

export class MspRmm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP RMM',
		name: 'mspRmm',
		icon: { light: 'file:mspRmm.svg', dark: 'file:mspRmm.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description:
			'Devices, patching, scripts and alerts in NinjaOne, ConnectWise Automate or Datto RMM',
		defaults: { name: 'MSP RMM' },
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
