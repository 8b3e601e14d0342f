import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Containment, Device, DeviceType } from '../../../shared';
import { isAmbiguousFailure, pollUntil, withItemData } from '../../../shared';
import { chunk } from '../../providers/common';
import type {
	ContainmentKind,
	ContainmentRead,
	ContainmentRequest,
	DeviceRef,
	EdrProvider,
} from '../../providers/types';
import { CONTAINED, PENDING } from '../../providers/types';

/** Roles that can be protected from isolation. */
export type ProtectedRole = Exclude<DeviceType, 'workstation'>;
export const PROTECTED_ROLES: readonly ProtectedRole[] = ['server', 'domainController'];

/** What keeps a device from being isolated without override. */
export interface Protection {
	/** Hostname patterns (`*` and `?` wildcards); empty means no name patterns (roles still apply). */
	patterns: string[];
	/** Roles never isolated without override. */
	roles: readonly ProtectedRole[];
	/** The role the input knows (e.g. from the RMM); the stronger of it and the EDR's wins. */
	knownRole?: DeviceType;
	override: boolean;
}

/** Everything one device is contained with: each input item brings its own. */
export interface DeviceOptions {
	comment: string;
	protection: Protection;
	wait: boolean;
	timeoutMs: number;
	intervalMs: number;
	/** Describe the request instead of sending it (lookups still run). */
	dryRun?: boolean;
}

export interface ContainTarget {
	ref: DeviceRef;
	options: DeviceOptions;
}

/** What the whole run shares. */
export interface RunOptions {
	kind: ContainmentKind;
	sleep?: (ms: number) => Promise<void>;
	/** The execution's cancel signal: the wait for the devices ends on it. */
	signal?: AbortSignal;
}

export type RoleSource = 'edr' | 'input';

/** The role a protection decision used, and where it came from. */
export interface RoleDecision {
	role: DeviceType | 'unknown';
	roleSource?: RoleSource;
}

export type ContainmentOutput = Containment &
	RoleDecision & {
		hostname?: string;
		requested: boolean;
		alreadyIsolated?: boolean;
		alreadyReleased?: boolean;
		timedOut?: boolean;
		note?: string;
	};

/** A device resolved and cleared for the run; `done` when nothing needs to be sent. */
export interface Checked {
	device: Device;
	role: RoleDecision;
	options: DeviceOptions;
	done?: ContainmentOutput;
}

/** One result per requested device, in input order: the containment or the error. */
export type ContainResult =
	| { index: number; containment: ContainmentOutput }
	| { index: number; error: Error };

