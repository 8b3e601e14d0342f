import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * Minimal stand-ins for the n8n-nodes-base nodes the harness supports (n8n-nodes-base is not a
 * dependency of this package). Each keeps the real type name and version so workflow JSON runs
 * unchanged; triggers pass the harness `input` items through.
 */
function passThrough(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	return Promise.resolve([
		items.map((item, index) => ({ ...item, pairedItem: item.pairedItem ?? { item: index } })),
	]);
}

function describe(
	overrides: Partial<INodeTypeDescription> & Pick<INodeTypeDescription, 'name' | 'displayName'>,
): INodeTypeDescription {
	return {
		group: ['transform'],
		version: 1,
		description: overrides.displayName,
		defaults: { name: overrides.displayName },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...overrides,
	};
}

class ManualTrigger implements INodeType {
	description = describe({
		name: 'manualTrigger',
		displayName: 'When clicking ‘Execute workflow’',
		group: ['trigger'],
		inputs: [],
	});

	execute = passThrough;
}

class ScheduleTrigger implements INodeType {
	description = describe({
		name: 'scheduleTrigger',
		displayName: 'Schedule Trigger',
		group: ['trigger', 'schedule'],
		version: [1, 1.1, 1.2, 1.3],
		inputs: [],
		properties: [{ displayName: 'Rule', name: 'rule', type: 'json', default: {} }],
	});

	execute = passThrough;
}

class NoOp implements INodeType {
	description = describe({ name: 'noOp', displayName: 'No Operation, do nothing' });

	execute = passThrough;
}

class StickyNote implements INodeType {
	description = describe({
		name: 'stickyNote',
		displayName: 'Sticky Note',
		group: ['input'],
		inputs: [],
		outputs: [],
		version: [1],
		properties: [{ displayName: 'Content', name: 'content', type: 'string', default: '' }],
	});
}

export const BUILT_IN_NODE_TYPES: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'n8n-nodes-base.scheduleTrigger': new ScheduleTrigger(),
	'n8n-nodes-base.noOp': new NoOp(),
	'n8n-nodes-base.stickyNote': new StickyNote(),
};

export const TRIGGER_TYPES = new Set([
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.scheduleTrigger',
]);
