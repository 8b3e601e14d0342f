import type {
	Containment,
	ContainmentState,
	Device,
	MitigationAction,
	Severity,
	Threat,
	ThreatStatus,
	Verdict,
} from '../../shared';

export type EdrProviderName = 'sentinelOne' | 'microsoftDefender' | 'huntress' | 'crowdStrike';

export interface ThreatQuery {
	/** Only threats detected at or after this ISO time. */
	since?: string;
	/**
	 * Only threats the vendor created or changed at or after this ISO time, on the vendor's clock
	 * (its own updated time, which it stamps when a record is indexed and on every change).
	 */
	changedSince?: string;
	/** Only these normalized severities (the provider maps them to what the vendor can filter). */
	severities?: Severity[];
	statuses?: ThreatStatus[];
	deviceId?: string;
	hostname?: string;
	/** SentinelOne site ids or Defender machine group names. */
	groups?: string[];
	returnAll: boolean;
	limit?: number;
}

/** Threats as one read returned them, with the vendor's clock at the time of the read. */
export interface ThreatReading {
	threats: Threat[];
	/** The vendor's "now" when it answered (ISO), or undefined when it did not say. */
	vendorNow?: string;
}

export interface ThreatUpdate {
	status?: ThreatStatus;
	verdict?: Verdict;
	comment?: string;
}

/** The statuses and verdicts an EDR's threat update takes, and whether it keeps a comment with it. */
export interface ThreatUpdateSupport {
	statuses: readonly ThreatStatus[];
	verdicts: readonly Verdict[];
	comments: boolean;
}

export interface NoteResult {
	threatId: string;
	text: string;
	added: boolean;
}

export type ContainmentKind = 'isolate' | 'release';

/** What a containment request returned per device: the vendor action to follow, if it has one. */
export interface ContainmentRequest {
	deviceId: string;
	actionId?: string;
	/**
	 * The vendor's reason when it refused this device in a batch request it otherwise took (a 2xx
	 * answer naming per-device errors): the device was not sent and is that item's error.
	 */
	refused?: string;
}

/** A sent request as last read: `failed` carries the vendor's reason when it will not complete. */
export interface ContainmentRead {
	containment: Containment;
	failed?: string;
}

/** Mitigations in vendor-neutral words; each provider supports its own subset. */
export type MitigationKind =
	| 'kill'
	| 'quarantine'
	| 'remediate'
	| 'rollback'
	| 'stopAndQuarantineFile'
	| 'antivirusScan'
	/** Huntress: approve (and so run) every remediation its SOC proposes for the incident report. */
	| 'approveRemediations'
	/** Huntress: reject the proposed remediations, with the comment as the reason. */
	| 'rejectRemediations';

export interface MitigationRequest {
	kind: MitigationKind;
	threat: Threat;
	comment: string;
	/** Defender antivirus scan depth. */
	scanType?: 'Quick' | 'Full';
}

export interface DeviceRef {
	id?: string;
	hostname?: string;
}

/** Per containment request: a dry run describes the request instead of sending it. */
export interface ContainmentRequestOptions {
	dryRun?: boolean;
}

/** One EDR product seen through the words of the MSP. Knows its vendor, never n8n parameters. */
export interface EdrProvider {
	readonly label: string;
	/** Devices per containment request: many for a vendor with a batch endpoint, 1 otherwise. */
	readonly containmentBatchSize: number;
	readonly mitigations: readonly MitigationKind[];
	/** What Threat > Update can record in this EDR; anything else it refuses before any request. */
	readonly threatUpdates: ThreatUpdateSupport;

	listThreats(query: ThreatQuery): Promise<Threat[]>;
	/** As listThreats, together with the vendor's own "now": what a poller keeps its checkpoint by. */
	readThreats(query: ThreatQuery): Promise<ThreatReading>;
	getThreat(id: string): Promise<Threat>;
	updateThreat(id: string, update: ThreatUpdate): Promise<Threat>;
	addNote(id: string, text: string): Promise<NoteResult>;

	/**
	 * What is wrong with a device id for this vendor (its shape), or undefined when it can be one.
	 * Pure: no request. Lets every item be validated before anything is sent.
	 */
	deviceIdProblem(id: string): string | undefined;
	/**
	 * Throws a NodeOperationError naming the device when it does not exist, and one listing every
	 * candidate when a hostname matches several devices (across clients too): never a guess.
	 */
	getDevice(ref: DeviceRef): Promise<Device>;
	/** Devices whose hostname contains the text (for pickers); at most one page. */
	searchDevices(text: string): Promise<Device[]>;
	/**
	 * Many devices with as few reads as the vendor allows (ids in batches; a hostname needs its own
	 * lookup). One entry per ref, in order: the device, or the error naming the missing one.
	 */
	getDevices(refs: DeviceRef[]): Promise<Array<Device | Error>>;
	getContainment(deviceId: string): Promise<Containment>;
	/**
	 * Containment of devices as getDevice/getDevices just returned them: one per device, in order, or
	 * the error for that device. A vendor whose device record carries the state answers from it without
	 * a request; others read in batches. A failed batch read throws.
	 */
	getContainments(devices: Device[]): Promise<Array<Containment | Error>>;
	/**
	 * Sends one request for the batch (at most containmentBatchSize devices), all with this comment.
	 * With `dryRun` it throws the DryRunStop describing the request instead of sending it.
	 */
	requestContainment(
		kind: ContainmentKind,
		deviceIds: string[],
		comment: string,
		options?: ContainmentRequestOptions,
	): Promise<ContainmentRequest[]>;
	/**
	 * Current state of sent requests while waiting, in batches where the vendor allows: one entry per
	 * request, in order, or the error for that device. `actionId` lets vendors with action records read the action.
	 */
	readContainments(
		kind: ContainmentKind,
		requests: ContainmentRequest[],
	): Promise<Array<ContainmentRead | Error>>;

	mitigate(request: MitigationRequest): Promise<MitigationAction>;
	readMitigation(action: MitigationAction): Promise<MitigationAction>;
}

export const CONTAINED: Record<ContainmentKind, ContainmentState> = {
	isolate: 'isolated',
	release: 'released',
};
export const PENDING: Record<ContainmentKind, ContainmentState> = {
	isolate: 'pendingIsolation',
	release: 'pendingRelease',
};
