import { worldNow } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import type { VendorContext } from '../../vendor';
import { nextId } from '../../world/seed';
import type { World } from '../../world/types';

import { API_MEMBER, cwDate, slice, type CwNote, type CwTicket } from './data';
import { cwError, invalidObject, notFound, type CwValidationError } from './errors';
import { query, sendPage } from './listing';
import { clientByCompanyId, noteOut, ticketConfigurationOut, ticketOut, type Api } from './present';

type Json = Record<string, unknown>;

const SUMMARY_MAX = 100;
const XREF_MAX = 100;
const PATCHABLE = [
	'summary',
	'status',
	'priority',
	'board',
	'externalXRef',
	'severity',
	'impact',
	'company',
];

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reference object `{id}` or `{name}` (`{identifier}` for companies), as ConnectWise accepts them. */
function refMatch<T extends { id: number; name: string }>(
	value: unknown,
	list: T[],
): T | undefined | 'invalid' {
	if (value === undefined || value === null) return undefined;
	if (!isObject(value)) return 'invalid';
	if (value.id !== undefined) return list.find((item) => item.id === Number(value.id)) ?? 'invalid';
	if (typeof value.name === 'string')
		return (
			list.find((item) => item.name.toLowerCase() === (value.name as string).toLowerCase()) ??
			'invalid'
		);
	return 'invalid';
}

function companyIdOf(world: World, value: unknown): number | undefined | 'invalid' {
	if (value === undefined || value === null) return undefined;
	if (!isObject(value)) return 'invalid';
	const client = world.clients.find(
		(c) =>
			(value.id !== undefined && c.ids.connectwiseCompanyId === Number(value.id)) ||
			(typeof value.identifier === 'string' &&
				c.ids.connectwiseIdentifier.toLowerCase() === value.identifier.toLowerCase()),
	);
	return client ? client.ids.connectwiseCompanyId : 'invalid';
}

function fieldError(field: string, code: string, message: string): CwValidationError {
	return { code, message, resource: 'ticket', field, details: null };
}

/** Applies ticket fields (create body or patched values) onto a draft; returns the validation errors. */
function applyFields(
	world: World,
	draft: CwTicket,
	fields: Json,
	creating: boolean,
): CwValidationError[] {
	const data = slice(world);
	const errors: CwValidationError[] = [];
	if ('summary' in fields) {
		const summary = fields.summary;
		if (typeof summary !== 'string' || !summary.trim())
			errors.push(fieldError('summary', 'NullValue', 'Summary is required.'));
		else if (summary.length > SUMMARY_MAX)
			errors.push(
				fieldError(
					'summary',
					'InvalidField',
					`Summary cannot be longer than ${SUMMARY_MAX} characters.`,
				),
			);
		else draft.summary = summary;
	} else if (creating) errors.push(fieldError('summary', 'NullValue', 'Summary is required.'));
	if ('company' in fields || creating) {
		const company = companyIdOf(world, fields.company);
		if (company === undefined)
			errors.push(fieldError('company', 'NullValue', 'Company is required.'));
		else if (company === 'invalid')
			errors.push(fieldError('company', 'InvalidField', 'Company not found.'));
		else draft.companyId = company;
	}
	const board = refMatch(fields.board, data.boards);
	if (board === 'invalid') errors.push(fieldError('board', 'InvalidField', 'Board not found.'));
	else if (board) draft.boardId = board.id;
	const statuses = data.statuses.filter((s) => s.boardId === draft.boardId);
	const status = refMatch(fields.status, statuses);
	if (status === 'invalid')
		errors.push(
			fieldError('status', 'InvalidField', 'The status is not valid for the selected board.'),
		);
	else if (status) draft.statusId = status.id;
	else if (!statuses.some((s) => s.id === draft.statusId)) {
		// Moving to another board without a status: ConnectWise falls back to the board's default status [unverified].
		draft.statusId = (statuses.find((s) => s.defaultFlag) ?? statuses[0]).id;
	}
	const priority = refMatch(fields.priority, data.priorities);
	if (priority === 'invalid')
		errors.push(fieldError('priority', 'InvalidField', 'Priority not found.'));
	else if (priority) draft.priorityId = priority.id;
	if ('externalXRef' in fields) {
		const xref = fields.externalXRef;
		if (xref !== null && typeof xref !== 'string')
			errors.push(
				fieldError('externalXRef', 'InvalidField', 'External reference must be a string.'),
			);
		else if (typeof xref === 'string' && xref.length > XREF_MAX)
			errors.push(
				fieldError(
					'externalXRef',
					'InvalidField',
					`External Reference cannot be longer than ${XREF_MAX} characters.`,
				),
			);
		else draft.externalXRef = xref || null;
	}
	for (const key of ['severity', 'impact'] as const) {
		if (!(key in fields)) continue;
		const value = fields[key];
		if (value !== 'Low' && value !== 'Medium' && value !== 'High')
			errors.push(fieldError(key, 'InvalidField', `${key} must be Low, Medium or High.`));
		else draft[key] = value;
	}
	return errors;
}

