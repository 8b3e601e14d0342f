/**
 * The simulated MSP estate. One vendor-neutral core (clients, devices, patches, threats,
 * scripts, operations) that every vendor API presents under its own ids, plus a slice per
 * vendor (`vendors[vendorId]`) for records only that vendor has (tickets, articles, ...).
 */

export type DeviceType = 'workstation' | 'server' | 'domainController';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';
export type PatchStatus =
	| 'pending'
	| 'approved'
	| 'installing'
	| 'installed'
	| 'failed'
	| 'rejected';
export type ContainmentState = 'isolated' | 'pendingIsolation' | 'released' | 'pendingRelease';
export type ThreatStatus = 'new' | 'inProgress' | 'resolved';
export type ThreatVerdict = 'undefined' | 'truePositive' | 'falsePositive' | 'suspicious';
export type MitigationKind =
	| 'kill'
	| 'quarantine'
	| 'remediate'
	| 'rollback'
	| 'stopAndQuarantineFile'
	| 'antivirusScan';

/** Ids of one client in every vendor: the same company under each product's own numbering. */
export interface ClientVendorIds {
	connectwiseCompanyId: number;
	connectwiseIdentifier: string;
	haloClientId: number;
	ninjaOrganizationId: number;
	automateClientId: number;
	automateLocationId: number;
	sentinelOneSiteId: string;
	sentinelOneAccountId: string;
	defenderMachineGroup: string;
	huduCompanyId: number;
}

/** The kinds of product an MSP keeps a client in; each may spell the client's name its own way. */
export type ClientProduct = 'psa' | 'rmm' | 'edr' | 'documentation';

export interface Client {
	key: string;
	name: string;
	/** Short code used in hostnames and the PSA identifier. */
	code: string;
	industry: string;
	/**
	 * The client's name where a product spells it differently from `name` (a tenant variation): read it with
	 * `clientName(client, product)` from world/names.ts, never `client.name`, in a vendor presenter.
	 */
	names?: Partial<Record<ClientProduct, string>>;
	ids: ClientVendorIds;
}

export interface DeviceVendorIds {
	ninjaDeviceId: number;
	automateComputerId: number;
	sentinelOneAgentId: string;
	sentinelOneAgentUuid: string;
	defenderMachineId: string;
	huduAssetId: number;
	connectwiseConfigurationId: number;
	haloAssetId: number;
}

export interface Device {
	key: string;
	clientKey: string;
	hostname: string;
	type: DeviceType;
	os: string;
	osBuild: string;
	serialNumber: string;
	ipAddress: string;
	macAddress: string;
	lastLoggedOnUser: string;
	online: boolean;
	lastSeen: string;
	/** Network containment as the EDR sees it. */
	containment: ContainmentState;
	containmentChangedAt?: string;
	/** Scenario flags: an install on this device fails; the device stays offline after a reboot. */
	failsPatchInstall?: boolean;
	staysOfflineAfterReboot?: boolean;
	ids: DeviceVendorIds;
}

export interface Patch {
	key: string;
	deviceKey: string;
	/** Numeric id (Automate update id) and uuid (NinjaOne patch row id) of this patch row. */
	id: number;
	uuid: string;
	kb: string;
	title: string;
	cves: string[];
	severity: Severity;
	category: 'security' | 'critical' | 'definition' | 'featurePack' | 'updateRollup';
	status: PatchStatus;
	releasedAt: string;
	installedAt?: string;
	failureReason?: string;
}

export interface Threat {
	key: string;
	deviceKey: string;
	sentinelOneThreatId: string;
	defenderAlertId: string;
	title: string;
	classification: string;
	severity: Severity;
	confidence: 'malicious' | 'suspicious';
	processName: string;
	filePath: string;
	sha1: string;
	sha256: string;
	signed: boolean;
	signer?: string;
	commandLine: string;
	mitreTechniques: string[];
	detectedAt: string;
	updatedAt: string;
	status: ThreatStatus;
	verdict: ThreatVerdict;
	/** not_mitigated | mitigated | marked_as_benign ... in the neutral words of the engine. */
	mitigationStatus: 'notMitigated' | 'mitigated' | 'partiallyMitigated' | 'benign';
	mitigations: Array<{ kind: MitigationKind; at: string; result: 'succeeded' | 'failed' }>;
	notes: Array<{ id: string; text: string; at: string; author: string }>;
	/** What the scenario is for, so a human reading the state knows the expected handling; `injected` came from POST /_sandbox/threats. */
	scenario:
		| 'ransomware'
		| 'pup'
		| 'falsePositiveAdminTool'
		| 'serverCredentialTheft'
		| 'generated'
		| 'injected';
}

export interface Script {
	key: string;
	ninjaScriptId: number;
	automateScriptId: number;
	name: string;
	description: string;
	language: 'powershell' | 'cmd' | 'bash';
	category: string;
	/** Output the simulated run prints; `{{hostname}}` and `{{params}}` are filled in. */
	output: string;
	exitCode: number;
}

export type OperationKind =
	| 'patchInstall'
	| 'patchScan'
	| 'script'
	| 'isolate'
	| 'release'
	| 'mitigation';
export type OperationStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** Anything a vendor action starts that completes later: patch installs, scans, script runs, containment, mitigation. */
export interface Operation {
	id: string;
	kind: OperationKind;
	vendor: string;
	deviceKey: string;
	status: OperationStatus;
	createdAt: string;
	startedAt?: string;
	finishedAt?: string;
	/** Reads of the operation or its device so far: the state advances on reads as well as on time. */
	reads: number;
	patchKeys?: string[];
	scriptKey?: string;
	parameters?: string;
	runAs?: string;
	threatKey?: string;
	mitigation?: MitigationKind;
	reboot?: boolean;
	output?: string;
	exitCode?: number;
	error?: string;
}

export interface World {
	seed: number;
	scenario: string;
	/** The instant the world was generated for: every seeded timestamp is relative to it. */
	createdAt: string;
	/** Sandbox time minus host time (0 unless `now` was pinned): see clock.ts. */
	clockOffsetMs: number;
	clients: Client[];
	devices: Device[];
	patches: Patch[];
	threats: Threat[];
	scripts: Script[];
	operations: Operation[];
	/** Records only one vendor has (tickets, statuses, articles, tokens): owned by that vendor module. */
	vendors: Record<string, unknown>;
	/** Id sequences, so ids stay unique and reproducible. */
	sequences: Record<string, number>;
	/** The scale the world was seeded with, so vendor seeds can size their own records. */
	scale?: ScaleOptions;
	/** Tenant differences applied on top of the fresh world (empty for the default tenant). */
	variations?: TenantVariations;
}

/**
 * Differences real tenants show, applied on top of a fresh world by a reset (see scenario/variations.ts):
 * a renamed closed status, several closed statuses per board, a client named differently per product.
 */
export interface TenantVariations {
	/** HaloPSA's closed status carries this name (e.g. "Resolved") instead of "Closed". */
	haloClosedStatus?: string;
	/** Every ConnectWise PSA service board closes with these statuses, in this sort order. */
	connectwiseClosedStatuses?: string[];
	/** Client key or code -> the name each kind of product shows for it. */
	clientNames?: Record<string, Partial<Record<ClientProduct, string>>>;
}

export interface ScaleOptions {
	clients: number;
	devicesPerClient: number;
	threats: number;
	/** Tickets each PSA vendor seeds per client (default: enough that searches span pages at small page sizes). */
	ticketsPerClient?: number;
}
