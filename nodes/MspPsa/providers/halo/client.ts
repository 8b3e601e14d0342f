import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { haloApiBase } from '../../../../credentials/MspHaloPsaApi.credentials';
import type {
	Company,
	Configuration,
	ScopedCache,
	Ticket,
	TicketNote,
	TimeEntry,
	Transport,
	VendorProfile,
} from '../../../shared';
import {
	collect,
	commonErrorMessage,
	ExecutionCache,
	filterPages,
	isoUtc,
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
	serialOf,
	toCompany,
	toConfiguration,
	toNote,
	toTicket,
	toTimeEntry,
	type HaloNames,
} from './mappers';
import {
	HaloActionListSchema,
	HaloActionSchema,
	HaloAssetListSchema,
	HaloAssetSchema,
	HaloClientListSchema,
	HaloClientSchema,
	HaloPrioritySchema,
	HaloStatusSchema,
	HaloTeamSchema,
	HaloTicketListSchema,
	HaloTicketSchema,
	haloConfigList,
	savedOne,
	type HaloAction,
	type HaloStatus,
	type HaloTicket,
} from './schemas';

const VENDOR = 'HaloPSA';
/** Documented maximum page size of /Tickets; used for the other lists too. */
const MAX_PAGE_SIZE = 100;
/**
 * Pages in flight once the first page has reported record_count. Halo documents a request budget
 * (300 per rolling 5 minutes) and no limit on concurrent requests [unverified: none published].
 * The budget is kept by the Transport's pacer whatever the number in flight, shared with every
 * item and execution on the credential: pages in flight overlap round trips, they never send more
 * than the budget allows. Past 300 requests in 5 minutes the window, not the pages in flight, sets
 * the pace, so the figure only matters within it (listings up to 30,000 records). Eight cuts a
 * 200-page listing from 200 round trips to 26 while one listing asks for no more than 800 rows at
 * once (less than a single 1,000-row ConnectWise PSA page); a 429 from a stricter tenant is
 * retried like any read.
 */
export const PAGES_IN_FLIGHT = 8;
/**
 * Halo's built-in closed status: id 9 in Halo databases (Halo's own report SQL counts open tickets
 * as `status <> 9`). Tenants rename or translate it ("Geschlossen"); the id stays, so it is never
 * looked up by name.
 */
const BUILT_IN_CLOSED_ID = 9;
/**
 * TStatus `type` of a closed status in the reference's sample of `/Status` (open ones are 0)
 * [unverified: type semantics]. A status is taken as closed by this type or by the built-in id, so
 * a tenant's extra closed status counts while the built-in one never depends on the type alone.
 */
const CLOSED_STATUS_TYPE = 1;
/**
 * Action outcomes are tenant-configurable [unverified defaults]: these names exist in a default
 * Halo setup. Halo stores the outcome text on the action.
 */
const OUTCOME = {
	privateNote: 'Private Note',
	publicNote: 'Note',
	time: 'Time Entry',
	resolution: 'Resolution',
};

/** Validation 400s are keyed by the posted array's field path: `{"[0].summary": "..."}`. */
function haloErrorMessage(body: unknown): string | undefined {
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const fieldLines = Object.entries(body as Record<string, unknown>)
			.filter(([key]) => /^\[\d+\]\./.test(key))
			.map(
				([key, value]) =>
					`${key.replace(/^\[\d+\]\./, '')}: ${Array.isArray(value) ? value.join(', ') : String(value)}`,
			);
		if (fieldLines.length) return fieldLines.join('; ');
	}
	return commonErrorMessage(body);
}

export const HALO_PROFILE: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspHaloPsaApi',
	baseUrl: haloApiBase,
	errorMessage: haloErrorMessage,
	// Halo-hosted: 300 requests per rolling 5 minutes. Bursts within the window are allowed,
	// which even spacing (one request a second) would forbid.
	rateLimits: [{ requestsPerWindow: 300, windowMs: 5 * 60 * 1000 }],
};

export class HaloProvider implements PsaProvider {
	/** Halo documents no summary limit. */
	readonly maxSummaryLength = undefined;

	private readonly memo = new Memo();
	/** Whether a lookup of this execution already read its ticket with details (see mapFound). */
	private foundAlone = false;

