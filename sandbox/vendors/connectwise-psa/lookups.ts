import { worldNow } from '../../world/clock';
import { Router, type Request, type Response } from 'express';

import type { VendorContext } from '../../vendor';
import { nextId } from '../../world/seed';

import { API_MEMBER, cwDate, slice, type CwTimeEntry } from './data';
import { invalidObject, notFound, type CwValidationError } from './errors';
import { query, sendPage } from './listing';
import {
	boardOut,
	companyOut,
	configurationOut,
	priorityOut,
	statusOut,
	timeEntryOut,
	type Api,
} from './present';

type Json = Record<string, unknown>;

function list(
	ctx: VendorContext,
	req: Request,
	res: Response,
	rows: Array<Record<string, unknown>>,
): void {
	const matched = query(req, res, rows, req.query.conditions);
	if (matched) sendPage(req, res, ctx.sandboxUrl(), matched);
}

function one(res: Response, what: string, id: string, row: unknown): void {
	if (row) res.json(row);
	else notFound(res, what, id);
}

function createTimeEntry(ctx: VendorContext, api: () => Api, req: Request, res: Response): void {
	const world = ctx.world();
	const data = slice(world);
	const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Json;
	const errors: CwValidationError[] = [];
	const error = (field: string, code: string, message: string) =>
		errors.push({ code, message, resource: 'timeEntry', field, details: null });
	const ticket =
		body.chargeToType === 'ServiceTicket'
			? data.tickets.find((t) => t.id === Number(body.chargeToId))
			: undefined;
	if (body.chargeToType !== 'ServiceTicket' && body.chargeToType !== undefined)
		error('chargeToType', 'InvalidField', 'Only ServiceTicket time is simulated.');
	if (!ticket) error('chargeToId', 'InvalidField', 'Charge To ID is not a valid ticket.');
	const start = typeof body.timeStart === 'string' ? Date.parse(body.timeStart) : NaN;
	if (Number.isNaN(start)) error('timeStart', 'NullValue', 'Time Start is required.');
	const end = typeof body.timeEnd === 'string' ? Date.parse(body.timeEnd) : undefined;
	if (end !== undefined && (Number.isNaN(end) || end <= start))
		error('timeEnd', 'InvalidField', 'Time End must be after Time Start.');
	const memberRef = (body.member ?? {}) as Json;
	const member =
		memberRef.identifier || memberRef.id
			? data.members.find(
					(m) => m.identifier === memberRef.identifier || m.id === Number(memberRef.id),
				)
			: API_MEMBER;
	if (!member) error('member', 'InvalidField', 'Member not found.');
	if (ticket) {
		const status = data.statuses.find((s) => s.id === ticket.statusId)!;
		if (status.timeEntryNotAllowed)
			error(
				'chargeToId',
				'InvalidField',
				`Time entries are not allowed on tickets in status ${status.name}.`,
			);
	}
	if (errors.length || !ticket || !member) return invalidObject(res, 'timeEntry', errors);
	const hours =
		typeof body.actualHours === 'number'
			? body.actualHours
			: end !== undefined
				? Math.round(((end - start) / 3_600_000) * 100) / 100
				: 0;
	const entry: CwTimeEntry = {
		id: nextId(world, 'cw-time', 4401),
		ticketId: ticket.id,
		companyId: ticket.companyId,
		memberIdentifier: member.identifier,
		timeStart: cwDate(start),
		timeEnd: end !== undefined ? cwDate(end) : null,
		hoursDeduct: typeof body.hoursDeduct === 'number' ? body.hoursDeduct : 0,
		actualHours: hours,
		billableOption: typeof body.billableOption === 'string' ? body.billableOption : 'Billable',
		notes: typeof body.notes === 'string' ? body.notes : '',
		internalNotes: typeof body.internalNotes === 'string' ? body.internalNotes : '',
		addToDetailDescriptionFlag: body.addToDetailDescriptionFlag === true,
		addToInternalAnalysisFlag: body.addToInternalAnalysisFlag === true,
		addToResolutionFlag: body.addToResolutionFlag === true,
		status: 'Open',
		dateEntered: cwDate(worldNow(world)),
	};
	data.timeEntries.push(entry);
	res.status(201).json(timeEntryOut(api(), entry));
}

export function lookupRoutes(ctx: VendorContext, api: () => Api): Router {
	const router = Router();
	const data = () => slice(ctx.world());
	router.get('/service/boards', (req, res) =>
		list(
			ctx,
			req,
			res,
			data().boards.map((b) => boardOut(api(), b)),
		),
	);
	router.get('/service/boards/:id', (req, res) => {
		const board = data().boards.find((b) => b.id === Number(req.params.id));
		one(res, 'Board', req.params.id, board && boardOut(api(), board));
	});
	router.get('/service/boards/:id/statuses', (req, res) => {
		const board = data().boards.find((b) => b.id === Number(req.params.id));
		if (!board) return notFound(res, 'Board', req.params.id);
		list(
			ctx,
			req,
			res,
			data()
				.statuses.filter((s) => s.boardId === board.id)
				.map((s) => statusOut(api(), s)),
		);
	});
	router.get('/service/boards/:id/statuses/:statusId', (req, res) => {
		const status = data().statuses.find(
			(s) => s.boardId === Number(req.params.id) && s.id === Number(req.params.statusId),
		);
		one(res, 'Status', req.params.statusId, status && statusOut(api(), status));
	});
	router.get('/service/priorities', (req, res) =>
		list(
			ctx,
			req,
			res,
			data().priorities.map((p) => priorityOut(api(), p)),
		),
	);
	router.get('/company/companies', (req, res) =>
		list(
			ctx,
			req,
			res,
			ctx.world().clients.map((c) => companyOut(api(), c)),
		),
	);
	router.get('/company/companies/count', (req, res) => {
		const matched = query(
			req,
			res,
			ctx.world().clients.map((c) => companyOut(api(), c)),
			req.query.conditions,
		);
		if (matched) res.json({ count: matched.length });
	});
	router.get('/company/companies/:id', (req, res) => {
		const client = ctx
			.world()
			.clients.find((c) => c.ids.connectwiseCompanyId === Number(req.params.id));
		one(res, 'Company', req.params.id, client && companyOut(api(), client));
	});
	router.get('/company/configurations', (req, res) =>
		list(
			ctx,
			req,
			res,
			ctx.world().devices.map((d) => configurationOut(api(), d)),
		),
	);
	router.get('/company/configurations/:id', (req, res) => {
		const device = ctx
			.world()
			.devices.find((d) => d.ids.connectwiseConfigurationId === Number(req.params.id));
		one(res, 'Configuration', req.params.id, device && configurationOut(api(), device));
	});
	router.get('/time/entries', (req, res) =>
		list(
			ctx,
			req,
			res,
			data().timeEntries.map((e) => timeEntryOut(api(), e)),
		),
	);
	router.post('/time/entries', (req, res) => createTimeEntry(ctx, api, req, res));
	router.get('/system/info', (_req, res) => {
		res.json({
			version: 'v2025.8.112233',
			isCloud: false,
			serverTimeZone: 'Eastern Standard Time',
			licenseBits: [],
			cloudRegion: 'NA',
		});
	});
	return router;
}
