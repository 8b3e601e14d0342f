import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { automateApiBase } from '../../../../credentials/MspConnectWiseAutomateApi.credentials';
import type {
	Alert,
	Device,
	Job,
	Patch,
	ScopedCache,
	Transport,
	VendorProfile,
} from '../../../shared';
import {
	collect,
	ExecutionCache,
	mapWithConcurrency,
	parseVendorResponse,
	requestParsed,
	writeVerified,
} from '../../../shared';
import { positiveWholeNumber, positiveWholeNumberRule, type RmmIdKind } from '../ids';
import { pageNumberUntilEmpty } from '../paging';
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
import { RUN_CLOCK_ALLOWANCE_MS, runLookupFrom } from '../types';
import { type DateReader, historyJob, toAlert, toDevice, toPatch } from './mappers';
import { parametersProblem, scheduleParameters } from './parameters';
import {
	AlertListSchema,
	ClientListSchema,
	type Computer,
	ComputerListSchema,
	MicrosoftUpdateListSchema,
	PatchingStatsSchema,
	RunningScriptListSchema,
	ScheduledScriptSchema,
	ScriptHistoryListSchema,
	ScriptListSchema,
	type ScriptHistoryRow,
} from './schemas';
import {
	automateEpoch,
	automateIso,
	hasZone,
	MAX_ZONE_OFFSET_MS,
	offsetFromServerTime,
} from './time';

/**
 * [unverified] Automate documents no default or maximum page size; its API clients allow up to
 * 1000. Lists are read page after page until an empty array (the reference's rule, from gavsto's
 * loop), never stopped by a short page, which a lower server maximum would also produce.
 */
const PAGE_SIZE = 1000;
/** Script history rows read back per lookup: the newest few of one script on one computer. */
const HISTORY_ROWS = 5;
/** `PatchActionArgs.EntityType` of a computer [unverified: 1, as community clients send]. */
const ENTITY_COMPUTER = 1;

/**
 * The id of a run found by reading back a request whose answer was lost: Automate then never told us the
 * schedule id, so the run is followed as "this script on this computer, scheduled at this instant".
 */
const FOUND_RUN = /^script-(\d+)-at-(.+)$/;
const foundRunId = (scriptId: number, scheduledAt: string) =>
	`script-${scriptId}-at-${scheduledAt}`;

export const AUTOMATE_CAPABILITIES: RmmCapabilities = {
	alertReset: false,
	patchScan: false,
	scriptExitCode: false,
	scriptRunAs: false,
};

/** What the editor offers for Automate: no Run As (scripts run as the agent). */
export const AUTOMATE_EDITOR: RmmEditorFacts = {
	value: 'connectWiseAutomate',
	name: 'ConnectWise Automate',
	capabilities: AUTOMATE_CAPABILITIES,
	// `ScheduledScript.Parameters` is a string of `name=value|` pairs (e.g. `subject=Text|`).
	scriptParameters: {
		placeholder: 'drive=C|verbose=1|',
		description:
			"The script's parameters as Automate's scheduled scripts take them: name=value pairs, each ended by |",
	},
};

export const AUTOMATE_PROFILE: VendorProfile = {
	vendor: 'ConnectWise Automate',
	credentialType: 'mspConnectWiseAutomateApi',
	baseUrl: (credentials) => automateApiBase(credentials),
	errorMessage: (body) => {
		if (!body || typeof body !== 'object') return undefined;
		// `{code, message, errors[]}` (gavsto) or [unverified] ASP.NET's `{Message, ModelState}` (wyre).
		const b = body as {
			message?: unknown;
			Message?: unknown;
			errors?: Array<{ message?: unknown }>;
			ModelState?: Record<string, unknown>;
		};
		const main =
			typeof b.message === 'string'
				? b.message
				: typeof b.Message === 'string'
					? b.Message
					: undefined;
		const details = [
			...(Array.isArray(b.errors) ? b.errors.map((e) => e?.message) : []),
			...Object.entries(b.ModelState ?? {}).flatMap(([field, messages]) =>
				(Array.isArray(messages) ? messages : [messages]).map((m) =>
					typeof m === 'string' ? `${field}: ${m}` : undefined,
				),
			),
		].filter((m): m is string => typeof m === 'string');
		return main ? [main, ...details].join(' ') : details[0];
	},
};

