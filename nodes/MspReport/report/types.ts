import type { Evidence, EvidenceOutcome, Severity } from '../../shared';

export type EvidenceKind = 'patch' | 'incident';

/** Hours allowed from detection to remediation, per kind and severity. */
export type SlaHours = Record<EvidenceKind, Record<Severity, number>>;

export interface ReportSettings {
	periodStart: Date;
	periodEnd: Date;
	/** Report clock: open records past their SLA at this time are overdue. */
	now: Date;
	slaHours: SlaHours;
	/** When set, evidence for any other client is an exception ("unknown client"). */
	knownClients: string[];
	/** e.g. 'Compliance report {client} {period}' */
	titleTemplate: string;
	/** IANA zone of the calendar (months, dates in titles) and of the times the report shows. */
	timeZone: string;
}

export type ExceptionReason =
	| 'failed'
	| 'unverified'
	| 'overdue'
	| 'unknownClient'
	| 'invalidRecord'
	| 'invalidDate'
	| 'negativeDuration'
	| 'unreadableRecord';

export interface ReportException {
	reason: ExceptionReason;
	detail: string;
	device: string;
	reference: string;
	kind: string;
	severity: string;
	/** Index of the input item the evidence came from. */
	itemIndex: number;
}

/** One evidence record as it appears in the report, CSV and tables. */
export interface EvidenceRow {
	itemIndex: number;
	client: string;
	device: string;
	kind: string;
	reference: string;
	severity: string;
	outcome: string;
	detectedAt: string;
	slaDueAt: string;
	remediatedAt: string;
	verifiedAt: string;
	verifiedHow: string;
	ticketReference: string;
	hoursToRemediate: number | null;
	withinSla: boolean | null;
	/** False when the record could not be used for the KPIs (see the exceptions). */
	counted: boolean;
}

export interface ReportKpis {
	devicesInScope: number;
	compliantDevices: number;
	compliancePercent: number | null;
	/** Patch records by outcome (the templates write one per device and run). */
	patchesInstalled: number;
	patchesFailed: number;
	patchesPending: number;
	/** Devices with patch records, each counted once: failed before pending before patched. */
	devicesPatched: number;
	devicesFailed: number;
	devicesPending: number;
	incidentsDetected: number;
	incidentsContained: number;
	incidentsResolved: number;
	remediated: number;
	meanHoursToRemediate: number | null;
	p90HoursToRemediate: number | null;
	slaMeasured: number;
	withinSla: number;
	withinSlaPercent: number | null;
	/** The SLA figures of incident records only (the dashboard tile of an incident report). */
	incidentSlaMeasured: number;
	incidentsWithinSla: number;
	incidentsWithinSlaPercent: number | null;
	/** Records still open after their SLA ended (any kind): the headline is never green with one. */
	openPastSla: number;
	exceptions: number;
}

export interface ClientReport {
	client: string;
	title: string;
	period: { start: string; end: string; label: string; timeZone: string };
	generatedAt: string;
	noActivity: boolean;
	kpis: ReportKpis;
	exceptions: ReportException[];
	evidence: EvidenceRow[];
	/** Valid records that fell outside the period (not counted, not exceptions). */
	outsidePeriod: number;
	/** Input items this report was built from (pairedItem). */
	itemIndexes: number[];
	/**
	 * The valid records counted for the period, each with its SLA due date, so a later publish can
	 * recompute the period's figures from every run (see store.ts).
	 */
	records: Evidence[];
}

export type { EvidenceOutcome, Severity };
