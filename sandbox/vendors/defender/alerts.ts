import { worldIso, worldNow } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import type { Threat } from '../../world/types';
import type { VendorContext } from '../../vendor';
import { appOf, mdeError, readPaging, requireRole, sliceOf } from './common';
import { ODataError, parseFilter, type Row } from './odata';
import { alertOf, STATUS } from './present';

/** Properties `GET /api/alerts` documents as filterable. */
const FILTERABLE = [
	'alertCreationTime',
	'lastUpdateTime',
	'incidentId',
	'investigationId',
	'id',
	'assignedTo',
	'detectionSource',
	'lastEventTime',
	'status',
	'severity',
	'category',
];
/** Without `$top` Defender returns up to 10,000 rows and an `@odata.nextLink` for the rest. */
const DEFAULT_PAGE = 10000;

const CLASSIFICATIONS = [
	'TruePositive',
	'InformationalExpectedActivity',
	'FalsePositive',
	'Unknown',
];
/** Determinations allowed per classification. [unverified: pairing from the portal's classification dialog] */
const DETERMINATIONS: Record<string, string[]> = {
	TruePositive: [
		'MultiStagedAttack',
		'MaliciousUserActivity',
		'CompromisedUser',
		'Malware',
		'Phishing',
		'UnwantedSoftware',
		'Other',
	],
	InformationalExpectedActivity: [
		'SecurityTesting',
		'LineOfBusinessApplication',
		'ConfirmedActivity',
		'Other',
	],
	FalsePositive: ['NotMalicious', 'InsufficientData', 'Other'],
	Unknown: ['NotAvailable', 'Other'],
};
const UPDATABLE = ['status', 'assignedTo', 'classification', 'determination', 'comment'];

export function alertsRouter(ctx: VendorContext): Router {
	const router = Router();
	// Responses carry the HTTP Date of the service's clock, which here is the world's (RFC 9110 6.6.1).
	router.use('/api/alerts', (_req, res, next) => {
		res.set('Date', new Date(worldNow(ctx.world())).toUTCString());
		next();
	});
	const read = requireRole('Alert.Read.All', 'Alert.ReadWrite.All');
	router.get('/api/alerts', read, (req, res) => listAlerts(ctx, req, res));
	router.get('/api/alerts/:id', read, (req, res) => {
		const threat = find(ctx, String(req.params.id));
		if (!threat)
			return mdeError(res, 404, 'NotFound', `Alert ${String(req.params.id)} was not found`);
		res.json({
			'@odata.context': `${ctx.baseUrl()}/api/$metadata#Alerts/$entity`,
			...alertOf(ctx.world(), threat, req.query.$expand === 'evidence'),
		});
	});
	router.patch('/api/alerts/:id', requireRole('Alert.ReadWrite.All'), (req, res) =>
		updateAlert(ctx, req, res),
	);
	return router;
}

function find(ctx: VendorContext, id: string): Threat | undefined {
	return ctx.world().threats.find((t) => t.defenderAlertId === id);
}

function listAlerts(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const paging = readPaging(req);
	if (typeof paging === 'string') return mdeError(res, 400, 'ODataError', paging);
	const expand = req.query.$expand === 'evidence';
	let rows = world.threats.map((t) => alertOf(world, t, expand));
	if (typeof req.query.$filter === 'string' && req.query.$filter.trim()) {
		try {
			const predicate = parseFilter(req.query.$filter, FILTERABLE);
			rows = rows.filter((row) => predicate(row as Row));
		} catch (error) {
			if (error instanceof ODataError) return mdeError(res, 400, 'ODataError', error.message);
			throw error;
		}
	}
	// Newest first, as the portal lists them; clients must not rely on the order across pages.
	rows.sort((a, b) =>
		a.alertCreationTime === b.alertCreationTime
			? String(a.id) < String(b.id)
				? 1
				: -1
			: String(a.alertCreationTime) < String(b.alertCreationTime)
				? 1
				: -1,
	);
	const size = paging.top ?? DEFAULT_PAGE;
	const value = rows.slice(paging.skip, paging.skip + size);
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.baseUrl()}/api/$metadata#Alerts`,
		value,
	};
	// Documented behaviour: with an explicit $top under 10,000 no nextLink is returned.
	if (paging.top === undefined && paging.skip + size < rows.length) {
		const next = new URLSearchParams();
		for (const [k, v] of Object.entries(req.query))
			if (k !== '$skip' && typeof v === 'string') next.set(k, v);
		next.set('$skip', String(paging.skip + size));
		body['@odata.nextLink'] = `${ctx.baseUrl()}/api/alerts?${next.toString()}`;
	}
	res.json(body);
}

