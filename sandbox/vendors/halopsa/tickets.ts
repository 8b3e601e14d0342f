import { worldNow } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import { intParam } from '../../lib/paging';
import type { VendorContext } from '../../vendor';
import { nextId } from '../../world/seed';
import type { World } from '../../world/types';

import { API_AGENT, haloDate, siteIdOf, slice, type HaloAction, type HaloTicket } from './data';
import { fieldErrors, notFound } from './errors';
import { actionOut, clientOfHalo, ticketOut } from './present';

type Json = Record<string, unknown>;

/** Halo's documented maximum page size for /Tickets. */
export const TICKET_MAX_PAGE_SIZE = 100;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: unknown): boolean {
	return value === 'true' || value === '1' || value === true;
}

function intList(value: unknown): number[] {
	return String(value ?? '')
		.split(',')
		.map((v) => Number.parseInt(v, 10))
		.filter((v) => Number.isFinite(v));
}

function ticketFilter(world: World, q: Record<string, unknown>): (t: HaloTicket) => boolean {
	const data = slice(world);
	const closedIds = data.statuses.filter((s) => s.closed).map((s) => s.id);
	const teams =
		q.team !== undefined
			? intList(q.team).map((id) => data.teams.find((t) => t.id === id)?.name)
			: undefined;
	const search = typeof q.search === 'string' ? q.search.toLowerCase() : undefined;
	const searchSummary =
		typeof q.search_summary === 'string' ? q.search_summary.toLowerCase() : undefined;
	const since = typeof q.lastupdatefromdate === 'string' ? Date.parse(q.lastupdatefromdate) : NaN;
	const until = typeof q.lastupdatetodate === 'string' ? Date.parse(q.lastupdatetodate) : NaN;
	return (t) => {
		if (q.client_id !== undefined && t.client_id !== Number(q.client_id)) return false;
		if (q.status_id !== undefined && t.status_id !== Number(q.status_id)) return false;
		if (q.requesttype_id !== undefined && t.tickettype_id !== Number(q.requesttype_id))
			return false;
		if (teams && !teams.includes(t.team)) return false;
		if (truthy(q.open_only) && closedIds.includes(t.status_id)) return false;
		if (truthy(q.closed_only) && !closedIds.includes(t.status_id)) return false;
		// `search` matches the summary, the details and the ticket number; which other fields Halo searches is [unverified].
		if (search && !`${t.summary}\n${t.details}\n${t.id}`.toLowerCase().includes(search))
			return false;
		if (searchSummary && !t.summary.toLowerCase().includes(searchSummary)) return false;
		if (!Number.isNaN(since) && Date.parse(t.last_update) < since) return false;
		if (!Number.isNaN(until) && Date.parse(t.last_update) > until) return false;
		return true;
	};
}

/**
 * Sorts stored tickets by a field of the list JSON. Every stored field the list shows holds the
 * same value there; the others (client_name...) are read from the presented ticket.
 */
function order(world: World, rows: HaloTicket[], q: Record<string, unknown>): HaloTicket[] {
	const field = typeof q.order === 'string' ? q.order : 'id';
	const desc = truthy(q.orderdesc);
	const stored = field !== 'assets' && rows.length > 0 && field in rows[0];
	const key = (t: HaloTicket) =>
		(stored ? (t as unknown as Json)[field] : (ticketOut(world, t, false) as Json)[field]) as
			| string
			| number;
	return [...rows].sort((a, b) => {
		const x = key(a);
		const y = key(b);
		const cmp = x === y ? 0 : x < y ? -1 : 1;
		return desc ? -cmp : cmp;
	});
}

/**
 * `pageinate=true&page_size&page_no` -> `{page_no, page_size, record_count, <plural>}`; otherwise `count` caps the rows.
 * `present` turns a stored record into its JSON; only the rows of the answered page are presented.
 */
export function listEnvelope<T>(
	q: Record<string, unknown>,
	rows: T[],
	plural: string,
	maxPageSize: number,
	extra: Json = {},
	present: (row: T) => unknown = (row) => row,
): Json {
	if (truthy(q.pageinate)) {
		const size = intParam(q.page_size, 50, maxPageSize);
		const page = intParam(q.page_no, 1);
		return {
			page_no: page,
			page_size: size,
			record_count: rows.length,
			[plural]: rows.slice((page - 1) * size, page * size).map(present),
			...extra,
		};
	}
	const count = intParam(q.count, rows.length || 1);
	return { record_count: rows.length, [plural]: rows.slice(0, count).map(present), ...extra };
}

