import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { ninjaOneBaseUrl } from '../../../../credentials/MspNinjaOneApi.credentials';
import type {
	Alert,
	Device,
	Job,
	Patch,
	PatchStatus,
	ScopedCache,
	Transport,
	VendorProfile,
} from '../../../shared';
import {
	collect,
	cursorPages,
	ExecutionCache,
	filterPages,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { isUuid, positiveWholeNumber, positiveWholeNumberRule, type RmmIdKind } from '../ids';
import { afterIdUntilEmpty } from '../paging';
import type {
	DeviceSearch,
	FleetPatchSearch,
	PatchState,
	RmmCapabilities,
	RmmCompany,
	RmmEditorFacts,
	RmmProvider,
	RmmScript,
	ScriptRunRequest,
} from '../types';
import { runLookupFrom } from '../types';
import {
	domainControllerRoleIds,
	finishedJob,
	isoFromEpoch,
	mayBeDomainController,
	NINJA_PATCH_STATUS,
	NINJA_SERVER_CLASSES,
	NINJA_WORKSTATION_CLASSES,
	runningJob,
	toAlert,
	toDevice,
	toPatch,
} from './mappers';
import {
	NinjaActivityPageSchema,
	NinjaAlertListSchema,
	NinjaAutomationScriptListSchema,
	NinjaDeviceListSchema,
	NinjaDeviceSchema,
	NinjaDeviceSearchSchema,
	NinjaJobListSchema,
	NinjaNodeRoleListSchema,
	NinjaOrganizationListSchema,
	NinjaPatchListSchema,
	NinjaPatchReportSchema,
	NinjaScriptingOptionsSchema,
	type NinjaActivity,
	type NinjaDevice,
	type NinjaPatch,
} from './schemas';
import { NINJA_RUN_AS_ROLES, runAsFor } from './runAs';

/**
 * [unverified] NinjaOne publishes neither a page-size maximum nor a rate limit for API v2:
 * 1000 per page is what its own SDKs use; 429s are retried with Retry-After by the transport.
 * Because the maximum is unverified, keyset lists are read until an empty page (see `paging.ts`).
 */
const PAGE_SIZE = 1000;
const SEARCH_LIMIT = 1000;
/** `pageSize` of the activity endpoints: the spec allows 10 to 1000 (default 200). */
const ACTIVITY_PAGE_MAX = 1000;
const ACTIVITY_PAGE_MIN = 10;

/**
 * The id of a run whose job was not seen yet: "the first run of script S on the device after
 * activity W", plus the SCRIPTING jobs of that script already on the device before the run (never
 * this run). Old ids without the `-not-` part are still followed.
 */
const PENDING_RUN = /^after-(\d+)-script-(\d+)(?:-not-([0-9a-f.-]+))?$/i;
function pendingRunId(watermark: number, scriptId: string, before: readonly string[]): string {
	return `after-${watermark}-script-${scriptId}${before.length ? `-not-${before.join('.')}` : ''}`;
}

export const NINJAONE_CAPABILITIES: RmmCapabilities = {
	alertReset: true,
	patchScan: true,
	scriptExitCode: true,
	scriptRunAs: true,
};

/** What the editor offers for NinjaOne. */
export const NINJAONE_EDITOR: RmmEditorFacts = {
	value: 'ninjaOne',
	name: 'NinjaOne',
	capabilities: NINJAONE_CAPABILITIES,
	runAs: NINJA_RUN_AS_ROLES.map((r) => ({
		name: r.name,
		value: r.value,
		description: r.description,
	})),
	// `RunScriptRequest.parameters` is one string ("Action/Script parameters").
	scriptParameters: {
		placeholder: '-Drive C -Verbose',
		description:
			'One command line, passed to the script as NinjaOne passes parameters typed in its console',
	},
};

export const NINJAONE_PROFILE: VendorProfile = {
	vendor: 'NinjaOne',
	credentialType: 'mspNinjaOneApi',
	baseUrl: (credentials) => ninjaOneBaseUrl(credentials),
	errorMessage: (body) => {
		if (!body || typeof body !== 'object') return undefined;
		const b = body as Record<string, unknown>;
		const parts = [b.errorMessage, b.resultCode, b.error_description, b.error].filter(
			(p): p is string => typeof p === 'string' && p.length > 0,
		);
		return parts[0];
	},
};

/** The key a device's shared read is kept under, and the record a write to the device touches. */
const deviceRecord = (id: number) => `device:${id}`;

const SERVER_CLASSES = NINJA_SERVER_CLASSES.join(',');
const WORKSTATION_CLASSES = NINJA_WORKSTATION_CLASSES.join(',');
/** Words and examples of NinjaOne ids, for the messages of `idProblem`. */
const ID_WORDS: Record<'device' | 'company' | 'script', [string, string]> = {
	device: ['device', '1013'],
	company: ['organization', '2'],
	script: ['script', '101'],
};

export class NinjaOneProvider implements RmmProvider {
	readonly name = 'NinjaOne';

	readonly capabilities: RmmCapabilities = NINJAONE_CAPABILITIES;

	/** Organizations, read once per execution and shared by every item. */
	private organizationList?: Promise<Array<{ id: number; name: string }>>;

	/** Scripting options per device, read once per execution (a wait polls the same device). */
	private readonly scripting = new Map<
		number,
		ReturnType<NinjaOneProvider['readScriptingOptions']>
	>();

	/**
	 * @param shared reads shared with the other nodes of the execution: a device read by the Device
	 * node is reused by the install's online check, until something is sent to the device.
	 */
	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
		private readonly shared: ScopedCache = new ExecutionCache().scoped(''),
	) {}

	private async get<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		operation: string,
		qs?: Record<string, string | number>,
	): Promise<z.output<S>> {
		return await requestParsed(this.transport, this.node, schema, { path, qs, operation });
	}

	idProblem(kind: RmmIdKind, value: string): string | undefined {
		const text = String(value ?? '').trim();
		if (kind === 'alert')
			return isUuid(text)
				? undefined
				: 'a NinjaOne alert ID is the alert uid, a UUID such as d5e4c3b2-a190-4f8e-9d7c-6b5a4f3e2d1c';
		if (kind === 'run')
			return isUuid(text) || PENDING_RUN.test(text)
				? undefined
				: 'a NinjaOne run ID is the id Run Script returned: a job uid (UUID) or after-<activity>-script-<id>';
		if (positiveWholeNumber(text) !== undefined) return undefined;
		const [word, example] = ID_WORDS[kind];
		return `a NinjaOne ${word} ID is ${positiveWholeNumberRule(example)}`;
	}

	/** NinjaOne takes any single string as a script's parameters. */
	scriptParametersProblem(): string | undefined {
		return undefined;
	}

	/**
	 * `GET /v2/device/{id}`, or the read of it another node of this execution made, while that is
	 * recent and nothing was sent to the device since (see `executionCache`): the install's online
	 * check may use the Device node's read, the rescan and the read-back after an install never do.
	 */
	async getDevice(deviceId: string): Promise<Device> {
		const id = numericId(this.node, deviceId, 'Device');
		const record = deviceRecord(id);
		return await this.shared.get(record, async () => await this.readDevice(id, deviceId), {
			record,
		});
	}

	private async readDevice(id: number, deviceId: string): Promise<Device> {
		let raw: NinjaDevice;
		try {
			raw = await this.get(`/v2/device/${id}`, NinjaDeviceSchema, 'get device');
		} catch (error) {
			throw notFound(this.node, error, `NinjaOne has no device with id ${deviceId}`);
		}
		return (await this.devices([raw]))[0];
	}

	/**
	 * Vendor devices as normalized ones. A server's role decides whether it is a domain controller,
	 * so the device roles are read (once per execution) only when a server with a role is among them.
	 */
	private async devices(raws: NinjaDevice[]): Promise<Device[]> {
		const dcRoles = raws.some(mayBeDomainController)
			? await this.domainControllerRoles()
			: undefined;
		return await this.withCompanyNames(raws.map((raw) => toDevice(raw, dcRoles)));
	}

	/**
	 * `GET /v2/roles` ("List device roles"): the roles named for domain controllers (or under one),
	 * read once per execution for every node on the credential.
	 * A tenant whose API answers 403 or 404 there cannot say which servers are domain controllers:
	 * they stay `server` rather than failing the device read.
	 */
	private async domainControllerRoles(): Promise<Set<number>> {
		return await this.shared.get('roles', async () => {
			try {
				return domainControllerRoleIds(
					await this.get('/v2/roles', NinjaNodeRoleListSchema, 'list device roles'),
				);
			} catch (error) {
				const code = httpCode(error);
				if (code === '403' || code === '404') return new Set<number>();
				return await Promise.reject(error);
			}
		});
	}

	async searchDevices(search: DeviceSearch): Promise<Device[]> {
		if (search.hostname) {
			// The device list has no hostname filter; the search endpoint matches names, users and addresses.
			const found = await this.get(
				'/v2/devices/search',
				NinjaDeviceSearchSchema,
				'search devices',
				{ q: search.hostname, limit: SEARCH_LIMIT },
			);
			const needle = search.hostname.toLowerCase();
			const companyId =
				search.companyId === undefined
					? undefined
					: String(numericId(this.node, search.companyId, 'Organization'));
			const devices = await this.devices(
				found.devices.filter((d) => (d.systemName ?? '').toLowerCase().includes(needle)),
			);
			const filtered = devices.filter((d) => matches(d, { ...search, companyId }));
			return search.returnAll ? filtered : filtered.slice(0, search.limit ?? 50);
		}
		const df = deviceFilter(this.node, search);
		const pages = afterIdUntilEmpty<NinjaDevice>(this.transport, {
			request: {
				method: 'GET',
				path: '/v2/devices',
				qs: df ? { df } : {},
				operation: 'search devices',
			},
			items: (body) =>
				parseVendorResponse(this.node, NinjaDeviceListSchema, body, {
					vendor: this.name,
					operation: 'search devices',
				}),
			pageSize: PAGE_SIZE,
			limit: search.returnAll ? undefined : search.limit,
			afterParam: 'after',
			sizeParam: 'pageSize',
			idOf: (device) => device.id,
		});
		return await this.devices(
			await collect(pages, { returnAll: search.returnAll, limit: search.limit }),
		);
	}

	async findDevicesByHostname(hostname: string): Promise<Device[]> {
		const found = await this.get(
			'/v2/devices/search',
			NinjaDeviceSearchSchema,
			'find device by hostname',
			{ q: hostname, limit: SEARCH_LIMIT },
		);
		const wanted = hostname.toLowerCase();
		return await this.devices(
			found.devices.filter((d) => (d.systemName ?? '').toLowerCase() === wanted),
		);
	}

	async listCompanies(filter?: string): Promise<RmmCompany[]> {
		const orgs = await this.organizationsOnce();
		const needle = filter?.toLowerCase();
		return orgs
			.filter((o) => !needle || o.name.toLowerCase().includes(needle))
			.map((o) => ({ id: String(o.id), name: o.name, raw: o }));
	}

	private async organizations() {
		const pages = afterIdUntilEmpty(this.transport, {
			request: { method: 'GET', path: '/v2/organizations', operation: 'list organizations' },
			items: (body) =>
				parseVendorResponse(this.node, NinjaOrganizationListSchema, body, {
					vendor: this.name,
					operation: 'list organizations',
				}),
			pageSize: PAGE_SIZE,
			afterParam: 'after',
			sizeParam: 'pageSize',
			idOf: (org) => org.id,
		});
		return await collect(pages, { returnAll: true });
	}

	/** The organizations, read at most once per execution (a failed read is not kept). */
	private async organizationsOnce(): Promise<Array<{ id: number; name: string }>> {
		this.organizationList ??= this.organizations().catch(async (error: unknown) => {
			this.organizationList = undefined;
			return await Promise.reject(error);
		});
		return await this.organizationList;
	}

	/**
	 * The device list and search return `organizationId` without the organization (its `references`
	 * are filled only on the device detail, or [unverified] with an `expand` parameter the spec does
	 * not list), so the names come from `GET /v2/organizations`, read at most once per execution and
	 * only when a device lacks its name. Every device operation then returns the same fields.
	 */
	private async withCompanyNames(devices: Device[]): Promise<Device[]> {
		if (!devices.some((d) => d.companyId !== undefined && d.companyName === undefined))
			return devices;
		const names = new Map((await this.organizationsOnce()).map((o) => [String(o.id), o.name]));
		return devices.map((d) => {
			const name =
				d.companyName === undefined && d.companyId !== undefined
					? names.get(d.companyId)
					: undefined;
			return name === undefined ? d : { ...d, companyName: name, company: { ...d.company, name } };
		});
	}

	/** Pending, approved, failed and rejected patches plus the install history, one row per patch. */
	async listPatches(deviceId: string): Promise<Patch[]> {
		const id = numericId(this.node, deviceId, 'Device');
		const [open, installs] = await Promise.all([
			this.get(`/v2/device/${id}/os-patches`, NinjaPatchListSchema, 'list device patches'),
			this.get(
				`/v2/device/${id}/os-patch-installs`,
				NinjaPatchListSchema,
				'list device patch installs',
			),
		]);
		return dedupe([...open, ...installs]).map((p) => toPatch(p, deviceId));
	}

	/**
	 * The fleet-wide patch reports, paged with their cursor: one listing per report, not per device.
	 * [unverified] The spec types the reports' `status` filter as one string and says nothing of
	 * several values (comma-joined or repeated). So one wanted status is sent as itself, which
	 * every reading takes, and several are not sent at all: the report is read whole and filtered
	 * here, which no reading of the filter can cut short.
	 */
	async listFleetPatches(search: FleetPatchSearch): Promise<Patch[]> {
		const df = search.companyId
			? `org = ${numericId(this.node, search.companyId, 'Organization')}`
			: undefined;
		const open = search.statuses.filter((s) => s !== 'installed');
		const installs = search.statuses.filter((s) => s === 'installed' || s === 'failed');
		const limit = search.returnAll ? undefined : search.limit;
		const rows: NinjaPatch[] = [];
		if (open.length) rows.push(...(await this.report('/v2/queries/os-patches', open, df, limit)));
		if (installs.length && !(limit !== undefined && rows.length >= limit))
			rows.push(...(await this.report('/v2/queries/os-patch-installs', installs, df, limit)));
		const patches = dedupe(rows).map((p) => toPatch(p, undefined));
		return limit === undefined ? patches : patches.slice(0, limit);
	}

	/** One report's rows of the wanted statuses: the filter sent only when it names one status. */
	private async report(
		path: string,
		statuses: PatchStatus[],
		df: string | undefined,
		limit: number | undefined,
	): Promise<NinjaPatch[]> {
		const qs: Record<string, string> = df ? { df } : {};
		if (statuses.length === 1) qs.status = NINJA_PATCH_STATUS[statuses[0]];
		const wanted = (row: NinjaPatch) => statuses.includes(toPatch(row, undefined).status);
		const pages = filterPages(
			cursorPages(this.transport, {
				request: { method: 'GET', path, qs, operation: 'list fleet patches' },
				items: (body) =>
					parseVendorResponse(this.node, NinjaPatchReportSchema, body, {
						vendor: this.name,
						operation: 'list fleet patches',
					}).results,
				cursor: (body) => (body as { cursor?: { name?: string } | null }).cursor?.name,
				cursorParam: 'cursor',
				pageSize: PAGE_SIZE,
				// A filtered read may keep few rows per page: ask for full pages, stop at the limit.
				limit: statuses.length === 1 ? limit : undefined,
				sizeParam: 'pageSize',
			}),
			wanted,
		);
		return await collect(pages, { returnAll: limit === undefined, limit });
	}

	async patchState(deviceId: string): Promise<PatchState> {
		const id = numericId(this.node, deviceId, 'Device');
		const jobs = await this.get(`/v2/device/${id}/jobs`, NinjaJobListSchema, 'get patch jobs');
		const jobRunning = jobs.some((j) => j.jobType === 'PATCH_MANAGEMENT');
		return { deviceId, jobRunning, patches: await this.listPatches(deviceId) };
	}

	async scanPatches(deviceId: string): Promise<void> {
		await this.patchAction(deviceId, 'scan');
	}

	async applyApprovedPatches(deviceId: string): Promise<void> {
		await this.patchAction(deviceId, 'apply');
	}

	/** 204, or 400 "Device is not applicable for os apply/scan" (offline, unsupported OS, no patch policy). */
	private async patchAction(deviceId: string, action: 'scan' | 'apply'): Promise<void> {
		const id = numericId(this.node, deviceId, 'Device');
		// Later reads of the device must see what the install or scan changed (a reboot, new patch states).
		this.shared.touch(deviceRecord(id));
		try {
			await this.transport.request({
				method: 'POST',
				path: `/v2/device/${id}/patch/os/${action}`,
				operation: `${action} patches`,
			});
		} catch (error) {
			if (httpCode(error) === '400') {
				throw new NodeOperationError(
					this.node,
					`NinjaOne cannot ${action === 'apply' ? 'apply patches on' : 'scan'} device ${deviceId}: the device is not applicable for OS patch ${action}`,
					{
						description:
							'NinjaOne answers this when the device is offline, its OS is not patched by NinjaOne, or its policy has OS patch management turned off.',
					},
				);
			}
			throw notFound(this.node, error, `NinjaOne has no device with id ${deviceId}`);
		}
	}

	async listScripts(filter?: string, deviceId?: string): Promise<RmmScript[]> {
		let scripts: RmmScript[];
		if (deviceId) {
			const options = await this.scriptingOptions(deviceId);
			const categories = new Map((options.categories ?? []).map((c) => [c.id, c.name]));
			scripts = options.scripts
				.filter((s) => s.type === 'SCRIPT' && s.id !== undefined)
				.map((s) => ({
					id: String(s.id),
					name: s.name,
					description: s.description,
					language: s.language,
					category: s.categoryId === undefined ? undefined : categories.get(s.categoryId),
					raw: s,
				}));
		} else {
			const list = await this.get(
				'/v2/automation/scripts',
				NinjaAutomationScriptListSchema,
				'list scripts',
			);
			scripts = list.map((s) => ({
				id: String(s.id),
				name: s.name,
				description: s.description,
				language: s.language,
				raw: s,
			}));
		}
		const needle = filter?.toLowerCase();
		return scripts.filter((s) => !needle || s.name.toLowerCase().includes(needle));
	}

	/** The device's scripting options (scripts, run-as roles and credentials), once per execution. */
	private async scriptingOptions(deviceId: string) {
		const id = numericId(this.node, deviceId, 'Device');
		let options = this.scripting.get(id);
		if (!options) {
			options = this.readScriptingOptions(id);
			this.scripting.set(id, options);
			options.catch(() => this.scripting.delete(id));
		}
		return await options;
	}

	private async readScriptingOptions(id: number) {
		return await this.get(
			`/v2/device/${id}/scripting/options`,
			NinjaScriptingOptionsSchema,
			'get scripting options',
		);
	}

	/** The SCRIPT entry of the device's scripting options with this id, or undefined. */
	private async scriptFor(deviceId: string, scriptId: string) {
		const options = await this.scriptingOptions(deviceId);
		return options.scripts.find((s) => s.type === 'SCRIPT' && String(s.id) === scriptId);
	}

	/**
	 * `POST /v2/device/{id}/script/run` answers 204 without a job id, so the run is recognised by
	 * what was on the device before it: the newest activity id (the watermark) and the SCRIPTING
	 * jobs of this script already running. The run is then this script's SCRIPTING job that was not
	 * there before, or a SCRIPTING activity series that began after the watermark; an earlier run's
	 * result, even one that completes after this run was sent, is never reported as this run's.
	 * [unverified] Nothing ties a run to its request: a run of the same script on the same device
	 * that someone else starts between the watermark and this request cannot be told apart.
	 */
	async runScript(request: ScriptRunRequest): Promise<Job> {
		const id = numericId(this.node, request.deviceId, 'Device');
		const options = await this.scriptingOptions(request.deviceId);
		const script = options.scripts.find(
			(s) => s.type === 'SCRIPT' && String(s.id) === request.scriptId,
		);
		if (!script)
			throw new NodeOperationError(
				this.node,
				`Script ${request.scriptId} is not available for device ${request.deviceId} in NinjaOne`,
				{
					description:
						'Pick a script from the list for this device; scripts are offered per OS and architecture.',
				},
			);
		const runAs = this.runAsFor(request.runAs || 'system', options.credentials);
		const watermark = await this.activityWatermark(id);
		const before = await this.scriptJobs(request.deviceId, script);
		const body: Record<string, string | number> = { type: 'SCRIPT', id: Number(script.id), runAs };
		if (request.parameters) body.parameters = request.parameters;
		const marks: RunMarks = { watermark, before: new Set(before.map((j) => j.uid)) };
		const queued: Job = {
			id: pendingRunId(watermark, String(script.id), [...marks.before]),
			deviceId: request.deviceId,
			kind: 'script',
			name: script.name,
			status: 'queued',
		};
		// A script may restart the device or change what later steps read of it.
		this.shared.touch(deviceRecord(id));
		// A run whose answer was lost is looked for (new job or activity series) before it is sent again.
		return await writeVerified(
			async () => {
				await this.transport.request({
					method: 'POST',
					path: `/v2/device/${id}/script/run`,
					body,
					operation: 'run script',
				});
				return (await this.findScriptRun(request.deviceId, script, marks)) ?? queued;
			},
			async () => await this.findScriptRun(request.deviceId, script, marks),
		);
	}

	/**
	 * The device's earliest run of this script started since `since` (less the clock allowance): the
	 * oldest activity series of the script whose every activity is that recent (from the newest 1000
	 * SCRIPTING activities of the device), else a SCRIPTING job of the script created since then that
	 * has no activity yet. NinjaOne keeps no request id on a run, so a run someone else started counts
	 * as well.
	 */
	async findScriptRunSince(
		deviceId: string,
		scriptId: string,
		since: string,
	): Promise<Job | undefined> {
		const script = await this.scriptFor(deviceId, scriptId);
		if (!script) return undefined;
		const from = runLookupFrom(since);
		const atOrAfter = (epoch: number | undefined) => {
			const at = Date.parse(isoFromEpoch(epoch) ?? '');
			return !Number.isNaN(at) && at >= from;
		};
		const id = numericId(this.node, deviceId, 'Device');
		const page = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'find script activity',
			{ activityType: 'SCRIPTING', pageSize: ACTIVITY_PAGE_MAX },
		);
		const series = new Map<string, NinjaActivity[]>();
		for (const a of page.activities)
			if (a.seriesUid && isOfScript(a, script))
				series.set(a.seriesUid, [...(series.get(a.seriesUid) ?? []), a]);
		const recent = [...series.entries()]
			.filter(([, activities]) => activities.every((a) => atOrAfter(a.activityTime)))
			.sort(([, a], [, b]) => Math.min(...a.map((x) => x.id)) - Math.min(...b.map((x) => x.id)));
		if (recent.length) return await this.runOfSeries(deviceId, recent[0][0], recent[0][1]);
		const [job] = (await this.scriptJobs(deviceId, script))
			.filter((j) => atOrAfter(j.createTime))
			.sort((a, b) => (a.createTime ?? 0) - (b.createTime ?? 0));
		return job && scriptRunOf(job, deviceId, script);
	}

	/** The run-as value as this device takes it, or an error naming what it allows. */
	private runAsFor(
		requested: string,
		credentials: { roles?: string[]; credentials?: Array<{ id: number }> } | undefined,
	): string {
		const choice = runAsFor(
			requested,
			credentials?.roles ?? [],
			(credentials?.credentials ?? []).map((c) => String(c.id)),
		);
		if (choice.send !== undefined) return choice.send;
		throw new NodeOperationError(
			this.node,
			`Run As "${requested}" is not allowed for this device: ${choice.problem}`,
			{ description: choice.problem },
		);
	}

	/**
	 * The newest activity id before the run: the account's `lastActivityId` ("Last recorded activity
	 * ID for account") or the device's newest activity, whichever is higher.
	 */
	private async activityWatermark(id: number): Promise<number> {
		const page = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'read activity position',
			{ pageSize: ACTIVITY_PAGE_MIN },
		);
		return Math.max(page.lastActivityId ?? 0, ...page.activities.map((a) => a.id));
	}

	/** The device's SCRIPTING jobs of this script (by config uid or, without one, by name). */
	private async scriptJobs(deviceId: string, script: ScriptIdentity) {
		const id = numericId(this.node, deviceId, 'Device');
		const jobs = await this.get(`/v2/device/${id}/jobs`, NinjaJobListSchema, 'find script job');
		return jobs.filter((j) => j.jobType === 'SCRIPTING' && isOfScript(j, script));
	}

	/**
	 * SCRIPTING activities newer than the watermark. The spec's wording of the two filters is the
	 * reverse of their names: `olderThan` - "Return activities recorded that are newer than specified
	 * activity ID"; `newerThan` - "Return activities recorded that are older than specified activity
	 * ID". So `olderThan` asks for the newer ones, as the spec says; the ids are checked here as well,
	 * so a server that reads the names the other way can return nothing older as this run's.
	 */
	private async activitiesAfter(deviceId: string, watermark: number): Promise<NinjaActivity[]> {
		const id = numericId(this.node, deviceId, 'Device');
		const page = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'find script activity',
			{ activityType: 'SCRIPTING', olderThan: watermark, pageSize: ACTIVITY_PAGE_MAX },
		);
		return page.activities.filter((a) => a.id > watermark);
	}

	/** Every activity of one series (a job's uid), whatever its position. */
	private async series(deviceId: string, seriesUid: string): Promise<NinjaActivity[]> {
		const id = numericId(this.node, deviceId, 'Device');
		const page = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'get script result',
			{ activityType: 'SCRIPTING', seriesUid, pageSize: ACTIVITY_PAGE_MAX },
		);
		return page.activities.filter((a) => a.seriesUid === seriesUid);
	}

	/**
	 * This run: a SCRIPTING job of the script that was not on the device before it, else the first
	 * activity series of the script that began after the watermark (every activity of the series is
	 * newer than it). Undefined while neither shows.
	 */
	private async findScriptRun(
		deviceId: string,
		script: ScriptIdentity,
		marks: RunMarks,
	): Promise<Job | undefined> {
		const job = (await this.scriptJobs(deviceId, script)).find((j) => !marks.before.has(j.uid));
		if (job) return scriptRunOf(job, deviceId, script);
		const candidates = (await this.activitiesAfter(deviceId, marks.watermark))
			.filter((a) => a.seriesUid && isOfScript(a, script) && !marks.before.has(a.seriesUid))
			.sort((a, b) => a.id - b.id);
		for (const seriesUid of new Set(candidates.map((a) => a.seriesUid as string))) {
			const activities = await this.series(deviceId, seriesUid);
			if (activities.every((a) => a.id > marks.watermark))
				return await this.runOfSeries(deviceId, seriesUid, activities);
		}
		return undefined;
	}

	/** A series as a run: finished when it has a completed activity, else its job, else undefined. */
	private async runOfSeries(
		deviceId: string,
		seriesUid: string,
		activities: NinjaActivity[],
	): Promise<Job | undefined> {
		const completed = activities.find(
			(a) => a.statusCode === 'COMPLETED' || (a.activityResult && a.statusCode !== 'STARTED'),
		);
		const started = activities.find((a) => a.statusCode === 'STARTED');
		if (completed) return finishedJob(deviceId, completed, isoFromEpoch(started?.activityTime));
		const id = numericId(this.node, deviceId, 'Device');
		const jobs = await this.get(`/v2/device/${id}/jobs`, NinjaJobListSchema, 'get script job');
		const job = jobs.find((j) => j.uid === seriesUid);
		if (!job) return undefined;
		return runningJob(
			job.uid,
			deviceId,
			job.sourceName,
			job.jobStatus,
			isoFromEpoch(job.createTime),
			job,
		);
	}

	async getScriptRun(deviceId: string, runId: string): Promise<Job> {
		const pending = PENDING_RUN.exec(runId.trim());
		if (pending) return await this.pendingRun(deviceId, runId.trim(), pending);
		const run = await this.runOfSeries(deviceId, runId, await this.series(deviceId, runId));
		if (run) return run;
		throw new NodeOperationError(
			this.node,
			`NinjaOne has no script run ${runId} on device ${deviceId}`,
			{ description: 'Use the run id returned by Run Script for the same device.' },
		);
	}

	/** A run Run Script returned before its job showed: looked for again with the same marks. */
	private async pendingRun(deviceId: string, runId: string, match: RegExpExecArray): Promise<Job> {
		const [, watermark, scriptId, before] = match;
		const script = await this.scriptFor(deviceId, scriptId);
		const marks: RunMarks = {
			watermark: Number(watermark),
			before: new Set(before ? before.split('.') : []),
		};
		const found = script ? await this.findScriptRun(deviceId, script, marks) : undefined;
		return found ?? { id: runId, deviceId, kind: 'script', name: script?.name, status: 'queued' };
	}

	async listAlerts(filter: { companyId?: string; deviceId?: string }): Promise<Alert[]> {
		const alerts = filter.deviceId
			? await this.get(
					`/v2/device/${numericId(this.node, filter.deviceId, 'Device')}/alerts`,
					NinjaAlertListSchema,
					'list device alerts',
				)
			: await this.get(
					'/v2/alerts',
					NinjaAlertListSchema,
					'list alerts',
					filter.companyId
						? { df: `org = ${numericId(this.node, filter.companyId, 'Organization')}` }
						: undefined,
				);
		return alerts.map(toAlert);
	}

	async resetAlert(alertId: string): Promise<void> {
		try {
			await this.transport.request({
				method: 'DELETE',
				path: `/v2/alert/${encodeURIComponent(alertId)}`,
				operation: 'reset alert',
			});
		} catch (error) {
			throw notFound(
				this.node,
				error,
				`NinjaOne has no active alert ${alertId} (it may have been reset already)`,
			);
		}
	}
}

