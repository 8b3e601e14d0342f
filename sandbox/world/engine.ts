import { worldNow } from './clock';
import { nextId } from './seed';
import type { Client, Device, Operation, Threat, World } from './types';

/**
 * How long started operations take. An operation finishes after `readsToFinish` reads of its
 * status (so a polling node sees "running" first, then the result) or after `msToFinish`,
 * whichever comes first, so a workflow that never polls still sees the outcome later.
 */
export interface EngineTiming {
	readsToFinish: number;
	msToFinish: number;
}

export const DEFAULT_TIMING: EngineTiming = { readsToFinish: 2, msToFinish: 4000 };

export type OperationInit = Omit<Operation, 'id' | 'status' | 'createdAt' | 'reads'>;

export function startOperation(
	world: World,
	init: OperationInit,
	now = worldNow(world),
): Operation {
	const operation: Operation = {
		...init,
		id: `op-${nextId(world, 'operation', 1)}`,
		status: 'queued',
		createdAt: new Date(now).toISOString(),
		reads: 0,
	};
	world.operations.push(operation);
	onStart(world, operation, now);
	return operation;
}

/** Count one status read of every unfinished operation the predicate selects, then advance them. */
export function observe(
	world: World,
	predicate: (operation: Operation) => boolean,
	timing: EngineTiming,
	now = worldNow(world),
): void {
	for (const operation of world.operations) {
		if (isFinished(operation) || !predicate(operation)) continue;
		operation.reads += 1;
		advance(world, operation, timing, now);
	}
}

/** Time-based progress, applied before every vendor request. */
export function advanceByTime(world: World, timing: EngineTiming, now = worldNow(world)): void {
	for (const operation of world.operations) {
		if (!isFinished(operation)) advance(world, operation, timing, now);
	}
}

export function isFinished(operation: Operation): boolean {
	return operation.status === 'succeeded' || operation.status === 'failed';
}

export function clientOf(world: World, device: Device): Client {
	const client = world.clients.find((c) => c.key === device.clientKey);
	if (!client) throw new Error(`No client ${device.clientKey} in the sandbox world`);
	return client;
}

export function deviceOf(world: World, key: string): Device {
	const device = world.devices.find((d) => d.key === key);
	if (!device) throw new Error(`No device ${key} in the sandbox world`);
	return device;
}

function advance(world: World, operation: Operation, timing: EngineTiming, now: number): void {
	const elapsed = now - Date.parse(operation.createdAt);
	const done = operation.reads >= timing.readsToFinish || elapsed >= timing.msToFinish;
	if (
		operation.status === 'queued' &&
		(operation.reads >= 1 || elapsed >= timing.msToFinish / 4 || done)
	) {
		operation.status = 'running';
		operation.startedAt = new Date(now).toISOString();
	}
	if (done) finish(world, operation, now);
}

function onStart(world: World, operation: Operation, now: number): void {
	const at = new Date(now).toISOString();
	const device = deviceOf(world, operation.deviceKey);
	if (operation.kind === 'patchInstall') {
		for (const patch of world.patches) {
			if (operation.patchKeys?.includes(patch.key)) patch.status = 'installing';
		}
	}
	if (operation.kind === 'isolate') setContainment(device, 'pendingIsolation', at);
	if (operation.kind === 'release') setContainment(device, 'pendingRelease', at);
}

function finish(world: World, operation: Operation, now: number): void {
	const at = new Date(now).toISOString();
	const device = deviceOf(world, operation.deviceKey);
	operation.finishedAt = at;
	operation.status = 'succeeded';
	switch (operation.kind) {
		case 'patchInstall':
			finishPatchInstall(world, operation, device, at);
			break;
		case 'script':
			finishScript(world, operation, device);
			break;
		case 'isolate':
			setContainment(device, 'isolated', at);
			break;
		case 'release':
			setContainment(device, 'released', at);
			break;
		case 'mitigation':
			finishMitigation(world, operation, at);
			break;
		case 'patchScan':
			operation.output = `Scan completed on ${device.hostname}`;
			break;
	}
}

function finishPatchInstall(world: World, operation: Operation, device: Device, at: string): void {
	const patches = world.patches.filter((p) => operation.patchKeys?.includes(p.key));
	for (const patch of patches) {
		if (device.failsPatchInstall) {
			patch.status = 'failed';
			patch.failureReason = '0x80070643: Fatal error during installation';
		} else {
			patch.status = 'installed';
			patch.installedAt = at;
		}
	}
	if (device.failsPatchInstall) {
		operation.status = 'failed';
		operation.error = `${patches.length} update(s) failed to install (0x80070643)`;
	}
	// Cumulative updates reboot the device; one scenario device never comes back.
	if (operation.reboot !== false && device.staysOfflineAfterReboot && patches.length > 0) {
		device.online = false;
		device.lastSeen = at;
	}
}

function finishScript(world: World, operation: Operation, device: Device): void {
	const script = world.scripts.find((s) => s.key === operation.scriptKey);
	if (!device.online) {
		operation.status = 'failed';
		operation.exitCode = -1;
		operation.error = `${device.hostname} is offline`;
		operation.output = '';
		return;
	}
	operation.exitCode = script?.exitCode ?? 0;
	operation.output = (script?.output ?? '')
		.split('{{hostname}}')
		.join(device.hostname)
		.split('{{params}}')
		.join(operation.parameters ?? '');
	if (operation.exitCode !== 0) operation.status = 'failed';
}

function finishMitigation(world: World, operation: Operation, at: string): void {
	const threat = world.threats.find((t) => t.key === operation.threatKey);
	if (!threat || !operation.mitigation) return;
	threat.mitigations.push({ kind: operation.mitigation, at, result: 'succeeded' });
	if (operation.mitigation !== 'antivirusScan') threat.mitigationStatus = 'mitigated';
	if (operation.mitigation === 'remediate' || operation.mitigation === 'rollback')
		markResolved(threat, at);
	threat.updatedAt = at;
}

function markResolved(threat: Threat, at: string): void {
	threat.status = 'resolved';
	threat.updatedAt = at;
}

function setContainment(device: Device, state: Device['containment'], at: string): void {
	device.containment = state;
	device.containmentChangedAt = at;
}
