import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { connectWiseApiBase } from '../../../../credentials/MspConnectWisePsaApi.credentials';
import type {
	Company,
	Configuration,
	Ticket,
	TicketNote,
	TimeEntry,
	Transport,
	VendorProfile,
} from '../../../shared';
import {
	collect,
	commonErrorMessage,
	pageNumberPages,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { hasRef, int32Id, Memo, resolveRef, toChoices, type Named } from '../common';
import type {
	Choice,
	ConfigurationQuery,
	NewTicket,
	NoteInput,
	Paging,
	PsaProvider,
	Ref,
	TicketChanges,
	TicketFilter,
	TimeEntryInput,
} from '../types';
import {
	externalXRefOf,
	toCompany,
	toConfiguration,
	toNote,
	toTicket,
	toTimeEntry,
} from './mappers';
import {
	CwBoardStatusSchema,
	CwCompanySchema,
	CwConfigurationSchema,
	CwNamedSchema,
	CwNoteSchema,
	CwTicketSchema,
	CwTimeEntrySchema,
	listOf,
	type CwBoardStatus,
} from './schemas';

const VENDOR = 'ConnectWise PSA';
/** Documented maximum page size. */
const MAX_PAGE_SIZE = 1000;
/** Ticket summary limit of the Ticket model. */
const SUMMARY_MAX = 100;

function validationDetails(body: unknown): string {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	if (!Array.isArray(errors)) return '';
	const lines = errors
		.map((e) => e as { field?: unknown; message?: unknown })
		.filter((e) => typeof e.message === 'string')
		.map((e) =>
			typeof e.field === 'string' && e.field
				? `${e.field}: ${String(e.message)}`
				: String(e.message),
		);
	return lines.length ? ` (${lines.join('; ')})` : '';
}

export const CONNECTWISE_PROFILE: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspConnectWisePsaApi',
	baseUrl: connectWiseApiBase,
	// ErrorResponseMessage {code, message, errors[{field, message}]}: keep the field next to the message.
	errorMessage: (body) => {
		const message = commonErrorMessage(body);
		const top = (body as { message?: unknown } | undefined)?.message;
		return typeof top === 'string' ? `${top}${validationDetails(body)}` : message;
	},
	// Guidance is "more than 1,000 requests a minute will likely be throttled": up to 1,000 in any minute.
	rateLimits: [{ requestsPerWindow: 1000, windowMs: 60_000 }],
};

/**
 * Quoted string literal of the conditions language: a `"` inside is written `\"` and a backslash
 * `\\`, so a summary or external reference with a quote neither ends the string early nor breaks the
 * query. The reference does not quote the guide's Escaping section [unverified]: this is the
 * conditions syntax's backslash escape, the one reading that keeps a trailing backslash from
 * swallowing the closing quote.
 */
