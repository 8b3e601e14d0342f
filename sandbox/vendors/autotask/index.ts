import { Router, type NextFunction, type Request, type Response } from 'express';

import type { SandboxVendor, VendorContext } from '../../vendor';
import { worldNow } from '../../world/clock';
import { clientName } from '../../world/names';
import { nextId } from '../../world/seed';
import type { Client, Device, World } from '../../world/types';

import {
	API_RESOURCE_ID,
	AUTOTASK_SANDBOX_USER,
	atDate,
	ciIdOf,
	companyIdOf,
	seedAutotask,
	slice,
	ticketNumberOf,
	type AtPicklistValue,
	type AtTicketRow,
} from './data';
import { compileFilter, QueryError } from './query';

export { AUTOTASK_SANDBOX_USER, ciIdOf, companyIdOf } from './data';

type Json = Record<string, unknown>;

/** `MaxRecords` of a query: 1 to 500 (500 when not given). */
const MAX_RECORDS = 500;
/** 10,000 requests per rolling hour per database (all integrations combined). */
const RATE_LIMIT = 10_000;
const RATE_WINDOW_MS = 60 * 60_000;
/** Thread limit: requests in flight at once per API tracking identifier and object endpoint. */
const THREADS = 3;
/** The entity a REST path addresses: `/ATServicesRest/V1.0/Tickets/123/Notes` -> `tickets`. */
const ENDPOINT = /^\/ATServicesRest\/V1\.0\/([^/?]+)/i;

/** Autotask's error body: `{"errors": ["..."]}`. */
function atError(res: Response, status: number, ...errors: string[]): void {
	res.status(status).json({ errors });
}

/** The REST root of the sandbox zone, as ZoneInformation gives it (with a trailing slash). */
function zoneUrl(ctx: VendorContext): string {
	return `${ctx.baseUrl()}/ATServicesRest/`;
}

/**
 * The three headers (case-insensitive): a wrong integration code is refused with 500 as Autotask
 * does; a wrong user name or secret with 401 [unverified: body].
 */
function requireAuth(req: Request, res: Response, next: NextFunction): void {
	const code = req.get('ApiIntegrationCode');
	const user = req.get('UserName');
	const secret = req.get('Secret');
	if (
		!user ||
		!secret ||
		user.toLowerCase() !== AUTOTASK_SANDBOX_USER.userName ||
		secret !== AUTOTASK_SANDBOX_USER.secret
	)
		return atError(res, 401, 'User is not authorized to perform this action.');
	if (code !== AUTOTASK_SANDBOX_USER.integrationCode)
		return atError(res, 500, 'IntegrationCode is invalid.');
	next();
}

function now(world: World): string {
	return atDate(worldNow(world));
}

function companyOut(client: Client): Json {
	return {
		id: companyIdOf(client),
		companyName: clientName(client, 'psa'),
		companyNumber: client.code,
		companyType: 1,
		isActive: true,
		userDefinedFields: [],
	};
}

function ciOut(world: World, device: Device): Json {
	const client = world.clients.find((c) => c.key === device.clientKey);
	return {
		id: ciIdOf(device),
		companyID: client ? companyIdOf(client) : null,
		configurationItemType: device.type === 'workstation' ? 1 : device.type === 'server' ? 2 : 3,
		referenceTitle: device.hostname,
		serialNumber: device.serialNumber,
		isActive: true,
		rmmDeviceID: device.ids.ninjaDeviceId,
		rmmDeviceAuditHostname: device.hostname,
		rmmDeviceAuditIPAddress: device.ipAddress,
		rmmDeviceAuditMacAddress: device.macAddress,
		rmmDeviceAuditOperatingSystem: device.os,
		rmmDeviceAuditLastUser: device.lastLoggedOnUser,
		userDefinedFields: [],
	};
}

function ticketOut(ticket: AtTicketRow): Json {
	return { ...ticket, userDefinedFields: [] };
}

/** Every record of a queryable entity, as the API presents it, by id. */
function records(world: World, entity: string): Json[] | undefined {
	const data = slice(world);
	switch (entity.toLowerCase()) {
		case 'tickets':
			return data.tickets.map(ticketOut);
		case 'ticketnotes':
			return data.notes.map((n) => ({ ...n }));
		case 'timeentries':
			return data.timeEntries.map((t) => ({ ...t }));
		case 'resources':
			return data.resources.map((r) => ({ ...r }));
		case 'companies':
			return world.clients.map(companyOut);
		case 'configurationitems':
			return world.devices.map((d) => ciOut(world, d));
		default:
			return undefined;
	}
}