function updateAlert(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const threat = find(ctx, String(req.params.id));
	if (!threat)
		return mdeError(res, 404, 'NotFound', `Alert ${String(req.params.id)} was not found`);
	const body = req.body as Record<string, unknown> | undefined;
	if (!body || typeof body !== 'object' || Array.isArray(body) || !Object.keys(body).length)
		return mdeError(res, 400, 'InvalidRequestBody', 'Request body is empty or invalid.');
	// Body property names are case-sensitive: `Status` is not `status`.
	const unknown = Object.keys(body).filter((k) => !UPDATABLE.includes(k));
	if (unknown.length)
		return mdeError(
			res,
			400,
			'InvalidRequestBody',
			`Request body has unknown properties: ${unknown.join(', ')}. Allowed: ${UPDATABLE.join(', ')}.`,
		);
	const status = body.status as string | undefined;
	if (status !== undefined && !Object.values(STATUS).includes(status))
		return mdeError(
			res,
			400,
			'InvalidRequestBody',
			`Invalid value for status: '${status}'. Allowed: New, InProgress, Resolved.`,
		);
	const extra = (sliceOf(world).alerts[threat.defenderAlertId] ??= {});
	const classification =
		(body.classification as string | undefined) ?? extra.classification ?? undefined;
	if (body.classification !== undefined && !CLASSIFICATIONS.includes(String(body.classification))) {
		return mdeError(
			res,
			400,
			'InvalidRequestBody',
			`Invalid value for classification: '${String(body.classification)}'. Allowed: ${CLASSIFICATIONS.join(', ')}.`,
		);
	}
	if (body.determination !== undefined) {
		const allowed = classification
			? DETERMINATIONS[classification]
			: Object.values(DETERMINATIONS).flat();
		if (!allowed.includes(String(body.determination))) {
			return mdeError(
				res,
				400,
				'InvalidRequestBody',
				`Invalid value for determination: '${String(body.determination)}'${classification ? ` with classification ${classification}` : ''}. Allowed: ${allowed.join(', ')}.`,
			);
		}
	}
	const at = worldIso(ctx.world());
	if (status) {
		threat.status = status === 'New' ? 'new' : status === 'InProgress' ? 'inProgress' : 'resolved';
		extra.resolvedTime = threat.status === 'resolved' ? at : null;
	}
	if (body.classification !== undefined) {
		extra.classification = String(body.classification);
		threat.verdict =
			body.classification === 'TruePositive'
				? 'truePositive'
				: body.classification === 'Unknown'
					? 'undefined'
					: 'falsePositive';
	}
	if (body.determination !== undefined) extra.determination = String(body.determination);
	if (body.assignedTo !== undefined)
		extra.assignedTo = body.assignedTo === null ? null : String(body.assignedTo);
	if (typeof body.comment === 'string' && body.comment.trim()) {
		threat.notes.push({
			id: `${threat.defenderAlertId}-c${threat.notes.length + 1}`,
			text: body.comment,
			at,
			author: appOf(res).displayName,
		});
	}
	threat.updatedAt = at;
	res.json({
		'@odata.context': `${ctx.baseUrl()}/api/$metadata#Alerts/$entity`,
		...alertOf(world, threat, false),
	});
}
