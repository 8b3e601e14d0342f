import { randomUUID } from 'crypto';
import { Router, type Request, type Response } from 'express';

import { isFinished, observe, startOperation } from '../../world/engine';
import type { Device, Operation, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { appOf, mdeError, readPaging, requireRole, sliceOf } from './common';
import { ODataError, parseFilter, type Row } from './odata';
import { actionIdOf, actionOf, dnsName, isDefenderAction, machineOf } from './present';

const MACHINE_FILTERABLE = [
	'computerDnsName',
	'id',
	'version',
	'deviceValue',
	'aadDeviceId',
	'machineTags',
	'lastSeen',
	'exposureLevel',
	'onboardingStatus',
	'lastIpAddress',
	'healthStatus',
	'osPlatform',
	'riskScore',
	'rbacGroupId',
];
const ACTION_FILTERABLE = ['id', 'status', 'machineId', 'type', 'requestor', 'creationDateTimeUtc'];
const ISOLATION_TYPES = ['Full', 'Selective', 'UnManagedDevice'];
const SCAN_TYPES = ['Quick', 'Full'];

export function machinesRouter(ctx: VendorContext): Router {
	const router = Router();
	const read = requireRole('Machine.Read.All', 'Machine.ReadWrite.All');
	router.get('/api/machines', read, (req, res) => listMachines(ctx, req, res));
	router.get('/api/machines/:id', read, (req, res) => {
		const device = findMachine(ctx.world(), String(req.params.id));
		if (!device)
			return mdeError(
				res,
				404,
				'ResourceNotFound',
				`Machine ${String(req.params.id)} was not found`,
			);
		res.json({
			'@odata.context': `${ctx.baseUrl()}/api/$metadata#Machines/$entity`,
			...machineOf(ctx.world(), device),
		});
	});
	router.post('/api/machines/:id/isolate', requireRole('Machine.Isolate'), (req, res) =>
		containment(ctx, req, res, 'isolate'),
	);
	router.post('/api/machines/:id/unisolate', requireRole('Machine.Isolate'), (req, res) =>
		containment(ctx, req, res, 'release'),
	);
	router.post(
		'/api/machines/:id/StopAndQuarantineFile',
		requireRole('Machine.StopAndQuarantine'),
		(req, res) => stopAndQuarantine(ctx, req, res),
	);
	router.post('/api/machines/:id/runAntiVirusScan', requireRole('Machine.Scan'), (req, res) =>
		antivirusScan(ctx, req, res),
	);
	router.get('/api/machineactions', read, (req, res) => listActions(ctx, req, res));
	router.get('/api/machineactions/:id', read, (req, res) => {
		const world = ctx.world();
		const operation = world.operations.find(
			(o) => isDefenderAction(o) && actionIdOf(world, o) === String(req.params.id),
		);
		if (!operation)
			return mdeError(
				res,
				404,
				'ResourceNotFound',
				`Machine action ${String(req.params.id)} was not found`,
			);
		observe(world, (o) => o.id === operation.id, ctx.timing());
		res.json({
			'@odata.context': `${ctx.baseUrl()}/api/$metadata#MachineActions/$entity`,
			...actionOf(world, operation),
		});
	});
	return router;
}

/** By machine id or by computer name (the documented alternative key of GET /machines/{id}). */
function findMachine(world: World, key: string): Device | undefined {
	const lower = key.toLowerCase();
	return world.devices.find(
		(d) => d.ids.defenderMachineId === lower || dnsName(world, d) === lower,
	);
}

function filtered(
	req: Request,
	res: Response,
	rows: Array<Record<string, unknown>>,
	filterable: string[],
): Array<Record<string, unknown>> | undefined {
	if (typeof req.query.$filter !== 'string' || !req.query.$filter.trim()) return rows;
	try {
		const predicate = parseFilter(req.query.$filter, filterable);
		return rows.filter((row) => predicate(row as Row));
	} catch (error) {
		if (error instanceof ODataError) {
			mdeError(res, 400, 'ODataError', error.message);
			return undefined;
		}
		throw error;
	}
}

function listMachines(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const paging = readPaging(req);
	if (typeof paging === 'string') return mdeError(res, 400, 'ODataError', paging);
	const rows = filtered(
		req,
		res,
		world.devices.map((d) => machineOf(world, d)),
		MACHINE_FILTERABLE,
	);
	if (!rows) return;
	const value = rows.slice(paging.skip, paging.skip + (paging.top ?? 10000));
	// Documented: an empty machine list is answered with 404.
	if (!value.length) return mdeError(res, 404, 'NotFound', 'No machines found');
	res.json({ '@odata.context': `${ctx.baseUrl()}/api/$metadata#Machines`, value });
}

function listActions(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const paging = readPaging(req);
	if (typeof paging === 'string') return mdeError(res, 400, 'ODataError', paging);
	const operations = world.operations.filter(isDefenderAction);
	const rows = filtered(
		req,
		res,
		operations.map((o) => actionOf(world, o)),
		ACTION_FILTERABLE,
	);
	if (!rows) return;
	rows.sort((a, b) => (String(a.creationDateTimeUtc) < String(b.creationDateTimeUtc) ? 1 : -1));
	const value = rows.slice(paging.skip, paging.skip + (paging.top ?? 10000));
	const ids = new Set(value.map((v) => v.id));
	observe(world, (o) => isDefenderAction(o) && ids.has(actionIdOf(world, o)), ctx.timing());
	res.json({
		'@odata.context': `${ctx.baseUrl()}/api/$metadata#MachineActions`,
		value: value.map((v) =>
			actionOf(world, operations.find((o) => actionIdOf(world, o) === v.id) as Operation),
		),
	});
}

/** Body parameters are case-sensitive and `Comment` is required on every machine action. */
function requiredComment(req: Request, res: Response): string | undefined {
	const body = req.body as Record<string, unknown> | undefined;
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		mdeError(res, 400, 'InvalidRequestBody', 'Request body is empty or invalid.');
		return undefined;
	}
	if (typeof body.Comment !== 'string' || !body.Comment) {
		mdeError(res, 400, 'MissingRequiredParameter', 'Parameter Comment is missing');
		return undefined;
	}
	return body.Comment;
}

