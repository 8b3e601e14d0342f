import { Router, type Request, type Response } from 'express';

import { intParam } from '../../lib/paging';
import { clientOf, startOperation } from '../../world/engine';
import type { Device, Patch, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { activeJobs, observeAll, observeDevice } from './activity';
import { alertBody, raiseOfflineAlerts } from './alerts';
import { requireScope } from './auth';
import { ninjaError } from './errors';
import { FilterError, parseDeviceFilter } from './filter';
import {
	deviceDetail,
	deviceRoles,
	deviceSummary,
	organization,
	osPatch,
	patchStatus,
	scriptCategoryId,
	scriptUid,
} from './mappers';
import { slice } from './slice';
import { queryPage, QueryError } from './queries';

/** [unverified] NinjaOne publishes no default or maximum page size; clients use 1000-2000. */
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 10_000;

/** Roles a script can run as on Windows (`runAs`), per the scripting options of a device. */
const RUN_AS_ROLES = [
	'system',
	'loggedonuser',
	'SR_LOCAL_ADMINISTRATOR',
	'SR_DOMAIN_ADMINISTRATOR',
];
const RUN_AS_CREDENTIALS = [{ id: 26, name: 'Domain admin (sandbox)', type: 'BASIC' }];

export function apiRoutes(ctx: VendorContext): Router {
	const router = Router();
	const read = requireScope(ctx, 'monitoring');
	const manage = requireScope(ctx, 'management');
	const world = () => ctx.world();

	router.get('/v2/organizations', read, (req, res) => {
		const orgs = world()
			.clients.map(organization)
			.sort((a, b) => a.id - b.id);
		res.json(afterPage(orgs, req));
	});
	router.get('/v2/roles', read, (_req, res) => {
		res.json(deviceRoles(world()));
	});
	router.get('/v2/organization/:id', read, (req, res) => {
		const org = world()
			.clients.map(organization)
			.find((o) => String(o.id) === req.params.id);
		if (!org) return ninjaError(res, 404, 'NOT_FOUND', `Organization ${req.params.id} not found`);
		res.json(org);
	});

	const listDevices = (detailed: boolean) => (req: Request, res: Response) => {
		const predicate = filterOr400(world(), req, res);
		if (!predicate) return;
		const devices = sortedDevices(world()).filter(predicate);
		const page = afterPage(devices, req, (d) => d.ids.ninjaDeviceId);
		res.json(page.map((d) => (detailed ? deviceDetail(world(), d) : deviceSummary(world(), d))));
	};
	router.get('/v2/devices', read, listDevices(false));
	router.get('/v2/devices-detailed', read, listDevices(true));
	router.get('/v2/organization/:id/devices', read, (req, res) => {
		const devices = sortedDevices(world()).filter(
			(d) => String(clientOf(world(), d).ids.ninjaOrganizationId) === req.params.id,
		);
		res.json(
			afterPage(devices, req, (d) => d.ids.ninjaDeviceId).map((d) => deviceSummary(world(), d)),
		);
	});
	router.get('/v2/devices/search', read, (req, res) => {
		const q = String(req.query.q ?? '').toLowerCase();
		const limit = intParam(req.query.limit, 100, MAX_PAGE_SIZE);
		const matches = sortedDevices(world()).filter((d) => q && searchText(world(), d).includes(q));
		res.json({
			query: String(req.query.q ?? ''),
			devices: matches.slice(0, limit).map((d) => deviceSummary(world(), d)),
		});
	});
	router.get('/v2/device/:id', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (device) res.json(deviceDetail(world(), device));
	});

	router.get('/v2/device/:id/os-patches', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		observeDevice(world(), device, ctx.timing());
		try {
			const rows = patchesOf(world(), device)
				.filter((p) => p.status !== 'installed')
				.filter(patchFilter(req, ['status', 'type', 'severity']));
			res.json(rows.map((p) => osPatch(world(), p, false)));
		} catch (error) {
			if (error instanceof QueryError) return ninjaError(res, 400, 'BAD_REQUEST', error.message);
			throw error;
		}
	});
	router.get('/v2/device/:id/os-patch-installs', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		observeDevice(world(), device, ctx.timing());
		try {
			const rows = patchesOf(world(), device)
				.filter((p) => p.status === 'installed' || p.status === 'failed')
				.filter(installedFilter(req));
			res.json(rows.map((p) => osPatch(world(), p, false)));
		} catch (error) {
			if (error instanceof QueryError) return ninjaError(res, 400, 'BAD_REQUEST', error.message);
			throw error;
		}
	});
	router.get('/v2/queries/os-patches', read, (req, res) => fleetPatches(req, res, false));
	router.get('/v2/queries/os-patch-installs', read, (req, res) => fleetPatches(req, res, true));

	function fleetPatches(req: Request, res: Response, installs: boolean): void {
		try {
			observeAll(world(), ctx.timing());
			const page = queryPage(req, installs ? 'os-patch-installs' : 'os-patches', (params) => {
				const predicate = parseDeviceFilter(world(), params.df);
				const devices = new Map(
					sortedDevices(world())
						.filter(predicate)
						.map((d) => [d.key, d]),
				);
				const fake = { query: params } as unknown as Request;
				const rows = world()
					.patches.filter((p) => devices.has(p.deviceKey))
					.filter((p) =>
						installs ? p.status === 'installed' || p.status === 'failed' : p.status !== 'installed',
					)
					.filter(
						installs ? installedFilter(fake) : patchFilter(fake, ['status', 'type', 'severity']),
					)
					.sort((a, b) => deviceIdOf(devices, a) - deviceIdOf(devices, b) || a.id - b.id);
				return rows.map((p) => osPatch(world(), p, true));
			});
			res.json(page);
		} catch (error) {
			if (error instanceof FilterError || error instanceof QueryError)
				return ninjaError(res, 400, 'BAD_REQUEST', error.message);
			throw error;
		}
	}

	router.post('/v2/device/:id/patch/os/scan', manage, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		if (!device.online)
			return ninjaError(res, 400, 'BAD_REQUEST', 'Device is not applicable for os scan.');
		startOperation(world(), { kind: 'patchScan', vendor: 'ninjaone', deviceKey: device.key });
		res.status(204).end();
	});
	router.post('/v2/device/:id/patch/os/apply', manage, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		if (!device.online)
			return ninjaError(res, 400, 'BAD_REQUEST', 'Device is not applicable for os apply.');
		// The API cannot pick patches: the job installs what the device's policy approved.
		const approved = patchesOf(world(), device).filter((p) => p.status === 'approved');
		startOperation(world(), {
			kind: 'patchInstall',
			vendor: 'ninjaone',
			deviceKey: device.key,
			patchKeys: approved.map((p) => p.key),
		});
		res.status(204).end();
	});

	router.get('/v2/device/:id/jobs', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		observeDevice(world(), device, ctx.timing());
		res.json(activeJobs(world()).filter((j) => j.deviceId === device.ids.ninjaDeviceId));
	});
	router.get('/v2/jobs', read, (req, res) => {
		const predicate = filterOr400(world(), req, res);
		if (!predicate) return;
		observeAll(world(), ctx.timing());
		const ids = new Set(
			world()
				.devices.filter(predicate)
				.map((d) => d.ids.ninjaDeviceId),
		);
		res.json(
			activeJobs(world()).filter(
				(j) => ids.has(j.deviceId) && (!req.query.jobType || j.jobType === req.query.jobType),
			),
		);
	});
	router.get('/v2/device/:id/activities', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		observeDevice(world(), device, ctx.timing());
		const all = slice(world()).activities;
		let rows = all.filter((a) => a.deviceId === device.ids.ninjaDeviceId);
		const q = req.query as Record<string, string | undefined>;
		if (q.activityType) rows = rows.filter((a) => a.activityType === q.activityType);
		if (q.status) rows = rows.filter((a) => q.status?.split(',').includes(a.statusCode));
		if (q.seriesUid) rows = rows.filter((a) => a.seriesUid === q.seriesUid);
		// As the spec words them, the reverse of their names: `olderThan` - "Return activities
		// recorded that are newer than specified activity ID"; `newerThan` - "Return activities
		// recorded that are older than specified activity ID".
		if (q.olderThan) rows = rows.filter((a) => a.id > Number(q.olderThan));
		if (q.newerThan) rows = rows.filter((a) => a.id < Number(q.newerThan));
		const pageSize = Math.max(10, intParam(q.pageSize, 200, 1000));
		const newestFirst = [...rows].sort((a, b) => b.id - a.id).slice(0, pageSize);
		const lastActivityId = all.length ? all[all.length - 1].id : 0;
		res.json({
			lastActivityId,
			lastNodeActivityId: rows.length ? Math.max(...rows.map((a) => a.id)) : 0,
			activities: newestFirst,
		});
	});

	router.get('/v2/automation/scripts', read, (_req, res) => {
		res.json(
			world().scripts.map((s) => ({
				id: s.ninjaScriptId,
				name: s.name,
				description: s.description,
				active: true,
				language: language(s.language),
				architecture: ['64'],
				operatingSystems: ['WINDOWS'],
				scriptParameters: [],
				scriptVariables: [],
				createdBy: 'MSP Admin',
				lastUpdatedBy: 'MSP Admin',
			})),
		);
	});
	router.get('/v2/device/:id/scripting/options', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		res.json({
			categories: [
				{ id: 1, name: 'Security', internal: false },
				{ id: 2, name: 'Patching', internal: false },
				{ id: 3, name: 'Maintenance', internal: false },
				{ id: 4, name: 'Testing', internal: false },
			],
			scripts: world().scripts.map((s) => ({
				type: 'SCRIPT',
				id: s.ninjaScriptId,
				uid: scriptUid(s),
				name: s.name,
				language: language(s.language),
				description: s.description,
				architecture: ['64'],
				categoryId: scriptCategoryId(s),
			})),
			credentials: { roles: RUN_AS_ROLES, credentials: RUN_AS_CREDENTIALS },
		});
	});
	router.post('/v2/device/:id/script/run', manage, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		const body = (req.body ?? {}) as {
			type?: unknown;
			id?: unknown;
			uid?: unknown;
			parameters?: unknown;
			runAs?: unknown;
		};
		if (body.type !== 'SCRIPT' && body.type !== 'ACTION')
			return ninjaError(res, 400, 'BAD_REQUEST', 'type must be SCRIPT or ACTION');
		const script = world().scripts.find((s) =>
			body.type === 'SCRIPT' ? s.ninjaScriptId === Number(body.id) : scriptUid(s) === body.uid,
		);
		if (!script)
			return ninjaError(
				res,
				400,
				'BAD_REQUEST',
				`Script ${String(body.id ?? body.uid)} not found or not applicable to device ${device.ids.ninjaDeviceId}`,
			);
		if (body.parameters !== undefined && typeof body.parameters !== 'string')
			return ninjaError(res, 400, 'BAD_REQUEST', 'parameters must be a string');
		const runAs = body.runAs === undefined ? 'system' : String(body.runAs);
		if (!RUN_AS_ROLES.includes(runAs) && !RUN_AS_CREDENTIALS.some((c) => String(c.id) === runAs))
			return ninjaError(res, 400, 'BAD_REQUEST', `Invalid runAs: ${runAs}`);
		// [unverified] whether NinjaOne refuses a run on an offline device or queues it: it is
		// accepted here and the job fails, which is what the node must handle either way.
		startOperation(world(), {
			kind: 'script',
			vendor: 'ninjaone',
			deviceKey: device.key,
			scriptKey: script.key,
			parameters: body.parameters as string | undefined,
			runAs,
		});
		res.status(204).end();
	});

	router.get('/v2/alerts', read, (req, res) => {
		const predicate = filterOr400(world(), req, res);
		if (!predicate) return;
		raiseOfflineAlerts(world());
		const rows = slice(world()).alerts.flatMap((alert) => {
			const device = world().devices.find((d) => d.key === alert.deviceKey);
			if (!device || !predicate(device)) return [];
			if (req.query.sourceType && alert.sourceType !== req.query.sourceType) return [];
			return [alertBody(world(), alert, device)];
		});
		res.json(rows);
	});
	router.get('/v2/device/:id/alerts', read, (req, res) => {
		const device = deviceOr404(world(), req, res);
		if (!device) return;
		raiseOfflineAlerts(world());
		res.json(
			slice(world())
				.alerts.filter((a) => a.deviceKey === device.key)
				.map((a) => alertBody(world(), a, device)),
		);
	});
	const resetAlert = (req: Request, res: Response) => {
		const alerts = slice(world()).alerts;
		const index = alerts.findIndex((a) => a.uid === req.params.uid);
		if (index < 0) return ninjaError(res, 404, 'NOT_FOUND', `Alert ${req.params.uid} not found`);
		alerts.splice(index, 1);
		res.status(204).end();
	};
	router.delete('/v2/alert/:uid', manage, resetAlert);
	router.post('/v2/alert/:uid/reset', manage, resetAlert);

	router.use('/v2', (req: Request, res: Response) =>
		ninjaError(res, 404, 'NOT_FOUND', `No endpoint ${req.method} ${req.baseUrl}${req.path}`),
	);
	return router;
}

