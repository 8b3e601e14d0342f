import { Router, type Request, type Response } from 'express';

import { intParam } from '../../lib/paging';
import { worldNow } from '../../world/clock';
import { isFinished, observe, startOperation } from '../../world/engine';
import { nextId } from '../../world/seed';
import type { Device, Operation, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { alertBody, raiseOfflineAlerts } from './alerts';
import { requireToken } from './auth';
import { dattoError } from './errors';
import {
	accountComponentBody,
	componentBody,
	componentUid,
	componentVariables,
	deviceBody,
	deviceId,
	deviceUid,
	patchBody,
	siteBody,
	siteUid,
} from './mappers';
import { dattoUid, slice, type DattoJobRecord } from './slice';

/** `GET /v2/system/pagination`'s maximum in the sandbox; alerts page apart, at most 100. */
const MAX_PAGE = 250;
const MAX_ALERT_PAGE = 100;

export function apiRoutes(ctx: VendorContext): Router {
	const router = Router();
	const api = Router();
	const world = () => ctx.world();
	router.use('/api', requireToken(ctx), api);

	/** The path as Datto's errors name it: without the `/api` server prefix. */
	const pathOf = (req: Request) => `/v2${req.path.replace(/^\/v2/, '')}`;
	const notFound = (req: Request, res: Response, message: string) =>
		dattoError(res, 404, pathOf(req), message, world());

	/**
	 * `{pageDetails, <name>: [...]}`: `page` is 0-based, `max` the size; `nextPageUrl` is the
	 * absolute URL of the next page (with `/api`), "" on the last page.
	 */
	const paged = (req: Request, name: string, rows: unknown[], cap = MAX_PAGE) => {
		const max = intParam(req.query.max, cap, cap);
		const page = Math.max(0, Number.parseInt(String(req.query.page ?? '0'), 10) || 0);
		const items = rows.slice(page * max, (page + 1) * max);
		const link = (to: number) => {
			const qs = new URLSearchParams(req.query as Record<string, string>);
			qs.set('page', String(to));
			qs.set('max', String(max));
			return `${ctx.baseUrl()}/api${req.path}?${qs.toString()}`;
		};
		return {
			pageDetails: {
				count: items.length,
				totalCount: rows.length,
				prevPageUrl: page > 0 ? link(page - 1) : '',
				nextPageUrl: (page + 1) * max < rows.length ? link(page + 1) : '',
			},
			[name]: items,
		};
	};

	const deviceByUid = (req: Request, res: Response): Device | undefined => {
		const device = world().devices.find((d) => deviceUid(d) === req.params.deviceUid);
		if (!device) notFound(req, res, 'Device was not found.');
		return device;
	};
	const sorted = () =>
		[...world().devices].sort((a, b) => a.ids.automateComputerId - b.ids.automateComputerId);
	const devicesOf = (rows: Device[]) => rows.map((d) => deviceBody(world(), d, ctx.baseUrl()));

	api.get('/v2/system/status', (_req, res) => {
		res.json({ version: '2.0.0', status: 'OK', started: Date.parse(world().createdAt) });
	});
	api.get('/v2/account', (_req, res) => {
		res.json({
			id: 1,
			uid: 'sandboxacct',
			name: 'Sandbox MSP',
			currency: 'USD',
			descriptor: { billingEmail: 'billing@sandbox.example', deviceLimit: 5000, timeZone: 'UTC' },
			devicesStatus: {
				numberOfDevices: world().devices.length,
				numberOfOnlineDevices: world().devices.filter((d) => d.online).length,
				numberOfOfflineDevices: world().devices.filter((d) => !d.online).length,
			},
		});
	});
	api.get('/v2/account/sites', (req, res) => {
		const needle = String(req.query.siteName ?? '').toLowerCase();
		const sites = world()
			.clients.map((c) => siteBody(world(), c, ctx.baseUrl()))
			.filter((s) => !needle || s.name.toLowerCase().includes(needle));
		res.json(paged(req, 'sites', sites));
	});
	api.get('/v2/account/devices', (req, res) => {
		const host = String(req.query.hostname ?? '').toLowerCase();
		const rows = sorted().filter((d) => !host || d.hostname.toLowerCase().includes(host));
		res.json(paged(req, 'devices', devicesOf(rows)));
	});
	api.get('/v2/site/:siteUid/devices', (req, res) => {
		const client = world().clients.find((c) => siteUid(c) === req.params.siteUid);
		if (!client) return notFound(req, res, 'Site was not found.');
		res.json(paged(req, 'devices', devicesOf(sorted().filter((d) => d.clientKey === client.key))));
	});
	api.get('/v2/device/:deviceUid', (req, res) => {
		const device = deviceByUid(req, res);
		if (device) res.json(deviceBody(world(), device, ctx.baseUrl()));
	});
	api.get('/v2/device/:deviceUid/patches', (req, res) => {
		const device = deviceByUid(req, res);
		if (!device) return;
		observe(world(), (o) => o.deviceKey === device.key && o.vendor === 'datto-rmm', ctx.timing());
		const wanted = req.query.installStatus ? String(req.query.installStatus) : undefined;
		const rows = world()
			.patches.filter((p) => p.deviceKey === device.key)
			.map(patchBody)
			.filter((p) => !wanted || p.installStatus === wanted);
		res.json(paged(req, 'patches', rows));
	});

	api.get('/v2/account/components', (req, res) => {
		res.json(
			paged(req, 'components', [
				...world().scripts.map(componentBody),
				...slice(world()).components.map(accountComponentBody),
			]),
		);
	});
	api.put('/v2/device/:deviceUid/quickjob', (req, res) => {
		const device = deviceByUid(req, res);
		if (!device) return;
		const problem = quickJobProblem(world(), req.body);
		if (problem) return dattoError(res, 400, pathOf(req), problem, world());
		const body = req.body as QuickJobBody;
		const component = componentOf(world(), body.jobComponent.componentUid);
		if (!component) return notFound(req, res, 'Component was not found.');
		const variables = body.jobComponent.variables ?? [];
		const operation = startOperation(
			world(),
			component.installsPatches && device.online
				? {
						// The component installs what the device's patch policy approved, like a policy run.
						kind: 'patchInstall',
						vendor: 'datto-rmm',
						deviceKey: device.key,
						patchKeys: world()
							.patches.filter((p) => p.deviceKey === device.key && p.status === 'approved')
							.map((p) => p.key),
					}
				: {
						// An offline device's job fails (the agent is not there to run it).
						kind: 'script',
						vendor: 'datto-rmm',
						deviceKey: device.key,
						scriptKey: component.scriptKey,
						parameters: variables.map((v) => `${v.name}=${v.value}`).join(' '),
					},
		);
		const job: DattoJobRecord = {
			id: nextId(world(), 'dattoJob', 880001),
			uid: '',
			name: body.jobName,
			operationId: operation.id,
			deviceKey: device.key,
			componentUid: component.uid,
			variables,
			createdAt: worldNow(world()),
		};
		job.uid = dattoUidOfJob(job);
		slice(world()).jobs.push(job);
		slice(world()).activities.push({
			id: `act-${job.id}`,
			deviceKey: device.key,
			date: job.createdAt,
			// [unverified] What Datto writes in `details` for a quick job; the job's name and uid here.
			details: JSON.stringify({ 'job.uid': job.uid, 'job.name': job.name }),
		});
		res.json({
			job: jobBody(world(), job),
			jobComponents: [{ uid: job.componentUid, name: component.name, variables }],
		});
	});
	api.get('/v2/job/:jobUid', (req, res) => {
		const job = slice(world()).jobs.find((j) => j.uid === req.params.jobUid);
		if (!job) return notFound(req, res, 'Job was not found.');
		// A status read of the job, like its results.
		observe(world(), (o) => o.id === job.operationId, ctx.timing());
		res.json(jobBody(world(), job));
	});
	const resultsOf = (req: Request, res: Response) => {
		const job = slice(world()).jobs.find((j) => j.uid === req.params.jobUid);
		const device = world().devices.find((d) => deviceUid(d) === req.params.deviceUid);
		if (!job || !device || job.deviceKey !== device.key) {
			notFound(req, res, 'Job result was not found.');
			return undefined;
		}
		observe(world(), (o) => o.id === job.operationId, ctx.timing());
		return { job, device, operation: operationOf(world(), job) };
	};
	api.get('/v2/job/:jobUid/results/:deviceUid', (req, res) => {
		const found = resultsOf(req, res);
		if (!found) return;
		const { job, device, operation } = found;
		const finished = isFinished(operation);
		const name = componentOf(world(), job.componentUid)?.name ?? '';
		res.json({
			jobUid: job.uid,
			deviceUid: deviceUid(device),
			...(operation.startedAt
				? { ranOn: Date.parse(operation.finishedAt ?? operation.startedAt) }
				: {}),
			jobDeploymentStatus: !finished
				? operation.status === 'running'
					? 'Running'
					: 'Pending'
				: operation.status === 'succeeded'
					? 'Success'
					: 'Failure',
			componentResults: finished
				? [
						{
							componentUid: job.componentUid,
							componentName: name,
							componentStatus: operation.status === 'succeeded' ? 'Success' : 'Failure',
							numberOfWarnings: 0,
							hasStdOut: !!operation.output,
							hasStdErr: !!operation.error,
						},
					]
				: [],
		});
	});
	for (const stream of ['stdout', 'stderr'] as const)
		api.get(`/v2/job/:jobUid/results/:deviceUid/${stream}`, (req, res) => {
			const found = resultsOf(req, res);
			if (!found) return;
			const { job, operation } = found;
			const text = stream === 'stdout' ? operation.output : operation.error;
			if (!isFinished(operation) || !text)
				return notFound(req, res, `No ${stream} data was found.`);
			const name = componentOf(world(), job.componentUid)?.name ?? '';
			res.json([{ componentUid: job.componentUid, componentName: name, stdData: text }]);
		});

	api.get('/v2/activity-logs', (req, res) => {
		// Default window: the last 15 minutes, as Datto documents.
		const from = req.query.from
			? Date.parse(String(req.query.from))
			: worldNow(world()) - 15 * 60_000;
		const search = String(req.query.searchQuery ?? '');
		const size = intParam(req.query.size, 100, 1000);
		const activities = slice(world())
			.activities.filter((a) => a.date >= from && (!search || a.details.includes(search)))
			.slice(0, size)
			.map((a) => {
				const device = world().devices.find((d) => d.key === a.deviceKey);
				return {
					id: a.id,
					entity: 'DEVICE',
					category: 'job',
					action: 'deployment',
					date: a.date / 1000,
					...(device ? { deviceId: deviceId(device), hostname: device.hostname } : {}),
					details: a.details,
					hasStdOut: false,
					hasStdErr: false,
				};
			});
		res.json({
			pageDetails: { count: activities.length, prevPageUrl: '', nextPageUrl: '' },
			activities,
		});
	});

	const openAlerts = (keep: (device: Device) => boolean) => {
		raiseOfflineAlerts(world());
		return slice(world()).alerts.flatMap((alert) => {
			const device = world().devices.find((d) => d.key === alert.deviceKey);
			return device && !alert.resolved && keep(device) ? [alertBody(world(), alert, device)] : [];
		});
	};
	api.get('/v2/account/alerts/open', (req, res) => {
		res.json(
			paged(
				req,
				'alerts',
				openAlerts(() => true),
				MAX_ALERT_PAGE,
			),
		);
	});
	api.get('/v2/site/:siteUid/alerts/open', (req, res) => {
		const client = world().clients.find((c) => siteUid(c) === req.params.siteUid);
		if (!client) return notFound(req, res, 'Site was not found.');
		res.json(
			paged(
				req,
				'alerts',
				openAlerts((d) => d.clientKey === client.key),
				MAX_ALERT_PAGE,
			),
		);
	});
	api.get('/v2/device/:deviceUid/alerts/open', (req, res) => {
		const device = deviceByUid(req, res);
		if (!device) return;
		res.json(
			paged(
				req,
				'alerts',
				openAlerts((d) => d.key === device.key),
				MAX_ALERT_PAGE,
			),
		);
	});
	api.get('/v2/alert/:alertUid', (req, res) => {
		raiseOfflineAlerts(world());
		const alert = slice(world()).alerts.find((a) => a.uid === req.params.alertUid);
		const device = alert && world().devices.find((d) => d.key === alert.deviceKey);
		if (!alert || !device) return notFound(req, res, 'Alert was not found.');
		res.json(alertBody(world(), alert, device));
	});
	api.post('/v2/alert/:alertUid/resolve', (req, res) => {
		raiseOfflineAlerts(world());
		const alert = slice(world()).alerts.find((a) => a.uid === req.params.alertUid);
		if (!alert) return notFound(req, res, 'Alert was not found.');
		if (!alert.resolved) {
			alert.resolved = true;
			alert.resolvedOn = worldNow(world());
		}
		res.status(200).end();
	});

	api.use((req: Request, res: Response) =>
		notFound(req, res, `No endpoint ${req.method} ${req.path}`),
	);
	return router;
}

interface QuickJobBody {
	jobName: string;
	jobComponent: { componentUid: string; variables?: Array<{ name: string; value: string }> };
}

/** `CreateQuickJobRequest`: `jobName` and `jobComponent` are required; variables must be the component's. */
function quickJobProblem(world: World, body: unknown): string | undefined {
	const b = (body ?? {}) as Partial<QuickJobBody>;
	if (typeof b.jobName !== 'string' || !b.jobName.trim()) return 'jobName is required.';
	if (!b.jobComponent || typeof b.jobComponent.componentUid !== 'string')
		return 'jobComponent.componentUid is required.';
	const script = world.scripts.find((s) => componentUid(s) === b.jobComponent?.componentUid);
	if (!script) {
		for (const variable of b.jobComponent.variables ?? []) {
			if (componentOf(world, b.jobComponent.componentUid))
				return `Variable ${String(variable?.name)} is not a variable of the component.`;
		}
		return undefined;
	}
	const known = componentVariables(script);
	for (const variable of b.jobComponent.variables ?? []) {
		if (!variable || typeof variable.name !== 'string' || typeof variable.value !== 'string')
			return 'Each variable needs a name and a value.';
		if (!known.includes(variable.name))
			return `Variable ${variable.name} is not a variable of component ${script.name}.`;
	}
	return undefined;
}

/** An estate script or one of the account's own components, by uid. */
function componentOf(
	world: World,
	uid: string,
): { uid: string; name: string; scriptKey?: string; installsPatches: boolean } | undefined {
	const script = world.scripts.find((s) => componentUid(s) === uid);
	if (script) return { uid, name: script.name, scriptKey: script.key, installsPatches: false };
	return slice(world).components.find((c) => c.uid === uid);
}

/** Derived from the sequence and the operation, so a reset world hands out the same uids again. */
function dattoUidOfJob(job: DattoJobRecord): string {
	return dattoUid('job', job.id, job.operationId);
}

function operationOf(world: World, job: DattoJobRecord): Operation {
	const operation = world.operations.find((o) => o.id === job.operationId);
	if (!operation) throw new Error(`No operation ${job.operationId} for Datto job ${job.uid}`);
	return operation;
}

/** `Job`: `active` until the device's run is finished. */
function jobBody(world: World, job: DattoJobRecord) {
	return {
		id: job.id,
		dateCreated: job.createdAt,
		name: job.name,
		uid: job.uid,
		status: isFinished(operationOf(world, job)) ? 'completed' : 'active',
	};
}
