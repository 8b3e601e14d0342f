import { Router, type Request, type Response } from 'express';

import { DAY, seededAgo, worldIso } from '../../world/clock';
import { clientOf, isFinished, observe, startOperation } from '../../world/engine';
import type { ContainmentState, Device, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { FALCON_IDS, falconError, intOf, meta, requireWriter } from './common';
import { meets, parseFql } from './fql';

/** Host `status` as Falcon reports containment. */
const STATUS: Record<ContainmentState, string> = {
	isolated: 'contained',
	pendingIsolation: 'containment_pending',
	released: 'normal',
	pendingRelease: 'lift_containment_pending',
};

const PRODUCT_TYPE: Record<Device['type'], string> = {
	workstation: 'Workstation',
	server: 'Server',
	domainController: 'Domain Controller',
};

/** Second precision with `Z`, as the host API writes times. */
const falconTime = (iso: string) => `${iso.slice(0, 19)}Z`;

export function hostOf(world: World, device: Device): Record<string, unknown> {
	return {
		device_id: FALCON_IDS.aid(device),
		cid: FALCON_IDS.cid(clientOf(world, device)),
		hostname: device.hostname,
		platform_name: 'Windows',
		os_version: device.os,
		os_build: device.osBuild,
		product_type_desc: PRODUCT_TYPE[device.type],
		local_ip: device.ipAddress,
		mac_address: device.macAddress.replace(/:/g, '-').toLowerCase(),
		serial_number: device.serialNumber,
		agent_version: '7.18.18505.0',
		first_seen: falconTime(seededAgo(world, 300 * DAY)),
		last_seen: falconTime(device.lastSeen),
		modified_timestamp: falconTime(device.containmentChangedAt ?? device.lastSeen),
		status: STATUS[device.containment],
		tags: [],
		groups: [],
	};
}

function fieldOf(world: World, device: Device, field: string): unknown {
	return hostOf(world, device)[field];
}

export function hostsRouter(ctx: VendorContext): Router {
	const router = Router();
	router.get('/devices/queries/devices/v1', (req, res) => queryHosts(ctx, req, res));
	router.get('/devices/entities/devices/v2', (req, res) => hostDetails(ctx, req, res));
	router.post('/devices/entities/devices-actions/v2', requireWriter, (req, res) =>
		hostAction(ctx, req, res),
	);
	return router;
}

function queryHosts(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const limit = intOf(req.query.limit, 100, 5000, 'limit');
	const offset = intOf(req.query.offset, 0, Number.MAX_SAFE_INTEGER, 'offset');
	if (typeof limit === 'string') return falconError(res, 400, limit);
	if (typeof offset === 'string') return falconError(res, 400, offset);
	const clauses = parseFql(typeof req.query.filter === 'string' ? req.query.filter : '');
	if (typeof clauses === 'string') return falconError(res, 400, clauses);
	const matched = world.devices
		.filter((d) => clauses.every((c) => meets(fieldOf(world, d, c.field), c)))
		.sort((a, b) => a.hostname.localeCompare(b.hostname) || a.key.localeCompare(b.key));
	res.json({
		meta: meta({ pagination: { offset, limit, total: matched.length } }),
		errors: [],
		resources: matched.slice(offset, offset + limit).map((d) => FALCON_IDS.aid(d)),
	});
}

function idsOf(value: unknown): string[] {
	if (value === undefined) return [];
	return (Array.isArray(value) ? value : [value]).map(String);
}

function hostDetails(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const ids = idsOf(req.query.ids);
	if (!ids.length) return falconError(res, 400, 'ids is required');
	if (ids.length > 100) return falconError(res, 400, 'ids: at most 100 ids are allowed');
	const devices = ids
		.map((id) => world.devices.find((d) => FALCON_IDS.aid(d) === id))
		.filter((d): d is Device => d !== undefined);
	// Reading a host is how a client follows its containment: count it as a status read.
	const keys = new Set(devices.map((d) => d.key));
	observe(
		world,
		(o) => (o.kind === 'isolate' || o.kind === 'release') && keys.has(o.deviceKey),
		ctx.timing(),
	);
	const missing = ids.filter((id) => !world.devices.some((d) => FALCON_IDS.aid(d) === id));
	res.json({
		meta: meta(),
		errors: missing.map((id) => ({ code: 404, message: `Device not found: ${id}` })),
		resources: devices.map((d) => hostOf(world, d)),
	});
}

function hostAction(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const action = String(req.query.action_name ?? '');
	if (!['contain', 'lift_containment'].includes(action))
		return falconError(
			res,
			400,
			`action_name must be one of contain, lift_containment, got "${action}"`,
		);
	const ids = (req.body as { ids?: unknown } | undefined)?.ids;
	if (!Array.isArray(ids) || !ids.length) return falconError(res, 400, 'ids is required');
	if (ids.length > 100) return falconError(res, 400, 'ids: at most 100 ids are allowed');
	const done: string[] = [];
	const errors: Array<{ code: number; message: string }> = [];
	for (const id of ids.map(String)) {
		const device = world.devices.find((d) => FALCON_IDS.aid(d) === id);
		if (!device) {
			errors.push({ code: 404, message: `Device not found: ${id}` });
			continue;
		}
		if (action === 'contain') contain(world, device);
		else lift(world, device);
		done.push(id);
	}
	res.status(done.length ? 202 : 404).json({
		meta: meta({ writes: { resources_affected: done.length } }),
		errors,
		resources: done.map((id) => ({ id, path: '' })),
	});
}

function contain(world: World, device: Device): void {
	if (device.containment === 'isolated' || device.containment === 'pendingIsolation') return;
	supersede(world, device, 'release');
	startOperation(world, { kind: 'isolate', vendor: 'crowdstrike', deviceKey: device.key });
}

function lift(world: World, device: Device): void {
	if (device.containment === 'released' || device.containment === 'pendingRelease') return;
	supersede(world, device, 'isolate');
	startOperation(world, { kind: 'release', vendor: 'crowdstrike', deviceKey: device.key });
}

function supersede(world: World, device: Device, kind: 'isolate' | 'release'): void {
	for (const operation of world.operations) {
		if (operation.deviceKey === device.key && operation.kind === kind && !isFinished(operation)) {
			operation.status = 'failed';
			operation.error = 'Superseded by a newer containment action';
			operation.finishedAt = worldIso(world);
		}
	}
}
