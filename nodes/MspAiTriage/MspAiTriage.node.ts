import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OUTPUT_NAMES, properties } from './actions/properties';
import { executeTriage } from './actions/triage';

export class MspAiTriage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP AI Triage',
		name: 'mspAiTriage',
		icon: { light: 'file:mspAiTriage.svg', dark: 'file:mspAiTriage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["enabledRules"].length + " rules" }}',
		description:
			'Route alerts to Contain, Needs Approval, Investigate or Dismiss with any chat model, behind deterministic guardrails',
		defaults: { name: 'MSP AI Triage' },
		// The model is optional: without one the rules decide alone.
		inputs: [
			NodeConnectionTypes.Main,
			{
				type: NodeConnectionTypes.AiLanguageModel,
				displayName: 'Model',
				required: false,
				maxConnections: 1,
			},
		],
		outputs: [
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
		],
		outputNames: OUTPUT_NAMES,
		// As an agent tool n8n gives the node no model input and returns only its first output, so in
		// tool mode the rules decide and every verdict comes back on that first output.
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeTriage(this);
	}
}
