import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import {
	autotaskApiBase,
	autotaskRestRoot,
} from '../../../../credentials/MspAutotaskApi.credentials';
import type {
	Company,
	Configuration,
	ScopedCache,
	Ticket,
	TicketNote,
	TimeEntry,
	VendorProfile,
} from '../../../shared';
import {
	collect,
	commonErrorMessage,
	ExecutionCache,
	isoUtc,
	nextUrlPages,
	pageSizeFor,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { hasRef, int32Id, Memo, resolveRef, type Named } from '../common';
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
	COMPLETE_STATUS,
	externalIdOf,
	toCompany,
	toConfiguration,
	toNote,
	toTicket,
	toTimeEntry,
	type AtNames,
} from './mappers';
import {
	AtCompanySchema,
	AtConfigurationItemSchema,
	AtFieldsSchema,
	AtItemIdSchema,
	AtAdditionalCiSchema,
	AtNoteSchema,
	AtResourceSchema,
	AtTicketSchema,
	AtTimeEntrySchema,
	atItem,
	atItems,
	type AtNote,
	type AtPicklistValue,
	type AtTicket,
} from './schemas';
import type { AutotaskTransport } from './transport';

const VENDOR = 'Autotask';
/** `MaxRecords` of a query: 1 to 500. */
const MAX_RECORDS = 500;
/** Longest ticket title (Tickets entityInformation: `title`, string 255). */
const TITLE_MAX = 255;
/** Longest note title [unverified: TicketNotes `title` length 250 in the API docs' entity table]. */
const NOTE_TITLE_MAX = 250;
/**
 * TicketNote `publish`: 1 All Autotask Users, 2 Internal Users Only [unverified: tenant picklist;
 * the values n8n-nodes-autotask uses].
 */
const PUBLISH = { all: 1, internal: 2 };
/**
 * TicketNote `noteType` [unverified: tenant picklist; 1 is the value n8n-nodes-autotask posts,
 * 3 "Resolution"? is not documented]: every note this node writes uses 1; a resolution is also
 * written into the ticket's `resolution` field.
 */
const NOTE_TYPE = 1;
/** Autotask's status "New": the picklist's default, used when the tenant marks none. */
const NEW_STATUS = 1;

/** Autotask's error body: `{"errors": ["…", "…"]}`, kept word for word. */
export function autotaskErrorMessage(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | null | undefined)?.errors;
	if (Array.isArray(errors) && errors.length) {
		return errors
			.map((e) =>
				typeof e === 'string'
					? e
					: typeof (e as { message?: unknown })?.message === 'string'
						? (e as { message: string }).message
						: JSON.stringify(e),
			)
			.join('; ');
	}
	return commonErrorMessage(body);
}

/** The thread limit refusal ("…thread threshold of 3 threads has been exceeded", code Itgenatr005), whatever its status. */
function isThreadLimit(body: unknown): boolean {
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	return /Itgenatr005|thread threshold/i.test(text);
}

export const AUTOTASK_PROFILE: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspAutotaskApi',
	baseUrl: autotaskApiBase,
	errorMessage: autotaskErrorMessage,
	isRateLimited: ({ statusCode, body }) => statusCode !== 429 && isThreadLimit(body),
	// 10,000 requests per rolling hour per database (all integrations together): a workflow that
	// spends it all leaves nothing to the MSP's other tools, but this is the documented budget.
	rateLimits: [{ requestsPerWindow: 10_000, windowMs: 60 * 60 * 1000 }],
};

type Filter = IDataObject;

const eq = (field: string, value: unknown): Filter => ({ op: 'eq', field, value }) as Filter;

/** Ids of several records in one condition (`in` takes an array). */
const idIn = (field: string, ids: number[]): Filter => ({ op: 'in', field, value: ids }) as Filter;

export class AutotaskProvider implements PsaProvider {
	readonly maxSummaryLength = TITLE_MAX;

	private readonly memo = new Memo();

	constructor(
		private readonly transport: AutotaskTransport,
		private readonly node: INode,
		private readonly shared: ScopedCache = new ExecutionCache().scoped(''),
	) {}

	private fail(message: string, description?: string): never {
		throw new NodeOperationError(this.node, message, description ? { description } : undefined);
	}

