import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import type { Alert, Device, Job, Patch, RequestSpec, Transport } from '../../../shared';
import {
	collect,
	filterPages,
	mapWithConcurrency,
	nextUrlPages,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { isUuid, type RmmIdKind } from '../ids';
import type {
	DeviceSearch,
	FleetPatchSearch,
	PatchApplyStart,
	PatchState,
	RmmCapabilities,
	RmmCompany,
	RmmEditorFacts,
	RmmProvider,
	RmmScript,
	ScriptRunRequest,
} from '../types';
import { runLookupFrom } from '../types';
import { jobRun, resultRun, toAlert, toDevice, toPatch } from './mappers';
import { componentVariables, variablesProblem } from './parameters';
import { DATTO_VENDOR } from './profile';
import {
	DattoActivityPageSchema,
	DattoAlertsPageSchema,
	DattoComponentsPageSchema,
	DattoDeviceSchema,
	DattoDevicesPageSchema,
	DattoJobResultsSchema,
	DattoJobSchema,
	DattoPatchesPageSchema,
	DattoQuickJobSchema,
	DattoSitesPageSchema,
	DattoStdDataSchema,
	type DattoComponent,
	type DattoDevice,
	type DattoJob,
	type DattoSite,
} from './schemas';

/**
 * `max` of every paged list. [unverified] `GET /v2/system/pagination` tells the server's maximum;
 * 250 is what Datto's own examples and every known client ask for. Paging follows
 * `pageDetails.nextPageUrl` (absolute, with `/api`) until it is null or "".
 */
const PAGE_SIZE = 250;
/** Alerts page apart ("except alerts pagination"); 100 is what Datto's examples use. */
const ALERT_PAGE_SIZE = 100;

export const DATTO_CAPABILITIES: RmmCapabilities = {
	// `POST /v2/alert/{alertUid}/resolve`.
	alertReset: true,
	// No API starts a patch scan: the agent audits on its own schedule.
	patchScan: false,
	// Job results report Success/Failure per component, not an exit code.
	scriptExitCode: false,
	// Components run as the agent (SYSTEM); a quick job takes no other account.
	scriptRunAs: false,
};

export const DATTO_EDITOR: RmmEditorFacts = {
	value: 'dattoRmm',
	name: 'Datto RMM',
	capabilities: DATTO_CAPABILITIES,
	// `jobComponent.variables[{name, value}]`: names must be the component's variables.
	scriptParameters: {
		placeholder: 'Days=14|Drive=C',
		description:
			'The component’s variables as name=value pairs separated by |; each name must be a variable of the component',
	},
};

const ID_WORDS: Record<RmmIdKind, string> = {
	device: 'device ID is the device uid',
	company: 'site ID is the site uid',
	script: 'component ID is the component uid',
	alert: 'alert ID is the alert uid',
	run: 'run ID is the job uid Run Script returned',
};
const EXAMPLE_UID = '1c6e3c7e-8f7b-4b7e-9b8e-0d2a1c3b4d5e';

/** What Datto RMM's API cannot do, said before anything is sent. */
const NO_PATCH_SCAN =
	'Datto RMM’s API cannot start a patch scan: the agent audits patches on its own schedule.';

/** The credential's settings the provider reads besides the login. */
export interface DattoSettings {
	/** The component (name or uid) Apply Approved Patches runs as a quick job; "" when not set. */
	patchComponent: string;
}

/** Where Apply's component is configured, as the editor names it. */
const PATCH_COMPONENT_FIELD = 'Patch Install Component';
const CREDENTIAL_NAME = 'MSP Datto RMM API';

/**
 * The quick jobs of Apply Approved Patches carry this and the device's uid in their name,
 * `<component> (n8n patch <device uid> <mark>)`, so a running one is found again (by any run)
 * before a second one is started. [unverified] Datto documents no limit on a job name's length.
 */
const PATCH_JOB_TAG = 'n8n patch';
const patchJobTag = (deviceUid: string) => `${PATCH_JOB_TAG} ${deviceUid}`;

/**
 * How far back the activity log is searched for a running patch job. Datto answers the last 15
 * minutes by default; an install can run for hours. [unverified] How long Datto keeps a quick job
 * active for an offline device: one that old is not waited for.
 */
const PATCH_JOB_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/** Running patch jobs looked at per read, newest first (one is the rule). */
const PATCH_JOBS_CHECKED = 5;

export class DattoRmmProvider implements RmmProvider {
	readonly name = DATTO_VENDOR;

	readonly capabilities: RmmCapabilities = DATTO_CAPABILITIES;

	private siteList?: Promise<DattoSite[]>;

	private componentList?: Promise<DattoComponent[]>;

	/** Device uid -> the patch job this node run started there: read directly, not searched for. */
	private readonly patchJobsStarted = new Map<string, string>();

	/**
	 * @param reads paced at Datto's read budget; @param writes (quick jobs, alert resolves) at its
	 * per-operation write budget (see profile.ts).
	 */
	constructor(
		private readonly reads: Transport,
		private readonly writes: Transport,
		private readonly node: INode,
		private readonly settings: () => Promise<DattoSettings> = async () => ({
			patchComponent: '',
		}),
	) {}

	idProblem(kind: RmmIdKind, value: string): string | undefined {
		const text = String(value ?? '').trim();
		if (kind === 'script') return /^[A-Za-z0-9-]+$/.test(text) ? undefined : scriptIdRule();
		return isUuid(text)
			? undefined
			: `a Datto RMM ${ID_WORDS[kind]}, a UUID such as ${EXAMPLE_UID}`;
	}

	scriptParametersProblem(parameters: string): string | undefined {
		return variablesProblem(parameters);
	}

	private uid(kind: RmmIdKind, value: string, what: string): string {
		const problem = this.idProblem(kind, value);
		if (problem)
			throw new NodeOperationError(
				this.node,
				`${what} ID "${value}" is not valid for Datto RMM: ${problem}`,
				{ description: `In Datto RMM, ${problem}.` },
			);
		return String(value).trim();
	}

	private async get<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		operation: string,
		qs?: Record<string, string | number>,
	): Promise<z.output<S>> {
		return await requestParsed(this.reads, this.node, schema, { path, qs, operation });
	}

	/** A paged list: `page`/`max` on the first request, then `pageDetails.nextPageUrl`. */
	private pages<T>(
		request: Omit<RequestSpec, 'method'>,
		schema: z.ZodTypeAny,
		items: (body: Record<string, unknown>) => T[] | null | undefined,
		opts: { limit?: number; pageSize?: number } = {},
	): AsyncGenerator<T[]> {
		return nextUrlPages<T>(this.reads, {
			request: { method: 'GET', ...request, qs: { page: 0, ...request.qs } },
			items: (body) =>
				items(
					parseVendorResponse(this.node, schema, body, {
						vendor: this.name,
						operation: request.operation,
					}) as Record<string, unknown>,
				) ?? [],
			nextUrl: (body) =>
				(body as { pageDetails?: { nextPageUrl?: string | null } } | undefined)?.pageDetails
					?.nextPageUrl || undefined,
			pageSize: opts.pageSize ?? PAGE_SIZE,
			limit: opts.limit,
			sizeParam: 'max',
		});
	}

	async getDevice(deviceId: string): Promise<Device> {
		return toDevice(await this.rawDevice(this.uid('device', deviceId, 'Device')));
	}

	/**
	 * The site's devices (`GET /v2/site/{siteUid}/devices`) or the account's, with Datto's partial
	 * `hostname` filter. Datto has no online or class filter: both are applied here, after paging.
	 */
	async searchDevices(search: DeviceSearch): Promise<Device[]> {
		const needle = search.hostname?.toLowerCase();
		const request = search.companyId
			? {
					path: `/api/v2/site/${this.uid('company', search.companyId, 'Site')}/devices`,
					operation: 'search devices',
				}
			: {
					path: '/api/v2/account/devices',
					qs: search.hostname ? { hostname: search.hostname } : {},
					operation: 'search devices',
				};
		const filtered = search.online !== undefined || !!search.type || !!needle;
		const pages = filterPages(
			this.pages<DattoDevice>(request, DattoDevicesPageSchema, (b) => b.devices as DattoDevice[], {
				limit: search.returnAll || filtered ? undefined : search.limit,
			}),
			(raw) => {
				const device = toDevice(raw);
				if (needle && !device.hostname.toLowerCase().includes(needle)) return false;
				if (search.online !== undefined && device.online !== search.online) return false;
				return !search.type || device.type === search.type;
			},
		);
		return (await collect(pages, { returnAll: search.returnAll, limit: search.limit })).map(
			toDevice,
		);
	}

	/** Datto's `hostname` filter matches parts of names: only exact (case-insensitive) matches are kept. */
	async findDevicesByHostname(hostname: string): Promise<Device[]> {
		const wanted = hostname.trim().toLowerCase();
		const pages = this.pages<DattoDevice>(
			{
				path: '/api/v2/account/devices',
				qs: { hostname: hostname.trim() },
				operation: 'find device by hostname',
			},
			DattoDevicesPageSchema,
			(b) => b.devices as DattoDevice[],
		);
		const all = await collect(pages, { returnAll: true });
		return all.filter((d) => (d.hostname ?? '').toLowerCase() === wanted).map(toDevice);
	}

	async listCompanies(filter?: string): Promise<RmmCompany[]> {
		const needle = filter?.toLowerCase();
		return (await this.sites())
			.filter((s) => !needle || s.name.toLowerCase().includes(needle))
			.map((s) => ({ id: s.uid, name: s.name, raw: s }));
	}

	/** `GET /v2/account/sites`, read at most once per node run (a failed read is not kept). */
	private async sites(): Promise<DattoSite[]> {
		this.siteList ??= collect(
			this.pages<DattoSite>(
				{ path: '/api/v2/account/sites', operation: 'list sites' },
				DattoSitesPageSchema,
				(b) => b.sites as DattoSite[],
			),
			{ returnAll: true },
		).catch(async (error: unknown) => {
			this.siteList = undefined;
			return await Promise.reject(error);
		});
		return await this.siteList;
	}

	/** `GET /v2/device/{deviceUid}/patches` (Build 235): installed, approved-pending and not-approved patches. */
	async listPatches(deviceId: string): Promise<Patch[]> {
		const uid = this.uid('device', deviceId, 'Device');
		return await this.devicePatches(uid);
	}

	private async devicePatches(uid: string, installStatus?: string): Promise<Patch[]> {
		try {
			const pages = this.pages(
				{
					path: `/api/v2/device/${uid}/patches`,
					qs: installStatus ? { installStatus } : {},
					operation: 'list device patches',
				},
				DattoPatchesPageSchema,
				(b) => b.patches as z.infer<typeof DattoPatchesPageSchema>['patches'],
			);
			const rows = await collect(pages, { returnAll: true });
			return rows.flatMap((row) => toPatch(row, uid) ?? []);
		} catch (error) {
			throw notFound(this.node, error, `Datto RMM has no device with uid ${uid}`);
		}
	}

	/**
	 * The devices of the site (or account), then the patches of each device whose patch counts
	 * (`patchManagement`) say it has some in a wanted status. Datto keeps no per-patch failure: a
	 * failed install shows as the device's `patchStatus` InstallError, so `failed` finds nothing here.
	 */
	async listFleetPatches(search: FleetPatchSearch): Promise<Patch[]> {
		const devices = await this.searchDevices({ companyId: search.companyId, returnAll: true });
		const wanted = devices.filter((d) => mayHave(d.raw as DattoDevice, search.statuses));
		const limit = search.returnAll ? undefined : search.limit;
		let found = 0;
		const lists = await mapWithConcurrency(wanted, search.concurrency, async (device) => {
			// Enough rows already: the devices still waiting are not read.
			if (limit !== undefined && found >= limit) return [];
			const kept = (await this.devicePatches(device.id)).filter((p) =>
				search.statuses.includes(p.status),
			);
			found += kept.length;
			return kept;
		});
		const all = lists.flat();
		return limit === undefined ? all : all.slice(0, limit);
	}

	/**
	 * The device's patches and whether a patch quick job of Apply is still active (`GET /v2/job`).
	 * Datto keeps install failures per device: once no patch job runs and the device's
	 * `patchManagement.patchStatus` (`GET /v2/device/{deviceUid}`, read after the job) is
	 * InstallError, its approved patches still pending are the ones that failed, and read `failed`.
	 */
	async patchState(deviceId: string): Promise<PatchState> {
		const uid = this.uid('device', deviceId, 'Device');
		const active = await this.activePatchJob(uid);
		const patches = await this.devicePatches(uid);
		const pending = !active && patches.some((p) => p.status === 'approved');
		const device = pending ? await this.rawDevice(uid) : undefined;
		const installError = device?.patchManagement?.patchStatus === 'InstallError';
		return {
			deviceId,
			jobRunning: !!active,
			patches: installError
				? patches.map((p) => (p.status === 'approved' ? { ...p, status: 'failed' } : p))
				: patches,
		};
	}

	private async rawDevice(uid: string): Promise<DattoDevice> {
		try {
			return await this.get(`/api/v2/device/${uid}`, DattoDeviceSchema, 'get device');
		} catch (error) {
			throw notFound(this.node, error, `Datto RMM has no device with uid ${uid}`);
		}
	}

	async scanPatches(deviceId: string): Promise<void> {
		this.uid('device', deviceId, 'Device');
		throw new NodeOperationError(this.node, NO_PATCH_SCAN, {
			description: 'Read the patch status instead; it reflects the last audit.',
		});
	}

	/** The credential names the component that installs patches; without it nothing is sent. */
	async checkPatchApply(): Promise<void> {
		await this.patchComponentSetting();
	}

	/**
	 * Datto RMM API v2 has no patch install endpoint: the component the credential names (a ComStore
	 * or custom component that installs the approved updates) runs as a quick job,
	 * `PUT /v2/device/{deviceUid}/quickjob`. While a patch job of this package is still active on
	 * the device, nothing new is started.
	 */
	async applyApprovedPatches(deviceId: string): Promise<PatchApplyStart> {
		const uid = this.uid('device', deviceId, 'Device');
		const wanted = await this.patchComponentSetting();
		const component = await this.patchInstallComponent(wanted);
		if (await this.activePatchJob(uid)) return { alreadyRunning: true };
		const job = await this.startQuickJob(uid, component, [], {
			tag: patchJobTag(uid),
			operation: 'apply patches',
		});
		this.patchJobsStarted.set(uid, job.id);
		return {};
	}

	private async patchComponentSetting(): Promise<string> {
		const wanted = String((await this.settings()).patchComponent ?? '').trim();
		if (wanted) return wanted;
		throw new NodeOperationError(
			this.node,
			`Apply Approved Patches on Datto RMM needs the ${PATCH_COMPONENT_FIELD} of the credential: it is empty`,
			{
				description: `Datto RMM’s API has no patch install call; Apply runs the ComStore or custom component your account uses to install approved Windows updates, as a quick job. Enter its name or uid in the ${PATCH_COMPONENT_FIELD} field of the ${CREDENTIAL_NAME} credential.`,
			},
		);
	}

	/** The component by uid, or by its exact name (not case-sensitive), which must be one component. */
	private async patchInstallComponent(wanted: string): Promise<DattoComponent> {
		const all = await this.components();
		const key = wanted.toLowerCase();
		const byUid = all.find((c) => c.uid.toLowerCase() === key);
		if (byUid) return byUid;
		const named = all.filter((c) => c.name.trim().toLowerCase() === key);
		if (named.length === 1) return named[0];
		const where = `the ${PATCH_COMPONENT_FIELD} of the ${CREDENTIAL_NAME} credential`;
		if (named.length > 1)
			throw new NodeOperationError(
				this.node,
				`${named.length} Datto RMM components are named "${wanted}": ${named.map(componentLabel).join('; ')}`,
				{ description: `Enter the uid of the one that installs approved patches in ${where}.` },
			);
		const nearby = componentsNear(all, wanted);
		throw new NodeOperationError(
			this.node,
			`Datto RMM has no component named "${wanted}" (${where})`,
			{
				description: nearby.length
					? `Components with a similar name: ${nearby.map(componentLabel).join('; ')}.`
					: `None of the account’s ${all.length} components has a similar name; add the ComStore component that installs updates to the account, or enter your own component’s name.`,
			},
		);
	}

	/**
	 * The newest active quick job of Apply on the device, read with `GET /v2/job/{jobUid}`: the one
	 * this node run started, else Apply's jobs of the last day in the activity log
	 * (`GET /v2/activity-logs`, found by the tag and device uid in their name), newest first, until
	 * one is still active.
	 */
	private async activePatchJob(deviceUid: string): Promise<DattoJob | undefined> {
		const started = this.patchJobsStarted.get(deviceUid);
		const jobUids = started ? [started] : await this.patchJobUids(deviceUid);
		for (const jobUid of jobUids) {
			const job = await this.get(`/api/v2/job/${jobUid}`, DattoJobSchema, 'get patch job');
			if (job.status !== 'completed') return job;
		}
		return undefined;
	}

	private async patchJobUids(deviceUid: string): Promise<string[]> {
		const tag = patchJobTag(deviceUid);
		const activities = await this.jobActivities('find patch jobs', {
			searchQuery: tag,
			from: utcSeconds(Date.now() - PATCH_JOB_LOOKBACK_MS),
			size: 100,
		});
		return activities
			.filter((a) => (a.details ?? '').toLowerCase().includes(`(${tag.toLowerCase()} `))
			.sort((a, b) => Number(b.date ?? 0) - Number(a.date ?? 0))
			.slice(0, PATCH_JOBS_CHECKED)
			.flatMap((a) => uidInDetails(a.details ?? '', deviceUid) ?? []);
	}

	/** Components of the account (`GET /v2/account/components`); they run on any device. */
	async listScripts(filter?: string): Promise<RmmScript[]> {
		const needle = filter?.toLowerCase();
		return (await this.components())
			.filter((c) => !needle || c.name.toLowerCase().includes(needle))
			.map((c) => ({
				id: c.uid,
				name: c.name,
				description: c.description ?? undefined,
				category: c.categoryCode ?? undefined,
				raw: c,
			}));
	}

	private async components(): Promise<DattoComponent[]> {
		this.componentList ??= collect(
			this.pages<DattoComponent>(
				{ path: '/api/v2/account/components', operation: 'list components' },
				DattoComponentsPageSchema,
				(b) => b.components as DattoComponent[],
			),
			{ returnAll: true },
		).catch(async (error: unknown) => {
			this.componentList = undefined;
			return await Promise.reject(error);
		});
		return await this.componentList;
	}

	/** The component as a quick job on the device; its job (`job.uid`) is the run id. */
	async runScript(request: ScriptRunRequest): Promise<Job> {
		const uid = this.uid('device', request.deviceId, 'Device');
		const componentUid = this.uid('script', request.scriptId, 'Component');
		const problem = variablesProblem(request.parameters ?? '');
		if (problem) throw new NodeOperationError(this.node, problem);
		const component = (await this.components()).find((c) => c.uid === componentUid);
		if (!component)
			throw new NodeOperationError(
				this.node,
				`Datto RMM has no component ${componentUid} in this account`,
				{ description: 'Pick a component from the list (Script > Get Many).' },
			);
		const variables = componentVariables(this.node, request.parameters ?? '', component);
		return await this.startQuickJob(uid, component, variables, {
			tag: 'n8n',
			operation: 'run script',
		});
	}

	/**
	 * `PUT /v2/device/{deviceUid}/quickjob` with the component and its variables, named
	 * `<component> (<tag> <mark>)`. A PUT, but each one starts a new job: it is never sent again
	 * blindly. After a lost answer the job is looked for in the activity log by its name, which
	 * carries a mark of this run, before it is sent again.
	 */
	private async startQuickJob(
		uid: string,
		component: DattoComponent,
		variables: Array<{ name: string; value: string }>,
		{ tag, operation }: { tag: string; operation: string },
	): Promise<Job> {
		const jobName = `${component.name} (${tag} ${runMark()})`;
		return await writeVerified(
			async () => {
				const answer = await this.writes.request({
					method: 'PUT',
					path: `/api/v2/device/${uid}/quickjob`,
					body: {
						jobName,
						jobComponent: { componentUid: component.uid, variables },
					},
					operation,
					idempotent: false,
				});
				const { job } = parseVendorResponse(this.node, DattoQuickJobSchema, answer, {
					vendor: this.name,
					operation,
				});
				return jobRun(job, uid);
			},
			async () => await this.findQuickJob(uid, jobName),
		);
	}

	/**
	 * The device's earliest quick job of this component since `since` (less the clock allowance), from
	 * the activity log (`from`, job category, oldest first). An entry names its device by `deviceId`
	 * (the device's numeric `id`): one naming another device is never this device's, whatever its
	 * hostname (the same name is often used at two sites). [unverified] An entry without `deviceId`
	 * is taken by its `hostname` or the device uid in `details`; one naming neither is not taken.
	 */
	async findScriptRunSince(
		deviceId: string,
		scriptId: string,
		since: string,
	): Promise<Job | undefined> {
		const uid = this.uid('device', deviceId, 'Device');
		const componentUid = this.uid('script', scriptId, 'Component');
		const component = (await this.components()).find((c) => c.uid === componentUid);
		if (!component) return undefined;
		const device = await this.rawDevice(uid);
		const hostname = toDevice(device).hostname.toLowerCase();
		const numericId = typeof device.id === 'number' ? device.id : undefined;
		const activities = await this.jobActivities('find script job', {
			from: utcSeconds(runLookupFrom(since)),
			order: 'asc',
			searchQuery: component.name,
			size: 100,
		});
		for (const entry of activities) {
			const details = entry.details ?? '';
			const host = typeof entry.hostname === 'string' ? entry.hostname.toLowerCase() : undefined;
			if (!details.includes(component.name)) continue;
			const entryDevice = typeof entry.deviceId === 'number' ? entry.deviceId : undefined;
			if (entryDevice !== undefined && numericId !== undefined) {
				if (entryDevice !== numericId) continue;
			} else if (host !== hostname && !details.toLowerCase().includes(uid.toLowerCase())) continue;
			const jobUid = uidInDetails(details, uid);
			if (jobUid) return await this.getScriptRun(uid, jobUid);
		}
		return undefined;
	}

	/**
	 * The quick job of this name in the device's recent activity (`GET /v2/activity-logs`, job
	 * category; the log covers the last 15 minutes by default). [unverified] What `details` holds:
	 * the job's uid is read from it as JSON (`jobUid`, `job.uid` or `uid`) or as the first UUID
	 * that is not the device's. A job that shows without a readable uid is reported, never resent.
	 */
	private async findQuickJob(deviceUid: string, jobName: string): Promise<Job | undefined> {
		const activities = await this.jobActivities('find script job', {
			searchQuery: jobName,
			size: 50,
		});
		const entry = activities.find((a) => (a.details ?? '').includes(jobName));
		if (!entry) return undefined;
		const jobUid = uidInDetails(entry.details ?? '', deviceUid);
		if (!jobUid)
			throw new NodeOperationError(
				this.node,
				`Datto RMM started the quick job "${jobName}" but its answer was lost and the job uid could not be read back`,
				{
					description:
						'Find the job in Datto RMM (device > Activity) rather than running the component again.',
				},
			);
		return await this.getScriptRun(deviceUid, jobUid);
	}

	/** Device job entries of the activity log (`GET /v2/activity-logs`, job category). */
	private async jobActivities(
		operation: string,
		query: Record<string, string | number>,
	): Promise<NonNullable<z.infer<typeof DattoActivityPageSchema>['activities']>> {
		const page = await this.get('/api/v2/activity-logs', DattoActivityPageSchema, operation, {
			entities: 'device',
			categories: 'job',
			...query,
		});
		return page.activities ?? [];
	}

	/**
	 * `GET /v2/job/{jobUid}` and the device's results (`/results/{deviceUid}`); once the job has
	 * run, the components' stdout and stderr. Results answer 404 until the device has picked the job up.
	 */
	async getScriptRun(deviceId: string, runId: string): Promise<Job> {
		const uid = this.uid('device', deviceId, 'Device');
		const jobUid = this.uid('run', runId, 'Run');
		let job: DattoJob;
		try {
			job = await this.get(`/api/v2/job/${jobUid}`, DattoJobSchema, 'get script run');
		} catch (error) {
			throw notFound(this.node, error, `Datto RMM has no job ${jobUid}`);
		}
		let results;
		try {
			results = await this.get(
				`/api/v2/job/${jobUid}/results/${uid}`,
				DattoJobResultsSchema,
				'get script result',
			);
		} catch (error) {
			if (httpCode(error) === '404') return jobRun({ ...job, status: 'active' }, uid);
			throw notFound(this.node, error, `Datto RMM has no results of job ${jobUid}`);
		}
		const run = resultRun(job, uid, results, undefined);
		if (run.status === 'queued' || run.status === 'running') return run;
		const components = results.componentResults ?? [];
		const [stdout, stderr] = await Promise.all([
			components.some((c) => c.hasStdOut) ? this.std(jobUid, uid, 'stdout') : undefined,
			components.some((c) => c.hasStdErr) ? this.std(jobUid, uid, 'stderr') : undefined,
		]);
		const output = [stdout, stderr ? `[stderr]\n${stderr}` : undefined].filter(Boolean).join('\n');
		return resultRun(job, uid, results, output || undefined);
	}

	private async std(jobUid: string, deviceUid: string, stream: 'stdout' | 'stderr') {
		const rows = await this.get(
			`/api/v2/job/${jobUid}/results/${deviceUid}/${stream}`,
			DattoStdDataSchema,
			`get script ${stream}`,
		);
		return rows.map((r) => r.stdData ?? '').join('');
	}

	/** Open alerts of the device, the site or the account. */
	async listAlerts(filter: { companyId?: string; deviceId?: string }): Promise<Alert[]> {
		const path = filter.deviceId
			? `/api/v2/device/${this.uid('device', filter.deviceId, 'Device')}/alerts/open`
			: filter.companyId
				? `/api/v2/site/${this.uid('company', filter.companyId, 'Site')}/alerts/open`
				: '/api/v2/account/alerts/open';
		const pages = this.pages(
			{ path, operation: 'list alerts' },
			DattoAlertsPageSchema,
			(b) => b.alerts as z.infer<typeof DattoAlertsPageSchema>['alerts'],
			{ pageSize: ALERT_PAGE_SIZE },
		);
		return (await collect(pages, { returnAll: true })).map(toAlert);
	}

	/** `POST /v2/alert/{alertUid}/resolve`: resolving twice changes nothing, so it is retried like a read. */
	async resetAlert(alertId: string): Promise<void> {
		const uid = this.uid('alert', alertId, 'Alert');
		try {
			await this.writes.request({
				method: 'POST',
				path: `/api/v2/alert/${uid}/resolve`,
				operation: 'resolve alert',
				idempotent: true,
			});
		} catch (error) {
			throw notFound(this.node, error, `Datto RMM has no alert ${uid}`);
		}
	}
}

