import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { automateApiBase } from '../../../../credentials/MspConnectWiseAutomateApi.credentials';
import type { Alert, Device, Job, Patch, Transport, VendorProfile } from '../../../shared';
import {
	collect,
	mapWithConcurrency,
	pageNumberPages,
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
import { historyJob, toAlert, toDevice, toPatch } from './mappers';
import {
	AlertListSchema,
	ClientListSchema,
	ComputerListSchema,
	MicrosoftUpdateListSchema,
	PatchingStatsSchema,
	RunningScriptListSchema,
	ScheduledScriptSchema,
	ScriptHistoryListSchema,
	ScriptListSchema,
} from './schemas';

/** [unverified] Automate documents no page-size maximum; its API clients allow up to 1000. */
const PAGE_SIZE = 1000;
/** `PatchActionArgs.EntityType` of a computer [unverified: 1, as community clients send]. */
const ENTITY_COMPUTER = 1;
/** History dates come from the server clock: a run is looked up from a little before it was scheduled. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The id of a run found by reading back a request whose answer was lost: Automate then never told us the
 * schedule id, so the run is followed as "this script on this computer, scheduled at this instant".
 */
const FOUND_RUN = /^script-(\d+)-at-(.+)$/;
const foundRunId = (scriptId: number, scheduledAt: string) =>
	`script-${scriptId}-at-${scheduledAt}`;

export const AUTOMATE_PROFILE: VendorProfile = {
	vendor: 'ConnectWise Automate',
	credentialType: 'mspConnectWiseAutomateApi',
	baseUrl: (credentials) => automateApiBase(credentials),
	errorMessage: (body) => {
		if (!body || typeof body !== 'object') return undefined;
		const b = body as {
			message?: unknown;
			Message?: unknown;
			errors?: Array<{ message?: unknown }>;
		};
		const main =
			typeof b.message === 'string'
				? b.message
				: typeof b.Message === 'string'
					? b.Message
					: undefined;
		const details = (b.errors ?? [])
			.map((e) => e.message)
			.filter((m): m is string => typeof m === 'string');
		return main ? [main, ...details].join(' ') : details[0];
	},
};

/** A string value inside an Automate condition: single quotes, doubled when in the value. */
function quoted(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export class AutomateProvider implements RmmProvider {
	readonly name = 'ConnectWise Automate';

	readonly capabilities: RmmCapabilities = {
		alertReset: false,
		patchScan: false,
		scriptExitCode: false,
		scriptRunAs: false,
	};

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

	/** Every page of a list endpoint (`page`/`pageSize`, a plain array, empty or short at the end). */
	private async list<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		operation: string,
		qs: Record<string, string>,
		opts: { returnAll: boolean; limit?: number } = { returnAll: true },
	): Promise<z.output<S>> {
		const pages = pageNumberPages(this.transport, {
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

	idProblem(kind: RmmIdKind, value: string): string | undefined {
		if (positiveWholeNumber(value) !== undefined) return undefined;
		const [word, example] = AUTOMATE_ID_WORDS[kind];
		return `an Automate ${word} ID is ${positiveWholeNumberRule(example)}`;
	}

	async getDevice(deviceId: string): Promise<Device> {
		const id = numericId(this.node, deviceId, 'Computer');
		const found = await this.get('/Computers', ComputerListSchema, 'get computer', {
			condition: `Id = ${id}`,
		});
		if (!found.length)
			throw new NodeOperationError(
				this.node,
				`ConnectWise Automate has no computer with id ${deviceId}`,
			);
		return toDevice(found[0]);
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
		return computers.map(toDevice);
	}

	async findDevicesByHostname(hostname: string): Promise<Device[]> {
		const found = await this.get('/Computers', ComputerListSchema, 'find computer by name', {
			condition: `ComputerName = ${quoted(hostname)}`,
			pageSize: PAGE_SIZE,
		});
		return found
			.filter((c) => c.ComputerName.toLowerCase() === hostname.toLowerCase())
			.map(toDevice);
	}

	async listCompanies(filter?: string): Promise<RmmCompany[]> {
		const qs: Record<string, string> = { orderBy: 'Name asc' };
		if (filter) qs.condition = `Name like ${quoted(`%${filter}%`)}`;
		const clients = await this.list('/Clients', ClientListSchema, 'list clients', qs);
		return clients.map((c) => ({ id: c.Id, name: c.Name, raw: c }));
	}

	async listPatches(deviceId: string): Promise<Patch[]> {
		const id = numericId(this.node, deviceId, 'Computer');
		try {
			const rows = await this.list(
				`/Computers/${id}/MicrosoftUpdates`,
				MicrosoftUpdateListSchema,
				'list computer updates',
				{},
			);
			return rows.map((row) => toPatch(row, deviceId));
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
		const scripts = await this.get('/Scripts', ScriptListSchema, 'get script', {
			condition: `Id = ${scriptId}`,
		});
		if (!scripts.length)
			throw new NodeOperationError(
				this.node,
				`ConnectWise Automate has no script with id ${request.scriptId}`,
			);
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
			Parameters: request.parameters ?? '',
			Priority: 15,
			TimeZoneAdd: 0,
			User: '',
		};
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
				return {
					id: schedule.Id,
					deviceId: request.deviceId,
					kind: 'script',
					name: scripts[0].Name,
					status: 'queued',
					startedAt: schedule.NextRun ?? now,
					raw: schedule,
				};
			},
			async () => await this.findScriptRun(request.deviceId, scriptId, now),
		);
	}

	/**
	 * The computer's run of this script since `scheduledAt` (less the clock allowance): a row of its
	 * script history (started or finished), else an entry of its running scripts (waiting for or on the
	 * agent). Automate's REST API keeps no request id on either, so a run of the same script on the same
	 * computer started by someone else within the allowance counts as this one: the defensive reading,
	 * since running a script twice can do harm (a second reboot) while that run does what was asked.
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
		const since = Date.parse(scheduledAt) - CLOCK_SKEW_MS;
		const runId = foundRunId(scriptId, scheduledAt);
		const history = await this.scriptHistorySince(computerId, scriptId, since);
		if (history) return historyJob(runId, deviceId, history, scheduledAt);
		const running = (
			await this.get(
				`/Computers/${computerId}/RunningScripts`,
				RunningScriptListSchema,
				'find running script',
				{ condition: `ScriptId = ${scriptId}` },
			)
		).filter((r) => r.ScriptId === scriptId && !(Date.parse(r.StartDate ?? '') < since));
		if (!running.length) return undefined;
		return {
			id: runId,
			deviceId,
			kind: 'script',
			status: 'running',
			startedAt: running[0].StartDate ?? scheduledAt,
			raw: running[0],
		};
	}

	/** The newest script history row of this script on the computer dated at or after `since` (epoch ms). */
	private async scriptHistorySince(computerId: number, scriptId: number, since: number) {
		const history = await this.get(
			`/Computers/${computerId}/ScriptHistory`,
			ScriptHistoryListSchema,
			'get script history',
			{
				condition: `ScriptId = ${scriptId} and HistoryDate >= ${quoted(new Date(since || 0).toISOString())}`,
				orderBy: 'HistoryDate desc',
				pageSize: 1,
			},
		);
		return history.find((row) => row.ScriptId === scriptId);
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
		const scheduledAt =
			schedule.NextRun ?? schedule.EffectiveStartDate ?? schedule.LastUpdate ?? undefined;
		const history = await this.scriptHistorySince(
			computerId,
			schedule.ScriptId,
			Date.parse(scheduledAt ?? '') - CLOCK_SKEW_MS,
		);
		if (history) return historyJob(runId, deviceId, history, scheduledAt);
		const running = await this.get(
			`/Computers/${computerId}/RunningScripts`,
			RunningScriptListSchema,
			'get running scripts',
			{ condition: `ScriptId = ${schedule.ScriptId}` },
		);
		return {
			id: runId,
			deviceId,
			kind: 'script',
			status: running.length ? 'running' : 'queued',
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
		return (await this.list('/Alerts', AlertListSchema, 'list alerts', qs)).map(toAlert);
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
