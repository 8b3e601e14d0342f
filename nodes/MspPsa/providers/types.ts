import type { Company, Configuration, Ticket, TicketNote, TimeEntry } from '../../shared';

/** A board, queue, status, priority or company named by the user: by id, or by name as shown in the PSA. */
export interface Ref {
	id?: string;
	name?: string;
}

export interface NewTicket {
	summary: string;
	companyId: string;
	description?: string;
	board?: Ref;
	status?: Ref;
	priority?: Ref;
	externalReference?: string;
}

export interface TicketChanges {
	summary?: string;
	board?: Ref;
	status?: Ref;
	priority?: Ref;
}

export interface TicketFilter {
	companyId?: string;
	/** open, closed or both */
	state: 'open' | 'closed' | 'any';
	board?: Ref;
	text?: string;
	updatedSince?: string;
}

export interface Paging {
	returnAll: boolean;
	limit: number;
}

export interface NoteInput {
	text: string;
	/** Internal notes are hidden from the customer. */
	internal: boolean;
	/** Marks the note as the ticket's resolution. */
	resolution: boolean;
}

export interface TimeEntryInput {
	hours: number;
	startedAt: string;
	notes?: string;
	billable: boolean;
	/** Technician identifier (ConnectWise member identifier); the API member when empty. */
	member?: string;
}

export interface ConfigurationQuery {
	companyId?: string;
	name?: string;
	serialNumber?: string;
}

export interface Choice {
	name: string;
	value: string;
	description?: string;
}

/** One PSA in the MSP's words; every provider returns the normalized shapes with the vendor object under raw. */
export interface PsaProvider {
	/** Longest summary the vendor accepts, if it has a documented limit. */
	readonly maxSummaryLength?: number;
	/**
	 * A ticket, company or configuration id the user gave, as the vendor's id type takes it; throws an
	 * error naming `field` and what is allowed. Sends nothing, so it runs before any request.
	 */
	recordId(field: string, id: string): string;
	createTicket(input: NewTicket): Promise<Ticket>;
	/**
	 * The oldest ticket of the company carrying the reference. `missLookBack` is for vendors that
	 * cannot filter on the reference exactly: how many of the company's newest tickets to read when
	 * their narrower server-side search misses (0: every ticket). Providers that filter exactly ignore it.
	 */
	findTicketByReference(
		reference: string,
		companyId: string,
		includeClosed: boolean,
		missLookBack?: number,
	): Promise<Ticket | undefined>;
	/**
	 * Every open ticket of the company carrying this external reference: Find or Create reads it back
	 * after creating, to converge with a run that created one at the same moment. Tickets a race
	 * duplicated are the newest the company has, so a provider may read only its newest ones.
	 */
	listOpenTicketsByReference(reference: string, companyId: string): Promise<Ticket[]>;
	getTicket(id: string): Promise<Ticket>;
	searchTickets(filter: TicketFilter, paging: Paging): Promise<Ticket[]>;
	updateTicket(id: string, changes: TicketChanges): Promise<Ticket>;
	/** The ticket's notes, every page, oldest first where the vendor orders them. */
	listNotes(ticketId: string): Promise<TicketNote[]>;
	/** Adds the note; a POST whose answer was lost is read back (by its text on the ticket) before any resend. */
	addNote(ticketId: string, note: NoteInput): Promise<TicketNote>;
	addTimeEntry(ticketId: string, entry: TimeEntryInput): Promise<TimeEntry>;
	/**
	 * Moves the ticket to a closed status after adding the resolution note, unless the ticket already
	 * has a resolution note with this text (a rerun of a close whose status change failed). `status`
	 * chooses among the closed statuses; without it the vendor's default closed status is used, found
	 * from the PSA's own status data, never by a status name.
	 */
	closeTicket(id: string, resolution: string, status?: Ref): Promise<Ticket>;
	reopenTicket(id: string, status?: Ref): Promise<Ticket>;
	getCompany(id: string): Promise<Company>;
	searchCompanies(
		query: { name?: string; identifier?: string },
		paging: Paging,
	): Promise<Company[]>;
	findConfigurations(query: ConfigurationQuery, paging: Paging): Promise<Configuration[]>;
	/** Attaches the configuration; `attached: false` when it already was. */
	attachConfiguration(
		ticketId: string,
		configurationId: string,
	): Promise<{ configuration: Configuration; attached: boolean }>;
	listBoards(): Promise<Choice[]>;
	listStatuses(board?: Ref): Promise<Choice[]>;
	/** Statuses Close (`closed`) or Reopen (`open`) accepts, for the ticket's board where the vendor has boards. */
	listTicketStatuses(state: 'open' | 'closed', ticketId?: string): Promise<Choice[]>;
	listPriorities(): Promise<Choice[]>;
}