	/**
	 * @param shared the tenant's statuses, priorities and teams, read once per execution for every
	 * Halo node on the credential (a template's find-or-create, close and escalation share them).
	 */
	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
		private readonly shared: ScopedCache = new ExecutionCache().scoped(''),
	) {}

	private fail(message: string, description?: string): never {
		throw new NodeOperationError(this.node, message, description ? { description } : undefined);
	}

	/** Record ids are int32 in Halo's spec (Faults, Area, Device). */
	private id(kind: string, id: string): number {
		return int32Id(this.node, `${kind} ID`, id, VENDOR);
	}

	recordId(field: string, id: string): string {
		return String(int32Id(this.node, field, id, VENDOR));
	}

	private async get<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		operation: string,
		qs?: IDataObject,
	): Promise<z.output<S>> {
		return await requestParsed(this.transport, this.node, schema, { path, qs, operation });
	}

	private async post<S extends z.ZodTypeAny>(
		path: string,
		element: IDataObject,
		schema: S,
		operation: string,
	): Promise<z.output<S>> {
		// Create and update are both a POST of an array; an element with an id updates that record.
		return await requestParsed(this.transport, this.node, savedOne(schema), {
			method: 'POST',
			path,
			body: [element],
			operation,
			idempotent: element.id !== undefined,
		});
	}

	/**
	 * `keep` drops what Halo cannot filter on. The pages are then read whole, without the Limit
	 * shrinking them, so the Limit counts kept records and a thinned page never ends the listing.
	 */
	private pages<T>(
		path: string,
		operation: string,
		qs: IDataObject,
		items: (body: unknown) => T[],
		paging: Paging,
		opts: { inFlight?: number; keep?: (item: T) => boolean } = {},
	): AsyncGenerator<T[]> {
		const pages = pageNumberPages(this.transport, {
			request: { method: 'GET', path, qs: { ...qs, pageinate: true }, operation },
			items,
			pageSize: MAX_PAGE_SIZE,
			limit: paging.returnAll || opts.keep ? undefined : paging.limit,
			pageParam: 'page_no',
			sizeParam: 'page_size',
			total: (body) => (body as { record_count?: number }).record_count,
			concurrency: opts.inFlight ?? PAGES_IN_FLIGHT,
		});
		return opts.keep ? filterPages(pages, opts.keep) : pages;
	}

	private async statuses(): Promise<HaloStatus[]> {
		return await this.shared.get('statuses', () =>
			this.get('/Status', haloConfigList(HaloStatusSchema, 'statuses'), 'list statuses'),
		);
	}

	private async teams(): Promise<Named[]> {
		return await this.shared.get('teams', async () => {
			const teams = await this.get('/Team', haloConfigList(HaloTeamSchema, 'teams'), 'list teams');
			return teams.filter((t) => !t.inactive).map((t) => ({ id: String(t.id), name: t.name }));
		});
	}

	private async priorities(): Promise<Named[]> {
		return await this.shared.get('priorities', async () => {
			const rows = await this.get(
				'/Priority',
				haloConfigList(HaloPrioritySchema, 'priorities'),
				'list priorities',
			);
			// /Priority lists one row per SLA and priority; the ticket field is priorityid.
			const seen = new Map<string, Named>();
			for (const p of rows)
				if (!seen.has(String(p.priorityid)))
					seen.set(String(p.priorityid), { id: String(p.priorityid), name: p.name });
			return [...seen.values()];
		});
	}

	/** The statuses Halo counts as closed, the built-in one first, then by sequence. */
	private async closedStatuses(): Promise<HaloStatus[]> {
		return (await this.statuses()).filter(isClosedStatus).sort(builtInClosedFirst);
	}

	/** Whether a ticket's status is closed; a status /Status does not list is open unless it is the built-in one. */
	private async closedCheck(): Promise<(statusId: number | null | undefined) => boolean> {
		const closed = new Set((await this.closedStatuses()).map((s) => s.id));
		return (id) => id === BUILT_IN_CLOSED_ID || (typeof id === 'number' && closed.has(id));
	}

	/**
	 * The status Close moves a ticket to: the one chosen (among the closed statuses), else the
	 * built-in closed status, else the first closed status by sequence. When Halo's data marks no
	 * status as closed, a chosen status is taken from all statuses: the user knows the tenant.
	 */
	private async closeTarget(status?: Ref): Promise<Named> {
		const closed = (await this.closedStatuses()).map(named);
		if (hasRef(status)) {
			const candidates = closed.length ? closed : (await this.statuses()).map(named);
			return resolveRef(this.node, 'status', status, candidates, "HaloPSA's closed statuses");
		}
		return (
			closed[0] ??
			this.fail(
				'HaloPSA lists no closed status to close the ticket with',
				'Choose the Close Status parameter (By Name or By ID), or check the statuses under Configuration > Tickets > Status in Halo.',
			)
		);
	}

	private async names(): Promise<HaloNames> {
		const [statuses, priorities, isClosed, base] = await Promise.all([
			this.statuses(),
			this.priorities(),
			this.closedCheck(),
			this.instanceUrl(),
		]);
		return {
			status: (id) => statuses.find((s) => s.id === id)?.name,
			priority: (id) => priorities.find((p) => p.id === String(id))?.name,
			isClosed,
			instanceUrl: base,
		};
	}

	private async instanceUrl(): Promise<string> {
		return await this.memo.get('base', async () =>
			(await this.transport.describe({ method: 'GET', path: '', operation: 'base' })).url.replace(
				/\/api\/?$/,
				'',
			),
		);
	}

	private async map(tickets: HaloTicket[]): Promise<Ticket[]> {
		const names = await this.names();
		return tickets.map((t) => toTicket(t, names));
	}

	private async ticketRecord(id: string, operation: string): Promise<HaloTicket> {
		return await this.get(`/Tickets/${this.id('Ticket', id)}`, HaloTicketSchema, operation, {
			includedetails: true,
		});
	}

	private async team(ref: Ref): Promise<Named> {
		return resolveRef(this.node, 'team (queue)', ref, await this.teams());
	}

	private async status(ref: Ref): Promise<Named> {
		return resolveRef(
			this.node,
			'status',
			ref,
			(await this.statuses()).map((s) => ({ id: String(s.id), name: s.name })),
		);
	}

	private async ticketFields(changes: TicketChanges): Promise<IDataObject> {
		const fields: IDataObject = {};
		if (changes.summary !== undefined) fields.summary = changes.summary;
		if (hasRef(changes.board)) fields.team = (await this.team(changes.board)).name;
		if (hasRef(changes.status)) fields.status_id = Number((await this.status(changes.status)).id);
		if (hasRef(changes.priority))
			fields.priority_id = Number(
				resolveRef(this.node, 'priority', changes.priority, await this.priorities()).id,
			);
		return fields;
	}

	async createTicket(input: NewTicket): Promise<Ticket> {
		const element: IDataObject = {
			summary: input.summary,
			client_id: this.id('Company', input.companyId),
			...(await this.ticketFields(input)),
		};
		const details = detailsWithReference(input.description, input.externalReference);
		if (details) element.details = details;
		// The external reference goes into third_party_id_string, the field Halo keeps for other systems' ids.
		if (input.externalReference) element.third_party_id_string = input.externalReference;
		const saved = await this.post('/Tickets', element, HaloTicketSchema, 'create ticket');
		return (await this.map([saved]))[0];
	}

	/**
	 * Halo documents no filter on third_party_id_string, so instead of reading every ticket of the
	 * client (30 pages for 3,000 tickets) the lookup narrows on the server first:
	 * 1. `search=<reference>`, newest first: it matches the reference line this node writes into
	 *    the details (see detailsWithReference); the first page with a match ends it.
	 * 2. On a miss, the client's newest tickets (`missLookBack`, one page of 100 by default; 0 reads
	 *    them all): a ticket given the reference by another tool, by an earlier version of this node
	 *    or whose details were edited carries no line, and the tickets an alert is raised again for
	 *    are recent ones. A tenant migrating references from another tool raises the look-back.
	 * `search` matches loosely, so a match is confirmed on third_party_id_string exactly; among a
	 * page's matches the oldest wins, the one Find or Create keeps when a race opened two.
	 */
	async findTicketByReference(
		reference: string,
		companyId: string,
		includeClosed: boolean,
		missLookBack = MAX_PAGE_SIZE,
	): Promise<Ticket | undefined> {
		const scope = this.referenceScope(companyId, includeClosed);
		const found =
			(await this.searchByReference(scope, reference)) ??
			(await this.newestWithReference(scope, reference, missLookBack))[0];
		return found ? await this.mapFound(found, !includeClosed) : undefined;
	}

	/**
	 * Tickets a race duplicated were opened seconds ago, so the client's newest page of open tickets
	 * holds them, even before Halo's search would show them [unverified: search indexing delay].
	 */
	async listOpenTicketsByReference(reference: string, companyId: string): Promise<Ticket[]> {
		return await this.map(
			await this.newestWithReference(this.referenceScope(companyId, false), reference),
		);
	}

	/** The client's tickets Find or Create looks at: open ones unless closed ones count, newest first. */
	private referenceScope(companyId: string, includeClosed: boolean): IDataObject {
		const qs: IDataObject = {
			client_id: this.id('Company', companyId),
			order: 'id',
			orderdesc: true,
		};
		if (!includeClosed) qs.open_only = true;
		return qs;
	}

	private ticketRows(operation: string): (body: unknown) => HaloTicket[] {
		return (body) =>
			parseVendorResponse(this.node, HaloTicketListSchema, body, { vendor: VENDOR, operation })
				.tickets;
	}

	/**
	 * The pages of `search=<reference>` one at a time (pages read ahead of a match would spend the
	 * rate budget for nothing), until one holds a ticket carrying the reference exactly.
	 */
	private async searchByReference(
		scope: IDataObject,
		reference: string,
	): Promise<HaloTicket | undefined> {
		const operation = 'find ticket by reference';
		const pages = this.pages(
			'/Tickets',
			operation,
			{ ...scope, search: reference },
			this.ticketRows(operation),
			{ returnAll: true, limit: 0 },
			{ inFlight: 1 },
		);
		for await (const page of pages) {
			const match = carrying(page, reference)[0];
			if (match) return match;
		}
		return undefined;
	}

	/**
	 * The scope's newest `count` tickets (0: all; one request per 100) carrying the reference,
	 * oldest first.
	 */
	private async newestWithReference(
		scope: IDataObject,
		reference: string,
		count = MAX_PAGE_SIZE,
	): Promise<HaloTicket[]> {
		const operation = 'find ticket by reference';
		const newest = count > 0 ? { returnAll: false, limit: count } : { returnAll: true, limit: 0 };
		const rows = await collect(
			this.pages('/Tickets', operation, scope, this.ticketRows(operation), newest, {
				inFlight: 1,
			}),
			newest,
		);
		return carrying(rows, reference);
	}

	/**
	 * The ticket a lookup found. The first of an execution is read with its details, which carry the
	 * status and priority names: one request where the status and priority lists are two, so a lone
	 * Find or Create that finds its ticket costs the token, the search and this read. Later ones use
	 * the lists, read once for every item. A lookup that may return a closed ticket reads the status
	 * list anyway, to tell closed from open.
	 */
	private async mapFound(row: HaloTicket, open: boolean): Promise<Ticket> {
		if (!open || this.foundAlone) return (await this.map([row]))[0];
		this.foundAlone = true;
		const record = await this.ticketRecord(String(row.id), 'find ticket by reference');
		return toTicket(record, {
			status: () => undefined,
			priority: () => undefined,
			// The lookup asked for open tickets only; the built-in closed status covers a close since.
			isClosed: (id) => id === BUILT_IN_CLOSED_ID,
			instanceUrl: await this.instanceUrl(),
		});
	}

	async getTicket(id: string): Promise<Ticket> {
		return (await this.map([await this.ticketRecord(id, 'get ticket')]))[0];
	}

	async searchTickets(filter: TicketFilter, paging: Paging): Promise<Ticket[]> {
		const qs: IDataObject = { order: 'id', orderdesc: true };
		if (filter.companyId) qs.client_id = this.id('Company', filter.companyId);
		if (filter.state === 'open') qs.open_only = true;
		if (filter.state === 'closed') qs.closed_only = true;
		if (hasRef(filter.board)) qs.team = (await this.team(filter.board)).id;
		if (filter.text) qs.search = filter.text;
		const since = filter.updatedSince ? Date.parse(filter.updatedSince) : undefined;
		if (since !== undefined) qs.lastupdatefromdate = new Date(since).toISOString();
		// lastupdatefromdate is typed oddly in the spec [unverified]: the date is checked here as well.
		const items = (body: unknown) =>
			parseVendorResponse(this.node, HaloTicketListSchema, body, {
				vendor: VENDOR,
				operation: 'search tickets',
			}).tickets;
		const keep =
			since === undefined
				? undefined
				: (t: { last_update?: string | null }) =>
						!t.last_update ||
						Date.parse(
							/Z|[+-]\d\d:?\d\d$/.test(t.last_update) ? t.last_update : `${t.last_update}Z`,
						) >= since;
		return await this.map(
			await collect(this.pages('/Tickets', 'search tickets', qs, items, paging, { keep }), paging),
		);
	}

	async updateTicket(id: string, changes: TicketChanges): Promise<Ticket> {
		const fields = await this.ticketFields(changes);
		if (!Object.keys(fields).length) return await this.getTicket(id);
		const saved = await this.post(
			'/Tickets',
			{ id: this.id('Ticket', id), ...fields },
			HaloTicketSchema,
			'update ticket',
		);
		return (await this.map([saved]))[0];
	}

	/**
	 * `GET /Actions?ticket_id=`, every page (`{record_count, actions}`). Notes and time entries are
	 * both actions; every action of the ticket is returned.
	 */
	private async actions(ticketId: string): Promise<HaloAction[]> {
		const items = (body: unknown) =>
			parseVendorResponse(this.node, HaloActionListSchema, body, {
				vendor: VENDOR,
				operation: 'list notes',
			}).actions;
		return await collect(
			this.pages('/Actions', 'list notes', { ticket_id: this.id('Ticket', ticketId) }, items, {
				returnAll: true,
				limit: 0,
			}),
			{ returnAll: true, limit: 0 },
		);
	}

	async listNotes(ticketId: string): Promise<TicketNote[]> {
		return (await this.actions(ticketId)).map((action) => toNote(action, ticketId));
	}

	/**
	 * The ticket's newest action matching `same`, read after a POST /Actions whose answer was lost
	 * (5xx, reset, timeout, cut-short body): Halo may have saved it, so it is looked for before the
	 * POST is sent again. Halo keeps no request id on an action: an identical action written earlier
	 * on the same ticket would be taken for it (a Note Key makes the note text unique).
	 */
	private async newestAction(
		ticketId: string,
		same: (action: HaloAction) => boolean,
	): Promise<HaloAction | undefined> {
		const found = (await this.actions(ticketId)).filter(same);
		return found.sort((a, b) => b.id - a.id)[0];
	}

	async addNote(ticketId: string, note: NoteInput): Promise<TicketNote> {
		const outcome = note.resolution
			? OUTCOME.resolution
			: note.internal
				? OUTCOME.privateNote
				: OUTCOME.publicNote;
		const element: IDataObject = {
			ticket_id: this.id('Ticket', ticketId),
			outcome,
			note: note.text,
			hiddenfromuser: note.internal,
		};
		const saved = await writeVerified(
			async () => await this.post('/Actions', element, HaloActionSchema, 'add note'),
			async () =>
				await this.newestAction(
					ticketId,
					(a) =>
						sameText(a.note, note.text) &&
						sameText(a.outcome, outcome, true) &&
						(a.hiddenfromuser === true) === note.internal,
				),
		);
		return toNote(saved, ticketId);
	}

	async addTimeEntry(ticketId: string, entry: TimeEntryInput): Promise<TimeEntry> {
		const element: IDataObject = {
			ticket_id: this.id('Ticket', ticketId),
			outcome: OUTCOME.time,
			note: entry.notes ?? '',
			timetaken: entry.hours,
			actisbillable: entry.billable,
			datetime: new Date(Date.parse(entry.startedAt)).toISOString(),
			hiddenfromuser: true,
		};
		const startSecond = Math.floor(Date.parse(element.datetime as string) / 1000);
		const saved = await writeVerified(
			async () => await this.post('/Actions', element, HaloActionSchema, 'add time entry'),
			async () =>
				await this.newestAction(
					ticketId,
					(a) =>
						sameText(a.outcome, OUTCOME.time, true) &&
						a.timetaken === entry.hours &&
						sameText(a.note, entry.notes ?? '') &&
						Math.floor(Date.parse(isoUtc(a.datetime) ?? '') / 1000) === startSecond,
				),
		);
		return toTimeEntry(saved, ticketId, element.datetime as string);
	}

	/**
	 * A close with a resolution is one action: the resolution note with `new_status` set to the closed
	 * status (Halo documents closing a ticket by an action), so the note and the status change are
	 * saved together and a close is never left half done. The ticket is read first (a closed ticket
	 * is left as is, so a repeated close writes nothing) and read again only when the action's answer
	 * was lost: then its status says whether the close happened. A close without a resolution sets
	 * the status on the ticket.
	 */
	async closeTicket(id: string, resolution: string, status?: Ref): Promise<Ticket> {
		const closed = await this.closeTarget(status);
		const isClosed = await this.closedCheck();
		// Done when closed, or in the chosen closed status when the user picked one.
		const done = (ticket: HaloTicket) =>
			hasRef(status) ? String(ticket.status_id) === closed.id : isClosed(ticket.status_id);
		const current = await this.ticketRecord(id, 'close ticket');
		if (done(current)) return (await this.map([current]))[0];
		if (!resolution) {
			const saved = await this.post(
				'/Tickets',
				{ id: current.id, status_id: Number(closed.id) },
				HaloTicketSchema,
				'close ticket',
			);
			return (await this.map([saved]))[0];
		}
		const closing: IDataObject = {
			ticket_id: current.id,
			outcome: OUTCOME.resolution,
			note: resolution,
			hiddenfromuser: false,
			new_status: Number(closed.id),
		};
		const after = await writeVerified(
			async () => {
				await this.post('/Actions', closing, HaloActionSchema, 'close ticket');
				// Halo answers with the action: the ticket is the one read before, now in the closed status.
				return { ...current, status_id: Number(closed.id) };
			},
			async () => {
				const ticket = await this.ticketRecord(id, 'close ticket');
				return done(ticket) ? ticket : undefined;
			},
		);
		return (await this.map([after]))[0];
	}

	async reopenTicket(id: string, status?: Ref): Promise<Ticket> {
		const open = await this.openStatuses();
		const target = hasRef(status)
			? resolveRef(
					this.node,
					'status',
					status,
					open.map((s) => ({ id: String(s.id), name: s.name })),
					'open statuses',
				)
			: open[0]
				? { id: String(open[0].id), name: open[0].name }
				: this.fail('HaloPSA has no open status to reopen the ticket in');
		const saved = await this.post(
			'/Tickets',
			{ id: this.id('Ticket', id), status_id: Number(target.id) },
			HaloTicketSchema,
			'reopen ticket',
		);
		return (await this.map([saved]))[0];
	}

	async getCompany(id: string): Promise<Company> {
		return toCompany(
			await this.get(`/Client/${this.id('Company', id)}`, HaloClientSchema, 'get company'),
		);
	}

	async searchCompanies(
		query: { name?: string; identifier?: string },
		paging: Paging,
	): Promise<Company[]> {
		const qs: IDataObject = { order: 'name' };
		if (query.name) qs.search = query.name;
		// No documented filter on the accounts id: clients are compared here (client lists are short).
		const items = (body: unknown) =>
			parseVendorResponse(this.node, HaloClientListSchema, body, {
				vendor: VENDOR,
				operation: 'search companies',
			}).clients;
		const identifier = query.identifier?.toLowerCase();
		const keep =
			identifier === undefined
				? undefined
				: (c: { accountsid?: string | null }) => (c.accountsid ?? '').toLowerCase() === identifier;
		return (
			await collect(this.pages('/Client', 'search companies', qs, items, paging, { keep }), paging)
		).map(toCompany);
	}

	async findConfigurations(query: ConfigurationQuery, paging: Paging): Promise<Configuration[]> {
		const qs: IDataObject = {};
		if (query.companyId) qs.client_id = this.id('Company', query.companyId);
		const term = query.name ?? query.serialNumber;
		if (term) qs.search = term;
		const same = (a: unknown, b: string) =>
			typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
		// `search` matches loosely; only exact name or serial matches are returned.
		const items = (body: unknown) =>
			parseVendorResponse(this.node, HaloAssetListSchema, body, {
				vendor: VENDOR,
				operation: 'find configurations',
			}).assets;
		const keep =
			!query.name && !query.serialNumber
				? undefined
				: (a: z.infer<typeof HaloAssetSchema>) =>
						(!query.name ||
							same(a.inventory_number, query.name) ||
							same(a.key_field, query.name)) &&
						(!query.serialNumber || same(serialOf(a), query.serialNumber));
		return (
			await collect(
				this.pages('/Asset', 'find configurations', qs, items, paging, { keep }),
				paging,
			)
		).map(toConfiguration);
	}

	async attachConfiguration(
		ticketId: string,
		configurationId: string,
	): Promise<{ configuration: Configuration; attached: boolean }> {
		const assetId = this.id('Configuration', configurationId);
		const [ticket, asset] = await Promise.all([
			this.ticketRecord(ticketId, 'attach configuration'),
			this.get(`/Asset/${assetId}`, HaloAssetSchema, 'get configuration'),
		]);
		const current = (ticket.assets ?? []).map((a) => a.id);
		if (current.includes(assetId))
			return { configuration: toConfiguration(asset), attached: false };
		// The posted list replaces the ticket's assets [unverified]: the existing ones are sent along.
		await this.post(
			'/Tickets',
			{ id: ticket.id, assets: [...current, assetId].map((id) => ({ id })) },
			HaloTicketSchema,
			'attach configuration',
		);
		return { configuration: toConfiguration(asset), attached: true };
	}

	async listBoards(): Promise<Choice[]> {
		return toChoices(await this.teams());
	}

	async listStatuses(): Promise<Choice[]> {
		return (await this.statuses()).map((s) => ({ name: s.name, value: String(s.id) }));
	}

	/** Open statuses by sequence: New comes before In Progress. */
	private async openStatuses(): Promise<HaloStatus[]> {
		return (await this.statuses())
			.filter((s) => !isClosedStatus(s))
			.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
	}

	/** Halo's statuses are not per queue: the ticket does not narrow the list. */
	async listTicketStatuses(state: 'open' | 'closed'): Promise<Choice[]> {
		const closed = await this.closedStatuses();
		// No status marked closed: every status is offered, as Close then accepts any.
		const rows =
			state === 'open' ? await this.openStatuses() : closed.length ? closed : await this.statuses();
		return rows.map((s) => ({ name: s.name, value: String(s.id) }));
	}

	async listPriorities(): Promise<Choice[]> {
		return toChoices(await this.priorities());
	}
}

