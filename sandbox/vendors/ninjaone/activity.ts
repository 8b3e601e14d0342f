import { isFinished, observe } from '../../world/engine';
import { nextId } from '../../world/seed';
import type { Device, Operation, World } from '../../world/types';
import type { EngineTiming } from '../../world/engine';
import { epochSeconds, scriptUid, stableUuid } from './mappers';
import { slice } from './slice';

/** NinjaOne's Activity record (spec `Activity`). */
export interface NinjaActivity {
	id: number;
	activityTime: number;
	deviceId: number;
	severity: string;
	priority: string;
	seriesUid: string;
	activityType: string;
	statusCode: string;
	status: string;
	activityResult?: string;
	sourceConfigUid?: string;
	sourceName?: string;
	subject?: string;
	userId?: number;
	message: string;
	type: string;
	data: Record<string, unknown>;
}

const API_USER_ID = 7;

export function jobUid(operation: Operation): string {
	return stableUuid('ninja-job', operation.id);
}

function ninjaOps(world: World): Operation[] {
	return world.operations.filter((o) => o.vendor === 'ninjaone');
}

function deviceOf(world: World, operation: Operation): Device | undefined {
	return world.devices.find((d) => d.key === operation.deviceKey);
}

/** A status read of the device's jobs: advances its operations like a polling console would. */
export function observeDevice(world: World, device: Device, timing: EngineTiming): void {
	observe(world, (o) => o.vendor === 'ninjaone' && o.deviceKey === device.key, timing);
	syncActivities(world);
}

export function observeAll(world: World, timing: EngineTiming): void {
	observe(world, (o) => o.vendor === 'ninjaone', timing);
	syncActivities(world);
}

/** Active jobs (spec `Job`): operations not finished yet. */
export function activeJobs(world: World) {
	return ninjaOps(world)
		.filter((o) => !isFinished(o))
		.flatMap((operation) => {
			const device = deviceOf(world, operation);
			if (!device) return [];
			const source = sourceOf(world, operation);
			return [
				{
					uid: jobUid(operation),
					deviceId: device.ids.ninjaDeviceId,
					message: `${source.name} ${operation.status === 'queued' ? 'requested' : 'in progress'}`,
					createTime: epochSeconds(operation.createdAt),
					updateTime: epochSeconds(operation.startedAt ?? operation.createdAt),
					sourceConfigUid: source.uid,
					sourceName: source.name,
					subject: source.subject,
					userId: API_USER_ID,
					data: {},
					jobStatus: operation.status === 'queued' ? 'START_REQUESTED' : 'IN_PROCESS',
					jobType: source.activityType,
				},
			];
		});
}

function sourceOf(world: World, operation: Operation) {
	if (operation.kind === 'script') {
		const script = world.scripts.find((s) => s.key === operation.scriptKey);
		return {
			name: script?.name ?? 'Script',
			uid: script ? scriptUid(script) : undefined,
			subject: 'Script',
			activityType: 'SCRIPTING',
		};
	}
	if (operation.kind === 'patchScan')
		return {
			name: 'OS Patch Scan',
			uid: undefined,
			subject: 'Patch Management',
			activityType: 'PATCH_MANAGEMENT',
		};
	return {
		name: 'OS Patch Apply',
		uid: undefined,
		subject: 'Patch Management',
		activityType: 'PATCH_MANAGEMENT',
	};
}

/** Records the activities of operation transitions not recorded yet (started, per patch, completed). */
export function syncActivities(world: World): void {
	const state = slice(world);
	for (const operation of ninjaOps(world)) {
		const device = deviceOf(world, operation);
		if (!device) continue;
		const recorded = (state.recorded[operation.id] ??= []);
		if (operation.status !== 'queued' && !recorded.includes('started')) {
			recorded.push('started');
			push(world, device, operation, started(world, operation));
		}
		if (isFinished(operation) && !recorded.includes('completed')) {
			recorded.push('completed');
			for (const activity of completed(world, operation)) push(world, device, operation, activity);
		}
	}
}

type ActivityInit = Pick<NinjaActivity, 'statusCode' | 'status' | 'message'> & ActivityExtras;
type ActivityExtras = {
	activityResult?: string;
	data?: Record<string, unknown>;
	severity?: string;
	at?: string;
};