/** What was on the device before a run: the newest activity id and the script's jobs. */
interface RunMarks {
	watermark: number;
	before: Set<string>;
}

/** A script as its jobs and activities name it. */
interface ScriptIdentity {
	uid?: string;
	name: string;
}

/**
 * Whether a job or activity is of this script: its config uid or its name. [unverified] Whether the
 * script's `uid` in the scripting options is the `sourceConfigUid` of its jobs, so the name counts too.
 */
function isOfScript(
	entry: { sourceConfigUid?: string; sourceName?: string },
	script: ScriptIdentity,
): boolean {
	return (
		(script.uid !== undefined && entry.sourceConfigUid === script.uid) ||
		entry.sourceName === script.name
	);
}

function matches(device: Device, search: DeviceSearch): boolean {
	if (search.companyId && device.companyId !== search.companyId) return false;
	if (search.online !== undefined && device.online !== search.online) return false;
	// Domain controllers are servers, as in the class filter of the device list.
	const kind = device.type === 'domainController' ? 'server' : device.type;
	if (search.type && kind !== search.type) return false;
	return true;
}

/** NinjaOne's device filter (`df`): clauses joined by AND. */
function deviceFilter(node: INode, search: DeviceSearch): string | undefined {
	const clauses: string[] = [];
	if (search.companyId) clauses.push(`org = ${numericId(node, search.companyId, 'Organization')}`);
	if (search.type)
		clauses.push(`class in (${search.type === 'server' ? SERVER_CLASSES : WORKSTATION_CLASSES})`);
	if (search.online !== undefined) clauses.push(search.online ? 'online' : 'offline');
	return clauses.length ? clauses.join(' AND ') : undefined;
}