function language(lang: string): string {
	return lang === 'cmd' ? 'batchfile' : lang === 'bash' ? 'sh' : lang;
}

function sortedDevices(world: World): Device[] {
	return [...world.devices].sort((a, b) => a.ids.ninjaDeviceId - b.ids.ninjaDeviceId);
}

function deviceIdOf(devices: Map<string, Device>, patch: Patch): number {
	return devices.get(patch.deviceKey)?.ids.ninjaDeviceId ?? 0;
}

function patchesOf(world: World, device: Device): Patch[] {
	return world.patches.filter((p) => p.deviceKey === device.key);
}

function searchText(world: World, device: Device): string {
	const d = deviceSummary(world, device);
	return [d.systemName, d.displayName, d.dnsName, device.ipAddress, device.lastLoggedOnUser]
		.join(' ')
		.toLowerCase();
}

/** Keyset paging: ascending ids greater than `after`, `pageSize` of them. */
function afterPage<T>(
	rows: T[],
	req: Request,
	idOf: (row: T) => number = (row) => (row as { id: number }).id,
): T[] {
	const after = Number(req.query.after ?? 0) || 0;
	const size = intParam(req.query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
	return rows.filter((row) => idOf(row) > after).slice(0, size);
}

function filterOr400(world: World, req: Request, res: Response) {
	try {
		return parseDeviceFilter(world, req.query.df);
	} catch (error) {
		if (error instanceof FilterError) ninjaError(res, 400, 'BAD_REQUEST', error.message);
		else throw error;
		return undefined;
	}
}

function deviceOr404(world: World, req: Request, res: Response): Device | undefined {
	const device = world.devices.find((d) => String(d.ids.ninjaDeviceId) === req.params.id);
	if (!device) ninjaError(res, 404, 'NOT_FOUND', `Device ${req.params.id} not found`);
	return device;
}

/**
 * One value of a patch filter. The spec types `status`, `type` and `severity` as one string and
 * says nothing of several values ([unverified]), so the sandbox takes exactly one: a comma-joined
 * list is refused with a 400, as an enum filter would be. Clients send one value, or none and
 * filter themselves.
 */
function filterValue(q: Record<string, string | undefined>, key: string): string | undefined {
	const value = q[key]?.trim();
	if (!value) return undefined;
	if (!/^[A-Z_]+$/i.test(value)) throw new QueryError(`Invalid ${key} filter: ${value}`);
	return value.toUpperCase();
}

function patchFilter(req: Request, keys: Array<'status' | 'type' | 'severity'>) {
	const q = req.query as Record<string, string | undefined>;
	const wanted = keys.map((key) => [key, filterValue(q, key)] as const);
	return (patch: Patch) => {
		const row = { status: patchStatus(patch), type: '', severity: '' };
		const mapped = osPatchFields(patch);
		row.type = mapped.type;
		row.severity = mapped.severity;
		return wanted.every(([key, value]) => value === undefined || row[key] === value);
	};
}

function osPatchFields(patch: Patch): { type: string; severity: string } {
	const mapped = osPatch({ devices: [], patches: [] } as unknown as World, patch, false);
	return { type: String(mapped.type), severity: String(mapped.severity) };
}

function installedFilter(req: Request) {
	const q = req.query as Record<string, string | undefined>;
	const before = timeParam(q.installedBefore);
	const after = timeParam(q.installedAfter);
	const status = filterValue(q, 'status');
	return (patch: Patch) => {
		if (status && status !== (patch.status === 'installed' ? 'INSTALLED' : 'FAILED')) return false;
		const at = Date.parse(patch.installedAt ?? patch.releasedAt);
		return (before === undefined || at < before) && (after === undefined || at > after);
	};
}

/** `installedBefore`/`installedAfter` are typed string; clients send epoch seconds or dates. */
function timeParam(value: string | undefined): number | undefined {
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	const parsed = Date.parse(value);
	return Number.isNaN(parsed) ? undefined : parsed;
}