function machineOr404(ctx: VendorContext, req: Request, res: Response): Device | undefined {
	const device = findMachine(ctx.world(), String(req.params.id));
	if (!device)
		mdeError(res, 404, 'ResourceNotFound', `Machine ${String(req.params.id)} was not found`);
	return device;
}

function record(
	ctx: VendorContext,
	res: Response,
	operation: Operation,
	detail: { type: string; scope: string | null; comment: string; sha1?: string; scanType?: string },
): void {
	const world = ctx.world();
	sliceOf(world).actions[operation.id] = {
		id: randomUUID(),
		requestor: appOf(res).appId,
		...detail,
	};
	res.status(201).json({
		'@odata.context': `${ctx.baseUrl()}/api/$metadata#MachineActions/$entity`,
		...actionOf(world, operation),
	});
}

function containment(
	ctx: VendorContext,
	req: Request,
	res: Response,
	kind: 'isolate' | 'release',
): void {
	const device = machineOr404(ctx, req, res);
	if (!device) return;
	const comment = requiredComment(req, res);
	if (comment === undefined) return;
	const isolationType = (req.body as Record<string, unknown>).IsolationType;
	if (
		kind === 'isolate' &&
		isolationType !== undefined &&
		!ISOLATION_TYPES.includes(String(isolationType))
	) {
		return mdeError(
			res,
			400,
			'InvalidInput',
			`Invalid IsolationType '${String(isolationType)}'. Allowed values: ${ISOLATION_TYPES.join(', ')}.`,
		);
	}
	const world = ctx.world();
	const busy = world.operations.some(
		(o) =>
			o.deviceKey === device.key &&
			(o.kind === 'isolate' || o.kind === 'release') &&
			!isFinished(o),
	);
	if (busy) return mdeError(res, 400, 'BadRequest', 'Action is already in progress');
	const operation = startOperation(world, { kind, vendor: 'defender', deviceKey: device.key });
	record(ctx, res, operation, {
		type: kind === 'isolate' ? 'Isolate' : 'Unisolate',
		scope: kind === 'isolate' ? String(isolationType ?? 'Full') : null,
		comment,
	});
}

function stopAndQuarantine(ctx: VendorContext, req: Request, res: Response): void {
	const device = machineOr404(ctx, req, res);
	if (!device) return;
	const comment = requiredComment(req, res);
	if (comment === undefined) return;
	const sha1 = (req.body as Record<string, unknown>).Sha1;
	if (sha1 === undefined)
		return mdeError(res, 400, 'MissingRequiredParameter', 'Parameter Sha1 is missing');
	if (typeof sha1 !== 'string' || !/^[0-9a-fA-F]{40}$/.test(sha1))
		return mdeError(
			res,
			400,
			'InvalidHashValue',
			`Hash value ${String(sha1)} is invalid. Only Sha1 is supported.`,
		);
	const world = ctx.world();
	const threat = world.threats.find(
		(t) => t.deviceKey === device.key && t.sha1 === sha1.toLowerCase(),
	);
	const operation = startOperation(world, {
		kind: 'mitigation',
		vendor: 'defender',
		deviceKey: device.key,
		threatKey: threat?.key,
		mitigation: 'stopAndQuarantineFile',
	});
	record(ctx, res, operation, {
		type: 'StopAndQuarantineFile',
		scope: null,
		comment,
		sha1: sha1.toLowerCase(),
	});
}

function antivirusScan(ctx: VendorContext, req: Request, res: Response): void {
	const device = machineOr404(ctx, req, res);
	if (!device) return;
	const comment = requiredComment(req, res);
	if (comment === undefined) return;
	const scanType = (req.body as Record<string, unknown>).ScanType ?? 'Quick';
	if (!SCAN_TYPES.includes(String(scanType)))
		return mdeError(
			res,
			400,
			'InvalidInput',
			`Invalid ScanType '${String(scanType)}'. Allowed values: Quick, Full.`,
		);
	const world = ctx.world();
	const threat = [...world.threats]
		.reverse()
		.find((t) => t.deviceKey === device.key && t.status !== 'resolved');
	const operation = startOperation(world, {
		kind: 'mitigation',
		vendor: 'defender',
		deviceKey: device.key,
		threatKey: threat?.key,
		mitigation: 'antivirusScan',
	});
	record(ctx, res, operation, {
		type: 'RunAntiVirusScan',
		scope: String(scanType),
		comment,
		scanType: String(scanType),
	});
}