function dedupe(rows: NinjaPatch[]): NinjaPatch[] {
	const seen = new Map<string, NinjaPatch>();
	for (const row of rows)
		if (!seen.has(`${row.deviceId ?? ''}:${row.id}`))
			seen.set(`${row.deviceId ?? ''}:${row.id}`, row);
	return [...seen.values()];
}

/** The id as NinjaOne numbers it, or an error naming the id and what is allowed, before any request. */
function numericId(node: INode, value: string, what: string): number {
	const id = positiveWholeNumber(value);
	if (id === undefined) {
		const rule = positiveWholeNumberRule(what === 'Organization' ? '2' : '1013');
		throw new NodeOperationError(
			node,
			`${what} ID "${value}" is not valid for NinjaOne: use ${rule}`,
			{ description: `A NinjaOne ${what.toLowerCase()} ID is ${rule}.` },
		);
	}
	return id;
}

function httpCode(error: unknown): string | undefined {
	const code = (error as { httpCode?: unknown })?.httpCode;
	return code === undefined || code === null ? undefined : String(code);
}

/** A 404 becomes a clear "not found"; every other error keeps the vendor's message. */
function notFound(node: INode, error: unknown, message: string): Error {
	if (httpCode(error) === '404')
		return new NodeOperationError(node, message, {
			description: (error as { message?: string }).message,
		});
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(node, error as JsonObject);
}

/** A SCRIPTING job of the device as the run of that script, still queued or running. */
function scriptRunOf(
	job: z.infer<typeof NinjaJobListSchema>[number],
	deviceId: string,
	script: ScriptIdentity,
): Job {
	return runningJob(
		job.uid,
		deviceId,
		script.name,
		job.jobStatus,
		isoFromEpoch(job.createTime),
		job,
	);
}