/** closedFlag, closedDate and closedBy follow the status' closedStatus flag. */
function syncClosed(world: World, ticket: CwTicket, now: string): void {
	const status = slice(world).statuses.find((s) => s.id === ticket.statusId)!;
	if (status.closedStatus && !ticket.closedFlag) {
		ticket.closedFlag = true;
		ticket.closedDate = now;
		ticket.closedBy = API_MEMBER.identifier;
	} else if (!status.closedStatus && ticket.closedFlag) {
		ticket.closedFlag = false;
		ticket.closedDate = null;
		ticket.closedBy = null;
	}
}

function addNote(
	world: World,
	ticket: CwTicket,
	text: string,
	flags: Partial<CwNote>,
	now: string,
): CwNote {
	const note: CwNote = {
		id: nextId(world, 'cw-note', 1),
		ticketId: ticket.id,
		text,
		detailDescriptionFlag: false,
		internalAnalysisFlag: false,
		resolutionFlag: false,
		issueFlag: false,
		customerUpdatedFlag: false,
		processNotifications: true,
		dateCreated: now,
		createdBy: API_MEMBER.identifier,
		internalFlag: false,
		externalFlag: false,
		...flags,
	};
	note.internalFlag = note.internalAnalysisFlag;
	note.externalFlag = note.detailDescriptionFlag || note.resolutionFlag;
	slice(world).notes.push(note);
	return note;
}

function createTicket(ctx: VendorContext, api: () => Api, req: Request, res: Response): void {
	const world = ctx.world();
	const data = slice(world);
	const body = isObject(req.body) ? req.body : {};
	const now = cwDate(worldNow(world));
	const board = data.boards[0];
	const draft: CwTicket = {
		id: 0,
		summary: '',
		recordType: 'ServiceTicket',
		boardId: board.id,
		statusId: (
			data.statuses.find((s) => s.boardId === board.id && s.defaultFlag) ?? data.statuses[0]
		).id,
		companyId: 0,
		priorityId: (data.priorities.find((p) => p.defaultFlag) ?? data.priorities[0]).id,
		severity: 'Medium',
		impact: 'Medium',
		externalXRef: null,
		closedFlag: false,
		closedDate: null,
		closedBy: null,
		dateEntered: now,
		enteredBy: API_MEMBER.identifier,
		lastUpdated: now,
		updatedBy: API_MEMBER.identifier,
	};
	const errors = applyFields(world, draft, body, true);
	if (errors.length) return invalidObject(res, 'ticket', errors);
	draft.id = nextId(world, 'cw-ticket', 5001);
	syncClosed(world, draft, now);
	data.tickets.push(draft);
	// The POST-only description fields become the ticket's first notes, as ConnectWise stores them.
	if (typeof body.initialDescription === 'string' && body.initialDescription)
		addNote(world, draft, body.initialDescription, { detailDescriptionFlag: true }, now);
	if (typeof body.initialInternalAnalysis === 'string' && body.initialInternalAnalysis)
		addNote(world, draft, body.initialInternalAnalysis, { internalAnalysisFlag: true }, now);
	if (typeof body.initialResolution === 'string' && body.initialResolution)
		addNote(world, draft, body.initialResolution, { resolutionFlag: true }, now);
	res.status(201).json(ticketOut(api(), draft));
}

