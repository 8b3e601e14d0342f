import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Containment, Device } from '../../../shared';
import { findDryRunStop, pollUntil } from '../../../shared';
import { chunk } from '../../providers/common';
import type {
	ContainmentKind,
	ContainmentRead,
	ContainmentRequest,
	DeviceRef,
	EdrProvider,
} from '../../providers/types';
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
	/** The execution's cancel signal: the wait for the devices ends on it. */
	signal?: AbortSignal;
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
	const regex = new RegExp(
		`^${pattern
			.replace(/[.+^${}()|[\]\\]/g, '\\$&')
			.replace(/\*/g, '.*')
			.replace(/\?/g, '.')}$`,
		'i',
	);
	return regex.test(hostname) || regex.test(hostname.split('.')[0]);
}

interface Pending {
	index: number;
	device: Device;
}

interface Sent extends Pending {
	request: ContainmentRequest;
}

/**
 * Isolates or releases devices the same way for every EDR: resolve the devices (in batches where the
 * vendor allows), refuse protected hosts, read the current state of the rest in batches, skip devices
 * already in (or on their way to) the target state, send the others in batches of the provider's
 * batch size, and optionally poll until each device reaches the target state.
 */
export async function changeContainment(
	provider: EdrProvider,
	node: INode,
	refs: DeviceRef[],
	options: ContainOptions,
): Promise<ContainResult[]> {
	const results: ContainResult[] = [];
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
		const skip =
			current instanceof Error ? current : unchanged(options.kind, current, pending.device);
		if (skip instanceof Error) results.push(asResult(pending.index, skip));
		else if (skip) results.push({ index: pending.index, containment: skip });
		else toSend.push(pending);
	}
	const sent: Sent[] = [];
	for (const batch of chunk(toSend, provider.containmentBatchSize)) {
		let requests: ContainmentRequest[];
		try {
			requests = await provider.requestContainment(
				options.kind,
				batch.map((p) => p.device.id),
				options.comment,
			);
		} catch (error) {
			for (const pending of batch) results.push(asResult(pending.index, error));
			continue;
		}
		const byDevice = new Map(requests.map((r) => [r.deviceId, r]));
		for (const pending of batch)
			sent.push({
				...pending,
				request: byDevice.get(pending.device.id) ?? { deviceId: pending.device.id },
			});
	}
	if (options.wait) results.push(...(await waitForAll(provider, node, sent, options)));
	else
		for (const s of sent)
			results.push({
				index: s.index,
				containment: {
					deviceId: s.device.id,
					state: PENDING[options.kind],
					actionId: s.request.actionId,
					...sentBase(s),
				},
			});
	return results.sort((a, b) => a.index - b.index);
}

/** Current state per candidate, read in batches; a failed read is the error of every device it covered. */
async function statesOf(
	provider: EdrProvider,
	candidates: Pending[],
): Promise<Array<Containment | Error>> {
	if (!candidates.length) return [];
	try {
		return await provider.getContainments(candidates.map((c) => c.device));
	} catch (error) {
		return candidates.map(() => asError(error));
	}
}

function protectedError(node: INode, device: Device, pattern: string): NodeOperationError {
	return new NodeOperationError(
		node,
		`${device.hostname} is on the never-isolate list (pattern "${pattern}")`,
		{
			description:
				'Protected hosts such as domain controllers are not isolated automatically. Turn on "Override Protection" to isolate it anyway.',
		},
	);
}

function protectedBy(device: Device, options: ContainOptions): string | undefined {
	if (options.kind !== 'isolate' || options.overrideProtection) return undefined;
	const names = [device.hostname, device.displayName].filter((n): n is string => Boolean(n));
	return options.protectedPatterns.find((pattern) =>
		names.some((name) => matchesPattern(name, pattern)),
	);
}

/** Already there or already on the way: nothing is sent. A move the other way is refused. */
function unchanged(
	kind: ContainmentKind,
	current: Containment,
	device: Device,
): ContainmentOutput | Error | undefined {
	const base = { ...current, hostname: device.hostname, requested: false };
	if (current.state === CONTAINED[kind]) {
		return {
			...base,
			alreadyInState: true,
			...(kind === 'isolate' ? { alreadyIsolated: true } : { alreadyReleased: true }),
			note: `Already ${CONTAINED[kind]}: nothing was sent`,
		};
	}
	if (current.state === PENDING[kind]) {
		return {
			...base,
			alreadyInState: false,
			note: `A request is already pending (${current.state}): nothing was sent`,
		};
	}
	const opposite: ContainmentKind = kind === 'isolate' ? 'release' : 'isolate';
	if (current.state === PENDING[opposite]) {
		return new Error(
			`${device.hostname} has a pending ${opposite === 'isolate' ? 'isolation' : 'release'}; wait for it to finish before requesting ${kind === 'isolate' ? 'isolation' : 'release'}`,
		);
	}
	return undefined;
}

function sentBase(sent: Sent) {
	return { hostname: sent.device.hostname, requested: true, alreadyInState: false };
}

/**
 * Polls every sent device together until each reaches the target state, fails, or the wait timeout
 * passes: each round reads only the devices still open, in the provider's batches.
 */
async function waitForAll(
	provider: EdrProvider,
	node: INode,
	sent: Sent[],
	options: ContainOptions,
): Promise<ContainResult[]> {
	const target = CONTAINED[options.kind];
	const last = new Map<number, ContainmentRead | Error>();
	let open = sent.map((_, i) => i);
	const outcome = await pollUntil({
		timeoutMs: options.timeoutMs,
		intervalMs: options.intervalMs,
		sleep: options.sleep,
		signal: options.signal,
		check: async () => {
			let reads: Array<ContainmentRead | Error>;
			try {
				reads = await provider.readContainments(
					options.kind,
					open.map((i) => sent[i].request),
				);
			} catch (error) {
				reads = open.map(() => asError(error));
			}
			open.forEach((i, k) => last.set(i, reads[k]));
			open = open.filter((i) => {
				const read = last.get(i);
				return (
					read !== undefined &&
					!(read instanceof Error) &&
					!read.failed &&
					read.containment.state !== target
				);
			});
			return { done: open.length === 0, value: undefined };
		},
	});
	return sent.map((s, i) => {
		const read = last.get(i);
		if (read === undefined || read instanceof Error)
			return asResult(
				s.index,
				read ?? new Error(`${s.device.hostname}: no containment state was read`),
			);
		if (read.failed)
			return asResult(
				s.index,
				new NodeOperationError(node, `${s.device.hostname}: ${read.failed}`),
			);
		const timedOut = outcome.timedOut && open.includes(i);
		return {
			index: s.index,
			containment: {
				...read.containment,
				actionId: read.containment.actionId ?? s.request.actionId,
				...sentBase(s),
				...(timedOut ? { timedOut: true } : {}),
			},
		};
	});
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

function asResult(index: number, error: unknown): ContainResult {
	const stop = findDryRunStop(error);
	if (stop) return { index, dryRun: { operation: stop.request.operation, request: stop.request } };
	return { index, error: error instanceof Error ? error : new Error(String(error)) };
}
