import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

export const triageNode: INode = {
	id: 'triage-1',
	name: 'MSP AI Triage',
	type: 'n8n-nodes-msp-orchestration.mspAiTriage',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const DEFAULTS: IDataObject = {
	enabledRules: [
		'allow-listed-tool',
		'critical-asset',
		'edr-false-positive',
		'edr-malicious-verdict',
		'instructions-in-alert-data',
		'known-bad-hash',
		'ransomware-behaviour',
	],
	knownBadHashes: '',
	criticalHostPatterns: '*SRV*, *-DC*, *SERVER*',
	criticalDeviceTypes: ['server', 'domainController'],
	allowListedTools: '',
	autoContainConfidence: 0.8,
	options: {},
};

/**
 * A minimal IExecuteFunctions for the triage node: parameters by name (the `alert` parameter is
 * the item's json unless given as a function; any parameter given as a function is read per item), the model as the AI input, continue-on-fail and hints.
 */
export function triageContext(
	items: IDataObject[],
	opts: {
		params?: IDataObject;
		alert?: (item: IDataObject, index: number) => unknown;
		model?: unknown;
		continueOnFail?: boolean;
		tool?: boolean;
	} = {},
) {
	const hints: NodeExecutionHint[] = [];
	const params: IDataObject = { ...DEFAULTS, ...opts.params };
	const input: INodeExecutionData[] = items.map((json) => ({ json }));
	const getInputConnectionData = jest.fn(async () => opts.model);
	const ctx = {
		getNode: () => triageNode,
		getInputData: () => input,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			if (name === 'alert')
				return opts.alert ? opts.alert(items[itemIndex], itemIndex) : items[itemIndex];
			if (!(name in params)) return fallback;
			// A function stands for an expression that differs per item.
			const value = params[name] as unknown;
			return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
		},
		getInputConnectionData,
		continueOnFail: () => opts.continueOnFail === true,
		isToolExecution: () => opts.tool === true,
		addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h),
		getExecutionCancelSignal: () => undefined,
	} as unknown as IExecuteFunctions;
	return { ctx, hints, getInputConnectionData };
}