function push(world: World, device: Device, operation: Operation, activity: ActivityInit): void {
	const source = sourceOf(world, operation);
	slice(world).activities.push({
		id: nextId(world, 'ninjaActivity', 880001),
		activityTime:
			epochSeconds(
				activity.at ?? operation.finishedAt ?? operation.startedAt ?? operation.createdAt,
			) ?? 0,
		deviceId: device.ids.ninjaDeviceId,
		severity: activity.severity ?? 'NONE',
		priority: 'NONE',
		seriesUid: jobUid(operation),
		activityType: source.activityType,
		statusCode: activity.statusCode,
		status: activity.status,
		...(activity.activityResult ? { activityResult: activity.activityResult } : {}),
		...(source.uid ? { sourceConfigUid: source.uid } : {}),
		sourceName: source.name,
		subject: source.subject,
		userId: API_USER_ID,
		message: activity.message,
		type: source.activityType === 'SCRIPTING' ? 'Action' : 'Patch Management',
		data: activity.data ?? {},
	});
}

function started(world: World, operation: Operation): ActivityInit {
	const source = sourceOf(world, operation);
	const at = operation.startedAt;
	if (operation.kind === 'script')
		return { statusCode: 'STARTED', status: 'Started', message: `${source.name} started`, at };
	if (operation.kind === 'patchScan')
		return {
			statusCode: 'PATCH_MANAGEMENT_SCAN_STARTED',
			status: 'Scan started',
			message: 'OS patch scan started',
			at,
		};
	return {
		statusCode: 'PATCH_MANAGEMENT_APPLY_PATCH_STARTED',
		status: 'Apply patch started',
		message: 'OS patch apply started',
		at,
	};
}

function completed(world: World, operation: Operation): ActivityInit[] {
	const ok = operation.status === 'succeeded';
	const result = ok ? 'SUCCESS' : 'FAILURE';
	if (operation.kind === 'script') {
		const source = sourceOf(world, operation);
		// [unverified] NinjaOne documents no stdout endpoint; the script result is carried in the
		// completed SCRIPTING activity: message, and data.message.params {exitCode, output}.
		return [
			{
				statusCode: 'COMPLETED',
				status: 'Completed',
				activityResult: result,
				severity: ok ? 'NONE' : 'MINOR',
				message: ok
					? `${source.name} completed`
					: `${source.name} failed${operation.error ? `: ${operation.error}` : ''}`,
				data: {
					message: {
						code: 'SCRIPT_RESULT',
						params: { exitCode: operation.exitCode ?? -1, output: operation.output ?? '' },
					},
				},
			},
		];
	}
	if (operation.kind === 'patchScan') {
		return [
			{
				statusCode: 'PATCH_MANAGEMENT_SCAN_COMPLETED',
				status: 'Scan completed',
				activityResult: 'SUCCESS',
				message: operation.output ?? 'OS patch scan completed',
			},
		];
	}
	const perPatch: ActivityInit[] = world.patches
		.filter((p) => operation.patchKeys?.includes(p.key))
		.map((patch) => ({
			statusCode:
				patch.status === 'installed'
					? 'PATCH_MANAGEMENT_INSTALLED'
					: 'PATCH_MANAGEMENT_INSTALL_FAILED',
			status: patch.status === 'installed' ? 'Installed' : 'Install failed',
			activityResult: patch.status === 'installed' ? 'SUCCESS' : 'FAILURE',
			severity: patch.status === 'installed' ? 'NONE' : 'MAJOR',
			message: `${patch.title} (${patch.kb}) ${patch.status === 'installed' ? 'installed' : `failed to install: ${patch.failureReason ?? 'unknown error'}`}`,
			data: { patchId: patch.uuid, kbNumber: patch.kb },
		}));
	return [
		...perPatch,
		{
			statusCode: 'PATCH_MANAGEMENT_APPLY_PATCH_COMPLETED',
			status: 'Apply patch completed',
			activityResult: result,
			message: operation.error ?? 'OS patch apply completed',
		},
	];
}