export function parsePatterns(text: string | string[]): string[] {
	const parts = Array.isArray(text) ? text.map(String) : String(text).split(/[,\n]/);
	return parts.map((p) => p.trim()).filter(Boolean);
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

const RANK: Record<DeviceType, number> = { workstation: 0, server: 1, domainController: 2 };

export const ROLE_NAME: Record<DeviceType, string> = {
	workstation: 'workstation',
	server: 'server',
	domainController: 'domain controller',
};

/** The stronger of the EDR's role and the known one; the EDR's when they agree. */
export function roleOf(device: Device, knownRole?: DeviceType): RoleDecision {
	const edr = device.type;
	if (edr && (!knownRole || RANK[edr] >= RANK[knownRole])) return { role: edr, roleSource: 'edr' };
	if (knownRole) return { role: knownRole, roleSource: 'input' };
	return { role: 'unknown' };
}

/** Why the device may not be isolated without override, or undefined. */
function refusalOf(
	device: Device,
	decision: RoleDecision,
	protection: Protection,
	vendor: string,
): string | undefined {
	const reasons: string[] = [];
	const { role, roleSource } = decision;
	if (role !== 'unknown' && (protection.roles as readonly string[]).includes(role)) {
		const from =
			roleSource === 'input'
				? `from Known Device Role in the input${device.type ? `; ${vendor} reports ${ROLE_NAME[device.type]}` : ''}`
				: `as ${vendor} reports it`;
		reasons.push(`its role is ${ROLE_NAME[role]} (${from}), a Protected Role`);
	}
	const names = [device.hostname, device.displayName].filter((n): n is string => Boolean(n));
	const pattern = protection.patterns.find((p) => names.some((name) => matchesPattern(name, p)));
	if (pattern) reasons.push(`it is on the never-isolate list (pattern "${pattern}")`);
	return reasons.length ? reasons.join(' and ') : undefined;
}

function describeDevice(device: Device, decision: RoleDecision) {
	return {
		deviceId: device.id,
		hostname: device.hostname,
		role: decision.role,
		...(decision.roleSource ? { roleSource: decision.roleSource } : {}),
	};
}

function protectedError(
	node: INode,
	device: Device,
	decision: RoleDecision,
	reason: string,
): NodeOperationError {
	const error = new NodeOperationError(
		node,
		`${device.hostname} (id ${device.id}) is protected and was not isolated: ${reason}. Turn on "Override Protection" for this item to isolate it anyway.`,
		{
			description:
				'Protected devices (servers, domain controllers, never-isolate hostnames) are not isolated automatically. Turn on "Override Protection" for this item to isolate it anyway, or change Protected Roles / Never Isolate (Hostname Patterns).',
		},
	);
	return withItemData(error, { ...describeDevice(device, decision), refused: true });
}

/**
 * Everything before a write, for all devices together: resolve them (ids in batches, hostnames one
 * by one; an ambiguous hostname is that device's error), refuse protected devices (Isolate only,
 * unless overridden), read the current state of the rest in batches, and mark devices already in
 * (or on their way to) the target state as done. A device pending the other way is refused.
 */
export async function checkContainment(
	provider: EdrProvider,
	node: INode,
	kind: ContainmentKind,
	targets: ContainTarget[],
): Promise<Array<Checked | Error>> {
	const out: Array<Checked | Error> = [];
	const candidates: number[] = [];
	const devices = await provider.getDevices(targets.map((t) => t.ref));
	devices.forEach((device, i) => {
		if (device instanceof Error) {
			out.push(device);
			return;
		}
		const { protection } = targets[i].options;
		const decision = roleOf(device, protection.knownRole);
		const reason =
			kind === 'isolate' && !protection.override
				? refusalOf(device, decision, protection, provider.label)
				: undefined;
		if (reason) {
			out.push(protectedError(node, device, decision, reason));
			return;
		}
		candidates.push(i);
		out.push({ device, role: decision, options: targets[i].options });
	});
	const states = await statesOf(
		provider,
		candidates.map((i) => (out[i] as Checked).device),
	);
	candidates.forEach((i, k) => {
		const checked = out[i] as Checked;
		const current = states[k];
		const skip = current instanceof Error ? current : unchanged(node, kind, current, checked);
		if (skip instanceof Error) out[i] = skip;
		else if (skip) checked.done = skip;
	});
	return out;
}

/** Current state per device, read in batches; a failed read is the error of every device it covered. */
async function statesOf(
	provider: EdrProvider,
	devices: Device[],
): Promise<Array<Containment | Error>> {
	if (!devices.length) return [];
	try {
		return await provider.getContainments(devices);
	} catch (error) {
		return devices.map(() => asError(error));
	}
}

/** Already there or already on the way: nothing is sent. A move the other way is refused. */
function unchanged(
	node: INode,
	kind: ContainmentKind,
	current: Containment,
	checked: Checked,
): ContainmentOutput | Error | undefined {
	const { device, role } = checked;
	const base = { ...current, ...describeDevice(device, role), requested: false };
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
		return withItemData(
			new NodeOperationError(
				node,
				`${device.hostname} (id ${device.id}) has a pending ${opposite === 'isolate' ? 'isolation' : 'release'}; wait for it to finish before requesting ${kind === 'isolate' ? 'isolation' : 'release'}`,
			),
			describeDevice(device, role),
		);
	}
	return undefined;
}

