import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { ninjaOneBaseUrl } from '../../../../credentials/MspNinjaOneApi.credentials';
import type { Alert, Device, Job, Patch, Transport, VendorProfile } from '../../../shared';
import {
	afterIdPages,
	collect,
	cursorPages,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { positiveWholeNumber, positiveWholeNumberRule, type RmmIdKind } from '../ids';
import type {
	DeviceSearch,
	FleetPatchSearch,
	PatchState,
	RmmCapabilities,
	RmmCompany,
	RmmProvider,
	RmmScript,
	ScriptRunRequest,
} from '../types';
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
	type NinjaDevice,
	type NinjaPatch,
} from './schemas';

/**
 * [unverified] NinjaOne publishes neither a page-size maximum nor a rate limit for API v2:
 * 1000 per page is what its own SDKs use; 429s are retried with Retry-After by the transport.
 */
const PAGE_SIZE = 1000;
const SEARCH_LIMIT = 1000;

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

const SERVER_CLASSES = NINJA_SERVER_CLASSES.join(',');
const WORKSTATION_CLASSES = NINJA_WORKSTATION_CLASSES.join(',');
/** Words and examples of NinjaOne ids, for the messages of `idProblem`. */
const ID_WORDS: Record<RmmIdKind, [string, string]> = {
	device: ['device', '1013'],
	company: ['organization', '2'],
	script: ['script', '101'],
};

export class NinjaOneProvider implements RmmProvider {
	readonly name = 'NinjaOne';

	readonly capabilities: RmmCapabilities = {
		alertReset: true,
		patchScan: true,
		scriptExitCode: true,
		scriptRunAs: true,
	};

	/** Organizations, read once per execution and shared by every item. */
	private organizationList?: Promise<Array<{ id: number; name: string }>>;

