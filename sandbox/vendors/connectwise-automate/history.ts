import { clientOf, type EngineTiming, isFinished, observe } from '../../world/engine';
import { clientName } from '../../world/names';
import { nextId } from '../../world/seed';
import type { Device, Operation, World } from '../../world/types';

import { slice } from './slice';

export function automateOps(world: World, device: Device, kind?: Operation['kind']): Operation[] {
	return world.operations.filter(
		(o) =>
			o.vendor === 'connectwise-automate' &&
			o.deviceKey === device.key &&
			(!kind || o.kind === kind),
	);
}

/** A status read about the computer: advances its running jobs. */
export function observeComputer(world: World, device: Device, timing: EngineTiming): void {
	observe(world, (o) => o.vendor === 'connectwise-automate' && o.deviceKey === device.key, timing);
}

function scriptOf(world: World, operation: Operation) {
	return world.scripts.find((s) => s.key === operation.scriptKey);
}

/**
 * `LabTech.Models.ComputerScriptHistory` rows of the computer's script runs that started.
 * [unverified] Automate has no stdout endpoint: the script log the run wrote is returned as
 * `DiagnosticMessage`, and there is no exit code (the state is Success or Failure).
 */
export function scriptHistory(world: World, device: Device) {
	const ids = slice(world).historyIds;
	return automateOps(world, device, 'script')
		.filter((o) => o.status !== 'queued')
		.map((operation) => {
			ids[operation.id] ??= nextId(world, 'automateScriptHistory', 77001);
			const done = isFinished(operation);
			const script = scriptOf(world, operation);
			return {
				Id: ids[operation.id],
				ScriptId: script?.automateScriptId ?? 0,
				ComputerId: device.ids.automateComputerId,
				Name: script?.name ?? 'Script',
				User: 'sandbox-api',
				Status: done ? 'Completed' : 'Running',
				State: !done ? 'Information' : operation.status === 'succeeded' ? 'Success' : 'Failure',
				HistoryDate: operation.finishedAt ?? operation.startedAt ?? operation.createdAt,
				DiagnosticMessage: done
					? [operation.output, operation.error].filter(Boolean).join('\n')
					: 'Script is running',
			};
		});
}

/** `LabTech.Models.ComputerRunningScript`: runs waiting for or executing on the agent. */
export function runningScripts(world: World, device: Device) {
	return automateOps(world, device, 'script')
		.filter((o) => !isFinished(o))
		.map((operation, index) => ({
			Id: 66001 + index,
			ScriptId: scriptOf(world, operation)?.automateScriptId ?? 0,
			ComputerId: device.ids.automateComputerId,
			Name: scriptOf(world, operation)?.name ?? 'Script',
			Status: 'Running',
			StartDate: operation.startedAt ?? operation.createdAt,
		}));
}

/** `Automate.Api.Domain.Contracts.Patching.PatchHistory`: one row per install attempt with a result. */
export function patchHistory(world: World) {
	return world.patches
		.filter((p) => p.status === 'installed' || p.status === 'failed')
		.map((patch) => {
			const device = world.devices.find((d) => d.key === patch.deviceKey) as Device;
			const client = clientOf(world, device);
			const attempt = world.operations.find(
				(o) => o.kind === 'patchInstall' && o.patchKeys?.includes(patch.key) && o.finishedAt,
			);
			return {
				ActionDate: patch.installedAt ?? attempt?.finishedAt ?? patch.releasedAt,
				ComputerId: device.ids.automateComputerId,
				OperationCode: { Id: 1, Name: 'Installation' },
				PatchHistoryClient: { Id: client.ids.automateClientId, Name: clientName(client, 'rmm') },
				PatchHistoryTitle: {
					Id: patch.id,
					Title: `${patch.title} (${patch.kb})`,
					KnowledgeBaseId: Number(patch.kb.replace(/^KB/i, '')),
				},
				ResultCode:
					patch.status === 'installed' ? { Id: 2, Name: 'Succeeded' } : { Id: 4, Name: 'Failed' },
				UpdateId: patch.uuid,
			};
		});
}
