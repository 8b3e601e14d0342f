import { Router, type Request, type Response } from 'express';

import { worldIso, worldNow } from '../../world/clock';
import { clientOf } from '../../world/engine';
import type { Severity, Threat, ThreatStatus, World } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { FALCON_IDS, falconError, intOf, meta, requireWriter } from './common';
import { meets, parseFql } from './fql';
import { hostOf } from './hosts';

const STATUS: Record<ThreatStatus, string> = {
	new: 'new',
	inProgress: 'in_progress',
	resolved: 'closed',
};
const FROM_STATUS: Record<string, ThreatStatus> = {
	new: 'new',
	in_progress: 'inProgress',
	reopened: 'inProgress',
	closed: 'resolved',
};
const SEVERITY: Record<Severity, [number, string]> = {
	critical: [90, 'Critical'],
	high: [70, 'High'],
	medium: [50, 'Medium'],
	low: [30, 'Low'],
	informational: [10, 'Informational'],
};

/** Falcon writes alert times with nanoseconds. */
const nanos = (iso: string) => iso.replace(/\.(\d{3})Z$/, '.$1000000Z');

/** The estate's threat as an EPP endpoint alert (`product: epp`, `type: ldt`). */
export function alertOf(world: World, threat: Threat): Record<string, unknown> {
	const device = world.devices.find((d) => d.key === threat.deviceKey)!;
	const aid = FALCON_IDS.aid(device);
	const [severity, severityName] = SEVERITY[threat.severity];
	const mitigated =
		threat.mitigationStatus === 'mitigated' || threat.mitigationStatus === 'partiallyMitigated';
	const compositeId = FALCON_IDS.alert(world, threat);
	const [technique] = threat.mitreTechniques;
	const host = hostOf(world, device);
	return {
		composite_id: compositeId,
		id: compositeId.split(':').slice(1).join(':'),
		aggregate_id: `aggind:${aid}:${compositeId.split(':').pop()!.split('-')[0]}`,
		cid: FALCON_IDS.cid(clientOf(world, device)),
		agent_id: aid,
		product: 'epp',
		type: 'ldt',
		platform: 'Windows',
		name: threat.classification.replace(/\W+/g, ''),
		display_name: threat.title,
		description: `${threat.title} was detected on ${device.hostname}.`,
		severity,
		severity_name: severityName,
		confidence: threat.confidence === 'malicious' ? 100 : 60,
		status: STATUS[threat.status],
		tactic: threat.classification,
		...(technique ? { technique_id: technique, technique: technique } : {}),
		filename: threat.processName,
		filepath: threat.filePath,
		cmdline: threat.commandLine,
		sha256: threat.sha256,
		user_name: device.lastLoggedOnUser,
		parent_details: { filename: threat.processName, filepath: threat.filePath },
		pattern_disposition: mitigated ? 2048 : 0,
		pattern_disposition_description: mitigated
			? 'Prevention, file quarantined.'
			: 'Detection, standard detection.',
		pattern_disposition_details: {
			detect: !mitigated,
			kill_process: mitigated,
			quarantine_file: mitigated,
			process_blocked: false,
		},
		device: {
			device_id: aid,
			hostname: device.hostname,
			platform_name: 'Windows',
			os_version: device.os,
			product_type_desc: host.product_type_desc,
			local_ip: device.ipAddress,
			status: host.status,
		},
		// [unverified] the shape of an alert's comment history; the alerts API appends with `append_comment`.
		comments: threat.notes.map((n) => ({ value: n.text, timestamp: n.at, author: n.author })),
		created_timestamp: nanos(threat.detectedAt),
		timestamp: threat.detectedAt,
		updated_timestamp: nanos(threat.updatedAt),
		tags: [],
		show_in_ui: true,
		falcon_host_link: `https://falcon.crowdstrike.com/activity-v2/detections/${encodeURIComponent(compositeId)}`,
	};
}

export function alertsRouter(ctx: VendorContext): Router {
	const router = Router();
	router.get('/alerts/queries/alerts/v2', (req, res) => queryAlerts(ctx, req, res));
	router.post('/alerts/entities/alerts/v2', (req, res) => alertDetails(ctx, req, res));
	router.patch('/alerts/entities/alerts/v3', requireWriter, (req, res) =>
		updateAlerts(ctx, req, res),
	);
	return router;
}

