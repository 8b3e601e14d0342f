import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type RunWorkflowOptions, type WorkflowJson } from './harness';
import { loadTemplate } from './templates.expectations';

export type TemplateName = 'patch-remediation' | 'threat-response';

/**
 * A sandbox for one describe block: fresh world before each test, operations that finish on their first
 * status read (so the templates' poll intervals never sleep), optional faults, and the sandbox's credentials.
 */
export function templateSandbox(faults?: Parameters<Sandbox['setFaults']>[0], seed?: number) {
	let sandbox: Sandbox;
	let credentials: Record<string, never>;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, seed });
		credentials = Object.fromEntries(
			sandbox.n8nCredentials().map((c) => [c.type, c.data]),
		) as Record<string, never>;
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 50 });
		if (faults) sandbox.setFaults(faults);
	});
	return {
		world: () => sandbox.world(),
		/**
		 * Requests a fault struck since the last reset (of these vendors' only, when given): proof that a faulty
		 * run was faulty.
		 */
		faultsStruck: (vendors?: string[]) =>
			sandbox.requests
				.query({})
				.filter((entry) => entry.fault && (!vendors || vendors.includes(entry.vendor))).length,
		/** The running sandbox, for its scenario API (duplicate hostnames, domain controllers, injected threats). */
		sandbox: () => sandbox,
		/**
		 * A run from `startNode` (the Manual trigger unless said otherwise) with `input` as the trigger's items;
		 * `nodeTypes` adds test-only node types (a fake chat model on MSP AI Triage's Model input).
		 */
		run: async (
			workflow: TemplateName | WorkflowJson,
			start: {
				startNode?: string;
				input?: IDataObject[];
				nodeTypes?: RunWorkflowOptions['nodeTypes'];
			} = {},
		) =>
			await runWorkflow(
				typeof workflow === 'string'
					? (loadTemplate(workflow) as unknown as WorkflowJson)
					: workflow,
				{
					credentials,
					startNode: start.startNode ?? 'Run Now',
					input: start.input,
					nodeTypes: start.nodeTypes,
				},
			),
	};
}
