import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IConnections,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { TRIGGER_TYPES } from './built-in-nodes';
import { CredentialStore, HarnessCredentialsHelper } from './credentials-helper';
import { loadInstalledBaseNode } from './installed-base-nodes';
import { loadPackageTypes } from './node-types';

const BASE_URL = 'http://localhost:5678/';

/** The parts of an exported workflow the harness reads. */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
	staticData?: IDataObject;
	[key: string]: unknown;
}

export interface RunWorkflowOptions {
	/** Credential data by credential type name, e.g. `{ mspNinjaOneApi: { baseUrl, clientId, ... } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items fed to the start node (a trigger passes them on). Plain objects become `{ json }`. Default `[{}]`. */
	input?: Array<IDataObject | INodeExecutionData>;
	/** Start here instead of the workflow's trigger. */
	startNode?: string;
	/** Extra node types by full type name (test-only nodes). */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Extra credential types (test-only credentials). */
	credentialTypes?: ICredentialType[];
	/** Share one store across runs to observe cached preAuthentication tokens. */
	credentialStore?: CredentialStore;
	/** Default 'manual', as NodeTestHarness runs. */
	mode?: WorkflowExecuteMode;
}

export interface WorkflowRunResult {
	run: IRun;
	status: IRun['status'];
	error: ExecutionError | undefined;
	/** json of the items a node emitted on one output in its first run ([] if it did not run). */
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** Full items (json, pairedItem, binary) of one output. */
	itemsOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** Node names in the order they ran. */
	executedNodes: string[];
	/** The run's credential store (data after preAuthentication, preAuthentication counts). */
	credentials: CredentialStore;
	workflow: Workflow;
}

function toItems(input: Array<IDataObject | INodeExecutionData> | undefined): INodeExecutionData[] {
	return (input ?? [{}]).map((item, index) => {
		const isItem =
			item && typeof item === 'object' && 'json' in item && typeof item.json === 'object';
		const base = isItem ? (item as INodeExecutionData) : { json: item as IDataObject };
		return { ...base, pairedItem: base.pairedItem ?? { item: index } };
	});
}

/**
 * Runs workflow JSON in-process with n8n-core's WorkflowExecute, as n8n's NodeTestHarness does:
 * this package's built nodes plus manualTrigger/scheduleTrigger/noOp/stickyNote stand-ins.
 */
export async function runWorkflow(
	workflowJson: WorkflowJson | IWorkflowBase,
	options: RunWorkflowOptions = {},
): Promise<WorkflowRunResult> {
	const nodeTypes = (await loadPackageTypes()).extend();
	for (const [fullType, type] of Object.entries(options.nodeTypes ?? {}))
		nodeTypes.addNode(fullType, type);
	for (const type of options.credentialTypes ?? []) nodeTypes.addCredential(type);
	// Other n8n-nodes-base types (Set, IF, Merge, Wait...) come from the real n8n install.
	const known = new Set(nodeTypes.nodeTypeNames());
	for (const node of workflowJson.nodes) {
		if (known.has(node.type)) continue;
		const installed = loadInstalledBaseNode(node.type);
		if (installed) nodeTypes.addNode(node.type, installed);
		known.add(node.type);
	}

	const store = options.credentialStore ?? new CredentialStore(options.credentials ?? {});
	if (options.credentialStore && options.credentials) {
		for (const [type, data] of Object.entries(options.credentials)) store.update(type, data);
	}

	// Templates ship credential references without ids (or none at all): point every node at the
	// given credential data for each credential type it declares.
	const nodes: INode[] = JSON.parse(JSON.stringify(workflowJson.nodes));
	for (const node of nodes) {
		let declared: string[] = [];
		try {
			const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			declared = (type.description.credentials ?? []).map((c) => c.name);
		} catch {
			continue;
		}
		for (const credType of declared) {
			if (store.get(credType) && !node.credentials?.[credType]) {
				node.credentials = {
					...(node.credentials ?? {}),
					[credType]: { id: null, name: credType },
				};
			}
		}
	}

	const workflow = new Workflow({
		id: String(workflowJson.id ?? 'harness'),
		name: String(workflowJson.name ?? 'harness'),
		nodes,
		connections: workflowJson.connections,
		active: false,
		nodeTypes,
		staticData: (workflowJson as WorkflowJson).staticData,
		settings: { executionOrder: 'v1', ...((workflowJson.settings as IDataObject) ?? {}) },
	});

	const startNode = pickStartNode(workflow, nodes, options.startNode, nodeTypes);
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, 'harness-execution', {
		id: workflow.id,
		name: workflow.name ?? 'harness',
		nodes,
		connections: workflowJson.connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteBefore', (nodeName) => {
		executedNodes.push(nodeName);
	});
	let finish!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finish(fullRunData));

	const noop = () => {};
	const additionalData = {
		hooks,
		credentialsHelper: new HarnessCredentialsHelper(store, nodeTypes),
		executionId: 'harness-execution',
		variables: {},
		userId: 'harness-user',
		restApiUrl: `${BASE_URL}rest`,
		instanceBaseUrl: BASE_URL,
		formWaitingBaseUrl: `${BASE_URL}form-waiting`,
		webhookBaseUrl: `${BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}webhook-test`,
		currentNodeExecutionIndex: 0,
		setExecutionStatus: noop,
		sendDataToUI: noop,
		logAiEvent: noop,
		executeWorkflow: async () => {
			throw new Error('executeWorkflow (sub-workflows) is not supported by the workflows harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: [toItems(options.input)] }, source: null },
			],
		},
	});
	const execution = new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const run = await Promise.race([finished, execution.then(() => finished)]);

	const itemsOf = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] => {
		if (!workflow.getNode(nodeName)) throw new Error(`No node named "${nodeName}" in the workflow`);
		const taskData = run.data.resultData.runData[nodeName]?.[runIndex];
		return taskData?.data?.main?.[outputIndex] ?? [];
	};
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		itemsOf,
		outputOf: (nodeName, outputIndex = 0, runIndex = 0) =>
			itemsOf(nodeName, outputIndex, runIndex).map((i) => i.json),
		executedNodes,
		credentials: store,
		workflow,
	};
}

function pickStartNode(
	workflow: Workflow,
	nodes: INode[],
	requested: string | undefined,
	nodeTypes: { getByNameAndVersion(type: string, version?: number): INodeType },
): INode {
	if (requested) {
		const node = workflow.getNode(requested);
		if (!node) throw new Error(`startNode "${requested}" is not in the workflow`);
		return node;
	}
	const isTrigger = (node: INode) => {
		if (TRIGGER_TYPES.has(node.type)) return true;
		try {
			const type = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			return NodeHelpers.isTriggerNode(type.description);
		} catch {
			return false;
		}
	};
	const trigger = nodes.find((n) => !n.disabled && isTrigger(n));
	const start = trigger ?? workflow.getStartNode();
	if (!start) throw new Error('The workflow has no trigger or start node; pass options.startNode');
	return start;
}