/** The key a computer's shared read is kept under, and the record a write to it touches. */
const computerRecord = (id: number) => `computer:${id}`;

/** A string value inside an Automate condition: single quotes, doubled when in the value. */
function quoted(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export class AutomateProvider implements RmmProvider {
	readonly name = 'ConnectWise Automate';

	readonly capabilities: RmmCapabilities = AUTOMATE_CAPABILITIES;

	/** The server's offset from UTC in minutes, read at most once per execution (see `time.ts`). */
	private serverOffset?: Promise<number>;

	/**
	 * @param shared reads shared with the other nodes of the execution: the computers and update
	 * lists the fleet patch report read are reused by the Device node and the install, until
	 * something is sent to the computer (see `executionCache`).
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

	/** Every page of a list endpoint (`page`/`pageSize`), until an empty page. */
	private async list<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		operation: string,
		qs: Record<string, string>,
		opts: { returnAll: boolean; limit?: number } = { returnAll: true },
	): Promise<z.output<S>> {
		const pages = pageNumberUntilEmpty(this.transport, {
			request: { method: 'GET', path, qs, operation },
			items: (body) =>
				parseVendorResponse(this.node, schema, body, { vendor: this.name, operation }) as unknown[],
			pageSize: PAGE_SIZE,
			limit: opts.returnAll ? undefined : opts.limit,
			pageParam: 'page',
			sizeParam: 'pageSize',
		});
		return (await collect(pages, opts)) as z.output<S>;
	}

	/**
	 * How to read the dates of one answer: with the server's offset when one of them has no zone
	 * (the offset is then read once per execution), else as they say.
	 */
	private async dates(values: Array<string | null | undefined>): Promise<DateReader> {
		const zoneless = values.some((v) => typeof v === 'string' && v.trim() !== '' && !hasZone(v));
		const offset = zoneless ? await this.offsetMinutes() : 0;
		return (value) => automateIso(value, offset);
	}

	/**
	 * `GET /DatabaseServerTime`: the server's clock "with UTC offset". [unverified] A server that
	 * refuses it or answers without a readable offset leaves zone-less dates read as UTC.
	 */
	private async offsetMinutes(): Promise<number> {
		this.serverOffset ??= this.transport
			.request({ method: 'GET', path: '/DatabaseServerTime', operation: 'read server time' })
			.then(
				(answer) => offsetFromServerTime(answer, Date.now()) ?? 0,
				() => 0,
			);
		return await this.serverOffset;
	}

	idProblem(kind: RmmIdKind, value: string): string | undefined {
		const text = String(value ?? '').trim();
		if (kind === 'run' && FOUND_RUN.test(text)) return undefined;
		if (positiveWholeNumber(text) !== undefined) return undefined;
		const [word, example] = AUTOMATE_ID_WORDS[kind];
		return `an Automate ${word} ID is ${positiveWholeNumberRule(example)}`;
	}

	scriptParametersProblem(parameters: string): string | undefined {
		return parametersProblem(parameters);
	}

	/**
	 * The computer (`condition=Id = n`), or the read of it this execution already made (a listing
	 * or another node's lookup) while it is recent and nothing was sent to the computer since: the
	 * install's online check may use it, the read-back after an install never does.
	 */
	async getDevice(deviceId: string): Promise<Device> {
		const id = numericId(this.node, deviceId, 'Computer');
		const record = computerRecord(id);
		return await this.shared.get(
			record,
			async () => {
				const found = await this.get('/Computers', ComputerListSchema, 'get computer', {
					condition: `Id = ${id}`,
				});
				if (!found.length)
					throw new NodeOperationError(
						this.node,
						`ConnectWise Automate has no computer with id ${deviceId}`,
					);
				return (await this.devices(found))[0];
			},
			{ record },
		);
	}

	/**
	 * Computers as devices, their last contact read in the server's zone. Each is kept for the
	 * execution's later lookups of that computer: a listing reads the same rows `getDevice` does.
	 */
	private async devices(computers: Computer[]): Promise<Device[]> {
		const at = await this.dates(computers.map((c) => c.RemoteAgentLastContact));
		const devices = computers.map((c) => toDevice(c, at));
		for (const device of devices) {
			const id = positiveWholeNumber(String(device.id));
			if (id !== undefined) this.shared.put(computerRecord(id), device, computerRecord(id));
		}
		return devices;
	}

	async searchDevices(search: DeviceSearch): Promise<Device[]> {
		const clauses: string[] = [];
		if (search.companyId)
			clauses.push(`(Client.Id = ${numericId(this.node, search.companyId, 'Client')})`);
		if (search.hostname) clauses.push(`(ComputerName like ${quoted(`%${search.hostname}%`)})`);
		if (search.online !== undefined)
			clauses.push(`(Status = ${quoted(search.online ? 'Online' : 'Offline')})`);
		if (search.type)
			clauses.push(`(Type = ${quoted(search.type === 'server' ? 'Server' : 'Workstation')})`);
		const qs: Record<string, string> = { orderBy: 'Id asc' };
		if (clauses.length) qs.condition = clauses.join(' and ');
		const computers = await this.list(
			'/Computers',
			ComputerListSchema,
			'search computers',
			qs,
			search,
		);
		return await this.devices(computers);
	}

	async findDevicesByHostname(hostname: string): Promise<Device[]> {
		const found = await this.list('/Computers', ComputerListSchema, 'find computer by name', {
			condition: `ComputerName = ${quoted(hostname)}`,
		});
		return await this.devices(
			found.filter((c) => c.ComputerName.toLowerCase() === hostname.toLowerCase()),
		);
	}

	async listCompanies(filter?: string): Promise<RmmCompany[]> {
		const qs: Record<string, string> = { orderBy: 'Name asc' };
		if (filter) qs.condition = `Name like ${quoted(`%${filter}%`)}`;
		const clients = await this.list('/Clients', ClientListSchema, 'list clients', qs);
		return clients.map((c) => ({ id: c.Id, name: c.Name, raw: c }));
	}

	/**
	 * Every page of the computer's Microsoft updates, until an empty page (Automate has no fleet-wide
	 * update list: `/Computers/{id}/MicrosoftUpdates` is the only place they are listed). A list this
	 * execution already read (the fleet report) is reused while recent and until something is sent
	 * to the computer, after which the install's progress and result are always read anew.
	 */
	async listPatches(deviceId: string): Promise<Patch[]> {
		const id = numericId(this.node, deviceId, 'Computer');
		const record = computerRecord(id);
		return await this.shared.get(
			`${record}|updates`,
			async () => await this.readPatches(id, deviceId),
			{ record },
		);
	}

	private async readPatches(id: number, deviceId: string): Promise<Patch[]> {
		try {
			const rows = await this.list(
				`/Computers/${id}/MicrosoftUpdates`,
				MicrosoftUpdateListSchema,
				'list computer updates',
				{},
			);
			const at = await this.dates(rows.flatMap((r) => [r.ReleaseDate, r.InstallDate]));
			return rows.map((row) => toPatch(row, deviceId, at));
		} catch (error) {
			throw notFound(this.node, error, `ConnectWise Automate has no computer with id ${deviceId}`);
		}
	}

	/** Automate has no fleet patch report: the computers are listed, then each one's updates (bounded concurrency). */
	async listFleetPatches(search: FleetPatchSearch): Promise<Patch[]> {
		const computers = await this.searchDevices({ companyId: search.companyId, returnAll: true });
		const limit = search.returnAll ? Infinity : (search.limit ?? 50);
		const perComputer = await mapWithConcurrency(computers, search.concurrency, async (computer) =>
			(await this.listPatches(computer.id)).filter((p) => search.statuses.includes(p.status)),
		);
		return perComputer.flat().slice(0, limit);
	}

	async patchState(deviceId: string): Promise<PatchState> {
		const id = numericId(this.node, deviceId, 'Computer');
		const stats = await this.get(
			`/Computers/${id}/PatchingStats`,
			PatchingStatsSchema,
			'get patching stats',
		);
		return {
			deviceId,
			jobRunning: stats.PatchJobRunning === true,
			patches: await this.listPatches(deviceId),
		};
	}

	async scanPatches(): Promise<void> {
		throw new NodeOperationError(
			this.node,
			'ConnectWise Automate has no patch scan action in its REST API',
			{
				description:
					'Automate collects patch inventory on the agent schedule; read the updates with List Patches.',
			},
		);
	}

	/** `POST PatchActions/DeployAllApproved` for the computer: 204, installs what the patch policy approved. */
	async applyApprovedPatches(deviceId: string): Promise<void> {
		const id = numericId(this.node, deviceId, 'Computer');
		// Later reads of the computer must see what the install changed (patch states, a reboot).
		this.shared.touch(computerRecord(id));
		try {
			await this.transport.request({
				method: 'POST',
				path: '/PatchActions/DeployAllApproved',
				body: { EntityType: ENTITY_COMPUTER, EntityId: id },
				operation: 'deploy approved patches',
			});
		} catch (error) {
			throw notFound(this.node, error, `ConnectWise Automate has no computer with id ${deviceId}`);
		}
	}

	async listScripts(filter?: string): Promise<RmmScript[]> {
		const qs: Record<string, string> = { orderBy: 'Name asc' };
		if (filter) qs.condition = `Name like ${quoted(`%${filter}%`)}`;
		const scripts = await this.list('/Scripts', ScriptListSchema, 'list scripts', qs);
		return scripts.map((s) => ({
			id: s.Id,
			name: s.Name,
			description: s.Comments ?? undefined,
			category: s.Folder?.Name,
			raw: s,
		}));
	}

	/** A run-once schedule for the computer (`POST Computers/{id}/ScheduledScripts`); its id is the run id. */
	async runScript(request: ScriptRunRequest): Promise<Job> {
		const computerId = numericId(this.node, request.deviceId, 'Computer');
		const scriptId = numericId(this.node, request.scriptId, 'Script');
		if (request.runAs && request.runAs !== 'system') {
			throw new NodeOperationError(
				this.node,
				'ConnectWise Automate runs scripts as the agent; Run As is not supported',
				{
					description:
						'Leave Run As empty for Automate, or use a script that switches user itself.',
				},
			);
		}
		const problem = parametersProblem(request.parameters ?? '');
		if (problem)
			throw new NodeOperationError(this.node, `Parameters are not valid for Automate: ${problem}`);
		const scripts = await this.get('/Scripts', ScriptListSchema, 'get script', {
			condition: `Id = ${scriptId}`,
		});
		if (!scripts.length)
			throw new NodeOperationError(
				this.node,
				`ConnectWise Automate has no script with id ${request.scriptId}`,
			);
		// Sent with its zone: `DisableTimeZone` asks the server to run it at this instant, not agent time.
		const now = new Date().toISOString();
		const body = {
			ScriptId: scriptId,
			ComputerId: computerId,
			ClientId: 0,
			LocationId: 0,
			GroupId: 0,
			SearchId: 0,
			Disabled: false,
			EffectiveStartDate: now,
			NextRun: now,
			NextSchedule: now,
			ScheduleType: 1,
			Interval: 0,
			RepeatType: 0,
			RepeatAmount: 0,
			RepeatStopAfter: 0,
			DistributionWindowType: 2,
			DistributionWindowAmount: 0,
			SkipOffline: false,
			OfflineOnly: false,
			WakeOffline: false,
			WakeScript: false,
			DisableTimeZone: true,
			RunScriptOnProbe: false,
			Parameters: scheduleParameters(request.parameters),
			Priority: 15,
			TimeZoneAdd: 0,
			User: '',
		};
		// A script may restart the computer or change what later steps read of it.
		this.shared.touch(computerRecord(computerId));
		// A schedule whose answer was lost (5xx, reset, timeout, cut-short body) is looked for as the
		// computer's run of this script since the request before it is sent again: a script (a reboot, a
		// cleanup) must not run twice.
		return await writeVerified<Job>(
			async () => {
				const created = await this.transport.request({
					method: 'POST',
					path: `/Computers/${computerId}/ScheduledScripts`,
					body,
					operation: 'run script',
				});
				const schedule = parseVendorResponse(this.node, ScheduledScriptSchema, created, {
					vendor: this.name,
					operation: 'run script',
				});
				const at = await this.dates([schedule.NextRun]);
				return {
					id: schedule.Id,
					deviceId: request.deviceId,
					kind: 'script',
					name: scripts[0].Name,
					status: 'queued',
					startedAt: at(schedule.NextRun) ?? now,
					raw: schedule,
				};
			},
			async () => await this.findScriptRun(request.deviceId, scriptId, now),
		);
	}

	/**
	 * A run of this script on the computer since `since`: its script history or running scripts, as a
	 * lost answer is read back (with `RUN_CLOCK_ALLOWANCE_MS`, as history dates come from the server's clock). The id
	 * names the script and `since`, so Get Result follows the same run.
	 */
	async findScriptRunSince(
		deviceId: string,
		scriptId: string,
		since: string,
	): Promise<Job | undefined> {
		return await this.findScriptRun(deviceId, numericId(this.node, scriptId, 'Script'), since);
	}

	/**
	 * The computer's run of this script since `scheduledAt` (less the clock allowance): a row of its
	 * script history (started or finished), else an entry of its running scripts (waiting for or on the
	 * agent). Automate's REST API keeps no request id on either, so a run of the same script on the same
	 * computer started by someone else within the allowance counts as this one: the defensive reading,
	 * since running a script twice can do harm (a second reboot) while that run does what was asked.
	 * Dates are compared here, each read in its zone (see `time.ts`), never on the server.
	 * [unverified] The per-computer schedule list (`GET Computers/{id}/ScheduledScripts`, in the spec) would
	 * also show a schedule the agent has not picked up yet; the sandbox does not serve it, so the running
	 * scripts (which the sandbox fills from the moment of scheduling) stand for it.
	 */
	private async findScriptRun(
		deviceId: string,
		scriptId: number,
		scheduledAt: string,
	): Promise<Job | undefined> {
		const computerId = numericId(this.node, deviceId, 'Computer');
		const since = runLookupFrom(scheduledAt);
		const runId = foundRunId(scriptId, scheduledAt);
		const history = await this.scriptHistorySince(computerId, scriptId, since);
		if (history) return historyJob(runId, deviceId, history.row, scheduledAt, history.at);
		const running = await this.runningSince(computerId, scriptId, since);
		if (!running) return undefined;
		return {
			id: runId,
			deviceId,
			kind: 'script',
			status: 'running',
			startedAt: running.startedAt ?? scheduledAt,
			raw: running.row,
		};
	}

	/** The computer's running entry of this script that started at or after `since` (epoch ms). */
	private async runningSince(computerId: number, scriptId: number, since: number) {
		const rows = (
			await this.get(
				`/Computers/${computerId}/RunningScripts`,
				RunningScriptListSchema,
				'find running script',
				{ condition: `ScriptId = ${scriptId}` },
			)
		).filter((r) => r.ScriptId === scriptId);
		const at = await this.dates(rows.map((r) => r.StartDate));
		// A running entry without a start date may be this run: it is not left out.
		const row = rows.find((r) => !(Date.parse(at(r.StartDate) ?? '') < since));
		return row ? { row, startedAt: at(row.StartDate) } : undefined;
	}

	/**
	 * The newest script history row of this script on the computer dated at or after `since` (epoch
	 * ms). The server is asked for rows from `MAX_ZONE_OFFSET_MS` earlier, so however it reads the
	 * date in the condition no row of this run is left out; each row's own date is then read in its
	 * zone and compared here, so an earlier run's row is not taken for this one.
	 */
	private async scriptHistorySince(
		computerId: number,
		scriptId: number,
		since: number,
	): Promise<{ row: ScriptHistoryRow; at: DateReader } | undefined> {
		const from = new Date(Math.max(0, (since || 0) - MAX_ZONE_OFFSET_MS)).toISOString();
		const rows = (
			await this.get(
				`/Computers/${computerId}/ScriptHistory`,
				ScriptHistoryListSchema,
				'get script history',
				{
					condition: `ScriptId = ${scriptId} and HistoryDate >= ${quoted(from)}`,
					orderBy: 'HistoryDate desc',
					pageSize: HISTORY_ROWS,
				},
			)
		).filter((row) => row.ScriptId === scriptId);
		const at = await this.dates(rows.map((r) => r.HistoryDate));
		const row = rows
			.map((r) => ({ r, time: Date.parse(at(r.HistoryDate) ?? '') }))
			.filter(({ time }) => !Number.isNaN(time) && time >= (since || 0))
			.sort((a, b) => b.time - a.time)[0]?.r;
		return row ? { row, at } : undefined;
	}

	async getScriptRun(deviceId: string, runId: string): Promise<Job> {
		const computerId = numericId(this.node, deviceId, 'Computer');
		const found = FOUND_RUN.exec(runId);
		if (found) {
			// A run found by a read-back: followed by script and time, as it was found.
			const job = await this.findScriptRun(deviceId, Number(found[1]), found[2]);
			return job ?? { id: runId, deviceId, kind: 'script', status: 'queued', startedAt: found[2] };
		}
		let schedule;
		try {
			schedule = parseVendorResponse(
				this.node,
				ScheduledScriptSchema,
				await this.transport.request({
					method: 'GET',
					path: `/Computers/${computerId}/ScheduledScripts/${encodeURIComponent(runId)}`,
					operation: 'get script run',
				}),
				{ vendor: this.name, operation: 'get script run' },
			);
		} catch (error) {
			throw notFound(
				this.node,
				error,
				`ConnectWise Automate has no script run ${runId} on computer ${deviceId}`,
			);
		}
		const when =
			schedule.NextRun ?? schedule.EffectiveStartDate ?? schedule.LastUpdate ?? undefined;
		const scheduledAt = (await this.dates([when]))(when);
		const since = automateEpoch(scheduledAt, 0);
		const from = since === undefined ? 0 : since - RUN_CLOCK_ALLOWANCE_MS;
		const history = await this.scriptHistorySince(computerId, schedule.ScriptId, from);
		if (history) return historyJob(runId, deviceId, history.row, scheduledAt, history.at);
		const running = await this.runningSince(computerId, schedule.ScriptId, from);
		return {
			id: runId,
			deviceId,
			kind: 'script',
			status: running ? 'running' : 'queued',
			startedAt: scheduledAt,
			raw: schedule,
		};
	}

	async listAlerts(filter: { companyId?: string; deviceId?: string }): Promise<Alert[]> {
		const clauses: string[] = [];
		if (filter.companyId)
			clauses.push(`Client.Id = ${numericId(this.node, filter.companyId, 'Client')}`);
		if (filter.deviceId)
			clauses.push(`Computer.Id = ${numericId(this.node, filter.deviceId, 'Computer')}`);
		const qs: Record<string, string> = { orderBy: 'AlertId asc' };
		if (clauses.length) qs.condition = clauses.join(' and ');
		const alerts = await this.list('/Alerts', AlertListSchema, 'list alerts', qs);
		const at = await this.dates(alerts.map((a) => a.AlertDate));
		return alerts.map((a) => toAlert(a, at));
	}

	/** Automate's REST API has no way to clear or resolve an alert (only monitor suspensions). */
	async resetAlert(): Promise<void> {
		throw new NodeOperationError(
			this.node,
			'ConnectWise Automate cannot reset or resolve alerts through its REST API',
			{
				description:
					'Alerts clear when the monitor condition returns to normal; handle them in Automate or in the PSA ticket the alert created.',
			},
		);
	}
}

/** Words and examples of Automate ids, for the messages of `idProblem`. */
const AUTOMATE_ID_WORDS: Record<RmmIdKind, [string, string]> = {
	device: ['computer', '213'],
	company: ['client', '32'],
	script: ['script', '6001'],
	alert: ['alert', '3311'],
	run: ['script run (schedule)', '90210'],
};

/** The id as Automate numbers it, or an error naming the id and what is allowed, before any request. */
function numericId(node: INode, value: string, what: string): number {
	const id = positiveWholeNumber(value);
	if (id === undefined) {
		const rule = positiveWholeNumberRule(what === 'Client' ? '32' : '213');
		throw new NodeOperationError(
			node,
			`${what} ID "${value}" is not valid for ConnectWise Automate: use ${rule}`,
			{ description: `An Automate ${what.toLowerCase()} ID is ${rule}.` },
		);
	}
	return id;
}

function notFound(node: INode, error: unknown, message: string): Error {
	if (String((error as { httpCode?: unknown })?.httpCode) === '404')
		return new NodeOperationError(node, message, {
			description: (error as { message?: string }).message,
		});
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(node, error as JsonObject);
}
