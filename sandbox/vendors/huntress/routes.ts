import { Router, type Request, type Response } from 'express';

import { worldIso, worldNow } from '../../world/clock';
import { clientOf, isFinished, observe, startOperation } from '../../world/engine';
import type { Device, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import {
	ACCOUNT,
	clientById,
	deviceById,
	HUNTRESS_IDS,
	huntressError,
	requireWriter,
	sliceOf,
	threatById,
} from './common';
import { page, readLimit } from './paging';
import {
	agentOf,
	incidentOf,
	incidentStatusOf,
	organizationOf,
	remediationsOf,
	SEVERITY,
} from './present';

type Query = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** A list answer `{"<plural>": [...], "pagination": {...}}`, or the 400 for a bad limit or token. */
function list<T>(
	ctx: VendorContext,
	req: Request,
	res: Response,
	key: string,
	items: T[],
	present: (item: T) => unknown,
): void {
	const limit = readLimit(req);
	if (typeof limit === 'string') return huntressError(res, 400, limit);
	const result = page(req, ctx.sandboxUrl(), items, limit);
	if (typeof result === 'string') return huntressError(res, 400, result);
	res.json({ [key]: result.items.map(present), pagination: result.pagination });
}

/** `sort_field` (id, created_at, updated_at) and `sort_direction` (asc, desc); default id ascending. */
function sorted<T>(
	items: T[],
	query: Query,
	fields: Record<string, (item: T) => string | number>,
): T[] | string {
	const field = str(query.sort_field) ?? 'id';
	const direction = str(query.sort_direction) ?? 'asc';
	const key = fields[field];
	if (!key) return `sort_field must be one of ${Object.keys(fields).join(', ')}`;
	if (direction !== 'asc' && direction !== 'desc') return 'sort_direction must be asc or desc';
	const sign = direction === 'asc' ? 1 : -1;
	return [...items].sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
}

export function huntressRouter(ctx: VendorContext): Router {
	const router = Router();
	// Every answer carries the vendor's own clock in `Date` (RFC 9110): the sandbox world's, which a
	// test may set apart from the host's.
	router.use((_req, res, next) => {
		res.set('Date', new Date(worldNow(ctx.world())).toUTCString());
		next();
	});
	router.get('/account', (_req, res) => {
		res.json({
			account: { ...ACCOUNT, status: 'enabled', support_type: 'huntress_supported' },
		});
	});
	router.get('/organizations', (req, res) => {
		const world = ctx.world();
		const name = str(req.query.name)?.toLowerCase();
		const clients = world.clients.filter(
			(c) => !name || organizationOf(world, c).name.toLowerCase().includes(name),
		);
		list(ctx, req, res, 'organizations', clients, (c) => organizationOf(world, c));
	});
	router.get('/organizations/:id', (req, res) => {
		const world = ctx.world();
		const client = clientById(world, req.params.id);
		if (!client) return huntressError(res, 404, 'Organization not found.');
		res.json({ organization: organizationOf(world, client) });
	});
	router.get('/agents', (req, res) => listAgents(ctx, req, res));
	router.get('/agents/:id', (req, res) => {
		const world = ctx.world();
		const device = deviceById(world, req.params.id);
		if (!device) return huntressError(res, 404, 'Agent not found.');
		followContainment(ctx, device);
		res.json({ agent: agentOf(world, device) });
	});
	router.post('/agents/:id/isolation', requireWriter, (req, res) =>
		isolation(ctx, req, res, 'isolate'),
	);
	router.delete('/agents/:id/isolation', requireWriter, (req, res) =>
		isolation(ctx, req, res, 'release'),
	);
	router.get('/incident_reports', (req, res) => listIncidents(ctx, req, res));
	router.get('/incident_reports/:id', (req, res) => {
		const world = ctx.world();
		const threat = threatById(world, req.params.id);
		if (!threat) return huntressError(res, 404, 'Incident Report not found.');
		followRemediation(ctx, threat.key);
		res.json({ incident_report: incidentOf(world, threat) });
	});
	router.post('/incident_reports/:id/resolution', requireWriter, (req, res) =>
		resolve(ctx, req, res),
	);
	router.get('/incident_reports/:iid/remediations', (req, res) => {
		const world = ctx.world();
		const threat = threatById(world, req.params.iid);
		if (!threat) return huntressError(res, 404, 'Incident Report not found.');
		followRemediation(ctx, threat.key);
		list(ctx, req, res, 'remediations', remediationsOf(world, threat), (r) => r);
	});
	router.get('/incident_reports/:iid/remediations/:rid', (req, res) => {
		const world = ctx.world();
		const threat = threatById(world, req.params.iid);
		const found =
			threat && remediationsOf(world, threat).find((r) => String(r.id) === req.params.rid);
		if (!found) return huntressError(res, 404, 'Remediation not found.');
		res.json({ remediation: found });
	});
	router.post('/incident_reports/:iid/remediations/bulk_approval', requireWriter, (req, res) =>
		decide(ctx, req, res, 'approved'),
	);
	router.post('/incident_reports/:iid/remediations/bulk_rejection', requireWriter, (req, res) =>
		decide(ctx, req, res, 'rejected'),
	);
	return router;
}

/** Reading an agent is how a client follows its isolation: count it as a status read. */
function followContainment(ctx: VendorContext, device: Device): void {
	observe(
		ctx.world(),
		(o) => (o.kind === 'isolate' || o.kind === 'release') && o.deviceKey === device.key,
		ctx.timing(),
	);
}

/** Reading an incident or its remediations follows an approved remediation's run. */
function followRemediation(ctx: VendorContext, threatKey: string): void {
	observe(
		ctx.world(),
		(o) => o.vendor === 'huntress' && o.kind === 'mitigation' && o.threatKey === threatKey,
		ctx.timing(),
	);
}

function listAgents(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const q = req.query as Query;
	const hostname = str(q.hostname)?.toLowerCase();
	const org = str(q.organization_id);
	const platform = str(q.platform);
	const matched = world.devices.filter(
		(d) =>
			(!hostname || d.hostname.toLowerCase() === hostname) &&
			(!org || String(HUNTRESS_IDS.organization(world, clientOf(world, d))) === org) &&
			(!platform || platform === 'windows'),
	);
	const ordered = sorted(matched, q, {
		id: (d) => HUNTRESS_IDS.agent(world, d),
		created_at: (d) => HUNTRESS_IDS.agent(world, d),
		updated_at: (d) => d.containmentChangedAt ?? '',
	});
	if (typeof ordered === 'string') return huntressError(res, 400, ordered);
	for (const device of ordered) followContainment(ctx, device);
	list(ctx, req, res, 'agents', ordered, (d) => agentOf(world, d));
}

const INCIDENT_STATUSES = [
	'sent',
	'closed',
	'dismissed',
	'auto_remediating',
	'deleting',
	'partner_dismissed',
];

function listIncidents(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const q = req.query as Query;
	const status = str(q.status);
	const severity = str(q.severity);
	if (status && !INCIDENT_STATUSES.includes(status))
		return huntressError(res, 400, `status does not have a valid value`);
	if (severity && !['low', 'high', 'critical'].includes(severity))
		return huntressError(res, 400, `severity does not have a valid value`);
	const org = str(q.organization_id);
	const agent = str(q.agent_id);
	const indicator = str(q.indicator_type);
	const matched = world.threats.filter((t) => {
		const incident = incidentOf(world, t);
		return (
			(!status || incidentStatusOf(t) === status) &&
			(!severity || SEVERITY[t.severity] === severity) &&
			(!org || String(incident.organization_id) === org) &&
			(!agent || String(incident.agent_id) === agent) &&
			(!indicator || (incident.indicator_types as string[]).includes(indicator))
		);
	});
	const ordered = sorted(matched, q, {
		id: (t) => HUNTRESS_IDS.incident(world, t),
		created_at: (t) => t.detectedAt,
		updated_at: (t) => t.updatedAt,
	});
	if (typeof ordered === 'string') return huntressError(res, 400, ordered);
	list(ctx, req, res, 'incident_reports', ordered, (t) => incidentOf(world, t));
}

/**
 * `POST …/isolation` → 201 with the agent (`Pending Isolation`); `DELETE …/isolation` → 204 and the
 * agent goes `Pending Release`. A request for the state the agent is already in, or heading to, is
 * a 409 ("could not be scheduled"), like an agent that does not support isolation.
 */
function isolation(
	ctx: VendorContext,
	req: Request,
	res: Response,
	kind: 'isolate' | 'release',
): void {
	const world = ctx.world();
	const device = deviceById(world, req.params.id);
	if (!device) return huntressError(res, 404, 'Agent not found.');
	const already =
		kind === 'isolate'
			? device.containment === 'isolated' || device.containment === 'pendingIsolation'
			: device.containment === 'released' || device.containment === 'pendingRelease';
	if (already)
		return huntressError(
			res,
			409,
			`Agent does not support host isolation, or ${kind === 'isolate' ? 'isolation' : 'release'} could not be scheduled.`,
		);
	for (const operation of world.operations)
		if (
			operation.deviceKey === device.key &&
			operation.kind === (kind === 'isolate' ? 'release' : 'isolate') &&
			!isFinished(operation)
		) {
			operation.status = 'failed';
			operation.error = 'Superseded by a newer isolation request';
			operation.finishedAt = worldIso(world);
		}
	startOperation(world, { kind, vendor: 'huntress', deviceKey: device.key });
	if (kind === 'release') return void res.status(204).end();
	res.status(201).json({ agent: agentOf(world, device) });
}

function decide(
	ctx: VendorContext,
	req: Request,
	res: Response,
	decision: 'approved' | 'rejected',
): void {
	const world = ctx.world();
	const threat = threatById(world, req.params.iid);
	if (!threat) return huntressError(res, 404, 'Incident Report not found.');
	if (incidentStatusOf(threat) !== 'sent')
		return huntressError(res, 409, "Incident Report must have a status of 'sent'.");
	if (decision === 'rejected') {
		const body = (req.body ?? {}) as { comment?: unknown; useful?: unknown };
		if (typeof body.comment !== 'string' || typeof body.useful !== 'boolean')
			return huntressError(res, 400, 'comment is missing, useful is missing');
	}
	if (!remediationsOf(world, threat).some((r) => r.status === 'unapproved'))
		return huntressError(
			res,
			422,
			`Unable to ${decision === 'approved' ? 'approve' : 'reject'} remediations`,
		);
	const at = worldIso(world);
	sliceOf(world).decisions[threat.key] = {
		decision,
		at,
		comment: decision === 'rejected' ? String(req.body.comment) : undefined,
	};
	threat.updatedAt = at;
	if (decision === 'rejected') return void res.status(201).end();
	// Approval runs the assisted remediation at once: the file is quarantined on the device.
	startOperation(world, {
		kind: 'mitigation',
		vendor: 'huntress',
		deviceKey: threat.deviceKey,
		threatKey: threat.key,
		mitigation: 'quarantine',
	});
	res.status(201).json({ incident_report: incidentOf(world, threat) });
}

/** Resolves a `sent` report whose remediations are all approved (409 otherwise; 422 when not `sent`). */
function resolve(ctx: VendorContext, req: Request, res: Response): void {
	const world: World = ctx.world();
	const threat = threatById(world, req.params.id);
	if (!threat) return huntressError(res, 404, 'Incident Report not found.');
	if (incidentStatusOf(threat) !== 'sent')
		return huntressError(
			res,
			422,
			"Incident Report cannot be resolved unless report status is 'sent'.",
		);
	if (remediationsOf(world, threat).some((r) => r.status === 'unapproved'))
		return huntressError(
			res,
			409,
			"Incident Report cannot be resolved. Confirm that all remediations are approved and report status is 'sent'.",
		);
	const at = worldIso(world);
	threat.status = 'resolved';
	threat.updatedAt = at;
	res.status(201).json({ incident_report: incidentOf(world, threat) });
}
