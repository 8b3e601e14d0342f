import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import type { WorkflowJson } from '../../test/workflows/harness';
import type { ChildResult, Row } from './types';

export const PACKAGE = 'n8n-nodes-msp-orchestration';

/** A sandbox for one scenario; the caller stops it. */
export async function sandboxFor(options: SandboxOptions): Promise<Sandbox> {
	return await startSandbox({ port: 0, ...options });
}

/** Credential data by type for every sandbox vendor, as the harness takes it. */
export function credentialsOf(sandbox: Sandbox): Record<string, ICredentialDataDecryptedObject> {
	return Object.fromEntries(
		sandbox.n8nCredentials().map((c) => [c.type, c.data as ICredentialDataDecryptedObject]),
	);
}

export interface VendorRequests {
	total: number;
	throttled: number;
	byPath: Record<string, number>;
	/** Time the sandbox spent serving these requests beyond the injected latency (its own CPU), summed. */
	sandboxMs: number;
}

/** Requests one vendor received since the log was cleared (throttled and faulted ones included). */
export function requestsTo(sandbox: Sandbox, vendor: string, latencyMs = 0): VendorRequests {
	const entries = sandbox.requests.query({ vendor });
	const sandboxMs = entries.reduce((sum, e) => sum + Math.max(0, e.durationMs - latencyMs), 0);
	const byPath: Record<string, number> = {};
	for (const e of entries) {
		const key = `${e.method} ${e.path.replace(/\/\d+(?=\/|$)/g, '/{id}').replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{id}')}`;
		byPath[key] = (byPath[key] ?? 0) + 1;
	}
	return {
		total: entries.length,
		throttled: entries.filter((e) => e.status === 429).length,
		byPath,
		sandboxMs,
	};
}

/** Manual trigger -> one node, the shape of every single-step benchmark. */
export function oneNodeWorkflow(
	name: string,
	node: Omit<INode, 'id' | 'name' | 'position'>,
): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ id: 'step', name: 'Step', position: [240, 0], ...node } as INode,
		],
		connections: { Start: { main: [[{ node: 'Step', type: 'main', index: 0 }]] } },
	};
}

export function ourNode(
	family: string,
	parameters: IDataObject,
): Omit<INode, 'id' | 'name' | 'position'> {
	return {
		type: `${PACKAGE}.${family}`,
		typeVersion: 1,
		parameters: parameters as INode['parameters'],
	};
}

export const seconds = (ms: number) => Math.round(ms) / 1000;

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A child run that failed: its error, shortened for the table. */
export function failure(label: string, result: ChildResult): string {
	const first = (result.error ?? 'unknown error').split('\n')[0].slice(0, 300);
	return `${label} failed: ${first}`;
}

/** A row with the common defaults filled in. */
export function row(fields: Partial<Row> & Pick<Row, 'scenario' | 'measure' | 'unit'>): Row {
	return {
		ours: null,
		alternative: null,
		alternativeLabel: '',
		ratio: null,
		ratioMeaning: '',
		lowerBound: null,
		lowerBoundBasis: '',
		target: '',
		met: null,
		note: '',
		...fields,
	};
}

/** Ratio that tolerates missing figures. */
export function ratio(
	numerator: number | null | undefined,
	denominator: number | null | undefined,
): number | null {
	if (
		numerator === null ||
		numerator === undefined ||
		denominator === null ||
		denominator === undefined ||
		denominator === 0
	)
		return null;
	return round(numerator / denominator, 2);
}