function applyTicket(
	world: World,
	draft: HaloTicket,
	input: Json,
	index: number,
	creating: boolean,
): Record<string, string> {
	const data = slice(world);
	const errors: Record<string, string> = {};
	const key = (field: string) => `[${index}].${field}`;
	if ('summary' in input || creating) {
		if (typeof input.summary !== 'string' || !input.summary.trim())
			errors[key('summary')] = 'Please enter a Summary.';
		else draft.summary = input.summary;
	}
	if (typeof input.details === 'string') draft.details = input.details;
	if ('client_id' in input) {
		const client = clientOfHalo(world, Number(input.client_id));
		if (!client) errors[key('client_id')] = `Client ${String(input.client_id)} does not exist.`;
		else {
			draft.client_id = client.ids.haloClientId;
			draft.site_id = siteIdOf(client);
		}
	}
	if ('tickettype_id' in input) {
		if (!data.ticketTypes.some((t) => t.id === Number(input.tickettype_id)))
			errors[key('tickettype_id')] = `Ticket type ${String(input.tickettype_id)} does not exist.`;
		else draft.tickettype_id = Number(input.tickettype_id);
	}
	if ('status_id' in input) {
		if (!data.statuses.some((s) => s.id === Number(input.status_id)))
			errors[key('status_id')] = `Status ${String(input.status_id)} does not exist.`;
		else draft.status_id = Number(input.status_id);
	}
	if ('priority_id' in input) {
		if (!data.priorities.some((p) => p.priorityid === Number(input.priority_id)))
			errors[key('priority_id')] = `Priority ${String(input.priority_id)} does not exist.`;
		else draft.priority_id = Number(input.priority_id);
	}
	if ('team' in input) {
		const team = data.teams.find((t) => t.name.toLowerCase() === String(input.team).toLowerCase());
		if (!team) errors[key('team')] = `Team ${String(input.team)} does not exist.`;
		else draft.team = team.name;
	}
	if ('third_party_id_string' in input)
		draft.third_party_id_string = String(input.third_party_id_string ?? '');
	if ('assets' in input) {
		const list = Array.isArray(input.assets) ? input.assets : [];
		const ids = list.map((a) => (isObject(a) ? Number(a.id) : NaN));
		const unknown = ids.filter((id) => !world.devices.some((d) => d.ids.haloAssetId === id));
		if (unknown.length) errors[key('assets')] = `Asset ${unknown.join(', ')} does not exist.`;
		else draft.assets = ids;
	}
	return errors;
}

function setStatusDates(
	world: World,
	ticket: HaloTicket,
	previousStatus: number,
	now: string,
): void {
	const closed = slice(world)
		.statuses.filter((s) => s.closed)
		.map((s) => s.id);
	if (closed.includes(ticket.status_id) && !closed.includes(previousStatus)) {
		ticket.dateclosed = now;
		ticket.hasbeenclosed = true;
	} else if (!closed.includes(ticket.status_id)) ticket.dateclosed = null;
}

function blankTicket(now: string): HaloTicket {
	return {
		id: 0,
		summary: '',
		details: '',
		tickettype_id: 1,
		client_id: 0,
		site_id: 0,
		user_id: 0,
		status_id: 1,
		priority_id: 3,
		team: 'Service Desk',
		agent_id: 0,
		third_party_id_string: '',
		dateoccurred: now,
		datecreated: now,
		last_update: now,
		lastactiondate: now,
		dateclosed: null,
		hasbeenclosed: false,
		assets: [],
		timetaken: 0,
	};
}

/** POST /api/Tickets: an array; elements with an id update, the others create. One element answers with an object. */
function saveTickets(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const data = slice(world);
	if (!Array.isArray(req.body))
		return void res.status(400).json({ '': ['The request body must be an array of tickets.'] });
	const now = haloDate(worldNow(world));
	const drafts: Array<{ draft: HaloTicket; existing?: HaloTicket }> = [];
	let errors: Record<string, string> = {};
	(req.body as unknown[]).forEach((input, index) => {
		const fields = isObject(input) ? input : {};
		const id = Number(fields.id ?? 0);
		const existing = id > 0 ? data.tickets.find((t) => t.id === id) : undefined;
		if (id > 0 && !existing) errors[`[${index}].id`] = `Ticket ${id} does not exist.`;
		const draft = existing ? { ...existing, assets: [...existing.assets] } : blankTicket(now);
		errors = { ...errors, ...applyTicket(world, draft, fields, index, !existing) };
		drafts.push({ draft, existing });
	});
	if (Object.keys(errors).length) return fieldErrors(res, errors);
	const saved = drafts.map(({ draft, existing }) => {
		draft.last_update = now;
		if (existing) {
			setStatusDates(world, draft, existing.status_id, now);
			Object.assign(existing, draft);
			return existing;
		}
		draft.id = nextId(world, 'halo-ticket', 1401);
		setStatusDates(world, draft, 0, now);
		data.tickets.push(draft);
		return draft;
	});
	const out = saved.map((t) => ticketOut(world, t, true));
	res.json(out.length === 1 ? out[0] : out);
}

