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
import { buildRulesConfig, RulesConfigError } from '../rules/config';
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

/** Rule settings are read once per execution: the rules are compiled once and every item shares them. */
function readRules(ctx: IExecuteFunctions, options: TriageOptions): RulesConfig {
	try {
		return buildRulesConfig({
			enabledRules: ctx.getNodeParameter('enabledRules', 0, []) as string[],
			knownBadHashes: ctx.getNodeParameter('knownBadHashes', 0, '') as string,
			criticalHostPatterns: ctx.getNodeParameter('criticalHostPatterns', 0, '') as string,
			criticalDeviceTypes: ctx.getNodeParameter('criticalDeviceTypes', 0, []) as string[],
			allowListedTools: ctx.getNodeParameter('allowListedTools', 0, '') as string,
			autoContainConfidence: ctx.getNodeParameter('autoContainConfidence', 0, 0.8) as number,
			extraRansomwarePatterns: options.extraRansomwarePatterns ?? '',
		});
	} catch (error) {
		if (error instanceof RulesConfigError) {
			throw new NodeOperationError(ctx.getNode(), `Invalid "${error.field}": ${error.message}`, {
				description: 'Fix the rule setting named in the message.',
			});
		}
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
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
	const options = ctx.getNodeParameter('options', 0, {}) as TriageOptions;
	const outputField = (options.outputField ?? 'triage').trim() || 'triage';
	const run: TriageRun = {
		model: await connectedModel(ctx),
		rules: readRules(ctx, options),
		strip: stripRules(
			options.strippedFields ?? DEFAULT_STRIPPED_FIELDS,
			options.includeRawInPrompt === true,
		),
		timeoutSeconds: Math.max(1, options.modelTimeout ?? 60),
		nonce: randomBytes(6).toString('hex'),
		cancel: ctx.getExecutionCancelSignal?.(),
		cache: new Map(),
	};
	const items = ctx.getInputData();
	const results = await runPerItem(
		ctx,
		{ concurrency: clampConcurrency(options.concurrency) },
		async (itemIndex) => {
			const decision = await triageOne(readAlert(ctx, itemIndex), run);
			return { ...items[itemIndex].json, [outputField]: decision as unknown as IDataObject };
		},
	);
	addFallbackHint(ctx, results, outputField);
	if (isToolExecution(ctx)) return [results];
	return routeItems(results, outputField);
}

/** One output per route; error items (Continue On Fail) go to Investigate, where a person looks. */
function routeItems(results: INodeExecutionData[], outputField: string): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	for (const item of results) {
		const route = (item.json[outputField] as { route?: keyof typeof ROUTE_OUTPUT } | undefined)
			?.route;
		outputs[route ? ROUTE_OUTPUT[route] : ROUTE_OUTPUT.investigate].push(item);
	}
	return outputs;
}

function addFallbackHint(
	ctx: IExecuteFunctions,
	results: INodeExecutionData[],
	outputField: string,
): void {
	const fallbacks = results.filter(
		(item) =>
			(item.json[outputField] as { source?: string } | undefined)?.source === 'rules-fallback',
	);
	if (!fallbacks.length) return;
	const first = (fallbacks[0].json[outputField] as { hint?: string }).hint ?? '';
	ctx.addExecutionHints({
		message: `${fallbacks.length} of ${results.length} alerts were decided by the rules because the model failed. ${first}`,
		type: 'warning',
		location: 'outputPane',
	});
}