function findTicket(world: World, res: Response, id: string): CwTicket | undefined {
	const ticket = /^\d+$/.test(id)
		? slice(world).tickets.find((t) => t.id === Number(id))
		: undefined;
	if (!ticket) notFound(res, 'Ticket', id);
	return ticket;
}

function patchTicket(ctx: VendorContext, api: () => Api, req: Request, res: Response): void {
	const world = ctx.world();
	const ticket = findTicket(world, res, String(req.params.id));
	if (!ticket) return;
	const ops = req.body as unknown;
	if (!Array.isArray(ops) || !ops.length)
		return cwError(
			res,
			400,
			'InvalidObject',
			'The request body must be an array of patch operations.',
		);
	const fields: Json = {};
	for (const op of ops) {
		if (!isObject(op) || !['add', 'replace', 'remove'].includes(String(op.op)))
			return cwError(res, 400, 'InvalidObject', `Invalid patch operation: ${JSON.stringify(op)}`);
		const path = String(op.path ?? '').replace(/^\//, '');
		if (!PATCHABLE.includes(path)) {
			// Paths are case-sensitive top-level fields; `status/id` style paths are not accepted here.
			return invalidObject(res, 'ticket', [
				fieldError(path, 'InvalidField', `Cannot patch path '${path}'.`),
			]);
		}
		fields[path] = op.op === 'remove' ? null : op.value;
	}
	const draft = { ...ticket };
	const errors = applyFields(world, draft, fields, false);
	if (errors.length) return invalidObject(res, 'ticket', errors);
	const now = cwDate(worldNow(world));
	draft.lastUpdated = now;
	draft.updatedBy = API_MEMBER.identifier;
	syncClosed(world, draft, now);
	Object.assign(ticket, draft);
	res.json(ticketOut(api(), ticket));
}

function createNote(ctx: VendorContext, api: () => Api, req: Request, res: Response): void {
	const world = ctx.world();
	const ticket = findTicket(world, res, String(req.params.id));
	if (!ticket) return;
	const body = isObject(req.body) ? req.body : {};
	const errors: CwValidationError[] = [];
	if (typeof body.text !== 'string' || !body.text.trim())
		errors.push({
			code: 'NullValue',
			message: 'Text is required.',
			resource: 'serviceNote',
			field: 'text',
		});
	const flags = {
		detailDescriptionFlag: body.detailDescriptionFlag === true,
		internalAnalysisFlag: body.internalAnalysisFlag === true,
		resolutionFlag: body.resolutionFlag === true,
	};
	// ConnectWise wants at least one of Discussion / Internal / Resolution ticked [unverified wording].
	if (!flags.detailDescriptionFlag && !flags.internalAnalysisFlag && !flags.resolutionFlag) {
		errors.push({
			code: 'InvalidField',
			message:
				'At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.',
			resource: 'serviceNote',
			field: 'detailDescriptionFlag',
		});
	}
	if (errors.length) return invalidObject(res, 'serviceNote', errors);
	const now = cwDate(worldNow(world));
	const note = addNote(
		world,
		ticket,
		body.text as string,
		{ ...flags, processNotifications: body.processNotifications !== false },
		now,
	);
	ticket.lastUpdated = now;
	ticket.updatedBy = API_MEMBER.identifier;
	res.status(201).json(noteOut(api(), note));
}

function attachConfiguration(
	ctx: VendorContext,
	api: () => Api,
	req: Request,
	res: Response,
): void {
	const world = ctx.world();
	const ticket = findTicket(world, res, String(req.params.id));
	if (!ticket) return;
	const body = isObject(req.body) ? req.body : {};
	const device = world.devices.find((d) => d.ids.connectwiseConfigurationId === Number(body.id));
	if (!device)
		return invalidObject(res, 'configurationReference', [
			{
				code: 'InvalidField',
				message: 'Configuration not found.',
				resource: 'configurationReference',
				field: 'id',
			},
		]);
	const links = slice(world).ticketConfigurations;
	if (
		links.some(
			(l) =>
				l.ticketId === ticket.id && l.configurationId === device.ids.connectwiseConfigurationId,
		)
	) {
		// Duplicate attach answers like other duplicates: InvalidObject / ObjectExists [unverified for this child].
		return invalidObject(res, 'configurationReference', [
			{
				code: 'ObjectExists',
				message: 'The configuration is already attached to this ticket.',
				resource: 'configurationReference',
				field: 'id',
			},
		]);
	}
	links.push({ ticketId: ticket.id, configurationId: device.ids.connectwiseConfigurationId });
	res.status(201).json(ticketConfigurationOut(api(), device));
}

export function ticketRoutes(ctx: VendorContext, api: () => Api): Router {
	const router = Router();
	const rows = () => slice(ctx.world()).tickets.map((t) => ticketOut(api(), t));
	router.get('/service/tickets', (req, res) => {
		const matched = query(req, res, rows(), req.query.conditions);
		if (matched) sendPage(req, res, ctx.sandboxUrl(), matched);
	});
	router.get('/service/tickets/count', (req, res) => {
		const matched = query(req, res, rows(), req.query.conditions);
		if (matched) res.json({ count: matched.length });
	});
	router.post('/service/tickets/search', (req, res) => {
		const body = isObject(req.body) ? req.body : {};
		const matched = query(req, res, rows(), body.conditions);
		if (matched) sendPage(req, res, ctx.sandboxUrl(), matched);
	});
	router.post('/service/tickets', (req, res) => createTicket(ctx, api, req, res));
	router.get('/service/tickets/:id', (req, res) => {
		const ticket = findTicket(ctx.world(), res, req.params.id);
		if (ticket) res.json(ticketOut(api(), ticket));
	});
	router.patch('/service/tickets/:id', (req, res) => patchTicket(ctx, api, req, res));
	router.get('/service/tickets/:id/notes', (req, res) => {
		const ticket = findTicket(ctx.world(), res, req.params.id);
		if (!ticket) return;
		const notes = slice(ctx.world())
			.notes.filter((n) => n.ticketId === ticket.id)
			.map((n) => noteOut(api(), n));
		const matched = query(req, res, notes, req.query.conditions);
		if (matched) sendPage(req, res, ctx.sandboxUrl(), matched);
	});
	router.post('/service/tickets/:id/notes', (req, res) => createNote(ctx, api, req, res));
	router.get('/service/tickets/:id/configurations', (req, res) => {
		const world = ctx.world();
		const ticket = findTicket(world, res, req.params.id);
		if (!ticket) return;
		const ids = slice(world)
			.ticketConfigurations.filter((l) => l.ticketId === ticket.id)
			.map((l) => l.configurationId);
		const devices = world.devices.filter((d) => ids.includes(d.ids.connectwiseConfigurationId));
		sendPage(
			req,
			res,
			ctx.sandboxUrl(),
			devices.map((d) => ticketConfigurationOut(api(), d)),
		);
	});
	router.post('/service/tickets/:id/configurations', (req, res) =>
		attachConfiguration(ctx, api, req, res),
	);
	return router;
}

export { clientByCompanyId };
