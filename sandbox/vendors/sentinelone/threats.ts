import { worldIso, worldNow } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import { clientOf, isFinished, observe, startOperation } from '../../world/engine';
import { nextId } from '../../world/seed';
import type { MitigationKind, Threat, ThreatStatus, ThreatVerdict, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import {
	boolOf,
	groupIdOf,
	listOf,
	requireWriter,
	s1Error,
	userOf,
	validationError,
} from './common';
import { paginate, readLimit } from './paging';
import { ANALYST_VERDICT, INCIDENT_STATUS, noteOf, threatOf } from './present';
import { isolate } from './agents';

const SORTABLE = new Set(['createdAt', 'updatedAt', 'id']);

/** `POST /threats/mitigate/{action}`: the console's action names and what they do in the estate. */
const MITIGATIONS: Record<string, MitigationKind | 'networkQuarantine'> = {
	kill: 'kill',
	quarantine: 'quarantine',
	remediate: 'remediate',
	'rollback-remediation': 'rollback',
	'network-quarantine': 'networkQuarantine',
};

const fromIncident = invert(INCIDENT_STATUS) as Record<string, ThreatStatus>;
const fromVerdict = invert(ANALYST_VERDICT) as Record<string, ThreatVerdict>;

export function threatsRouter(ctx: VendorContext): Router {
	const router = Router();
	// Responses carry the HTTP Date of the console's clock, which here is the world's (RFC 9110 6.6.1).
	router.use('/threats', (_req, res, next) => {
		res.set('Date', new Date(worldNow(ctx.world())).toUTCString());
		next();
	});
	router.get('/threats', (req, res) => listThreats(ctx, req, res));
	router.get('/threats/:id/notes', (req, res) => listNotes(ctx, req, res));
	router.post('/threats/incident', requireWriter, (req, res) => updateIncident(ctx, req, res));
	router.post('/threats/analyst-verdict', requireWriter, (req, res) =>
		updateVerdict(ctx, req, res),
	);
	router.post('/threats/notes', requireWriter, (req, res) => addNote(ctx, req, res));
	router.post('/threats/mitigate/:action', requireWriter, (req, res) => mitigate(ctx, req, res));
	return router;
}

/** Threats matching a filter given as query parameters or as a POST body's `filter`. */
export function matchThreats(world: World, filter: Record<string, unknown>): Threat[] | string {
	const ids = listOf(filter.ids);
	const sites = listOf(filter.siteIds);
	const groups = listOf(filter.groupIds);
	const accounts = listOf(filter.accountIds);
	const agents = listOf(filter.agentIds);
	const incident = listOf(filter.incidentStatuses);
	const verdicts = listOf(filter.analystVerdicts);
	const confidence = listOf(filter.confidenceLevels);
	const classifications = listOf(filter.classifications)?.map((c) => c.toLowerCase());
	const mitigation = listOf(filter.mitigationStatuses);
	const resolved = boolOf(filter.resolved);
	const computer =
		typeof filter.computerName__contains === 'string'
			? filter.computerName__contains.toLowerCase()
			: undefined;
	const query = typeof filter.query === 'string' ? filter.query.toLowerCase() : undefined;
	const times: Array<[string, (a: number, b: number) => boolean]> = [
		['__gt', (a, b) => a > b],
		['__gte', (a, b) => a >= b],
		['__lt', (a, b) => a < b],
		['__lte', (a, b) => a <= b],
	];
	const bounds: Array<{
		field: 'detectedAt' | 'updatedAt';
		test: (a: number, b: number) => boolean;
		at: number;
	}> = [];
	for (const [field, neutral] of [
		['createdAt', 'detectedAt'],
		['updatedAt', 'updatedAt'],
	] as const) {
		for (const [suffix, test] of times) {
			const value = filter[field + suffix];
			if (value === undefined) continue;
			const at = Date.parse(String(value));
			if (Number.isNaN(at)) return `${field}${suffix} must be an ISO 8601 date-time`;
			bounds.push({ field: neutral, test, at });
		}
	}
	return world.threats.filter((threat) => {
		const device = world.devices.find((d) => d.key === threat.deviceKey);
		if (!device) return false;
		const client = clientOf(world, device);
		const s1 = threatOf(world, threat).threatInfo as Record<string, string>;
		if (ids && !ids.includes(threat.sentinelOneThreatId)) return false;
		if (sites && !sites.includes(client.ids.sentinelOneSiteId)) return false;
		if (groups && !groups.includes(groupIdOf(client))) return false;
		if (accounts && !accounts.includes(client.ids.sentinelOneAccountId)) return false;
		if (agents && !agents.includes(device.ids.sentinelOneAgentId)) return false;
		if (incident && !incident.includes(s1.incidentStatus)) return false;
		if (verdicts && !verdicts.includes(s1.analystVerdict)) return false;
		if (confidence && !confidence.includes(threat.confidence)) return false;
		if (classifications && !classifications.includes(threat.classification.toLowerCase()))
			return false;
		if (mitigation && !mitigation.includes(s1.mitigationStatus)) return false;
		if (resolved !== undefined && (threat.status === 'resolved') !== resolved) return false;
		if (computer && !device.hostname.toLowerCase().includes(computer)) return false;
		if (
			query &&
			![threat.processName, device.hostname, threat.classification, threat.sha1].some((v) =>
				v.toLowerCase().includes(query),
			)
		)
			return false;
		return bounds.every((b) => b.test(Date.parse(threat[b.field]), b.at));
	});
}

function listThreats(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const limit = readLimit(req);
	if (typeof limit === 'string') return validationError(res, limit);
	const sortBy = String(req.query.sortBy ?? 'createdAt');
	if (!SORTABLE.has(sortBy))
		return validationError(res, `sortBy must be one of ${[...SORTABLE].join(', ')}`);
	const descending = String(req.query.sortOrder ?? 'desc') !== 'asc';
	const matched = matchThreats(world, req.query as Record<string, unknown>);
	if (typeof matched === 'string') return validationError(res, matched);
	// Reading threats is how a client follows a mitigation: count it as a status read.
	const keys = new Set(matched.map((t) => t.key));
	observe(
		world,
		(o) => o.vendor === 'sentinelone' && o.kind === 'mitigation' && keys.has(o.threatKey ?? ''),
		ctx.timing(),
	);
	const keyOf = (t: Threat) => ({
		v:
			sortBy === 'id'
				? t.sentinelOneThreatId.padStart(20, '0')
				: Date.parse(sortBy === 'updatedAt' ? t.updatedAt : t.detectedAt),
		id: t.sentinelOneThreatId.padStart(20, '0'),
	});
	const sorted = [...matched].sort((a, b) => {
		const [x, y] = [keyOf(a), keyOf(b)];
		const order = x.v < y.v ? -1 : x.v > y.v ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
		return descending ? -order : order;
	});
	if (boolOf(req.query.countOnly)) {
		res.json({ data: [], pagination: { nextCursor: null, totalItems: sorted.length } });
		return;
	}
	const page = paginate(req, sorted, keyOf, limit, descending);
	if (typeof page === 'string') return validationError(res, page);
	res.json({
		data: page.items.map((t) => threatOf(world, t)),
		pagination: { nextCursor: page.nextCursor, totalItems: page.totalItems },
	});
}

/** Write endpoints take `{filter, data}`; an empty filter would hit every threat of the account. */
function targets(world: World, req: Request, res: Response): Threat[] | undefined {
	const filter = (req.body?.filter ?? {}) as Record<string, unknown>;
	const criteria = Object.keys(filter).filter((k) => k !== 'tenant' && filter[k] !== undefined);
	// [unverified] whether the console accepts an empty filter (it would act on the whole scope): refuse it.
	if (!criteria.length) {
		validationError(res, 'filter must contain at least one filter field');
		return undefined;
	}
	const matched = matchThreats(world, filter);
	if (typeof matched === 'string') {
		validationError(res, matched);
		return undefined;
	}
	return matched;
}

function updateIncident(ctx: VendorContext, req: Request, res: Response): void {
	const value = req.body?.data?.incidentStatus;
	const status = fromIncident[String(value)];
	if (!status)
		return validationError(
			res,
			`data.incidentStatus must be one of ${Object.keys(fromIncident).join(', ')}`,
		);
	const matched = targets(ctx.world(), req, res);
	if (!matched) return;
	const at = worldIso(ctx.world());
	for (const threat of matched) {
		threat.status = status;
		threat.updatedAt = at;
	}
	res.json({ data: { affected: matched.length } });
}

function updateVerdict(ctx: VendorContext, req: Request, res: Response): void {
	const verdict = fromVerdict[String(req.body?.data?.analystVerdict)];
	if (!verdict)
		return validationError(
			res,
			`data.analystVerdict must be one of ${Object.keys(fromVerdict).join(', ')}`,
		);
	const matched = targets(ctx.world(), req, res);
	if (!matched) return;
	const at = worldIso(ctx.world());
	for (const threat of matched) {
		threat.verdict = verdict;
		threat.updatedAt = at;
	}
	res.json({ data: { affected: matched.length } });
}

function addNote(ctx: VendorContext, req: Request, res: Response): void {
	const text = req.body?.data?.text;
	if (typeof text !== 'string' || !text.trim())
		return validationError(res, 'data.text is required');
	const world = ctx.world();
	const matched = targets(world, req, res);
	if (!matched) return;
	const at = worldIso(ctx.world());
	for (const threat of matched) {
		threat.notes.push({
			id: String(1760000000000000000n + BigInt(nextId(world, 'sentinelone-note', 1))),
			text,
			at,
			author: userOf(res).fullName,
		});
	}
	res.json({ data: { affected: matched.length } });
}

function listNotes(ctx: VendorContext, req: Request, res: Response): void {
	const threat = ctx.world().threats.find((t) => t.sentinelOneThreatId === req.params.id);
	if (!threat)
		return s1Error(res, 404, 'Resource not found', `Threat ${req.params.id} not found`, 4040010);
	const limit = readLimit(req);
	if (typeof limit === 'string') return validationError(res, limit);
	const notes = [...threat.notes].sort((a, b) => (a.at < b.at ? 1 : -1));
	const page = paginate(req, notes, (n) => ({ v: n.at, id: n.id }), limit, true);
	if (typeof page === 'string') return validationError(res, page);
	res.json({
		data: page.items.map(noteOf),
		pagination: { nextCursor: page.nextCursor, totalItems: page.totalItems },
	});
}

function mitigate(ctx: VendorContext, req: Request, res: Response): void {
	const kind = MITIGATIONS[String(req.params.action)];
	if (!kind)
		return validationError(res, `action must be one of ${Object.keys(MITIGATIONS).join(', ')}`);
	const world = ctx.world();
	const matched = targets(world, req, res);
	if (!matched) return;
	for (const threat of matched) {
		if (kind === 'networkQuarantine') {
			isolate(world, world.devices.find((d) => d.key === threat.deviceKey)!);
			continue;
		}
		// A second request for an action already under way joins it instead of queuing another.
		const running = world.operations.some(
			(o) => o.threatKey === threat.key && o.mitigation === kind && !isFinished(o),
		);
		if (!running)
			startOperation(world, {
				kind: 'mitigation',
				vendor: 'sentinelone',
				deviceKey: threat.deviceKey,
				threatKey: threat.key,
				mitigation: kind,
			});
	}
	res.json({ data: { affected: matched.length } });
}

function invert(record: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(record).map(([k, v]) => [v, k]));
}