	/** Autotask ids of tickets, companies and configuration items fit int32 (companyID, configurationItemID are int32 in the spec). */
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
	): Promise<z.output<S>> {
		return await requestParsed(this.transport, this.node, schema, { path, operation });
	}

	/** `GET /V1.0/{Entity}/{id}` -> the item; `{item: null}` (or a 404) is an error naming the record. */
	private async item<S extends z.ZodTypeAny>(
		entity: string,
		kind: string,
		id: number,
		schema: S,
		operation: string,
	): Promise<z.output<S>> {
		const body = await this.get(`/V1.0/${entity}/${id}`, atItem(schema), operation);
		return (body.item ??
			this.fail(`Autotask has no ${kind} with ID ${id}`, `Check the ${kind} ID.`)) as z.output<S>;
	}

	/** A create, update or child create: the answer is `{itemId}`. */
	private async write(
		method: 'POST' | 'PATCH',
		path: string,
		body: IDataObject,
		operation: string,
		idempotent = false,
	): Promise<number> {
		const answer = await requestParsed(this.transport, this.node, AtItemIdSchema, {
			method,
			path,
			body,
			operation,
			idempotent,
		});
		return answer.itemId;
	}

	/**
	 * `POST /V1.0/{Entity}/query` with `{MaxRecords, filter}`, following `pageDetails.nextPageUrl`
	 * (sent the same body again, the way Autotask's next links after a POST query take it). A query
	 * needs a condition: without one, every record (`id gt 0`).
	 */
	private query<S extends z.ZodTypeAny>(
		entity: string,
		filter: Filter[],
		schema: S,
		operation: string,
		paging: Paging = { returnAll: true, limit: 0 },
	): AsyncGenerator<Array<z.output<S>>> {
		const limit = paging.returnAll ? undefined : paging.limit;
		const list = atItems(schema);
		return nextUrlPages(this.transport, {
			request: {
				method: 'POST',
				path: `/V1.0/${entity}/query`,
				body: {
					MaxRecords: pageSizeFor(MAX_RECORDS, limit),
					filter: filter.length ? filter : [{ op: 'gt', field: 'id', value: 0 }],
				},
				operation,
				readOnly: true,
			},
			items: (body) =>
				parseVendorResponse(this.node, list, body, { vendor: VENDOR, operation }).items,
			pageSize: MAX_RECORDS,
			limit,
			nextUrl: (body) =>
				(body as { pageDetails?: { nextPageUrl?: string | null } } | undefined)?.pageDetails
					?.nextPageUrl,
		});
	}

	private async all<S extends z.ZodTypeAny>(
		entity: string,
		filter: Filter[],
		schema: S,
		operation: string,
		paging: Paging = { returnAll: true, limit: 0 },
	): Promise<Array<z.output<S>>> {
		return await collect(this.query(entity, filter, schema, operation, paging), paging);
	}

	/** The Tickets picklists (status, priority, queueID…), read once per execution for every Autotask node on the credential. */
	private async picklists(): Promise<Map<string, AtPicklistValue[]>> {
		return await this.shared.get('ticketFields', async () => {
			const body = await this.get(
				'/V1.0/Tickets/entityInformation/fields',
				AtFieldsSchema,
				'read ticket picklists',
			);
			return new Map(body.fields.map((f) => [f.name.toLowerCase(), f.picklistValues ?? []]));
		});
	}

	private async picklist(field: string, activeOnly = true): Promise<AtPicklistValue[]> {
		const values = (await this.picklists()).get(field.toLowerCase()) ?? [];
		return values
			.filter((v) => !activeOnly || v.isActive !== false)
			.sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
	}

	private async named(field: string): Promise<Named[]> {
		return (await this.picklist(field)).map((v) => ({ id: v.value, name: v.label }));
	}

	/** The configuration item types, for a configuration's `type`. */
	private async ciTypes(): Promise<(value: number | null | undefined) => string | undefined> {
		const values = await this.shared.get('ciFields', async () => {
			const body = await this.get(
				'/V1.0/ConfigurationItems/entityInformation/fields',
				AtFieldsSchema,
				'read configuration item picklists',
			);
			return (
				body.fields.find((f) => f.name.toLowerCase() === 'configurationitemtype')?.picklistValues ??
				[]
			);
		});
		return (value) =>
			value === null || value === undefined
				? undefined
				: values.find((v) => v.value === String(value))?.label;
	}

	/**
	 * Company names by id, read in one query per batch of ids and kept for the execution. Items
	 * running side by side share a lookup in flight: each company is asked for once.
	 */
	private async companyNames(ids: number[]): Promise<Map<number, string>> {
		const wanted = [...new Set(ids)].filter((id) => Number.isFinite(id));
		const missing = wanted.filter((id) => !this.companyLookups.has(id));
		for (let at = 0; at < missing.length; at += MAX_RECORDS) {
			const batch = missing.slice(at, at + MAX_RECORDS);
			const rows = this.all(
				'Companies',
				[idIn('id', batch)],
				AtCompanySchema,
				'read company names',
			);
			// A failed lookup is not kept: the next ticket asks again.
			rows.catch(() => {
				for (const id of batch) this.companyLookups.delete(id);
			});
			for (const id of batch) {
				const name = rows.then((found) => found.find((row) => row.id === id)?.companyName);
				// Handled here so a failure waits for the caller that awaits it, not an unhandled rejection.
				name.catch(() => undefined);
				this.companyLookups.set(id, name);
			}
		}
		const names = new Map<number, string>();
		for (const id of wanted) {
			const name = await this.companyLookups.get(id);
			if (name !== undefined) names.set(id, name);
		}
		return names;
	}

	private readonly companyLookups = new Map<number, Promise<string | undefined>>();

	/**
	 * The zone's web address for ticket links: the one ZoneInformation gave, else the API host's
	 * (`webservicesN.autotask.net` -> `wwN.autotask.net`) [unverified for zones set by URL].
	 */
	private async webUrl(): Promise<string> {
		return await this.memo.get('web', async () => {
			const credentials = await this.transport.credentials();
			const given = String(credentials.zoneWebUrl ?? '').trim();
			if (given && credentials.zone !== 'url') return given;
			const api =
				credentials.zone === 'url'
					? autotaskRestRoot(credentials.zoneUrl)
					: autotaskRestRoot(credentials.zoneApiUrl);
			return `${api
				.replace(/\/ATServicesRest$/i, '')
				.replace(/\/\/webservices(\d*)\./i, '//ww$1.')}/`;
		});
	}

	private async names(tickets: AtTicket[]): Promise<AtNames> {
		const [status, priority, queue, companies, webUrl] = await Promise.all([
			this.picklist('status', false),
			this.picklist('priority', false),
			this.picklist('queueID', false),
			this.companyNames(
				tickets.map((t) => t.companyID).filter((id): id is number => typeof id === 'number'),
			),
			this.webUrl(),
		]);
		const label = (values: AtPicklistValue[]) => (value: number | null | undefined) =>
			value === null || value === undefined
				? undefined
				: values.find((v) => v.value === String(value))?.label;
		return {
			status: label(status),
			priority: label(priority),
			queue: label(queue),
			company: (id) => (typeof id === 'number' ? companies.get(id) : undefined),
			webUrl,
		};
	}

	private async map(tickets: AtTicket[]): Promise<Ticket[]> {
		const names = await this.names(tickets);
		return tickets.map((t) => toTicket(t, names));
	}

	private async ticketRecord(id: string, operation: string): Promise<AtTicket> {
		return await this.item('Tickets', 'ticket', this.id('Ticket', id), AtTicketSchema, operation);
	}

	private async pick(kind: string, field: string, ref: Ref): Promise<number> {
		return Number(resolveRef(this.node, kind, ref, await this.named(field)).id);
	}

	/** The picklist's default value (`isDefaultValue`), else its first active value by sort order. */
	private async defaultOf(field: string): Promise<number | undefined> {
		const values = await this.picklist(field);
		const chosen = values.find((v) => v.isDefaultValue) ?? values[0];
		return chosen ? Number(chosen.value) : undefined;
	}

	private async ticketFields(changes: TicketChanges): Promise<IDataObject> {
		const fields: IDataObject = {};
		if (changes.summary !== undefined) fields.title = changes.summary;
		if (hasRef(changes.board)) fields.queueID = await this.pick('queue', 'queueID', changes.board);
		if (hasRef(changes.status)) fields.status = await this.pick('status', 'status', changes.status);
		if (hasRef(changes.priority))
			fields.priority = await this.pick('priority', 'priority', changes.priority);
		return fields;
	}

	/**
	 * `POST /V1.0/Tickets` answers `{itemId}`; the ticket is read back. Status, priority and queue
	 * default to the picklists' defaults (status and priority are required by Autotask; New is the
	 * status's system default).
	 */
	async createTicket(input: NewTicket): Promise<Ticket> {
		const body: IDataObject = {
			companyID: this.id('Company', input.companyId),
			title: input.summary,
			...(await this.ticketFields(input)),
		};
		if (body.status === undefined) body.status = (await this.defaultOf('status')) ?? NEW_STATUS;
		if (body.priority === undefined) {
			const priority = await this.defaultOf('priority');
			if (priority === undefined)
				this.fail('Autotask lists no ticket priority', 'Choose the Priority parameter.');
			body.priority = priority;
		}
		if (body.queueID === undefined) {
			const queue = (await this.picklist('queueID')).find((v) => v.isDefaultValue);
			if (queue) body.queueID = Number(queue.value);
		}
		if (input.description) body.description = input.description;
		if (input.externalReference) body.externalID = externalIdOf(input.externalReference);
		const id = await this.write('POST', '/V1.0/Tickets', body, 'create ticket');
		return (await this.map([await this.ticketRecord(String(id), 'create ticket')]))[0];
	}

	/** Tickets of the company whose `externalID` is the reference's, oldest (lowest id) first. */
	private async withReference(
		reference: string,
		companyId: string,
		includeClosed: boolean,
	): Promise<AtTicket[]> {
		const filter: Filter[] = [
			eq('companyID', this.id('Company', companyId)),
			eq('externalID', externalIdOf(reference)),
		];
		if (!includeClosed) filter.push({ op: 'noteq', field: 'status', value: COMPLETE_STATUS });
		const rows = await this.all('Tickets', filter, AtTicketSchema, 'find ticket by reference');
		// The filter compares without regard to case [unverified]: the reference is confirmed exactly.
		return rows.filter((t) => t.externalID === externalIdOf(reference)).sort((a, b) => a.id - b.id);
	}

	/** Autotask filters on `externalID` exactly, so `missLookBack` does not apply. */
	async findTicketByReference(
		reference: string,
		companyId: string,
		includeClosed: boolean,
	): Promise<Ticket | undefined> {
		const found = (await this.withReference(reference, companyId, includeClosed))[0];
		return found ? (await this.map([found]))[0] : undefined;
	}

	async listOpenTicketsByReference(reference: string, companyId: string): Promise<Ticket[]> {
		return await this.map(await this.withReference(reference, companyId, false));
	}

	async getTicket(id: string): Promise<Ticket> {
		return (await this.map([await this.ticketRecord(id, 'get ticket')]))[0];
	}

	async searchTickets(filter: TicketFilter, paging: Paging): Promise<Ticket[]> {
		const conditions: Filter[] = [];
		if (filter.companyId) conditions.push(eq('companyID', this.id('Company', filter.companyId)));
		if (filter.state === 'open')
			conditions.push({ op: 'noteq', field: 'status', value: COMPLETE_STATUS });
		if (filter.state === 'closed') conditions.push(eq('status', COMPLETE_STATUS));
		if (hasRef(filter.board))
			conditions.push(eq('queueID', await this.pick('queue', 'queueID', filter.board)));
		if (filter.text)
			conditions.push({
				op: 'or',
				items: [
					{ op: 'contains', field: 'title', value: filter.text },
					eq('ticketNumber', filter.text),
				],
			});
		const since = filter.updatedSince ? Date.parse(filter.updatedSince) : NaN;
		if (!Number.isNaN(since))
			conditions.push({
				op: 'gte',
				field: 'lastActivityDate',
				value: new Date(since).toISOString(),
			});
		return await this.map(
			await this.all('Tickets', conditions, AtTicketSchema, 'search tickets', paging),
		);
	}

	async updateTicket(id: string, changes: TicketChanges): Promise<Ticket> {
		const ticketId = this.id('Ticket', id);
		const fields = await this.ticketFields(changes);
		if (!Object.keys(fields).length) return await this.getTicket(id);
		// A PATCH sets the fields it names: sending it again sets the same values.
		await this.write('PATCH', '/V1.0/Tickets', { id: ticketId, ...fields }, 'update ticket', true);
		return await this.getTicket(id);
	}

	/** Every note of the ticket (`POST /V1.0/TicketNotes/query`, the root query of the child entity), oldest first. */
	private async notes(ticketId: string, operation = 'list notes'): Promise<AtNote[]> {
		const rows = await this.all(
			'TicketNotes',
			[eq('ticketID', this.id('Ticket', ticketId))],
			AtNoteSchema,
			operation,
		);
		return rows.sort((a, b) => a.id - b.id);
	}

	async listNotes(ticketId: string): Promise<TicketNote[]> {
		return (await this.notes(ticketId)).map((n) => toNote(n, ticketId, PUBLISH.internal));
	}

	/** The note with this text and visibility written last, if any. */
	private async newestNote(
		ticketId: string,
		text: string,
		publish: number,
		operation: string,
	): Promise<AtNote | undefined> {
		return (await this.notes(ticketId, operation))
			.filter((n) => sameText(n.description, text) && n.publish === publish)
			.pop();
	}

	/**
	 * `POST /V1.0/Tickets/{id}/Notes` (a child entity) -> `{itemId}`, then the note is read back. A
	 * POST whose answer was lost is looked for by its text before it is sent again.
	 */
	private async postNote(ticketId: string, note: NoteInput, operation: string): Promise<AtNote> {
		const parent = this.id('Ticket', ticketId);
		const publish = note.internal ? PUBLISH.internal : PUBLISH.all;
		const body: IDataObject = {
			ticketID: parent,
			title: noteTitle(note),
			description: note.text,
			noteType: NOTE_TYPE,
			publish,
		};
		return await writeVerified(
			async () => {
				const id = await this.write('POST', `/V1.0/Tickets/${parent}/Notes`, body, operation);
				const rows = await this.all('TicketNotes', [eq('id', id)], AtNoteSchema, operation);
				return rows[0] ?? { id, ...body, createDateTime: undefined };
			},
			async () => await this.newestNote(ticketId, note.text, publish, operation),
		);
	}

	async addNote(ticketId: string, note: NoteInput): Promise<TicketNote> {
		return toNote(await this.postNote(ticketId, note, 'add note'), ticketId, PUBLISH.internal);
	}

	/**
	 * The resource time is logged for: the one named (Autotask resource id, or user name), else
	 * the API user itself; its default service desk role is the entry's role.
	 */
	private async resource(member?: string): Promise<{ id: number; roleId?: number }> {
		const who = member?.trim();
		const key = who ? `resource:${who.toLowerCase()}` : 'resource:';
		return await this.memo.get(key, async () => {
			const userName = who || String((await this.transport.credentials()).userName ?? '').trim();
			const filter = /^\d+$/.test(userName)
				? [eq('id', Number(userName))]
				: [eq('userName', userName)];
			const rows = await this.all('Resources', filter, AtResourceSchema, 'find resource');
			const found = rows[0];
			if (!found)
				this.fail(
					`Autotask has no resource "${userName}"`,
					'Give the technician as an Autotask resource ID or user name.',
				);
			return {
				id: found.id,
				roleId:
					typeof found.defaultServiceDeskRoleID === 'number'
						? found.defaultServiceDeskRoleID
						: undefined,
			};
		});
	}

	/** `POST /V1.0/TimeEntries` (a root entity, linked by `ticketID`) -> `{itemId}`, then read back. */
	async addTimeEntry(ticketId: string, entry: TimeEntryInput): Promise<TimeEntry> {
		const ticket = this.id('Ticket', ticketId);
		const who = await this.resource(entry.member);
		const start = new Date(Date.parse(entry.startedAt));
		const startIso = start.toISOString();
		const body: IDataObject = {
			ticketID: ticket,
			resourceID: who.id,
			dateWorked: `${startIso.slice(0, 10)}T00:00:00Z`,
			startDateTime: startIso,
			endDateTime: new Date(start.getTime() + entry.hours * 3_600_000).toISOString(),
			hoursWorked: entry.hours,
			summaryNotes: entry.notes ?? '',
			isNonBillable: !entry.billable,
		};
		if (who.roleId !== undefined) body.roleID = who.roleId;
		const startSecond = Math.floor(start.getTime() / 1000);
		const saved = await writeVerified(
			async () => {
				const id = await this.write('POST', '/V1.0/TimeEntries', body, 'add time entry');
				return await this.item(
					'TimeEntries',
					'time entry',
					id,
					AtTimeEntrySchema,
					'add time entry',
				);
			},
			async () =>
				(
					await this.all(
						'TimeEntries',
						[eq('ticketID', ticket), eq('resourceID', who.id)],
						AtTimeEntrySchema,
						'add time entry',
					)
				)
					.filter(
						(t) =>
							t.hoursWorked === entry.hours &&
							sameText(t.summaryNotes, entry.notes ?? '') &&
							Math.floor(Date.parse(isoUtc(t.startDateTime) ?? '') / 1000) === startSecond,
					)
					.pop(),
		);
		return toTimeEntry(saved, ticketId, startIso);
	}

	/** Close's status: the one chosen (any status: Autotask marks no status but Complete as closed), else Complete (5). */
	private async closeTarget(status?: Ref): Promise<number> {
		if (!hasRef(status)) return COMPLETE_STATUS;
		return Number(
			resolveRef(this.node, 'status', status, await this.named('status'), "Autotask's statuses").id,
		);
	}

	/**
	 * The resolution note first (unless the ticket has one with this text: a rerun of a close whose
	 * status change failed), then one PATCH sets the status and the ticket's `resolution`. A ticket
	 * already in the target status is left as it is.
	 */
	async closeTicket(id: string, resolution: string, status?: Ref): Promise<Ticket> {
		const target = await this.closeTarget(status);
		const current = await this.ticketRecord(id, 'close ticket');
		if (current.status === target) return (await this.map([current]))[0];
		const text = resolution.trim();
		const fields: IDataObject = { id: current.id, status: target };
		if (text) {
			const written = (await this.notes(id, 'close ticket')).some((n) =>
				sameText(n.description, text),
			);
			if (!written)
				await this.postNote(id, { text, internal: false, resolution: true }, 'close ticket');
			fields.resolution = text;
		}
		await this.write('PATCH', '/V1.0/Tickets', fields, 'close ticket', true);
		return await this.getTicket(id);
	}

	async reopenTicket(id: string, status?: Ref): Promise<Ticket> {
		const ticketId = this.id('Ticket', id);
		const open = (await this.named('status')).filter((s) => s.id !== String(COMPLETE_STATUS));
		const target = hasRef(status)
			? Number(resolveRef(this.node, 'status', status, open, 'open statuses').id)
			: await this.defaultOpenStatus();
		await this.write(
			'PATCH',
			'/V1.0/Tickets',
			{ id: ticketId, status: target },
			'reopen ticket',
			true,
		);
		return await this.getTicket(id);
	}

	/** The status picklist's default (New), unless that is Complete. */
	private async defaultOpenStatus(): Promise<number> {
		const values = (await this.picklist('status')).filter(
			(v) => v.value !== String(COMPLETE_STATUS),
		);
		const chosen = values.find((v) => v.isDefaultValue) ?? values.find((v) => v.value === '1');
		return chosen ? Number(chosen.value) : NEW_STATUS;
	}

	async getCompany(id: string): Promise<Company> {
		return toCompany(
			await this.item(
				'Companies',
				'company',
				this.id('Company', id),
				AtCompanySchema,
				'get company',
			),
		);
	}

	/** `companyName contains` (the node keeps whole-name matches), `companyNumber eq` for the identifier. */
	async searchCompanies(
		query: { name?: string; identifier?: string },
		paging: Paging,
	): Promise<Company[]> {
		const filter: Filter[] = [];
		if (query.name) filter.push({ op: 'contains', field: 'companyName', value: query.name });
		if (query.identifier) filter.push(eq('companyNumber', query.identifier));
		const rows = await this.all('Companies', filter, AtCompanySchema, 'search companies', paging);
		return rows.sort((a, b) => a.companyName.localeCompare(b.companyName)).map(toCompany);
	}

	/**
	 * `ConfigurationItems/query`: a name is the item's reference title or the host name the RMM
	 * audit reported (`rmmDeviceAuditHostname`), compared whole, case aside.
	 */
	async findConfigurations(query: ConfigurationQuery, paging: Paging): Promise<Configuration[]> {
		const filter: Filter[] = [];
		if (query.companyId) filter.push(eq('companyID', this.id('Company', query.companyId)));
		if (query.name)
			filter.push({
				op: 'or',
				items: [eq('referenceTitle', query.name), eq('rmmDeviceAuditHostname', query.name)],
			});
		if (query.serialNumber) filter.push(eq('serialNumber', query.serialNumber));
		const same = (a: unknown, b: string) =>
			typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
		const rows = (
			await this.all(
				'ConfigurationItems',
				filter,
				AtConfigurationItemSchema,
				'find configurations',
				paging,
			)
		).filter(
			(c) =>
				(!query.name ||
					same(c.referenceTitle, query.name) ||
					same(c.rmmDeviceAuditHostname, query.name)) &&
				(!query.serialNumber || same(c.serialNumber, query.serialNumber)),
		);
		const typeName = await this.ciTypes();
		return rows.map((c) => toConfiguration(c, typeName));
	}

	/**
	 * The ticket's own `configurationItemID` when it has none (PATCH), else an additional
	 * configuration item (`POST /V1.0/Tickets/{id}/AdditionalConfigurationItems`).
	 */
	async attachConfiguration(
		ticketId: string,
		configurationId: string,
	): Promise<{ configuration: Configuration; attached: boolean }> {
		const ciId = this.id('Configuration', configurationId);
		const [ticket, item, typeName] = await Promise.all([
			this.ticketRecord(ticketId, 'attach configuration'),
			this.item(
				'ConfigurationItems',
				'configuration item',
				ciId,
				AtConfigurationItemSchema,
				'get configuration',
			),
			this.ciTypes(),
		]);
		const configuration = toConfiguration(item, typeName);
		if (ticket.configurationItemID === ciId) return { configuration, attached: false };
		if (!ticket.configurationItemID) {
			await this.write(
				'PATCH',
				'/V1.0/Tickets',
				{ id: ticket.id, configurationItemID: ciId },
				'attach configuration',
				true,
			);
			return { configuration, attached: true };
		}
		const additional = await collect(
			nextUrlPages(this.transport, {
				request: {
					method: 'GET',
					path: `/V1.0/Tickets/${ticket.id}/AdditionalConfigurationItems`,
					operation: 'attach configuration',
				},
				items: (body) =>
					parseVendorResponse(this.node, atItems(AtAdditionalCiSchema), body, {
						vendor: VENDOR,
						operation: 'attach configuration',
					}).items,
				pageSize: MAX_RECORDS,
				nextUrl: (body) =>
					(body as { pageDetails?: { nextPageUrl?: string | null } } | undefined)?.pageDetails
						?.nextPageUrl,
			}),
			{ returnAll: true, limit: 0 },
		);
		if (additional.some((a) => a.configurationItemID === ciId))
			return { configuration, attached: false };
		// Not resent on a lost answer: a second POST would attach the item twice.
		await this.write(
			'POST',
			`/V1.0/Tickets/${ticket.id}/AdditionalConfigurationItems`,
			{ ticketID: ticket.id, configurationItemID: ciId },
			'attach configuration',
		);
		return { configuration, attached: true };
	}

	async listBoards(): Promise<Choice[]> {
		return (await this.named('queueID')).map((q) => ({ name: q.name, value: q.id }));
	}

	async listStatuses(): Promise<Choice[]> {
		return (await this.named('status')).map((s) => ({ name: s.name, value: s.id }));
	}

	/**
	 * Autotask marks no status but Complete as closed: Close offers Complete first, then every other
	 * status (the tenant's own "Resolved"…); Reopen every status but Complete.
	 */
	async listTicketStatuses(state: 'open' | 'closed'): Promise<Choice[]> {
		const all = await this.named('status');
		const complete = all.filter((s) => s.id === String(COMPLETE_STATUS));
		const others = all.filter((s) => s.id !== String(COMPLETE_STATUS));
		const rows = state === 'open' ? others : [...complete, ...others];
		return rows.map((s) => ({ name: s.name, value: s.id }));
	}

	async listPriorities(): Promise<Choice[]> {
		return (await this.named('priority')).map((p) => ({ name: p.name, value: p.id }));
	}
}

/** A note's title: its first line, shortened to what Autotask keeps. */
function noteTitle(note: NoteInput): string {
	const first = note.text.trim().split(/\r?\n/)[0] || (note.resolution ? 'Resolution' : 'Note');
	return first.length > NOTE_TITLE_MAX ? `${first.slice(0, NOTE_TITLE_MAX - 1)}…` : first;
}

/** Texts compared the way Autotask may hand them back: line endings and outer whitespace aside. */
function sameText(stored: string | null | undefined, sent: string): boolean {
	const norm = (value: string) => value.replace(/\r\n?/g, '\n').trim();
	return norm(stored ?? '') === norm(sent);
}
