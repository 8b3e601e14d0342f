import type { Alert, Device, DeviceType, Job, Patch, PatchStatus } from '../../shared';
import type { RmmIdKind } from './ids';

export type { RmmIdKind } from './ids';

/** An organization (NinjaOne) or client (Automate): the MSP's customer in the RMM. */
export interface RmmCompany {
	id: string;
	name: string;
	raw?: unknown;
}

export interface DeviceSearch {
	companyId?: string;
	/** Part of the hostname. */
	hostname?: string;
	online?: boolean;
	/** `server` includes domain controllers (they are servers in both RMMs' own filters). */
	type?: Exclude<DeviceType, 'domainController'>;
	returnAll: boolean;
	limit?: number;
}

export interface FleetPatchSearch {
	companyId?: string;
	statuses: PatchStatus[];
	returnAll: boolean;
	limit?: number;
	concurrency: number;
}

/** The patches a device has and whether a patch job is running on it right now. */
export interface PatchState {
	deviceId: string;
	jobRunning: boolean;
	patches: Patch[];
}

export interface RmmScript {
	id: string;
	name: string;
	description?: string;
	language?: string;
	category?: string;
	raw?: unknown;
}

export interface ScriptRunRequest {
	deviceId: string;
	scriptId: string;
	/** In the RMM's own form (see `RmmEditorFacts.scriptParameters`), checked by `scriptParametersProblem`. */
	parameters?: string;
	/** One of `RmmEditorFacts.runAs` or a saved credential's id; only where `scriptRunAs`. */
	runAs?: string;
}

/** A choice the editor offers; `value` is what the provider receives. */
export interface RmmChoice {
	name: string;
	value: string;
	description?: string;
}

/**
 * What the editor shows per provider, so actions build fields from vendor facts without knowing the
 * vendor: which operations exist, who a script can run as, and how script parameters are written.
 */
export interface RmmEditorFacts {
	/** The Provider parameter's value. */
	value: string;
	name: string;
	capabilities: RmmCapabilities;
	/** Accounts a script can run as (only where `capabilities.scriptRunAs`); a saved credential is given by id. */
	runAs?: RmmChoice[];
	/** How the RMM takes script parameters. */
	scriptParameters: { placeholder: string; description: string };
}

/** What a vendor can and cannot do, so actions can say so before sending anything. */
export interface RmmCapabilities {
	/** Alerts can be reset or cleared through the API. */
	alertReset: boolean;
	/** A patch scan can be started through the API. */
	patchScan: boolean;
	/** Script runs report an exit code. */
	scriptExitCode: boolean;
	/** Scripts can run as another account. */
	scriptRunAs: boolean;
}

/** One RMM vendor in vendor-neutral words; implemented once per vendor. */
export interface RmmProvider {
	readonly name: string;
	readonly capabilities: RmmCapabilities;
	/**
	 * What is wrong with an id given for this vendor, said as what is allowed ("a NinjaOne device ID
	 * is a positive whole number..."), or undefined when it has the vendor's shape. No request is sent.
	 */
	idProblem(kind: RmmIdKind, value: string): string | undefined;
	/** What is wrong with script parameters for this vendor (undefined when they fit); no request is sent. */
	scriptParametersProblem(parameters: string): string | undefined;
	getDevice(deviceId: string): Promise<Device>;
	searchDevices(search: DeviceSearch): Promise<Device[]>;
	/** Devices whose hostname matches exactly (case-insensitive), in every client. */
	findDevicesByHostname(hostname: string): Promise<Device[]>;
	/** Organizations/clients whose name contains the filter (all without one). */
	listCompanies(filter?: string): Promise<RmmCompany[]>;
	listPatches(deviceId: string): Promise<Patch[]>;
	listFleetPatches(search: FleetPatchSearch): Promise<Patch[]>;
	patchState(deviceId: string): Promise<PatchState>;
	scanPatches(deviceId: string): Promise<void>;
	/**
	 * Throws when the account lacks a setting Apply needs (a credential field), before anything is
	 * sent; providers that need none leave it out.
	 */
	checkPatchApply?(): Promise<void>;
	/**
	 * Starts the install of the device's approved patches; nothing is chosen per patch. Says
	 * `alreadyRunning` where the RMM shows an install this package started still running, and
	 * nothing new was sent.
	 */
	applyApprovedPatches(deviceId: string): Promise<PatchApplyStart | void>;
	listScripts(filter?: string, deviceId?: string): Promise<RmmScript[]>;
	runScript(request: ScriptRunRequest): Promise<Job>;
	/**
	 * The device's earliest run of this script that the RMM shows as started at or after `since` (an ISO
	 * time, read with `RUN_CLOCK_ALLOWANCE_MS` of slack for the clocks involved), whoever started it;
	 * undefined when there is none. Its id is one `getScriptRun` follows. What lets a workflow that
	 * lost its own record of a run (a ticket note that could not be written) find it again instead of
	 * running the script twice.
	 */
	findScriptRunSince(deviceId: string, scriptId: string, since: string): Promise<Job | undefined>;
	getScriptRun(deviceId: string, runId: string): Promise<Job>;
	listAlerts(filter: { companyId?: string; deviceId?: string }): Promise<Alert[]>;
	resetAlert(alertId: string): Promise<void>;
}

/**
 * Slack when a run is looked up by the time it started: that time comes from the RMM's clock and the
 * time looked from from another system's (a PSA ticket's creation), so a run up to this much earlier
 * still counts.
 */
export const RUN_CLOCK_ALLOWANCE_MS = 5 * 60 * 1000;

/** `since` less the allowance, in epoch ms; NaN when `since` is not a time. */
export function runLookupFrom(since: string): number {
	return Date.parse(since) - RUN_CLOCK_ALLOWANCE_MS;
}

/** What Apply Approved did on the device. */
export interface PatchApplyStart {
	/** An install this package started is still running: nothing new was sent. */
	alreadyRunning?: boolean;
}