/**
 * The details with the external reference as their last line. Halo's `search` looks at a ticket's
 * summary and details (the spec names search_summary and search_details as its narrower forms), and
 * is not known to look at third_party_id_string [unverified], so the line is what lets Find or
 * Create narrow its lookup on the server. It also shows a technician which alert the ticket is for.
 */
function detailsWithReference(
	description: string | undefined,
	reference: string | undefined,
): string | undefined {
	if (!reference) return description;
	const line = `External reference: ${reference}`;
	return description ? `${description.replace(/\s+$/, '')}\n\n${line}` : line;
}

/** Tickets whose third_party_id_string is exactly the reference, oldest (lowest id) first. */
function carrying(tickets: HaloTicket[], reference: string): HaloTicket[] {
	return tickets.filter((t) => t.third_party_id_string === reference).sort((a, b) => a.id - b.id);
}

/** Texts compared the way Halo may hand them back: line endings and outer whitespace aside. */
function sameText(stored: string | null | undefined, sent: string, ignoreCase = false): boolean {
	const norm = (value: string) => {
		const text = value.replace(/\r\n?/g, '\n').trim();
		return ignoreCase ? text.toLowerCase() : text;
	};
	return norm(stored ?? '') === norm(sent);
}

function named(status: HaloStatus): Named {
	return { id: String(status.id), name: status.name };
}

function isClosedStatus(status: HaloStatus): boolean {
	return status.id === BUILT_IN_CLOSED_ID || status.type === CLOSED_STATUS_TYPE;
}

function builtInClosedFirst(a: HaloStatus, b: HaloStatus): number {
	const builtIn = (s: HaloStatus) => (s.id === BUILT_IN_CLOSED_ID ? 0 : 1);
	return builtIn(a) - builtIn(b) || (a.sequence ?? 0) - (b.sequence ?? 0);
}
