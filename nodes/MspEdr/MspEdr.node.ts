import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialPerProvider } from '../shared/actions/providerCredentials';
import { operationSubtitle } from '../shared/actions/subtitle';
import { CREDENTIAL_OF } from './providers';
import { edrProperties } from './actions/properties';
import { router } from './actions/router';
import { searchDevices } from './methods/listSearch';

export class MspEdr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP EDR',
		name: 'mspEdr',
		icon: { light: 'file:mspEdr.svg', dark: 'file:mspEdr.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(edrProperties),
		description:
			'Threats, containment and mitigation in SentinelOne or Microsoft Defender for Endpoint',
		defaults: { name: 'MSP EDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Offered only while its provider is chosen, without hiding the Provider in the editor.
		credentials: credentialPerProvider(CREDENTIAL_OF),
		properties: edrProperties,
	};

	methods = { listSearch: { searchDevices } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