/** POST /api/Actions: notes and time on a ticket; `new_status` moves the ticket as Halo does. */
function saveActions(ctx: VendorContext, req: Request, res: Response): void {
	const world = ctx.world();
	const data = slice(world);
	if (!Array.isArray(req.body))
		return void res.status(400).json({ '': ['The request body must be an array of actions.'] });
	const errors: Record<string, string> = {};
	const inputs = (req.body as unknown[]).map((input) => (isObject(input) ? input : {}));
	inputs.forEach((input, index) => {
		const ticket = data.tickets.find((t) => t.id === Number(input.ticket_id));
		if (!ticket)
			errors[`[${index}].ticket_id`] = `Ticket ${String(input.ticket_id)} does not exist.`;
		if (
			input.new_status !== undefined &&
			!data.statuses.some((s) => s.id === Number(input.new_status))
		)
			errors[`[${index}].new_status`] = `Status ${String(input.new_status)} does not exist.`;
		if (
			input.timetaken !== undefined &&
			(typeof input.timetaken !== 'number' || input.timetaken < 0)
		)
			errors[`[${index}].timetaken`] = 'Time taken must be a positive number of hours.';
		if (!input.note && !input.timetaken && input.new_status === undefined)
			errors[`[${index}].note`] = 'Please enter a Note.';
	});
	if (Object.keys(errors).length) return fieldErrors(res, errors);
	const now = haloDate(worldNow(world));
	const saved = inputs.map((input) => {
		const ticket = data.tickets.find((t) => t.id === Number(input.ticket_id))!;
		const action: HaloAction = {
			id: nextId(world, 'halo-action', 1),
			ticket_id: ticket.id,
			outcome: typeof input.outcome === 'string' ? input.outcome : 'Note',
			note: typeof input.note === 'string' ? input.note : '',
			hiddenfromuser: input.hiddenfromuser === true,
			timetaken: typeof input.timetaken === 'number' ? input.timetaken : 0,
			actisbillable: input.actisbillable !== false,
			who_agentid: API_AGENT.id,
			actionby_agent_id: API_AGENT.id,
			datetime: typeof input.datetime === 'string' ? haloDate(Date.parse(input.datetime)) : now,
			actiondatecreated: now,
			new_status: input.new_status !== undefined ? Number(input.new_status) : null,
			important: input.important === true,
		};
		data.actions.push(action);
		ticket.lastactiondate = now;
		ticket.last_update = now;
		ticket.timetaken = Math.round((ticket.timetaken + action.timetaken) * 100) / 100;
		if (action.new_status !== null) {
			const previous = ticket.status_id;
			ticket.status_id = action.new_status;
			setStatusDates(world, ticket, previous, now);
		}
		return actionOut(action);
	});
	res.json(saved.length === 1 ? saved[0] : saved);
}

export function ticketRoutes(ctx: VendorContext): Router {
	const router = Router();
	router.get('/Tickets', (req, res) => {
		const world = ctx.world();
		const q = req.query as Record<string, unknown>;
		const rows = order(world, slice(world).tickets.filter(ticketFilter(world, q)), q);
		res.json(
			listEnvelope(q, rows, 'tickets', TICKET_MAX_PAGE_SIZE, { include_children: false }, (t) =>
				ticketOut(world, t, false),
			),
		);
	});
	router.get('/Tickets/:id', (req, res) => {
		const world = ctx.world();
		const ticket = slice(world).tickets.find((t) => t.id === Number(req.params.id));
		if (!ticket) return notFound(res, 'Ticket', req.params.id);
		res.json(ticketOut(world, ticket, true));
	});
	router.post('/Tickets', (req, res) => saveTickets(ctx, req, res));
	router.get('/Actions', (req, res) => {
		const q = req.query as Record<string, unknown>;
		const rows = slice(ctx.world())
			.actions.filter((a) => q.ticket_id === undefined || a.ticket_id === Number(q.ticket_id))
			.map(actionOut);
		res.json(listEnvelope(q, rows, 'actions', 100));
	});
	router.post('/Actions', (req, res) => saveActions(ctx, req, res));
	return router;
}
