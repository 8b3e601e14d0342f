import { DAY, seededAgo, worldIso } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import { clientOf, isFinished, observe, startOperation } from '../../world/engine';
import { clientName } from '../../world/names';
import type { Device, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { ACCOUNT_NAME, boolOf, groupIdOf, listOf, requireWriter, validationError } from './common';
import { paginate, readLimit } from './paging';
import { agentOf, machineType, networkStatusOf, toS1Time } from './present';

export function agentsRouter(ctx: VendorContext): Router {
	const router = Router();
	router.get('/agents', (req, res) => listAgents(ctx, req, res));
	router.get('/agents/count', (req, res) => {
		const matched = matchAgents(ctx.world(), req.query as Record<string, unknown>);
		res.json({ data: { total: matched.length } });
	});
	router.post('/agents/actions/disconnect', requireWriter, (req, res) =>
		containment(ctx, req, res, 'isolate'),
	);
	router.post('/agents/actions/connect', requireWriter, (req, res) =>
		containment(ctx, req, res, 'release'),
	);
	router.get('/sites', (req, res) => listSites(ctx, req, res));
	router.get('/groups', (req, res) => listGroups(ctx, req, res));
	return router;
}

export function matchAgents(world: World, filter: Record<string, unknown>): Device[] {
	const ids = listOf(filter.ids);
	const uuids = listOf(filter.uuids);
	const names = listOf(filter.computerName);
	const contains = listOf(filter.computerName__contains)?.map((v) => v.toLowerCase());
	const statuses = listOf(filter.networkStatuses);
	const sites = listOf(filter.siteIds);
	const groups = listOf(filter.groupIds);
	const accounts = listOf(filter.accountIds);
	const machineTypes = listOf(filter.machineTypes);
	const osTypes = listOf(filter.osTypes);
	const isActive = boolOf(filter.isActive);
	const infected = boolOf(filter.infected);
	const query = typeof filter.query === 'string' ? filter.query.toLowerCase() : undefined;
	return world.devices.filter((device) => {
		const client = clientOf(world, device);
		const agent = agentOf(world, device);
		if (ids && !ids.includes(device.ids.sentinelOneAgentId)) return false;
		if (uuids && !uuids.includes(device.ids.sentinelOneAgentUuid)) return false;
		if (names && !names.includes(device.hostname)) return false;
		if (contains && !contains.some((c) => device.hostname.toLowerCase().includes(c))) return false;
		if (statuses && !statuses.includes(networkStatusOf(device))) return false;
		if (sites && !sites.includes(client.ids.sentinelOneSiteId)) return false;
		if (groups && !groups.includes(groupIdOf(client))) return false;
		if (accounts && !accounts.includes(client.ids.sentinelOneAccountId)) return false;
		if (machineTypes && !machineTypes.includes(machineType(device))) return false;
		if (osTypes && !osTypes.includes('windows')) return false;
		if (isActive !== undefined && device.online !== isActive) return false;
		if (infected !== undefined && agent.infected !== infected) return false;
		if (
			query &&
			![device.hostname, device.ipAddress, device.lastLoggedOnUser].some((v) =>
				v.toLowerCase().includes(query),
			)
		)
			return false;
		return true;
	});
}

function listAgents(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const limit = readLimit(req);
	if (typeof limit === 'string') return validationError(res, limit);
	const matched = matchAgents(world, req.query as Record<string, unknown>);
	// Reading an agent is how a client follows its network quarantine: count it as a status read.
	const keys = new Set(matched.map((d) => d.key));
	observe(
		world,
		(o) => (o.kind === 'isolate' || o.kind === 'release') && keys.has(o.deviceKey),
		ctx.timing(),
	);
	const sorted = [...matched].sort((a, b) =>
		a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0,
	);
	const page = paginate(
		req,
		sorted,
		(d) => ({ v: d.hostname, id: d.ids.sentinelOneAgentId }),
		limit,
		false,
	);
	if (typeof page === 'string') return validationError(res, page);
	res.json({
		data: page.items.map((d) => agentOf(world, d)),
		pagination: { nextCursor: page.nextCursor, totalItems: page.totalItems },
	});
}

function containment(
	ctx: VendorContext,
	req: Request,
	res: Response,
	kind: 'isolate' | 'release',
): void {
	const filter = (req.body?.filter ?? {}) as Record<string, unknown>;
	const criteria = Object.keys(filter).filter((k) => k !== 'tenant' && filter[k] !== undefined);
	// [unverified] an empty filter would disconnect every agent in scope; refuse it like a validation error.
	if (!criteria.length)
		return validationError(res, 'filter must contain at least one filter field');
	const world = ctx.world();
	const matched = matchAgents(world, filter);
	for (const device of matched) {
		if (kind === 'isolate') isolate(world, device);
		else release(world, device);
	}
	res.json({ data: { affected: matched.length } });
}

/** Network-quarantine one agent: a new command supersedes an unfinished opposite one. */
export function isolate(world: World, device: Device): void {
	if (device.containment === 'isolated' || device.containment === 'pendingIsolation') return;
	supersede(world, device, 'release');
	startOperation(world, { kind: 'isolate', vendor: 'sentinelone', deviceKey: device.key });
}

function release(world: World, device: Device): void {
	if (device.containment === 'released' || device.containment === 'pendingRelease') return;
	supersede(world, device, 'isolate');
	startOperation(world, { kind: 'release', vendor: 'sentinelone', deviceKey: device.key });
}

function supersede(world: World, device: Device, kind: 'isolate' | 'release'): void {
	for (const operation of world.operations) {
		if (operation.deviceKey === device.key && operation.kind === kind && !isFinished(operation)) {
			operation.status = 'failed';
			operation.error = 'Superseded by a newer network command';
			operation.finishedAt = worldIso(world);
		}
	}
}

function listSites(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const limit = readLimit(req);
	if (typeof limit === 'string') return validationError(res, limit);
	const name = typeof req.query.name === 'string' ? req.query.name.toLowerCase() : undefined;
	const ids = listOf(req.query.siteIds);
	const clients = world.clients.filter(
		(c) =>
			(!ids || ids.includes(c.ids.sentinelOneSiteId)) &&
			(!name || clientName(c, 'edr').toLowerCase().includes(name)),
	);
	const page = paginate(
		req,
		clients,
		(c) => ({ v: clientName(c, 'edr'), id: c.ids.sentinelOneSiteId }),
		limit,
		false,
	);
	if (typeof page === 'string') return validationError(res, page);
	const licenses = world.devices.length;
	res.json({
		data: {
			allSites: { activeLicenses: licenses, totalLicenses: licenses + 20 },
			sites: page.items.map((c) => {
				const agents = world.devices.filter((d) => d.clientKey === c.key).length;
				return {
					id: c.ids.sentinelOneSiteId,
					name: clientName(c, 'edr'),
					accountId: c.ids.sentinelOneAccountId,
					accountName: ACCOUNT_NAME,
					state: 'active',
					siteType: 'Paid',
					sku: 'Complete',
					suite: 'Complete',
					externalId: c.code,
					activeLicenses: agents,
					totalLicenses: agents + 5,
					isDefault: false,
					description: c.industry,
					createdAt: toS1Time(seededAgo(world, 323 * DAY)),
					updatedAt: toS1Time(seededAgo(world, 323 * DAY)),
				};
			}),
		},
		pagination: { nextCursor: page.nextCursor, totalItems: page.totalItems },
	});
}

function listGroups(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const limit = readLimit(req);
	if (typeof limit === 'string') return validationError(res, limit);
	const sites = listOf(req.query.siteIds);
	const clients = world.clients.filter((c) => !sites || sites.includes(c.ids.sentinelOneSiteId));
	const page = paginate(
		req,
		clients,
		(c) => ({ v: clientName(c, 'edr'), id: groupIdOf(c) }),
		limit,
		false,
	);
	if (typeof page === 'string') return validationError(res, page);
	res.json({
		data: page.items.map((c) => ({
			id: groupIdOf(c),
			name: 'Default Group',
			siteId: c.ids.sentinelOneSiteId,
			type: 'static',
			isDefault: true,
			inherits: true,
			rank: null,
			totalAgents: world.devices.filter((d) => d.clientKey === c.key).length,
			createdAt: toS1Time(seededAgo(world, 323 * DAY)),
			updatedAt: toS1Time(seededAgo(world, 323 * DAY)),
		})),
		pagination: { nextCursor: page.nextCursor, totalItems: page.totalItems },
	});
}