const SORTABLE = new Set([
	'created_timestamp',
	'updated_timestamp',
	'timestamp',
	'severity',
	'status',
]);

function queryAlerts(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	// The vendor's clock, which a poller keeps its checkpoint by.
	res.set('Date', new Date(worldNow(world)).toUTCString());
	const limit = intOf(req.query.limit, 100, 10000, 'limit');
	const offset = intOf(req.query.offset, 0, Number.MAX_SAFE_INTEGER, 'offset');
	if (typeof limit === 'string') return falconError(res, 400, limit);
	if (typeof offset === 'string') return falconError(res, 400, offset);
	const clauses = parseFql(typeof req.query.filter === 'string' ? req.query.filter : '');
	if (typeof clauses === 'string') return falconError(res, 400, clauses);
	const [sortField, direction = 'desc'] = String(req.query.sort ?? 'created_timestamp|desc').split(
		'|',
	);
	if (!SORTABLE.has(sortField) || !['asc', 'desc'].includes(direction))
		return falconError(res, 400, `Invalid sort: ${String(req.query.sort)}`);
	const alerts = world.threats.map((t) => alertOf(world, t));
	const matched = alerts.filter((a) => clauses.every((c) => meets(a[c.field], c)));
	const key = (a: Record<string, unknown>) => {
		const v = a[sortField];
		return typeof v === 'number' ? v : Date.parse(String(v)) || 0;
	};
	matched.sort(
		(a, b) =>
			(direction === 'asc' ? 1 : -1) * (key(a) - key(b)) ||
			String(a.composite_id).localeCompare(String(b.composite_id)),
	);
	res.json({
		meta: meta({ pagination: { offset, limit, total: matched.length } }),
		errors: [],
		resources: matched.slice(offset, offset + limit).map((a) => a.composite_id),
	});
}

function threatOf(world: World, id: string): Threat | undefined {
	return world.threats.find((t) => FALCON_IDS.alert(world, t) === id);
}

function alertDetails(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const ids = (req.body as { composite_ids?: unknown } | undefined)?.composite_ids;
	if (!Array.isArray(ids) || !ids.length) return falconError(res, 400, 'composite_ids is required');
	const found = ids.map((id) => threatOf(world, String(id)));
	res.json({
		meta: meta(),
		errors: ids
			.filter((_, i) => !found[i])
			.map((id) => ({ code: 404, message: `Alert not found: ${String(id)}` })),
		resources: found.filter((t): t is Threat => t !== undefined).map((t) => alertOf(world, t)),
	});
}

function updateAlerts(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const body = (req.body ?? {}) as { composite_ids?: unknown; action_parameters?: unknown };
	if (!Array.isArray(body.composite_ids) || !body.composite_ids.length)
		return falconError(res, 400, 'composite_ids is required');
	if (!Array.isArray(body.action_parameters) || !body.action_parameters.length)
		return falconError(res, 400, 'action_parameters is required');
	const actions = body.action_parameters as Array<{ name?: unknown; value?: unknown }>;
	for (const a of actions) {
		if (a.name === 'update_status' && !FROM_STATUS[String(a.value)])
			return falconError(res, 400, `Invalid update_status value: ${String(a.value)}`);
		if (a.name === 'append_comment' && (typeof a.value !== 'string' || !a.value))
			return falconError(res, 400, 'append_comment needs a value');
	}
	const threats = body.composite_ids.map((id) => threatOf(world, String(id)));
	if (threats.some((t) => !t))
		return falconError(
			res,
			404,
			`Alert not found: ${String(body.composite_ids[threats.findIndex((t) => !t)])}`,
		);
	const at = worldIso(world);
	for (const threat of threats as Threat[]) {
		for (const a of actions) {
			if (a.name === 'update_status') threat.status = FROM_STATUS[String(a.value)];
			if (a.name === 'append_comment')
				threat.notes.push({
					id: `falcon-comment-${threat.notes.length + 1}`,
					text: String(a.value),
					at,
					author: 'api-client',
				});
		}
		threat.updatedAt = at;
	}
	res.json({
		meta: meta({ writes: { resources_affected: threats.length } }),
		errors: [],
		resources: [],
	});
}
