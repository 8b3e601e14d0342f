/**
 * One measured run in a fresh process: fresh pacers and token caches, and a memory figure that
 * belongs to this run alone. Usage (spawned by bench/lib/spawn.ts): child.ts <job.json> <result.json>
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { loadPackageTypes, runWorkflow, type WorkflowJson } from '../../test/workflows/harness';
import { loadBuiltIns, ROOT, type BuiltInName } from './builtin';
import { PeakMemory } from './memory';
import type { ChildResult } from './types';

export type ChildJob =
	| {
			kind: 'workflow';
			workflow: WorkflowJson;
			credentials: Record<string, ICredentialDataDecryptedObject>;
			input?: IDataObject[];
			builtIns?: BuiltInName[];
			/** Start at this node instead of the workflow's trigger (a template's Manual trigger). */
			startNode?: string;
	  }
	| { kind: 'triage'; alertsFile: string; count: number };

function countItems(
	runData: Record<string, Array<{ data?: { main?: Array<INodeExecutionData[] | null> } }>>,
) {
	const items: Record<string, number> = {};
	const errorItems: Record<string, number> = {};
	for (const [name, runs] of Object.entries(runData)) {
		const outputs = (runs[0]?.data?.main ?? []).map((o) => o ?? []);
		items[name] = outputs.reduce((n, o) => n + o.length, 0);
		errorItems[name] = outputs.reduce(
			(n, o) => n + o.filter((i) => i.json?.error !== undefined).length,
			0,
		);
	}
	return { items, errorItems };
}

async function runWorkflowJob(job: Extract<ChildJob, { kind: 'workflow' }>): Promise<ChildResult> {
	const builtIns = job.builtIns?.length
		? loadBuiltIns(job.builtIns)
		: { nodeTypes: {}, credentialTypes: [] };
	await loadPackageTypes();
	const memory = new PeakMemory();
	const started = performance.now();
	const run = await runWorkflow(job.workflow, {
		credentials: job.credentials,
		input: job.input,
		startNode: job.startNode,
		...builtIns,
	});
	const wallMs = performance.now() - started;
	const peak = memory.stop();
	const { items, errorItems } = countItems(run.run.data.resultData.runData as never);
	return {
		ok: !run.error,
		error: run.error
			? `${run.error.message}${(run.error as { description?: string }).description ? ` (${(run.error as { description?: string }).description})` : ''}`
			: undefined,
		wallMs,
		baselineRssMb: memory.baselineMb,
		peakRssMb: peak.peakMb,
		peakSource: peak.source,
		items,
		errorItems,
	};
}

/** Rules-only triage through the engine's benchmark entry point, on alerts already in memory as n8n would hold them. */
function runTriageJob(job: Extract<ChildJob, { kind: 'triage' }>): ChildResult {
	// The built package, as n8n runs it.
	const rules = require(join(ROOT, 'dist', 'nodes', 'MspAiTriage', 'rules', 'index.js')) as {
		buildRulesConfig(settings?: unknown): unknown;
		triageWithRules(alert: unknown, config: unknown): { route: string };
	};
	const corpus = JSON.parse(readFileSync(job.alertsFile, 'utf8')) as Array<Record<string, unknown>>;
	const alerts = Array.from({ length: job.count }, (_, i) => ({
		...corpus[i % corpus.length],
		id: `${String(corpus[i % corpus.length].id ?? 'alert')}-${i}`,
	}));
	const config = rules.buildRulesConfig();
	// Warm the JIT on a small slice so the figure is the steady state an n8n worker reaches.
	for (let i = 0; i < Math.min(2000, alerts.length); i++) rules.triageWithRules(alerts[i], config);
	const memory = new PeakMemory();
	const routes: Record<string, number> = {};
	const decisions = new Array<unknown>(alerts.length);
	const started = performance.now();
	for (let i = 0; i < alerts.length; i++) {
		const decision = rules.triageWithRules(alerts[i], config);
		decisions[i] = decision;
		routes[decision.route] = (routes[decision.route] ?? 0) + 1;
		if (i % 5000 === 0) memory.sample();
	}
	const wallMs = performance.now() - started;
	const peak = memory.stop();
	return {
		ok: true,
		wallMs,
		baselineRssMb: memory.baselineMb,
		peakRssMb: peak.peakMb,
		peakSource: peak.source,
		items: { triage: decisions.length },
		errorItems: {},
		extra: { alertsPerSecond: alerts.length / (wallMs / 1000), routes, corpusSize: corpus.length },
	};
}

async function main(): Promise<void> {
	const [jobFile, resultFile] = process.argv.slice(2);
	const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
	let result: ChildResult;
	try {
		result = job.kind === 'workflow' ? await runWorkflowJob(job) : runTriageJob(job);
	} catch (error) {
		result = {
			ok: false,
			error: (error as Error).stack ?? String(error),
			wallMs: 0,
			baselineRssMb: 0,
			peakRssMb: 0,
			peakSource: 'sampled',
			items: {},
			errorItems: {},
		};
	}
	writeFileSync(resultFile, JSON.stringify(result));
}

void main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error);
		process.exit(1);
	},
);