interface Paging {
	pageSize: number;
	nextIds: number[];
	previousIds: number[];
}

function parseJson(text: unknown): unknown {
	if (typeof text !== 'string') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * One page of a query: records with an id above the last page's, in id order; `nextPageUrl` is
 * `…/{Entity}/query/next?paging={pageSize,previousIds,nextIds}` (plus `search` for URL queries).
 */
function answerQuery(
	ctx: VendorContext,
	req: Request,
	res: Response,
	query: Json | undefined,
	paging: Paging | undefined,
): void {
	const entity = String(req.params.entity);
	const rows = records(ctx.world(), entity);
	if (!rows) return atError(res, 404, `Entity ${entity} does not support queries.`);
	if (!query) return atError(res, 500, 'The query could not be read: expected {"filter": [...]}.');
	const max = query.MaxRecords ?? query.maxRecords;
	if (max !== undefined && (typeof max !== 'number' || max < 1 || max > MAX_RECORDS))
		return atError(res, 500, 'MaxRecords must be between 1 and 500.');
	let keep;
	try {
		keep = compileFilter(query.filter ?? query.Filter);
	} catch (error) {
		if (error instanceof QueryError) return atError(res, 500, error.message);
		throw error;
	}
	const size = paging?.pageSize ?? (typeof max === 'number' ? max : MAX_RECORDS);
	const after = paging?.nextIds?.[0] ?? -1;
	const matching = rows
		.filter(keep)
		.sort((a, b) => Number(a.id) - Number(b.id))
		.filter((r) => Number(r.id) > after);
	const items = matching.slice(0, size);
	const more = matching.length > size;
	const nextPaging: Paging = {
		pageSize: size,
		previousIds: [after],
		nextIds: [Number(items[items.length - 1]?.id ?? after)],
	};
	const base = `${zoneUrl(ctx)}V1.0/${entity}/query/next`;
	const search = req.method === 'GET' ? `&search=${encodeURIComponent(JSON.stringify(query))}` : '';
	res.json({
		items,
		pageDetails: {
			count: items.length,
			requestCount: size,
			prevPageUrl: null,
			nextPageUrl: more
				? `${base}?paging=${encodeURIComponent(JSON.stringify(nextPaging))}${search}`
				: null,
		},
	});
}

function fieldsOf(entity: string, world: World): Json[] | undefined {
	const lists = slice(world).picklists;
	const field = (name: string, dataType: string, extra: Json = {}): Json => ({
		name,
		dataType,
		length: 0,
		isRequired: false,
		isReadOnly: false,
		isQueryable: true,
		isReference: false,
		referenceEntityType: '',
		isPickList: false,
		picklistValues: null,
		picklistParentValueField: '',
		isSupportedWebhookField: false,
		...extra,
	});
	const picklist = (name: string, values: AtPicklistValue[], required = false) =>
		field(name, 'integer', { isPickList: true, picklistValues: values, isRequired: required });
	switch (entity.toLowerCase()) {
		case 'tickets':
			return [
				field('id', 'long', { isReadOnly: true }),
				field('companyID', 'integer', {
					isRequired: true,
					isReference: true,
					referenceEntityType: 'Company',
				}),
				field('title', 'string', { length: 255, isRequired: true }),
				field('description', 'string', { length: 8000 }),
				field('externalID', 'string', { length: 50 }),
				picklist('status', lists.status, true),
				picklist('priority', lists.priority, true),
				picklist('queueID', lists.queueID),
			];
		case 'configurationitems':
			return [
				field('id', 'long', { isReadOnly: true }),
				field('referenceTitle', 'string', { length: 200 }),
				picklist('configurationItemType', lists.configurationItemType),
			];
		default:
			return undefined;
	}
}

function picklistOk(values: AtPicklistValue[], value: unknown): boolean {
	return values.some((v) => v.isActive && v.value === String(value));
}

/** Field rules of a ticket write; Autotask refuses a bad one with 500 and its errors array. */
function ticketErrors(world: World, body: Json, creating: boolean): string[] {
	const lists = slice(world).picklists;
	const errors: string[] = [];
	const given = (key: string) => body[key] !== undefined;
	if (creating || given('companyID')) {
		if (!world.clients.some((c) => companyIdOf(c) === body.companyID))
			errors.push(
				`Value ${String(body.companyID)} for field companyID is invalid: no such Company.`,
			);
	}
	if (creating || given('title')) {
		if (typeof body.title !== 'string' || !body.title.trim())
			errors.push('Missing Required Field: title');
		else if (body.title.length > 255)
			errors.push('Value for field title exceeds the maximum length of 255.');
	}
	for (const key of ['status', 'priority'] as const)
		if ((creating || given(key)) && !picklistOk(lists[key], body[key]))
			errors.push(
				creating && !given(key)
					? `Missing Required Field: ${key}`
					: `Invalid value ${String(body[key])} for picklist field ${key}.`,
			);
	if (given('queueID') && body.queueID !== null && !picklistOk(lists.queueID, body.queueID))
		errors.push(`Invalid value ${String(body.queueID)} for picklist field queueID.`);
	if (given('externalID') && typeof body.externalID === 'string' && body.externalID.length > 50)
		errors.push('Value for field externalID exceeds the maximum length of 50.');
	if (
		given('configurationItemID') &&
		body.configurationItemID !== null &&
		!world.devices.some((d) => ciIdOf(d) === body.configurationItemID)
	)
		errors.push(
			`Value ${String(body.configurationItemID)} for field configurationItemID is invalid.`,
		);
	return errors;
}

const WRITABLE = [
	'title',
	'description',
	'status',
	'priority',
	'queueID',
	'externalID',
	'configurationItemID',
	'resolution',
	'companyID',
] as const;

function applyTicket(world: World, ticket: AtTicketRow, body: Json): void {
	const stamp = now(world);
	const wasComplete = ticket.status === 5;
	for (const key of WRITABLE)
		if (body[key] !== undefined) (ticket as unknown as Json)[key] = body[key];
	if (ticket.status === 5 && !wasComplete) ticket.completedDate = stamp;
	if (ticket.status !== 5) ticket.completedDate = null;
	ticket.lastActivityDate = stamp;
}

function ticketRoutes(ctx: VendorContext): Router {
	const router = Router();
	const data = () => slice(ctx.world());
	const ticketOf = (id: unknown) => data().tickets.find((t) => t.id === Number(id));

	router.post('/V1.0/Tickets', (req, res) => {
		const world = ctx.world();
		const body = (req.body ?? {}) as Json;
		const errors = ticketErrors(world, body, true);
		if (errors.length) return atError(res, 500, ...errors);
		const stamp = now(world);
		const id = nextId(world, 'autotask-ticket', 140001);
		const ticket: AtTicketRow = {
			id,
			ticketNumber: ticketNumberOf(worldNow(world), id),
			title: String(body.title),
			description: typeof body.description === 'string' ? body.description : '',
			status: Number(body.status),
			priority: Number(body.priority),
			queueID: typeof body.queueID === 'number' ? body.queueID : null,
			companyID: Number(body.companyID),
			externalID: typeof body.externalID === 'string' ? body.externalID : null,
			configurationItemID:
				typeof body.configurationItemID === 'number' ? body.configurationItemID : null,
			ticketType: typeof body.ticketType === 'number' ? body.ticketType : 1,
			source: typeof body.source === 'number' ? body.source : 1,
			resolution: null,
			createDate: stamp,
			lastActivityDate: stamp,
			completedDate: null,
			creatorResourceID: API_RESOURCE_ID,
		};
		applyTicket(world, ticket, { ...body, lastActivityDate: undefined });
		ticket.lastActivityDate = stamp;
		data().tickets.push(ticket);
		res.json({ itemId: id });
	});

	router.patch('/V1.0/Tickets', (req, res) => {
		const world = ctx.world();
		const body = (req.body ?? {}) as Json;
		const ticket = ticketOf(body.id);
		if (body.id === undefined) return atError(res, 500, 'Missing Required Field: id');
		if (!ticket)
			return atError(
				res,
				500,
				`No matching records found. The record with id ${String(body.id)} does not exist.`,
			);
		const errors = ticketErrors(world, body, false);
		if (errors.length) return atError(res, 500, ...errors);
		applyTicket(world, ticket, body);
		res.json({ itemId: ticket.id });
	});

	router.post('/V1.0/Tickets/:parentId/Notes', (req, res) => {
		const world = ctx.world();
		const ticket = ticketOf(req.params.parentId);
		if (!ticket) return atError(res, 500, `Parent ticket ${req.params.parentId} was not found.`);
		const body = (req.body ?? {}) as Json;
		const errors: string[] = [];
		if (typeof body.description !== 'string' || !body.description.trim())
			errors.push('Missing Required Field: description');
		if (typeof body.title !== 'string' || !body.title.trim())
			errors.push('Missing Required Field: title');
		if (typeof body.noteType !== 'number') errors.push('Missing Required Field: noteType');
		if (typeof body.publish !== 'number') errors.push('Missing Required Field: publish');
		if (errors.length) return atError(res, 500, ...errors);
		const stamp = now(world);
		const id = nextId(world, 'autotask-note', 3001);
		data().notes.push({
			id,
			ticketID: ticket.id,
			title: String(body.title),
			description: String(body.description),
			noteType: Number(body.noteType),
			publish: Number(body.publish),
			creatorResourceID: API_RESOURCE_ID,
			createDateTime: stamp,
			lastActivityDate: stamp,
		});
		ticket.lastActivityDate = stamp;
		res.json({ itemId: id });
	});

	router.get('/V1.0/Tickets/:parentId/Notes', (req, res) => {
		const items = data().notes.filter((n) => n.ticketID === Number(req.params.parentId));
		res.json({
			items,
			pageDetails: {
				count: items.length,
				requestCount: MAX_RECORDS,
				prevPageUrl: null,
				nextPageUrl: null,
			},
		});
	});

	router.get('/V1.0/Tickets/:parentId/AdditionalConfigurationItems', (req, res) => {
		const items = data().additionalConfigurationItems.filter(
			(a) => a.ticketID === Number(req.params.parentId),
		);
		res.json({
			items,
			pageDetails: {
				count: items.length,
				requestCount: MAX_RECORDS,
				prevPageUrl: null,
				nextPageUrl: null,
			},
		});
	});

	router.post('/V1.0/Tickets/:parentId/AdditionalConfigurationItems', (req, res) => {
		const world = ctx.world();
		const ticket = ticketOf(req.params.parentId);
		const body = (req.body ?? {}) as Json;
		if (!ticket) return atError(res, 500, `Parent ticket ${req.params.parentId} was not found.`);
		if (!world.devices.some((d) => ciIdOf(d) === body.configurationItemID))
			return atError(
				res,
				500,
				`Value ${String(body.configurationItemID)} for field configurationItemID is invalid.`,
			);
		const id = nextId(world, 'autotask-additional-ci', 9001);
		data().additionalConfigurationItems.push({
			id,
			ticketID: ticket.id,
			configurationItemID: Number(body.configurationItemID),
		});
		res.json({ itemId: id });
	});

	router.post('/V1.0/TimeEntries', (req, res) => {
		const world = ctx.world();
		const body = (req.body ?? {}) as Json;
		const errors: string[] = [];
		if (!ticketOf(body.ticketID))
			errors.push(`Value ${String(body.ticketID)} for field ticketID is invalid.`);
		if (!data().resources.some((r) => r.id === body.resourceID))
			errors.push(`Value ${String(body.resourceID)} for field resourceID is invalid.`);
		if (typeof body.roleID !== 'number') errors.push('Missing Required Field: roleID');
		const hours = body.hoursWorked;
		if (typeof hours !== 'number' || hours <= 0 || hours > 24)
			errors.push('hoursWorked must be greater than 0 and at most 24.');
		const start = typeof body.startDateTime === 'string' ? Date.parse(body.startDateTime) : NaN;
		if (Number.isNaN(start)) errors.push('Missing Required Field: startDateTime');
		if (errors.length) return atError(res, 500, ...errors);
		const id = nextId(world, 'autotask-time', 4401);
		const end =
			typeof body.endDateTime === 'string'
				? Date.parse(body.endDateTime)
				: start + Number(hours) * 3_600_000;
		data().timeEntries.push({
			id,
			ticketID: Number(body.ticketID),
			resourceID: Number(body.resourceID),
			roleID: Number(body.roleID),
			dateWorked: `${atDate(start).slice(0, 10)}T00:00:00.000Z`,
			startDateTime: atDate(start),
			endDateTime: atDate(end),
			hoursWorked: Number(hours),
			summaryNotes: typeof body.summaryNotes === 'string' ? body.summaryNotes : '',
			isNonBillable: body.isNonBillable === true,
			createDateTime: now(world),
		});
		res.json({ itemId: id });
	});
	return router;
}

function queryRoutes(ctx: VendorContext): Router {
	const router = Router();
	router.post('/V1.0/:entity/query', (req, res) =>
		answerQuery(ctx, req, res, req.body as Json, undefined),
	);
	router.get('/V1.0/:entity/query', (req, res) =>
		answerQuery(ctx, req, res, parseJson(req.query.search) as Json | undefined, undefined),
	);
	// After a POST query the next link takes the same POST body; after a URL query, a GET.
	router.post('/V1.0/:entity/query/next', (req, res) =>
		answerQuery(ctx, req, res, req.body as Json, parseJson(req.query.paging) as Paging),
	);
	router.get('/V1.0/:entity/query/next', (req, res) =>
		answerQuery(
			ctx,
			req,
			res,
			parseJson(req.query.search) as Json | undefined,
			parseJson(req.query.paging) as Paging,
		),
	);
	router.get('/V1.0/:entity/entityInformation/fields', (req, res) => {
		const fields = fieldsOf(String(req.params.entity), ctx.world());
		if (!fields)
			return atError(res, 404, `Entity ${String(req.params.entity)} is not served by the sandbox.`);
		res.json({ fields });
	});
	router.get('/V1.0/:entity/entityInformation', (req, res) => {
		if (!records(ctx.world(), String(req.params.entity)))
			return atError(res, 404, `Entity ${String(req.params.entity)} is not served by the sandbox.`);
		res.json({
			info: {
				name: String(req.params.entity),
				canCreate: true,
				canDelete: false,
				canQuery: true,
				canUpdate: true,
				hasUserDefinedFields: true,
				supportsWebhookCallouts: true,
			},
		});
	});
	router.get('/V1.0/ThresholdInformation', (_req, res) =>
		res.json({
			externalRequestThreshold: RATE_LIMIT,
			requestThresholdTimeframe: 60,
			currentTimeframeRequestCount: 0,
		}),
	);
	// A record by id: `{item}`, or `{item: null}` when there is none.
	router.get('/V1.0/:entity/:id', (req, res) => {
		const rows = records(ctx.world(), String(req.params.entity));
		if (!rows)
			return atError(res, 404, `Entity ${String(req.params.entity)} is not served by the sandbox.`);
		res.json({ item: rows.find((r) => String(r.id) === req.params.id) ?? null });
	});
	return router;
}

export const autotask: SandboxVendor = {
	id: 'autotask',
	title: 'Autotask PSA',
	seed: seedAutotask,
	router: (ctx) => {
		const router = Router();
		const rest = Router();
		// ZoneInformation needs no login: it says which zone serves the API user's database.
		rest.get('/V1.0/zoneInformation', (req, res) => {
			const user = String(req.query.user ?? '').toLowerCase();
			if (user !== AUTOTASK_SANDBOX_USER.userName)
				return atError(res, 500, 'Zone information could not be determined');
			res.json({ zoneName: 'Sandbox', url: zoneUrl(ctx), webUrl: `${ctx.baseUrl()}/`, ci: 1 });
		});
		rest.use(requireAuth);
		rest.use(ticketRoutes(ctx));
		rest.use(queryRoutes(ctx));
		rest.use((req, res) => atError(res, 404, `No resource for ${req.method} ${req.path}`));
		router.use('/ATServicesRest', rest);
		return router;
	},
	credentials: (baseUrl) => ({
		...AUTOTASK_SANDBOX_USER,
		zone: 'discover',
		zoneLookupUrl: `${baseUrl}/ATServicesRest`,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-autotask',
			name: 'Sandbox Autotask',
			type: 'mspAutotaskApi',
			data: {
				...AUTOTASK_SANDBOX_USER,
				zone: 'discover',
				zoneLookupUrl: `${baseUrl}/ATServicesRest`,
			},
		},
	],
	throttle: {
		limit: RATE_LIMIT,
		windowMs: RATE_WINDOW_MS,
		// Counted per database: every integration of the tenant shares it.
		key: () => 'database',
		reject: (res, retryAfterMs) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			atError(
				res,
				429,
				'The request was rejected because the API request threshold of 10000 requests per 60 minutes has been exceeded.',
			);
		},
	},
	// Thread limiting: at most 3 requests in flight per integration code (API tracking identifier)
	// and object endpoint; ZoneInformation is exempt, ThresholdInformation is not. A child entity
	// (`Tickets/{id}/Notes`) counts against its parent's endpoint [unverified: how Autotask counts
	// child paths; the stricter reading]. The refusal's status is [unverified] ("possibly non-429"
	// per integrators): a 500 with Autotask's errors body and the code integrators match on.
	concurrency: {
		limit: THREADS,
		key: (req) => {
			const entity = ENDPOINT.exec(req.path)?.[1]?.toLowerCase();
			if (!entity || entity === 'zoneinformation') return undefined;
			return `${req.get('ApiIntegrationCode') ?? ''}|${entity}`;
		},
		reject: (res) =>
			atError(
				res,
				500,
				'Thread Threshold Exceeded (Itgenatr005): The Autotask API thread threshold of 3 threads has been exceeded.',
			),
	},
	serverError: (res, status) => atError(res, status, 'An unexpected error has occurred.'),
};
