import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Containment, Device } from '../../../shared';
import { findDryRunStop, pollUntil } from '../../../shared';
import { chunk } from '../../providers/common';
import type { ContainmentKind, ContainmentRequest, DeviceRef, EdrProvider } from '../../providers/types';
import { CONTAINED, PENDING } from '../../providers/types';

export interface ContainOptions {
	kind: ContainmentKind;
	comment: string;
	/** Hostname patterns (`*` and `?` wildcards) that are never isolated without override. */
	protectedPatterns: string[];
	overrideProtection: boolean;
	wait: boolean;
	timeoutMs: number;
	intervalMs: number;
	sleep?: (ms: number) => Promise<void>;
}

export type ContainmentOutput = Containment & {
	hostname?: string;
	requested: boolean;
	alreadyIsolated?: boolean;
	alreadyReleased?: boolean;
	timedOut?: boolean;
	note?: string;
};

/** One result per requested device, in input order: the containment, a dry-run request, or the error. */
export type ContainResult =
	| { index: number; containment: ContainmentOutput }
	| { index: number; dryRun: { operation: string; request: unknown } }
	| { index: number; error: Error };

export function parsePatterns(text: string): string[] {
	return text
		.split(/[,\n]/)
		.map((p) => p.trim())
		.filter(Boolean);
}

export function matchesPattern(hostname: string, pattern: string): boolean {
	const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
	return regex.test(hostname) || regex.test(hostname.split('.')[0]);
}

interface Pending {
	index: number;
	device: Device;
}

/**
 * Isolates or releases devices the same way for every EDR: resolve the devices (in batches where the
 * vendor allows), refuse protected hosts, read the current state of the rest in batches, skip devices
 * already in (or on their way to) the target state, send the others in batches of the provider's
 * batch size, and optionally poll until each device reaches the target state.
 */
export async function changeContainment(provider: EdrProvider, node: INode, refs: DeviceRef[], options: ContainOptions): Promise<ContainResult[]> {
	const results: ContainResult[] = [];
	const target = CONTAINED[options.kind];
	const candidates: Pending[] = [];
	for (const [index, device] of (await provider.getDevices(refs)).entries()) {
		const refused = device instanceof Error ? undefined : protectedBy(device, options);
		if (device instanceof Error) results.push(asResult(index, device));
		else if (refused) results.push({ index, error: protectedError(node, device, refused) });
		else candidates.push({ index, device });
	}
	const toSend: Pending[] = [];
	const states = await statesOf(provider, candidates);
	for (const [i, pending] of candidates.entries()) {
		const current = states[i];
		const skip = current instanceof Error ? current : unchanged(options.kind, current, pending.device);
		if (skip instanceof Error) results.push(asResult(pending.index, skip));
		else if (skip) results.push({ index: pending.index, containment: skip });
		else toSend.push(pending);
	}
	for (const batch of chunk(toSend, provider.containmentBatchSize)) {
		let requests: ContainmentRequest[];
		try {
			requests = await provider.requestContainment(options.kind, batch.map((p) => p.device.id), options.comment);
		} catch (error) {
			for (const pending of batch) results.push(asResult(pending.index, error));
			continue;
		}
		for (const pending of batch) {
			const request = requests.find((r) => r.deviceId === pending.device.id) ?? { deviceId: pending.device.id };
			results.push(await settle(provider, node, pending, request, options, target));
		}
	}
	return results.sort((a, b) => a.index - b.index);
}

/** Current state per candidate, read in batches; a failed read is the error of every device it covered. */
async function statesOf(provider: EdrProvider, candidates: Pending[]): Promise<Array<Containment | Error>> {
	if (!candidates.length) return [];
	try {
		return await provider.getContainments(candidates.map((c) => c.device));
	} catch (error) {
		return candidates.map(() => (error instanceof Error ? error : new Error(String(error))));
	}
}

function protectedError(node: INode, device: Device, pattern: string): NodeOperationError {
	return new NodeOperationError(node, `${device.hostname} is on the never-isolate list (pattern "${pattern}")`, {
		description: 'Protected hosts such as domain controllers are not isolated automatically. Turn on "Override Protection" to isolate it anyway.',
	});
}

function protectedBy(device: Device, options: ContainOptions): string | undefined {
	if (options.kind !== 'isolate' || options.overrideProtection) return undefined;
	const names = [device.hostname, device.displayName].filter((n): n is string => Boolean(n));
	return options.protectedPatterns.find((pattern) => names.some((name) => matchesPattern(name, pattern)));
}

/** Already there or already on the way: nothing is sent. A move the other way is refused. */
function unchanged(kind: ContainmentKind, current: Containment, device: Device): ContainmentOutput | Error | undefined {
	const base = { ...current, hostname: device.hostname, requested: false };
	if (current.state === CONTAINED[kind]) {
		return { ...base, alreadyInState: true, ...(kind === 'isolate' ? { alreadyIsolated: true } : { alreadyReleased: true }), note: `Already ${CONTAINED[kind]}: nothing was sent` };
	}
	if (current.state === PENDING[kind]) {
		return { ...base, alreadyInState: false, note: `A request is already pending (${current.state}): nothing was sent` };
	}
	const opposite: ContainmentKind = kind === 'isolate' ? 'release' : 'isolate';
	if (current.state === PENDING[opposite]) {
		return new Error(`${device.hostname} has a pending ${opposite === 'isolate' ? 'isolation' : 'release'}; wait for it to finish before requesting ${kind === 'isolate' ? 'isolation' : 'release'}`);
	}
	return undefined;
}

async function settle(provider: EdrProvider, node: INode, pending: Pending, request: ContainmentRequest, options: ContainOptions, target: Containment['state']): Promise<ContainResult> {
	const base = { hostname: pending.device.hostname, requested: true, alreadyInState: false };
	if (!options.wait) {
		return { index: pending.index, containment: { deviceId: pending.device.id, state: PENDING[options.kind], actionId: request.actionId, ...base } };
	}
	try {
		let failed: string | undefined;
		const result = await pollUntil({
			timeoutMs: options.timeoutMs,
			intervalMs: options.intervalMs,
			sleep: options.sleep,
			check: async () => {
				const read = await provider.readContainment(options.kind, request);
				failed = read.failed;
				return { done: read.containment.state === target || Boolean(read.failed), value: read.containment };
			},
		});
		if (failed) throw new NodeOperationError(node, `${pending.device.hostname}: ${failed}`);
		return { index: pending.index, containment: { ...result.value, actionId: result.value.actionId ?? request.actionId, ...base, ...(result.timedOut ? { timedOut: true } : {}) } };
	} catch (error) {
		return asResult(pending.index, error);
	}
}

function asResult(index: number, error: unknown): ContainResult {
	const stop = findDryRunStop(error);
	if (stop) return { index, dryRun: { operation: stop.request.operation, request: stop.request } };
	return { index, error: error instanceof Error ? error : new Error(String(error)) };
}