interface Sent {
	/** Index into the checked list (the first item naming the device). */
	at: number;
	checked: Checked;
	request: ContainmentRequest;
}

/**
 * The writes, for all checked devices together. A device named by several items is sent once and
 * every one of those items gets its result. Devices are sent in batches of the provider's batch size,
 * each batch sharing one comment and dry-run choice (a vendor request carries one comment); a failed
 * batch is the error of each of its devices. Devices whose item waits are then polled together
 * until each reaches the target state, fails, or its own wait timeout passes.
 */
export async function sendContainment(
	provider: EdrProvider,
	node: INode,
	run: RunOptions,
	checked: Checked[],
): Promise<Array<ContainmentOutput | Error>> {
	const out: Array<ContainmentOutput | Error | undefined> = checked.map((c) => c.done);
	const sharers = new Map<string, number[]>();
	const groups = new Map<string, number[]>();
	checked.forEach((c, i) => {
		if (c.done) return;
		const same = sharers.get(c.device.id);
		if (same) {
			same.push(i);
			return;
		}
		sharers.set(c.device.id, [i]);
		const key = JSON.stringify([c.options.comment, c.options.dryRun === true]);
		groups.set(key, [...(groups.get(key) ?? []), i]);
	});
	const sent: Sent[] = [];
	for (const group of groups.values()) {
		for (const batch of chunk(group, provider.containmentBatchSize)) {
			const { comment, dryRun } = checked[batch[0]].options;
			let requests: ContainmentRequest[];
			try {
				requests = await requestVerified(
					provider,
					run.kind,
					batch.map((i) => checked[i].device),
					comment,
					dryRun,
				);
			} catch (error) {
				for (const i of batch) out[i] = asError(error);
				continue;
			}
			const byDevice = new Map(requests.map((r) => [r.deviceId, r]));
			for (const i of batch) {
				const { device, role } = checked[i];
				const refused = byDevice.get(device.id)?.refused;
				if (refused) {
					out[i] = withItemData(
						new NodeOperationError(
							node,
							`${provider.label} did not take the ${run.kind === 'isolate' ? 'isolation' : 'release'} of ${device.hostname} (id ${device.id}): ${refused}`,
							{
								description:
									'Nothing was changed on this device; the others in its request were sent.',
							},
						),
						describeDevice(device, role),
					);
					continue;
				}
				sent.push({
					at: i,
					checked: checked[i],
					request: byDevice.get(device.id) ?? { deviceId: device.id },
				});
			}
		}
	}
	const waiting = new Map<string, Sent[]>();
	for (const s of sent) {
		const { wait, timeoutMs, intervalMs } = s.checked.options;
		if (!wait) {
			out[s.at] = {
				state: PENDING[run.kind],
				actionId: s.request.actionId,
				...sentBase(s),
			};
			continue;
		}
		const key = `${timeoutMs}/${intervalMs}`;
		waiting.set(key, [...(waiting.get(key) ?? []), s]);
	}
	await Promise.all(
		[...waiting.values()].map(async (group) => {
			const results = await waitForAll(provider, node, run, group);
			group.forEach((s, k) => (out[s.at] = results[k]));
		}),
	);
	for (const [first, ...others] of sharers.values()) for (const i of others) out[i] = out[first];
	return out.map((r) => r ?? new Error('No containment result was produced for this device'));
}

const REQUEST_TRIES = 3;

/**
 * One batch's request. When its answer is lost (an ambiguous write: 5xx, reset, timeout, a body cut short),
 * the devices' state is read back: a device now in the target state or on its way there was changed by this
 * request and counts as sent (then followed like any sent device), and only the others are sent again, up to
 * three requests in all. Without this a resend would find the device "already isolated"
 * and the incident timeline would say so, although this request isolated it.
 */