	/** Ids of the device roles that mark domain controllers, read once per execution when needed. */
	private dcRoles?: Promise<Set<number>>;

	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
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
		if (positiveWholeNumber(value) !== undefined) return undefined;
		const [word, example] = ID_WORDS[kind];
		return `a NinjaOne ${word} ID is ${positiveWholeNumberRule(example)}`;
	}

	async getDevice(deviceId: string): Promise<Device> {
		const id = numericId(this.node, deviceId, 'Device');
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
	 * `GET /v2/roles` ("List device roles"): the roles named for domain controllers (or under one).
	 * A tenant whose API answers 403 or 404 there cannot say which servers are domain controllers:
	 * they stay `server` rather than failing the device read.
	 */
	private async domainControllerRoles(): Promise<Set<number>> {
		this.dcRoles ??= this.get('/v2/roles', NinjaNodeRoleListSchema, 'list device roles').then(
			(roles) => domainControllerRoleIds(roles),
			async (error: unknown) => {
				this.dcRoles = undefined;
				const code = httpCode(error);
				if (code === '403' || code === '404') return new Set<number>();
				return await Promise.reject(error);
			},
		);
		return await this.dcRoles;
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
		const pages = afterIdPages<NinjaDevice>(this.transport, {
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
		const pages = afterIdPages(this.transport, {
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
			return name === undefined ? d : { ...d, companyName: name };
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

	/** The fleet-wide patch reports, paged with their cursor: one call per page, not per device. */
	async listFleetPatches(search: FleetPatchSearch): Promise<Patch[]> {
		const df = search.companyId
			? `org = ${numericId(this.node, search.companyId, 'Organization')}`
			: undefined;
		const open = search.statuses.filter((s) => s !== 'installed').map((s) => NINJA_PATCH_STATUS[s]);
		const installs = search.statuses
			.filter((s) => s === 'installed' || s === 'failed')
			.map((s) => NINJA_PATCH_STATUS[s]);
		const rows: NinjaPatch[] = [];
		const limit = search.returnAll ? undefined : search.limit;
		if (open.length)
			rows.push(
				...(await this.report(
					'/v2/queries/os-patches',
					{ status: open.join(','), ...(df ? { df } : {}) },
					limit,
				)),
			);
		if (installs.length && !(limit !== undefined && rows.length >= limit))
			rows.push(
				...(await this.report(
					'/v2/queries/os-patch-installs',
					{ status: installs.join(','), ...(df ? { df } : {}) },
					limit,
				)),
			);
		const patches = dedupe(rows).map((p) => toPatch(p, undefined));
		return limit === undefined ? patches : patches.slice(0, limit);
	}

	private async report(
		path: string,
		qs: Record<string, string>,
		limit: number | undefined,
	): Promise<NinjaPatch[]> {
		const pages = cursorPages(this.transport, {
			request: { method: 'GET', path, qs, operation: 'list fleet patches' },
			items: (body) =>
				parseVendorResponse(this.node, NinjaPatchReportSchema, body, {
					vendor: this.name,
					operation: 'list fleet patches',
				}).results,
			cursor: (body) => (body as { cursor?: { name?: string } | null }).cursor?.name,
			cursorParam: 'cursor',
			pageSize: PAGE_SIZE,
			limit,
			sizeParam: 'pageSize',
		});
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

	private async scriptingOptions(deviceId: string) {
		const id = numericId(this.node, deviceId, 'Device');
		return await this.get(
			`/v2/device/${id}/scripting/options`,
			NinjaScriptingOptionsSchema,
			'get scripting options',
		);
	}

	/**
	 * `POST /v2/device/{id}/script/run` answers 204 without a job id. The run is found as the
	 * device's SCRIPTING job for this script, or, if it already finished, as a SCRIPTING activity
	 * newer than the account's last activity id read just before the run.
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
		const runAs = request.runAs || 'system';
		const roles = options.credentials?.roles ?? [];
		const credentialIds = (options.credentials?.credentials ?? []).map((c) => String(c.id));
		if (roles.length && !roles.includes(runAs) && !credentialIds.includes(runAs)) {
			throw new NodeOperationError(this.node, `Run As "${runAs}" is not allowed for this device`, {
				description: `Allowed: ${[...roles, ...credentialIds.map((c) => `credential ${c}`)].join(', ')}`,
			});
		}
		const watermark =
			(
				await this.get(
					`/v2/device/${id}/activities`,
					NinjaActivityPageSchema,
					'read activity position',
					{ pageSize: 10 },
				)
			).lastActivityId ?? 0;
		const body: Record<string, string | number> = { type: 'SCRIPT', id: Number(script.id), runAs };
		if (request.parameters) body.parameters = request.parameters;
		const queued: Job = {
			id: `after-${watermark}-script-${script.id}`,
			deviceId: request.deviceId,
			kind: 'script',
			name: script.name,
			status: 'queued',
		};
		// A run whose answer was lost is looked for (job or activity since the watermark) before it is sent again.
		return await writeVerified(
			async () => {
				await this.transport.request({
					method: 'POST',
					path: `/v2/device/${id}/script/run`,
					body,
					operation: 'run script',
				});
				return (await this.findScriptRun(request.deviceId, script, watermark)) ?? queued;
			},
			async () => await this.findScriptRun(request.deviceId, script, watermark),
		);
	}

	/** The device's SCRIPTING job for this script, or its SCRIPTING activity newer than the watermark. */
	private async findScriptRun(
		deviceId: string,
		script: { uid?: string; name: string },
		watermark: number,
	): Promise<Job | undefined> {
		const id = numericId(this.node, deviceId, 'Device');
		const matchesScript = (entry: { sourceConfigUid?: string; sourceName?: string }) =>
			(script.uid !== undefined && entry.sourceConfigUid === script.uid) ||
			entry.sourceName === script.name;
		const jobs = await this.get(`/v2/device/${id}/jobs`, NinjaJobListSchema, 'find script job');
		const job = jobs.filter((j) => j.jobType === 'SCRIPTING' && matchesScript(j)).pop();
		if (job)
			return runningJob(
				job.uid,
				deviceId,
				script.name,
				job.jobStatus,
				isoFromEpoch(job.createTime),
				job,
			);
		const done = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'find script activity',
			{ activityType: 'SCRIPTING', newerThan: watermark },
		);
		const activity = done.activities.find((a) => a.seriesUid && matchesScript(a));
		if (activity?.seriesUid) return await this.getScriptRun(deviceId, activity.seriesUid);
		return undefined;
	}

	async getScriptRun(deviceId: string, runId: string): Promise<Job> {
		const id = numericId(this.node, deviceId, 'Device');
		const pending = /^after-(\d+)-script-(\d+)$/.exec(runId);
		const qs: Record<string, string | number> = pending
			? { activityType: 'SCRIPTING', newerThan: Number(pending[1]) }
			: { activityType: 'SCRIPTING', seriesUid: runId };
		const page = await this.get(
			`/v2/device/${id}/activities`,
			NinjaActivityPageSchema,
			'get script result',
			qs,
		);
		const series = pending
			? page.activities.filter((a) => a.seriesUid).slice(-1)[0]?.seriesUid
			: runId;
		const ofRun = page.activities.filter((a) => a.seriesUid === series);
		const completed = ofRun.find(
			(a) => a.statusCode === 'COMPLETED' || (a.activityResult && a.statusCode !== 'STARTED'),
		);
		const started = ofRun.find((a) => a.statusCode === 'STARTED');
		if (completed) return finishedJob(deviceId, completed, isoFromEpoch(started?.activityTime));
		const jobs = await this.get(`/v2/device/${id}/jobs`, NinjaJobListSchema, 'get script job');
		const job = jobs.find((j) => j.uid === series);
		if (job)
			return runningJob(
				job.uid,
				deviceId,
				job.sourceName,
				job.jobStatus,
				isoFromEpoch(job.createTime),
				job,
			);
		if (pending) return { id: runId, deviceId, kind: 'script', status: 'queued' };
		throw new NodeOperationError(
			this.node,
			`NinjaOne has no script run ${runId} on device ${deviceId}`,
			{ description: 'Use the run id returned by Run Script for the same device.' },
		);
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
