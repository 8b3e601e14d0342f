import { randomBytes } from 'crypto';
import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { MAX_CONCURRENCY } from '../../shared/actions/commonOptions';
import { runPerItem } from '../../shared/execute';
import { pickModel, type ChatModelLike } from '../model/invoke';
import { DEFAULT_STRIPPED_FIELDS, stripRules } from '../model/strip';
import { triageOne, type TriageRun } from '../model/triage';
import { buildRulesConfig, RulesConfigError, type RulesSettings } from '../rules/config';
import type { RulesConfig } from '../rules/types';

import { OUTPUT_NAMES, ROUTE_OUTPUT } from './properties';

interface TriageOptions {
	concurrency?: number;
	extraRansomwarePatterns?: string;
	strippedFields?: string;
	includeRawInPrompt?: boolean;
	modelTimeout?: number;
	outputField?: string;
}

/**
 * Rule settings are read per item (an expression may differ by client) and compiled once per distinct
 * set of settings, so a batch with one configuration still compiles its patterns once.
 */
function readRules(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: TriageOptions,
	compiled: Map<string, RulesConfig>,
): RulesConfig {
	const settings: RulesSettings = {
		enabledRules: ctx.getNodeParameter('enabledRules', itemIndex, []) as string[],
		knownBadHashes: ctx.getNodeParameter('knownBadHashes', itemIndex, '') as string,
		criticalHostPatterns: ctx.getNodeParameter('criticalHostPatterns', itemIndex, '') as string,
		criticalDeviceTypes: ctx.getNodeParameter('criticalDeviceTypes', itemIndex, []) as string[],
		allowListedTools: ctx.getNodeParameter('allowListedTools', itemIndex, '') as string,
		autoContainConfidence: ctx.getNodeParameter('autoContainConfidence', itemIndex, 0.8) as number,
		extraRansomwarePatterns: options.extraRansomwarePatterns ?? '',
	};
	const key = JSON.stringify(settings);
	const known = compiled.get(key);
	if (known) return known;
	try {
		const config = buildRulesConfig(settings);
		compiled.set(key, config);
		return config;
	} catch (error) {
		if (error instanceof RulesConfigError) {
			throw new NodeOperationError(ctx.getNode(), `Invalid "${error.field}": ${error.message}`, {
				itemIndex,
				description: 'Fix the rule setting named in the message.',
			});
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
}

/** The run as one item sees it: the execution's model, nonce and answer cache, the item's own settings. */
function runForItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	shared: Pick<TriageRun, 'model' | 'nonce' | 'cancel' | 'cache'>,
	compiled: Map<string, RulesConfig>,
): TriageRun {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as TriageOptions;
	return {
		...shared,
		rules: readRules(ctx, itemIndex, options, compiled),
		strip: stripRules(
			options.strippedFields ?? DEFAULT_STRIPPED_FIELDS,
			options.includeRawInPrompt === true,
		),
		timeoutSeconds: Math.max(1, options.modelTimeout ?? 60),
	};
}

function outputFieldOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as TriageOptions;
	return (options.outputField ?? 'triage').trim() || 'triage';
}

function isToolExecution(ctx: IExecuteFunctions): boolean {
	return typeof ctx.isToolExecution === 'function' && ctx.isToolExecution();
}

/** The connected chat model, or undefined for rules-only mode (none connected, or running as an agent tool). */
async function connectedModel(ctx: IExecuteFunctions): Promise<ChatModelLike | undefined> {
	// An agent tool has no model input (n8n strips the inputs): the agent is the model.
	if (isToolExecution(ctx)) return undefined;
	const supplied = await ctx.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0);
	if (supplied === undefined || (Array.isArray(supplied) && supplied.length === 0))
		return undefined;
	const model = pickModel(supplied);
	if (!model) {
		throw new NodeOperationError(ctx.getNode(), 'The connected model cannot be called', {
			description:
				'Connect a chat model sub-node (OpenAI, Azure OpenAI, Anthropic, Ollama...). Embeddings and other AI sub-nodes do not answer prompts.',
		});
	}
	return model;
}

function readAlert(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const value = ctx.getNodeParameter('alert', itemIndex) as unknown;
	let alert = value;
	if (typeof value === 'string') {
		try {
			alert = JSON.parse(value);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Alert must be a JSON object', {
				itemIndex,
				description:
					'The "Alert" field holds text that is not JSON. Use an expression such as {{ $json }}.',
			});
		}
	}
	if (!alert || typeof alert !== 'object' || Array.isArray(alert)) {
		throw new NodeOperationError(ctx.getNode(), 'Alert must be a JSON object', {
			itemIndex,
			description: `Got ${Array.isArray(alert) ? 'an array' : typeof alert}. Map one alert per item.`,
		});
	}
	return alert as IDataObject;
}

function clampConcurrency(value: unknown): number {
	const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 4;
	return Math.min(MAX_CONCURRENCY, Math.max(1, n));
}

export async function executeTriage(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// Concurrency is the one execution-wide option: it bounds the node's calls, not an item's.
	const { concurrency } = ctx.getNodeParameter('options', 0, {}) as TriageOptions;
	const shared = {
		model: await connectedModel(ctx),
		nonce: randomBytes(6).toString('hex'),
		cancel: ctx.getExecutionCancelSignal?.(),
		cache: new Map(),
	};
	const compiled = new Map<string, RulesConfig>();
	const items = ctx.getInputData();
	const outputFields = items.map((_, itemIndex) => outputFieldOf(ctx, itemIndex));
	const results = await runPerItem(
		ctx,
		{ concurrency: clampConcurrency(concurrency) },
		async (itemIndex) => {
			const run = runForItem(ctx, itemIndex, shared, compiled);
			const decision = await triageOne(readAlert(ctx, itemIndex), run);
			return {
				...items[itemIndex].json,
				[outputFields[itemIndex]]: decision as unknown as IDataObject,
			};
		},
	);
	addFallbackHint(ctx, results, outputFields);
	if (isToolExecution(ctx)) return [results];
	return routeItems(results, outputFields);
}

/** The verdict on a result item, found through the item it is paired with (errors have none). */
function verdictOf(
	item: INodeExecutionData,
	outputFields: string[],
): { route?: keyof typeof ROUTE_OUTPUT; source?: string; hint?: string } | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	const index = typeof paired === 'number' ? paired : (paired?.item ?? 0);
	return item.json[outputFields[index] ?? 'triage'] as ReturnType<typeof verdictOf>;
}

/** One output per route; error items (Continue On Fail) go to Investigate, where a person looks. */
function routeItems(results: INodeExecutionData[], outputFields: string[]): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	for (const item of results) {
		const route = verdictOf(item, outputFields)?.route;
		outputs[route ? ROUTE_OUTPUT[route] : ROUTE_OUTPUT.investigate].push(item);
	}
	return outputs;
}

function addFallbackHint(
	ctx: IExecuteFunctions,
	results: INodeExecutionData[],
	outputFields: string[],
): void {
	const fallbacks = results.filter(
		(item) => verdictOf(item, outputFields)?.source === 'rules-fallback',
	);
	if (!fallbacks.length) return;
	const first = verdictOf(fallbacks[0], outputFields)?.hint ?? '';
	ctx.addExecutionHints({
		message: `${fallbacks.length} of ${results.length} alerts were decided by the rules because the model failed. ${first}`,
		type: 'warning',
		location: 'outputPane',
	});
}