function quote(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Record ids are int32 in the ConnectWise models (Ticket, Company, CompanyConfiguration). */
function numericId(node: INode, kind: string, id: string): number {
	return int32Id(node, `${kind} ID`, id, VENDOR);
}

export class ConnectWiseProvider implements PsaProvider {
	readonly maxSummaryLength = SUMMARY_MAX;

	private readonly memo = new Memo();

	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
	) {}

	recordId(field: string, id: string): string {
		return String(int32Id(this.node, field, id, VENDOR));
	}

	private async apiBase(): Promise<string> {
		return await this.memo.get(
			'base',
			async () =>
				(await this.transport.describe({ method: 'GET', path: '', operation: 'base' })).url,
		);
	}

	private async list<S extends z.ZodTypeAny>(
		path: string,
		operation: string,
		schema: S,
		qs: IDataObject,
		paging: Paging,
	): Promise<Array<z.output<S>>> {
		const pages = pageNumberPages(this.transport, {
			request: { method: 'GET', path, qs, operation },
			items: (body) =>
				parseVendorResponse(this.node, listOf(schema), body, { vendor: VENDOR, operation }),
			pageSize: MAX_PAGE_SIZE,
			limit: paging.returnAll ? undefined : paging.limit,
			pageParam: 'page',
			sizeParam: 'pageSize',
			useLinkHeader: true,
		});
		return await collect(pages, paging);
	}

	private async ticket(id: string, operation: string): Promise<z.infer<typeof CwTicketSchema>> {
		return await requestParsed(this.transport, this.node, CwTicketSchema, {
			path: `/service/tickets/${numericId(this.node, 'Ticket', id)}`,
			operation,
		});
	}

	private async mapTicket(ticket: z.infer<typeof CwTicketSchema>): Promise<Ticket> {
		return toTicket(ticket, await this.apiBase());
	}

	private async boards(): Promise<Named[]> {
		return await this.memo.get('boards', async () => {
			const rows = await this.list(
				'/service/boards',
				'list boards',
				CwNamedSchema,
				{ conditions: 'inactiveFlag=false', orderBy: 'name asc' },
				{ returnAll: true, limit: 0 },
			);
			return rows.map((b) => ({ id: String(b.id), name: b.name }));
		});
	}

	/** Active statuses of a board, read once per board and execution. */
	private async statuses(boardId: string): Promise<CwBoardStatus[]> {
		return await this.memo.get(
			`statuses:${boardId}`,
			async () =>
				await this.list(
					`/service/boards/${boardId}/statuses`,
					'list board statuses',
					CwBoardStatusSchema,
					{ conditions: 'inactive=false', orderBy: 'sortOrder asc' },
					{ returnAll: true, limit: 0 },
				),
		);
	}

	private async priorities(): Promise<Named[]> {
		return await this.memo.get('priorities', async () => {
			const rows = await this.list(
				'/service/priorities',
				'list priorities',
				CwNamedSchema,
				{ orderBy: 'sortOrder asc' },
				{ returnAll: true, limit: 0 },
			);
			return rows.map((p) => ({ id: String(p.id), name: p.name }));
		});
	}

	private async board(ref: Ref): Promise<Named> {
		return resolveRef(this.node, 'board', ref, await this.boards());
	}

	private async status(boardId: string, boardName: string, ref: Ref): Promise<Named> {
		const statuses = (await this.statuses(boardId)).map((s) => ({
			id: String(s.id),
			name: s.name,
		}));
		return resolveRef(this.node, 'status', ref, statuses, `board ${boardName}`);
	}

	async createTicket(input: NewTicket): Promise<Ticket> {
		const body: IDataObject = {
			summary: input.summary,
			company: { id: numericId(this.node, 'Company', input.companyId) },
		};
		if (hasRef(input.board)) {
			const board = await this.board(input.board);
			body.board = { id: Number(board.id) };
			if (hasRef(input.status))
				body.status = { id: Number((await this.status(board.id, board.name, input.status)).id) };
		} else if (hasRef(input.status)) {
			throw new NodeOperationError(
				this.node,
				'A status needs a board: ConnectWise statuses belong to a board',
			);
		}
		if (hasRef(input.priority))
			body.priority = {
				id: Number(resolveRef(this.node, 'priority', input.priority, await this.priorities()).id),
			};
		if (input.externalReference) body.externalXRef = externalXRefOf(input.externalReference);
		if (input.description) body.initialDescription = input.description;
		const created = await this.transport.request({
			method: 'POST',
			path: '/service/tickets',
			body,
			operation: 'create ticket',
		});
		return await this.mapTicket(
			parseVendorResponse(this.node, CwTicketSchema, created, {
				vendor: VENDOR,
				operation: 'create ticket',
			}),
		);
	}

	async findTicketByReference(
		reference: string,
		companyId: string,
		includeClosed: boolean,
	): Promise<Ticket | undefined> {
		const conditions = [
			`externalXRef=${quote(externalXRefOf(reference))}`,
			`company/id=${numericId(this.node, 'Company', companyId)}`,
		];
		if (!includeClosed) conditions.push('closedFlag=false');
		const rows = await this.list(
			'/service/tickets',
			'find ticket by reference',
			CwTicketSchema,
			{ conditions: conditions.join(' and '), orderBy: 'id asc' },
			{ returnAll: false, limit: 1 },
		);
		return rows.length ? await this.mapTicket(rows[0]) : undefined;
	}

	/** `externalXRef` is filtered exactly by the API, so every open ticket with it comes in one page. */
	async listOpenTicketsByReference(reference: string, companyId: string): Promise<Ticket[]> {
		const conditions = [
			`externalXRef=${quote(externalXRefOf(reference))}`,
			`company/id=${numericId(this.node, 'Company', companyId)}`,
			'closedFlag=false',
		];
		const rows = await this.list(
			'/service/tickets',
			'read back ticket by reference',
			CwTicketSchema,
			{ conditions: conditions.join(' and '), orderBy: 'id asc' },
			{ returnAll: true, limit: 0 },
		);
		const base = await this.apiBase();
		return rows.map((row) => toTicket(row, base));
	}

	async getTicket(id: string): Promise<Ticket> {
		return await this.mapTicket(await this.ticket(id, 'get ticket'));
	}

	async searchTickets(filter: TicketFilter, paging: Paging): Promise<Ticket[]> {
		const conditions: string[] = [];
		if (filter.companyId)
			conditions.push(`company/id=${numericId(this.node, 'Company', filter.companyId)}`);
		if (filter.state !== 'any') conditions.push(`closedFlag=${filter.state === 'closed'}`);
		if (hasRef(filter.board)) conditions.push(`board/id=${(await this.board(filter.board)).id}`);
		if (filter.text) conditions.push(`summary contains ${quote(filter.text)}`);
		if (filter.updatedSince)
			conditions.push(
				`lastUpdated>=[${new Date(filter.updatedSince).toISOString().replace(/\.\d{3}Z$/, 'Z')}]`,
			);
		const qs: IDataObject = { orderBy: 'id desc' };
		if (conditions.length) qs.conditions = conditions.join(' and ');
		const rows = await this.list('/service/tickets', 'search tickets', CwTicketSchema, qs, paging);
		const base = await this.apiBase();
		return rows.map((row) => toTicket(row, base));
	}

	private async patch(id: number, ops: IDataObject[], operation: string): Promise<Ticket> {
		const body = await this.transport.request({
			method: 'PATCH',
			path: `/service/tickets/${id}`,
			body: ops,
			operation,
			idempotent: true,
		});
		return await this.mapTicket(
			parseVendorResponse(this.node, CwTicketSchema, body, { vendor: VENDOR, operation }),
		);
	}

	async updateTicket(id: string, changes: TicketChanges): Promise<Ticket> {
		const ops: IDataObject[] = [];
		if (changes.summary !== undefined)
			ops.push({ op: 'replace', path: 'summary', value: changes.summary });
		if (hasRef(changes.priority))
			ops.push({
				op: 'replace',
				path: 'priority',
				value: {
					id: Number(
						resolveRef(this.node, 'priority', changes.priority, await this.priorities()).id,
					),
				},
			});
		if (hasRef(changes.board) || hasRef(changes.status)) {
			const current = await this.ticket(id, 'update ticket');
			const board = hasRef(changes.board)
				? await this.board(changes.board)
				: { id: String(current.board?.id), name: current.board?.name ?? '' };
			if (hasRef(changes.board))
				ops.push({ op: 'replace', path: 'board', value: { id: Number(board.id) } });
			// Reference fields are replaced whole ({id}), never through `status/id`.
			if (hasRef(changes.status))
				ops.push({
					op: 'replace',
					path: 'status',
					value: { id: Number((await this.status(board.id, board.name, changes.status)).id) },
				});
		}
		if (!ops.length) return await this.getTicket(id);
		return await this.patch(numericId(this.node, 'Ticket', id), ops, 'update ticket');
	}

	/** `GET /service/tickets/{id}/notes`, every page (1,000 a page, Link header), oldest first. */
	private async notes(ticketId: string): Promise<Array<z.infer<typeof CwNoteSchema>>> {
		return await this.list(
			`/service/tickets/${numericId(this.node, 'Ticket', ticketId)}/notes`,
			'list notes',
			CwNoteSchema,
			{ orderBy: 'id asc' },
			{ returnAll: true, limit: 0 },
		);
	}

	async listNotes(ticketId: string): Promise<TicketNote[]> {
		return (await this.notes(ticketId)).map((note) => toNote(note, ticketId));
	}

	async addNote(ticketId: string, note: NoteInput): Promise<TicketNote> {
		const body: IDataObject = {
			text: note.text,
			// Discussion (detail) is customer-visible; Internal Analysis is not; Resolution is its own flag.
			detailDescriptionFlag: !note.internal && !note.resolution,
			internalAnalysisFlag: note.internal,
			resolutionFlag: note.resolution,
		};
		const path = `/service/tickets/${numericId(this.node, 'Ticket', ticketId)}/notes`;
		const created = await writeVerified(
			async () =>
				await this.transport.request({ method: 'POST', path, body, operation: 'add note' }),
			async () => await this.latestNoteLike(path, body),
		);
		return toNote(
			parseVendorResponse(this.node, CwNoteSchema, created, {
				vendor: VENDOR,
				operation: 'add note',
			}),
			ticketId,
		);
	}

	/** After an ambiguous POST: the ticket's latest note with the same text and flags, if the POST went through. */
	private async latestNoteLike(path: string, body: IDataObject): Promise<unknown> {
		const rows = (await this.list(
			path,
			'read back note',
			CwNoteSchema,
			{ orderBy: 'id desc' },
			{ returnAll: true, limit: 0 },
		)) as IDataObject[];
		return rows.find(
			(n) =>
				n.text === body.text &&
				!!n.internalAnalysisFlag === body.internalAnalysisFlag &&
				!!n.resolutionFlag === body.resolutionFlag,
		);
	}

	async addTimeEntry(ticketId: string, entry: TimeEntryInput): Promise<TimeEntry> {
		const start = Date.parse(entry.startedAt);
		const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const body: IDataObject = {
			chargeToId: numericId(this.node, 'Ticket', ticketId),
			chargeToType: 'ServiceTicket',
			timeStart: iso(start),
			timeEnd: iso(start + Math.round(entry.hours * 3_600_000)),
			actualHours: entry.hours,
			billableOption: entry.billable ? 'Billable' : 'DoNotBill',
		};
		if (entry.notes) body.notes = entry.notes;
		if (entry.member) body.member = { identifier: entry.member };
		const created = await this.transport.request({
			method: 'POST',
			path: '/time/entries',
			body,
			operation: 'add time entry',
		});
		return toTimeEntry(
			parseVendorResponse(this.node, CwTimeEntrySchema, created, {
				vendor: VENDOR,
				operation: 'add time entry',
			}),
		);
	}

	/** The board's active closed statuses: the one flagged default first, then by sort order. */
	private async closedStatuses(boardId: string): Promise<CwBoardStatus[]> {
		return (await this.statuses(boardId))
			.filter((s) => s.closedStatus === true)
			.sort((a, b) => flagged(b) - flagged(a) || (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
	}

	/**
	 * The status Close moves a ticket to. Boards often have several closed statuses (">Closed",
	 * "Closed - No Response", "Cancelled"): the chosen one, else the board's default-flagged closed
	 * status, else its first closed status by sort order.
	 */
	private async closeTarget(boardId: string, boardName: string, status?: Ref): Promise<Named> {
		const closed = (await this.closedStatuses(boardId)).map((s) => ({
			id: String(s.id),
			name: s.name,
		}));
		if (hasRef(status))
			return resolveRef(
				this.node,
				'status',
				status,
				closed,
				`board ${boardName} (closed statuses)`,
			);
		if (!closed.length)
			throw new NodeOperationError(
				this.node,
				`Board ${boardName} has no active status with "Closed Status" ticked; add one in ConnectWise (Service Boards > Statuses)`,
			);
		return closed[0];
	}

	async closeTicket(id: string, resolution: string, status?: Ref): Promise<Ticket> {
		const current = await this.ticket(id, 'close ticket');
		// A closed ticket is left as is, unless the user chose a closed status for it.
		if (current.closedFlag && !hasRef(status)) return await this.mapTicket(current);
		const boardId = String(current.board?.id);
		const closed = await this.closeTarget(boardId, current.board?.name ?? boardId, status);
		if (current.closedFlag && String(current.status?.id) === closed.id)
			return await this.mapTicket(current);
		// A rerun of a close whose note was written but whose status change failed finds its note.
		const written =
			resolution &&
			(await this.notes(id)).some(
				(n) => n.resolutionFlag === true && (n.text ?? '').trim() === resolution.trim(),
			);
		if (resolution && !written)
			await this.addNote(id, { text: resolution, internal: false, resolution: true });
		// An ambiguous close is read back so a retry of the whole close never posts the resolution twice.
		return await writeVerified(
			async () =>
				await this.patch(
					current.id,
					[{ op: 'replace', path: 'status', value: { id: Number(closed.id) } }],
					'close ticket',
				),
			async () => {
				const now = await this.ticket(id, 'close ticket');
				return String(now.status?.id) === closed.id ? await this.mapTicket(now) : undefined;
			},
		);
	}

	async reopenTicket(id: string, status?: Ref): Promise<Ticket> {
		const current = await this.ticket(id, 'reopen ticket');
		const boardId = String(current.board?.id);
		const statuses = await this.statuses(boardId);
		const open = statuses.filter((s) => s.closedStatus !== true);
		const target = hasRef(status)
			? resolveRef(
					this.node,
					'status',
					status,
					open.map((s) => ({ id: String(s.id), name: s.name })),
					`board ${current.board?.name ?? boardId} (open statuses)`,
				)
			: { id: String((open.find((s) => s.defaultFlag) ?? open[0])?.id), name: '' };
		if (target.id === 'undefined')
			throw new NodeOperationError(
				this.node,
				`Board ${current.board?.name ?? boardId} has no open status to reopen the ticket in`,
			);
		return await this.patch(
			current.id,
			[{ op: 'replace', path: 'status', value: { id: Number(target.id) } }],
			'reopen ticket',
		);
	}

	async getCompany(id: string): Promise<Company> {
		const body = await this.transport.request({
			method: 'GET',
			path: `/company/companies/${numericId(this.node, 'Company', id)}`,
			operation: 'get company',
		});
		return toCompany(
			parseVendorResponse(this.node, CwCompanySchema, body, {
				vendor: VENDOR,
				operation: 'get company',
			}),
		);
	}

	async searchCompanies(
		query: { name?: string; identifier?: string },
		paging: Paging,
	): Promise<Company[]> {
		const conditions = ['deletedFlag=false'];
		if (query.name) conditions.push(`name contains ${quote(query.name)}`);
		if (query.identifier) conditions.push(`identifier=${quote(query.identifier)}`);
		const rows = await this.list(
			'/company/companies',
			'search companies',
			CwCompanySchema,
			{ conditions: conditions.join(' and '), orderBy: 'name asc' },
			paging,
		);
		return rows.map(toCompany);
	}

	async findConfigurations(query: ConfigurationQuery, paging: Paging): Promise<Configuration[]> {
		const conditions = ['activeFlag=true'];
		if (query.companyId)
			conditions.push(`company/id=${numericId(this.node, 'Company', query.companyId)}`);
		if (query.name) conditions.push(`name=${quote(query.name)}`);
		if (query.serialNumber) conditions.push(`serialNumber=${quote(query.serialNumber)}`);
		const rows = await this.list(
			'/company/configurations',
			'find configurations',
			CwConfigurationSchema,
			{ conditions: conditions.join(' and '), orderBy: 'id asc' },
			paging,
		);
		return rows.map(toConfiguration);
	}

	async attachConfiguration(
		ticketId: string,
		configurationId: string,
	): Promise<{ configuration: Configuration; attached: boolean }> {
		const ticket = numericId(this.node, 'Ticket', ticketId);
		const config = numericId(this.node, 'Configuration', configurationId);
		const attached = await this.list(
			`/service/tickets/${ticket}/configurations`,
			'list ticket configurations',
			CwConfigurationSchema.partial({ name: true }),
			{},
			{ returnAll: true, limit: 0 },
		);
		const body = await this.transport.request({
			method: 'GET',
			path: `/company/configurations/${config}`,
			operation: 'get configuration',
		});
		const configuration = toConfiguration(
			parseVendorResponse(this.node, CwConfigurationSchema, body, {
				vendor: VENDOR,
				operation: 'get configuration',
			}),
		);
		if (attached.some((c) => c.id === config)) return { configuration, attached: false };
		await this.transport.request({
			method: 'POST',
			path: `/service/tickets/${ticket}/configurations`,
			body: { id: config },
			operation: 'attach configuration',
		});
		return { configuration, attached: true };
	}

	async listBoards(): Promise<Choice[]> {
		return toChoices(await this.boards());
	}

	async listStatuses(board?: Ref): Promise<Choice[]> {
		if (!hasRef(board))
			throw new NodeOperationError(
				this.node,
				'Choose a board first: ConnectWise statuses belong to a board',
			);
		const resolved = await this.board(board);
		return (await this.statuses(resolved.id)).map((s) => ({
			name: s.name,
			value: String(s.id),
			description: s.closedStatus ? 'Closed status' : undefined,
		}));
	}

	async listPriorities(): Promise<Choice[]> {
		return toChoices(await this.priorities());
	}

	/**
	 * Statuses Close or Reopen can move the ticket to: those of the ticket's board when its id is
	 * known, else those of every board, named with their board (a status id belongs to one board).
	 */
	async listTicketStatuses(state: 'open' | 'closed', ticketId?: string): Promise<Choice[]> {
		const boards = ticketId
			? [await this.ticketBoard(ticketId)]
			: (await this.boards()).map((b) => ({ ...b, label: true }));
		const choices: Choice[] = [];
		for (const board of boards) {
			const statuses =
				state === 'closed'
					? await this.closedStatuses(board.id)
					: (await this.statuses(board.id)).filter((s) => s.closedStatus !== true);
			for (const s of statuses)
				choices.push({
					name: board.label ? `${s.name} (${board.name})` : s.name,
					value: String(s.id),
				});
		}
		return choices;
	}

	private async ticketBoard(ticketId: string): Promise<Named & { label: boolean }> {
		const ticket = await this.ticket(ticketId, 'list ticket statuses');
		const id = String(ticket.board?.id);
		return { id, name: ticket.board?.name ?? id, label: false };
	}
}

function flagged(status: CwBoardStatus): number {
	return status.defaultFlag === true ? 1 : 0;
}