function scriptIdRule(): string {
	return 'a Datto RMM component ID is the component uid (letters, digits and dashes), as Script > Get Many lists it';
}

/** Whether the device's patch counts allow a patch in one of the statuses (no counts: maybe). */
function mayHave(raw: DattoDevice | undefined, statuses: readonly string[]): boolean {
	const counts = raw?.patchManagement;
	if (!counts) return true;
	const n = (value: number | null | undefined) => value ?? 1;
	return (
		(statuses.includes('installed') && n(counts.patchesInstalled) > 0) ||
		(statuses.includes('approved') && n(counts.patchesApprovedPending) > 0) ||
		(statuses.includes('pending') && n(counts.patchesNotApproved) > 0)
	);
}

/** `yyyy-MM-ddTHH:mm:ssZ`, the form the activity log's `from` takes. */
function utcSeconds(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function componentLabel(component: DattoComponent): string {
	return `${component.name} (uid ${component.uid})`;
}

/** Components whose name shares a word of three letters or more with the name given (at most 10). */
function componentsNear(all: DattoComponent[], wanted: string): DattoComponent[] {
	const words = (text: string) =>
		text
			.toLowerCase()
			.split(/[^a-z0-9]+/)
			.filter((w) => w.length >= 3);
	const wantedWords = new Set(words(wanted));
	return all.filter((c) => words(c.name).some((w) => wantedWords.has(w))).slice(0, 10);
}

/** A mark that makes this run's job name unique, so a lost answer can be found again. */
function runMark(): string {
	return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function uidInDetails(details: string, deviceUid: string): string | undefined {
	try {
		const parsed = JSON.parse(details) as Record<string, unknown>;
		const named = parsed.jobUid ?? parsed['job.uid'] ?? parsed.uid;
		if (typeof named === 'string' && isUuid(named)) return named;
	} catch {
		// Not JSON: look for a uid in the text.
	}
	return (details.match(UUIDS) ?? []).find((u) => u.toLowerCase() !== deviceUid.toLowerCase());
}

function httpCode(error: unknown): string | undefined {
	const code = (error as { httpCode?: unknown })?.httpCode;
	return code === undefined || code === null ? undefined : String(code);
}

/** A 404 becomes a clear "not found" with Datto's words as the description; other errors stay as they are. */
function notFound(node: INode, error: unknown, message: string): Error {
	if (httpCode(error) === '404')
		return new NodeOperationError(node, message, {
			description: (error as { message?: string }).message,
		});
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(node, error as JsonObject);
}
