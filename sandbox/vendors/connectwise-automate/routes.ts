import { DAY, HOUR, seededAgo, worldIso } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import { isFinished, startOperation } from '../../world/engine';
import { nextId } from '../../world/seed';
import type { Device, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { alertBody, raiseOfflineAlerts } from './alerts';
import { requireToken } from './auth';
import { automateError } from './errors';
import {
	automateOps,
	observeComputer,
	patchHistory,
	runningScripts,
	scriptHistory,
} from './history';
import { ListError, listPage } from './listing';
import { clientBody, computerBody, lastPatched, microsoftUpdate, scriptBody } from './mappers';
import { slice } from './slice';

/** PatchActionArgs.EntityType of a computer [unverified: 1 = Computer, per community clients]. */
const ENTITY_COMPUTER = 1;

export function apiRoutes(ctx: VendorContext): Router {
	const router = Router();
	const world = () => ctx.world();
	const api = Router();
	router.use('/cwa/api/v1', requireToken(ctx), api);

	/** Runs a list handler; a bad condition or paging option is Automate's 400. */
	const list =
		(rows: (req: Request, res: Response) => Array<Record<string, unknown>> | undefined) =>
		(req: Request, res: Response) => {
			try {
				const all = rows(req, res);
				if (all) res.json(listPage(req, all));
			} catch (error) {
				if (error instanceof ListError)
					return automateError(res, 400, 'BadRequest', 'The request is invalid.', [error.message]);
				throw error;
			}
		};

	// `DatabaseServerTime_GetDatabaseServerDateTimeWithUtcOffset`: the server clock with its offset.
	// The sandbox's server runs on UTC, so the offset is +00:00 (its dates carry a `Z`).
	api.get('/DatabaseServerTime', (_req, res) => {
		res.json(worldIso(world()).replace(/Z$/, '+00:00'));
	});
	api.get(
		'/Clients',
		list(() => world().clients.map(clientBody)),
	);
	api.get(
		'/Computers',
		list(() => sortedDevices(world()).map((d) => computerBody(world(), d))),
	);
	api.get(
		'/Scripts',
		list(() => world().scripts.map((script) => scriptBody(world(), script))),
	);

	api.get('/Computers/:id/PatchingStats', (req, res) => {
		const device = computerOr404(world(), req, res);
		if (!device) return;
		observeComputer(world(), device, ctx.timing());
		const patches = world().patches.filter((p) => p.deviceKey === device.key);
		const installed = patches.filter((p) => p.status === 'installed').length;
		const failed = patches.filter((p) => p.status === 'failed').length;
		const missing = patches.filter(
			(p) => p.status !== 'installed' && p.status !== 'rejected',
		).length;
		const last = lastPatched(world(), device);
		res.json({
			ComputerId: device.ids.automateComputerId,
			OverallCompliance: patches.length
				? Math.round((installed / patches.length) * 1000) / 10
				: 100,
			InstalledPatchCount: installed,
			MissingPatchCount: missing,
			FailedPatchCount: failed,
			CompliantSoftwareCount: 12,
			NonCompliantSoftwareCount: 0,
			FailedSoftwareCount: 0,
			IncorrectSoftwareCount: 0,
			Stage: 'Production',
			NoPatchInventory: false,
			WSUSEnabled: false,
			PatchJobRunning: automateOps(world(), device, 'patchInstall').some((o) => !isFinished(o)),
			DaytimePatchingEnabled: false,
			WUAOutOfDate: false,
			MissingBaselinePatches: false,
			WUAVersion: '10.0.26100.1882',
			LastInstallWindow: seededAgo(world(), 30 * HOUR),
			NextInstallWindow: seededAgo(world(), -(5 * DAY + 18 * HOUR)),
			...(last ? { LastPatchedDate: last, LastMicrosoftPatchedDate: last } : {}),
			LastPatchInventory: seededAgo(world(), 7 * HOUR),
			IsMicrosoftManaged: true,
			IsThirdPartyManaged: false,
		});
	});
	api.get(
		'/Computers/:id/MicrosoftUpdates',
		list((req, res) => {
			const device = computerOr404(world(), req, res);
			if (!device) return undefined;
			observeComputer(world(), device, ctx.timing());
			return world()
				.patches.filter((p) => p.deviceKey === device.key)
				.map((p) => microsoftUpdate(device, p));
		}),
	);
	api.get(
		'/PatchHistory',
		list(() => patchHistory(world())),
	);
	api.post('/PatchActions/DeployAllApproved', (req, res) => {
		const body = (req.body ?? {}) as { EntityType?: unknown; EntityId?: unknown };
		if (Number(body.EntityType) !== ENTITY_COMPUTER)
			return automateError(res, 400, 'BadRequest', 'The request is invalid.', [
				'EntityType: only computers (1) are served by the sandbox',
			]);
		const device = world().devices.find((d) => d.ids.automateComputerId === Number(body.EntityId));
		if (!device)
			return automateError(
				res,
				404,
				'NotFound',
				`Computer ${String(body.EntityId)} was not found.`,
			);
		// Offline agents pick the deployment up when they check in again: nothing starts now.
		if (device.online) {
			const approved = world().patches.filter(
				(p) => p.deviceKey === device.key && p.status === 'approved',
			);
			startOperation(world(), {
				kind: 'patchInstall',
				vendor: 'connectwise-automate',
				deviceKey: device.key,
				patchKeys: approved.map((p) => p.key),
			});
		}
		res.status(204).end();
	});

	api.get('/Computers/:id/ScheduledScripts/:entityId', (req, res) => {
		const device = computerOr404(world(), req, res);
		if (!device) return;
		const schedule = slice(world()).schedules.find(
			(s) => String(s.Id) === req.params.entityId && s.ComputerId === device.ids.automateComputerId,
		);
		if (!schedule)
			return automateError(
				res,
				404,
				'NotFound',
				`Scheduled script ${req.params.entityId} was not found.`,
			);
		res.json(scheduleBody(schedule));
	});
	api.post('/Computers/:id/ScheduledScripts', (req, res) => {
		const device = computerOr404(world(), req, res);
		if (!device) return;
		const body = (req.body ?? {}) as Record<string, unknown>;
		const script = world().scripts.find((s) => s.automateScriptId === Number(body.ScriptId));
		if (!script)
			return automateError(res, 400, 'BadRequest', 'The request is invalid.', [
				`ScriptId: script ${String(body.ScriptId)} does not exist`,
			]);
		if (body.Parameters !== undefined && typeof body.Parameters !== 'string')
			return automateError(res, 400, 'BadRequest', 'The request is invalid.', [
				'Parameters must be a string of name=value| pairs',
			]);
		const operation = startOperation(world(), {
			kind: 'script',
			vendor: 'connectwise-automate',
			deviceKey: device.key,
			scriptKey: script.key,
			parameters: (body.Parameters as string | undefined) ?? '',
		});
		const now = worldIso(world());
		const schedule = {
			Id: nextId(world(), 'automateSchedule', 90201),
			ScriptId: script.automateScriptId,
			ComputerId: device.ids.automateComputerId,
			operationId: operation.id,
			body,
			user: String(res.locals.user),
			lastUpdate: now,
		};
		slice(world()).schedules.push(schedule);
		res.json(scheduleBody(schedule));
	});
	api.get(
		'/Computers/:id/ScriptHistory',
		list((req, res) => {
			const device = computerOr404(world(), req, res);
			if (!device) return undefined;
			observeComputer(world(), device, ctx.timing());
			return scriptHistory(world(), device);
		}),
	);
	api.get(
		'/Computers/:id/RunningScripts',
		list((req, res) => {
			const device = computerOr404(world(), req, res);
			if (!device) return undefined;
			observeComputer(world(), device, ctx.timing());
			return runningScripts(world(), device);
		}),
	);

	const alerts = (device?: Device) => {
		raiseOfflineAlerts(world());
		return slice(world()).alerts.flatMap((alert) => {
			const owner = world().devices.find((d) => d.key === alert.computerKey);
			if (!owner || (device && owner.key !== device.key)) return [];
			return [alertBody(world(), alert, owner)];
		});
	};
	api.get(
		'/Alerts',
		list(() => alerts()),
	);
	api.get('/Alerts/:alertId', (req, res) => {
		const alert = alerts().find((a) => String(a.AlertId) === req.params.alertId);
		if (!alert)
			return automateError(res, 404, 'NotFound', `Alert ${req.params.alertId} was not found.`);
		res.json(alert);
	});
	api.get(
		'/Computers/:id/Alerts',
		list((req, res) => {
			const device = computerOr404(world(), req, res);
			return device ? alerts(device) : undefined;
		}),
	);

	api.use((req: Request, res: Response) =>
		automateError(
			res,
			404,
			'NotFound',
			`No HTTP resource was found that matches the request URI '${req.originalUrl}'.`,
		),
	);
	return router;
}

function scheduleBody(schedule: {
	Id: number;
	ScriptId: number;
	ComputerId: number;
	body: Record<string, unknown>;
	user: string;
	lastUpdate: string;
}) {
	const b = schedule.body;
	const at = typeof b.NextRun === 'string' ? b.NextRun : schedule.lastUpdate;
	return {
		Id: schedule.Id,
		ScriptId: schedule.ScriptId,
		ClientId: 0,
		LocationId: 0,
		ComputerId: schedule.ComputerId,
		GroupId: 0,
		SearchId: 0,
		Disabled: false,
		EffectiveStartDate: typeof b.EffectiveStartDate === 'string' ? b.EffectiveStartDate : at,
		NextRun: at,
		NextSchedule: at,
		ScheduleType: Number(b.ScheduleType ?? 1),
		Interval: 0,
		RepeatType: 0,
		RepeatAmount: 0,
		RepeatStopAfter: 0,
		DistributionWindowType: Number(b.DistributionWindowType ?? 2),
		DistributionWindowAmount: 0,
		SkipOffline: b.SkipOffline === true,
		OfflineOnly: false,
		WakeOffline: false,
		WakeScript: false,
		DisableTimeZone: true,
		RunScriptOnProbe: false,
		Parameters: typeof b.Parameters === 'string' ? b.Parameters : '',
		Priority: Number(b.Priority ?? 15),
		TimeZoneAdd: 0,
		User: schedule.user,
		LastUpdate: schedule.lastUpdate,
	};
}

function sortedDevices(world: World): Device[] {
	return [...world.devices].sort((a, b) => a.ids.automateComputerId - b.ids.automateComputerId);
}

function computerOr404(world: World, req: Request, res: Response): Device | undefined {
	const device = world.devices.find((d) => String(d.ids.automateComputerId) === req.params.id);
	if (!device) automateError(res, 404, 'NotFound', `Computer ${req.params.id} was not found.`);
	return device;
}