async function requestVerified(
	provider: EdrProvider,
	kind: ContainmentKind,
	devices: Device[],
	comment: string,
	dryRun: boolean | undefined,
): Promise<ContainmentRequest[]> {
	const moved: ContainmentRequest[] = [];
	let open = devices;
	for (let attempt = 1; ; attempt++) {
		const outcome = await provider
			.requestContainment(
				kind,
				open.map((d) => d.id),
				comment,
				{ dryRun },
			)
			.then(
				(sent) => ({ sent }),
				(failure: unknown) => ({ failure }),
			);
		if ('sent' in outcome) return [...moved, ...outcome.sent];
		if (!isAmbiguousFailure(outcome.failure) || attempt >= REQUEST_TRIES) throw outcome.failure;
		// Read afresh (not from the device records the check read before the request).
		const reads = await provider
			.readContainments(
				kind,
				open.map((d) => ({ deviceId: d.id })),
			)
			.then(
				(read) => read,
				() => undefined,
			);
		// A state that cannot be read leaves the outcome unknown: the lost answer's error goes on.
		if (!reads || reads.some((r) => r instanceof Error)) throw outcome.failure;
		const read = (reads as ContainmentRead[]).map((r) => r.containment);
		const arrived = (k: number) =>
			read[k].state === CONTAINED[kind] || read[k].state === PENDING[kind];
		// The vendor's action, where it names one, is followed; otherwise the device's state is.
		moved.push(
			...open
				.map((d, k) => ({ deviceId: d.id, actionId: read[k].actionId, k }))
				.filter(({ k }) => arrived(k))
				.map(({ deviceId, actionId }) => ({ deviceId, actionId })),
		);
		open = open.filter((_, k) => !arrived(k));
		if (!open.length) return moved;
	}
}

/** Both steps for a list of devices: used by tests and by callers that do not gate between them. */
export async function changeContainment(
	provider: EdrProvider,
	node: INode,
	run: RunOptions,
	targets: ContainTarget[],
): Promise<ContainResult[]> {
	const results: ContainResult[] = [];
	const ready: Array<{ index: number; checked: Checked }> = [];
	(await checkContainment(provider, node, run.kind, targets)).forEach((c, index) => {
		if (c instanceof Error) results.push({ index, error: c });
		else ready.push({ index, checked: c });
	});
	const sent = await sendContainment(
		provider,
		node,
		run,
		ready.map((r) => r.checked),
	);
	sent.forEach((r, k) => {
		const { index } = ready[k];
		results.push(r instanceof Error ? { index, error: r } : { index, containment: r });
	});
	return results.sort((a, b) => a.index - b.index);
}

function sentBase(sent: Sent) {
	return {
		...describeDevice(sent.checked.device, sent.checked.role),
		requested: true,
		alreadyInState: false,
	};
}

/**
 * Polls the sent devices together until each reaches the target state, fails, or the wait timeout
 * passes: each round reads only the devices still open, in the provider's batches.
 */
async function waitForAll(
	provider: EdrProvider,
	node: INode,
	run: RunOptions,
	sent: Sent[],
): Promise<Array<ContainmentOutput | Error>> {
	const target = CONTAINED[run.kind];
	const { timeoutMs, intervalMs } = sent[0].checked.options;
	const last = new Map<number, ContainmentRead | Error>();
	let open = sent.map((_, i) => i);
	const outcome = await pollUntil({
		timeoutMs,
		intervalMs,
		sleep: run.sleep,
		signal: run.signal,
		check: async () => {
			let reads: Array<ContainmentRead | Error>;
			try {
				reads = await provider.readContainments(
					run.kind,
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
		const { device } = s.checked;
		if (read === undefined || read instanceof Error)
			return read ?? new Error(`${device.hostname}: no containment state was read`);
		if (read.failed)
			return withItemData(
				new NodeOperationError(node, `${device.hostname} (id ${device.id}): ${read.failed}`),
				describeDevice(device, s.checked.role),
			);
		const timedOut = outcome.timedOut && open.includes(i);
		return {
			...read.containment,
			actionId: read.containment.actionId ?? s.request.actionId,
			...sentBase(s),
			...(timedOut ? { timedOut: true } : {}),
		};
	});
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
