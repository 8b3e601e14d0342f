import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import {
	collect,
	cursorPages,
	DryRunStop,
	filterPages,
	isoUtc,
	parseVendorResponse,
	Transport,
	writeVerified,
	type Containment,
	type Device,
	type MitigationAction,
	type Threat,
	type TransportOptions,
	type VendorProfile,
} from '../../../shared';
import {
	ambiguousHost,
	chunk,
	notFound,
	resolveCheckedDevices,
	sameHost,
	vendorNowOf,
} from '../common';
import type {
	ContainmentKind,
	ContainmentRead,
	ContainmentRequest,
	ContainmentRequestOptions,
	DeviceRef,
	EdrProvider,
	MitigationKind,
	MitigationRequest,
	NoteResult,
	ThreatQuery,
	ThreatReading,
	ThreatUpdate,
	ThreatUpdateSupport,
} from '../types';
import { confidenceFor, INCIDENT, toContainment, toDevice, toThreat, VERDICT } from './mappers';
import { S1Affected, S1Agent, S1List, S1Note, S1Threat } from './schemas';

const VENDOR = 'SentinelOne';
/** The console allows up to 1000 rows per page. [unverified: maximum] */
const MAX_PAGE = 1000;
/** Agent ids per disconnect/connect call; the filter takes a list, kept modest so one call stays small. */
export const S1_CONTAINMENT_BATCH = 100;
/**
 * Agent ids per `GET /agents?ids=` read, with `limit` set to the same number so every agent of the
 * batch comes back on one page. 100 ids of 18 digits keep the URL near 2,000 characters.
 * [unverified: the ids filter documents no maximum; clients page with limit 100 to 1,000]
 */
export const S1_READ_BATCH = 100;

const ACTION_PATH: Partial<Record<MitigationKind, string>> = {
	kill: 'kill',
	quarantine: 'quarantine',
	remediate: 'remediate',
	rollback: 'rollback-remediation',
};
/** Names a finished action has in `mitigationStatus[].action`. */
const ACTION_NAMES: Partial<Record<MitigationKind, string[]>> = {
	kill: ['kill'],
	quarantine: ['quarantine'],
	remediate: ['remediate'],
	rollback: ['rollback', 'rollback-remediation', 'rollback_remediation'],
};

export const sentinelOneProfile: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspSentinelOneApi',
	baseUrl: (credentials) =>
		`${String(credentials.consoleUrl ?? '').replace(/\/+$/, '')}/web/api/v2.1`,
	errorMessage: (body) => {
		const errors = (body as { errors?: Array<{ title?: string; detail?: unknown }> } | undefined)
			?.errors;
		if (!Array.isArray(errors) || !errors.length) return undefined;
		return errors
			.map((e) =>
				[e.title, typeof e.detail === 'string' ? e.detail : undefined].filter(Boolean).join(': '),
			)
			.join('; ');
	},
	// Per-endpoint buckets of the build-partner SDK: /agents 25 per second, /threats 10 per second with a
	// burst of 50. [unverified: SDK defaults, not an official table] One budget covers every endpoint of
	// the token, so the lowest rate applies, kept as a one-second window (10 back to back) rather than
	// the SDK's burst of 50.
	rateLimits: [{ requestsPerWindow: 10, windowMs: 1000 }],
};

type S1ListBody = { data: S1Threat[]; pagination?: { nextCursor?: string | null } };

/** The vendor-side filter of `GET /threats` for a query. */
function threatFilter(query: ThreatQuery): IDataObject {
	const qs: IDataObject = { sortBy: 'createdAt', sortOrder: 'desc' };
	if (query.since) qs.createdAt__gte = query.since;
	// `updatedAt` is the console's own time, stamped when a threat is stored and whenever it changes:
	// a threat that reaches the console late is still found by it, whatever its detection time.
	if (query.changedSince) qs.updatedAt__gte = query.changedSince;
	if (query.statuses?.length)
		qs.incidentStatuses = query.statuses.map((s) => INCIDENT[s]).join(',');
	if (query.severities?.length) qs.confidenceLevels = confidenceFor(query.severities).join(',');
	// [unverified] `agentIds` on /threats (the reference names `agentId`): results are filtered here as well.
	if (query.deviceId) qs.agentIds = query.deviceId;
	if (query.hostname) qs.computerName__contains = query.hostname;
	if (query.groups?.length) qs.siteIds = query.groups.join(',');
	return qs;
}

/** What the vendor cannot filter exactly, checked on each threat read. */
function keepThreat(query: ThreatQuery): (t: Threat) => boolean {
	return (t) =>
		(!query.deviceId || t.deviceId === query.deviceId) &&
		(!query.hostname || sameHost(t.hostname ?? '', query.hostname)) &&
		(!query.severities?.length || query.severities.includes(t.severity));
}

export class SentinelOneProvider implements EdrProvider {
	readonly label = VENDOR;

	readonly containmentBatchSize = S1_CONTAINMENT_BATCH;

	readonly mitigations: readonly MitigationKind[] = ['kill', 'quarantine', 'remediate', 'rollback'];
	readonly threatUpdates: ThreatUpdateSupport = {
		statuses: ['new', 'inProgress', 'resolved'],
		verdicts: ['truePositive', 'falsePositive', 'suspicious'],
		comments: true,
	};

	private readonly transport: Transport;

	constructor(
		ctx: ConstructorParameters<typeof Transport>[0],
		private readonly node: INode,
		options: TransportOptions & { pageSize?: number } = {},
	) {
		this.transport = new Transport(ctx, sentinelOneProfile, options);
		this.pageSize = options.pageSize ?? MAX_PAGE;
	}

	private readonly pageSize: number;

	private parse<T>(schema: z.ZodTypeAny, data: unknown, operation: string): T {
		return parseVendorResponse(this.node, schema, data, { vendor: VENDOR, operation }) as T;
	}

	async listThreats(query: ThreatQuery): Promise<Threat[]> {
		return (await this.readThreats(query)).threats;
	}

	/**
	 * `GET /threats` with every page (cursor), newest first. The vendor's clock is the `Date` of the
	 * first page: anything created or changed after it carries a later `updatedAt`, so a poller that
	 * keeps its checkpoint at or below it misses nothing that arrives while the pages are read.
	 */
	async readThreats(query: ThreatQuery): Promise<ThreatReading> {
		let vendorNow: string | undefined;
		const pages = cursorPages(this.transport, {
			request: {
				method: 'GET',
				path: '/threats',
				qs: threatFilter(query),
				operation: 'list threats',
			},
			items: (body) =>
				this.parse<S1ListBody>(S1List(S1Threat), body, 'list threats').data.map(toThreat),
			pageSize: this.pageSize,
			limit: query.returnAll ? undefined : query.limit,
			sizeParam: 'limit',
			cursorParam: 'cursor',
			cursor: (body) => (body as S1ListBody).pagination?.nextCursor,
			onResponse: (response) => (vendorNow ??= vendorNowOf(response.headers)),
		});
		const threats = await collect(filterPages(pages, keepThreat(query)), {
			returnAll: query.returnAll,
			limit: query.limit,
		});
		return { threats, vendorNow };
	}

	private async rawThreat(id: string): Promise<S1Threat> {
		const body = await this.transport.request({
			method: 'GET',
			path: '/threats',
			qs: { ids: id },
			operation: 'get threat',
		});
		const found = this.parse<{ data: S1Threat[] }>(S1List(S1Threat), body, 'get threat').data[0];
		if (!found)
			throw notFound(
				this.node,
				'SentinelOne threat',
				id,
				'Check the threat id; the API token must see the site the threat belongs to.',
			);
		return found;
	}

	async getThreat(id: string): Promise<Threat> {
		return toThreat(await this.rawThreat(id));
	}

	private async threatAction(
		path: string,
		id: string,
		data: IDataObject | undefined,
		operation: string,
	): Promise<void> {
		const body: IDataObject = { filter: { ids: [id] } };
		if (data) body.data = data;
		const response = await this.transport.request({ method: 'POST', path, body, operation });
		const affected = this.parse<{ data: { affected: number } }>(S1Affected, response, operation)
			.data.affected;
		if (affected === 0)
			throw notFound(
				this.node,
				'SentinelOne threat',
				id,
				'Nothing was changed: the threat does not exist or is outside the token scope.',
			);
	}

	async updateThreat(id: string, update: ThreatUpdate): Promise<Threat> {
		if (update.status)
			await this.threatAction(
				'/threats/incident',
				id,
				{ incidentStatus: INCIDENT[update.status] },
				'update threat status',
			);
		if (update.verdict)
			await this.threatAction(
				'/threats/analyst-verdict',
				id,
				{ analystVerdict: VERDICT[update.verdict] },
				'update threat verdict',
			);
		// The update's note is written once per threat: a retried or repeated update whose earlier note was written
		// (its answer, or the read after it, lost) finds it on the threat and only sets the status and verdict again.
		if (update.comment && !(await this.noteSince(id, update.comment, -Infinity)))
			await this.addNote(id, update.comment);
		return await this.getThreat(id);
	}

	async addNote(id: string, text: string): Promise<NoteResult> {
		// Every POST adds a note: one whose answer was lost is looked for on the threat before it is sent again.
		const requestedAt = Date.now();
		return await writeVerified(
			async () => {
				await this.threatAction('/threats/notes', id, { text }, 'add threat note');
				return { threatId: id, text, added: true };
			},
			async () =>
				(await this.noteSince(id, text, requestedAt - 5 * 60 * 1000))
					? { threatId: id, text, added: true }
					: undefined,
		);
	}

	/**
	 * Whether the threat has a note with exactly this text created at or after `since` (epoch ms). After a lost
	 * answer `since` is the request time less a clock allowance (`createdAt` is the console's clock): SentinelOne
	 * keeps no client request id, so an identical note within the allowance counts as this one.
	 */
	private async noteSince(id: string, text: string, since: number): Promise<boolean> {
		const operation = 'list threat notes';
		const pages = cursorPages(this.transport, {
			request: { method: 'GET', path: `/threats/${encodeURIComponent(id)}/notes`, operation },
			items: (body) => this.parse<{ data: S1Note[] }>(S1List(S1Note), body, operation).data,
			pageSize: this.pageSize,
			sizeParam: 'limit',
			cursorParam: 'cursor',
			cursor: (body) =>
				(body as { pagination?: { nextCursor?: string | null } }).pagination?.nextCursor,
		});
		for await (const page of pages)
			if (page.some((note) => note.text === text && !(Date.parse(note.createdAt ?? '') < since)))
				return true;
		return false;
	}

	private async agents(qs: IDataObject, operation: string): Promise<S1Agent[]> {
		const body = await this.transport.request({
			method: 'GET',
			path: '/agents',
			qs: { limit: 100, ...qs },
			operation,
		});
		return this.parse<{ data: S1Agent[] }>(S1List(S1Agent), body, operation).data;
	}

	/** Agent ids are plain decimal numbers (`657613730168123595`): no hex, sign, decimal point or exponent. */
	deviceIdProblem(id: string): string | undefined {
		return /^[0-9]+$/.test(id)
			? undefined
			: `"${id}" is not a SentinelOne agent ID: agent IDs are decimal digits only, e.g. 657613730168123595`;
	}

	/** Refuses a reference that could select more or other agents than the one it names (`ids=A,B`). */
	private checkRef(ref: DeviceRef): void {
		const problem = ref.id
			? this.deviceIdProblem(ref.id)
			: /[,\s]/.test((ref.hostname ?? '').trim()) || !(ref.hostname ?? '').trim()
				? `"${ref.hostname ?? ''}" is not a single hostname`
				: undefined;
		if (problem) throw new NodeOperationError(this.node, problem);
	}

	/**
	 * Every agent whose computer name is this hostname, across sites: the `computerName__contains`
	 * lookup (by the first DNS label, so an FQDN finds the agent) read to the last page, then matched exactly.
	 */
	private async agentsNamed(hostname: string): Promise<S1Agent[]> {
		const operation = 'find device';
		const pages = cursorPages(this.transport, {
			request: {
				method: 'GET',
				path: '/agents',
				qs: { computerName__contains: hostname.trim().split('.')[0] },
				operation,
			},
			items: (body) => this.parse<{ data: S1Agent[] }>(S1List(S1Agent), body, operation).data,
			pageSize: S1_READ_BATCH,
			sizeParam: 'limit',
			cursorParam: 'cursor',
			cursor: (body) =>
				(body as { pagination?: { nextCursor?: string | null } }).pagination?.nextCursor,
		});
		const matches = await collect(
			filterPages(pages, (a) => sameHost(a.computerName, hostname)),
			{ returnAll: true },
		);
		return matches;
	}

	private async agent(ref: DeviceRef): Promise<S1Agent> {
		this.checkRef(ref);
		if (ref.id) {
			const found = (await this.agents({ ids: ref.id }, 'get device')).find((a) => a.id === ref.id);
			if (!found)
				throw notFound(
					this.node,
					'SentinelOne agent with id',
					ref.id,
					'Check the agent id or look the device up by hostname.',
				);
			return found;
		}
		const hostname = ref.hostname ?? '';
		const matches = await this.agentsNamed(hostname);
		if (!matches.length)
			throw notFound(
				this.node,
				'SentinelOne agent named',
				hostname,
				'Check the hostname; decommissioned agents are not returned.',
			);
		// The same computer name at two sites (or an agent left behind by a reinstall) is not a guess to make.
		if (matches.length > 1)
			throw ambiguousHost(this.node, hostname, 'SentinelOne agents', 'site', matches.map(toDevice));
		return matches[0];
	}

	async getDevice(ref: DeviceRef): Promise<Device> {
		return toDevice(await this.agent(ref));
	}

	async searchDevices(text: string): Promise<Device[]> {
		const qs: IDataObject = { sortBy: 'computerName', sortOrder: 'asc' };
		if (text.trim()) qs.computerName__contains = text.trim();
		return (await this.agents(qs, 'search devices')).map(toDevice);
	}

	async getDevices(refs: DeviceRef[]): Promise<Array<Device | Error>> {
		// A malformed id never joins a comma-separated `ids=` batch: it is that ref's error alone.
		return await resolveCheckedDevices(refs, {
			check: (ref) => this.checkRef(ref),
			batchSize: S1_READ_BATCH,
			byIds: async (ids) =>
				await this.agents({ ids: ids.join(','), limit: S1_READ_BATCH }, 'get devices'),
			idOf: (agent) => agent.id,
			one: async (ref) => await this.agent(ref),
			toDevice,
		});
	}

	async getContainment(deviceId: string): Promise<Containment> {
		return toContainment(await this.agent({ id: deviceId }));
	}

	/** The agent record carries `networkStatus`: devices just read need no request; others are read 100 at a time. */
	async getContainments(devices: Device[]): Promise<Array<Containment | Error>> {
		const known = new Map<string, S1Agent>();
		for (const device of devices) {
			const parsed = S1Agent.safeParse(device.raw);
			if (parsed.success && parsed.data.id === device.id) known.set(device.id, parsed.data);
		}
		return await this.containmentsOf(
			devices.map((d) => d.id),
			known,
		);
	}

	/** Containment per agent id, reading the agents not in `known` 100 at a time. */
	private async containmentsOf(
		agentIds: string[],
		known = new Map<string, S1Agent>(),
	): Promise<Array<Containment | Error>> {
		const missing = [...new Set(agentIds.filter((id) => !known.has(id)))];
		for (const ids of chunk(missing, S1_READ_BATCH)) {
			for (const agent of await this.agents(
				{ ids: ids.join(','), limit: S1_READ_BATCH },
				'get containment',
			))
				known.set(agent.id, agent);
		}
		return agentIds.map((id) => {
			const agent = known.get(id);
			return agent
				? toContainment(agent)
				: notFound(
						this.node,
						'SentinelOne agent with id',
						id,
						'The agent may have been decommissioned.',
					);
		});
	}

	/**
	 * One disconnect or connect call for the batch. The documented body is the filter only
	 * (`{"filter":{"ids":[…]}}`): SentinelOne records no comment with network quarantine, so the
	 * comment is not sent (its activity log names the API user).
	 */
	async requestContainment(
		kind: ContainmentKind,
		deviceIds: string[],
		_comment: string,
		options: ContainmentRequestOptions = {},
	): Promise<ContainmentRequest[]> {
		if (deviceIds.length > this.containmentBatchSize) {
			throw new NodeOperationError(
				this.node,
				`At most ${this.containmentBatchSize} agents per request`,
			);
		}
		for (const id of deviceIds) this.checkRef({ id });
		const operation =
			kind === 'isolate' ? 'disconnect agents from network' : 'reconnect agents to network';
		const spec = {
			method: 'POST' as const,
			path: kind === 'isolate' ? '/agents/actions/disconnect' : '/agents/actions/connect',
			body: { filter: { ids: deviceIds } },
			operation,
		};
		if (options.dryRun) throw new DryRunStop(await this.transport.describe(spec));
		const response = await this.transport.request(spec);
		this.parse(S1Affected, response, operation);
		return deviceIds.map((deviceId) => ({ deviceId }));
	}

	/** SentinelOne has no action record for network quarantine: the agents' `networkStatus` is read again. */
	async readContainments(
		_kind: ContainmentKind,
		requests: ContainmentRequest[],
	): Promise<Array<ContainmentRead | Error>> {
		return (await this.containmentsOf(requests.map((r) => r.deviceId))).map((c) =>
			c instanceof Error ? c : { containment: c },
		);
	}

	async mitigate(request: MitigationRequest): Promise<MitigationAction> {
		const action = ACTION_PATH[request.kind];
		if (!action)
			throw new NodeOperationError(this.node, `SentinelOne has no "${request.kind}" mitigation`, {
				description: `Use one of: ${this.mitigations.join(', ')}`,
			});
		const pending: MitigationAction = {
			threatId: request.threat.id,
			deviceId: request.threat.deviceId,
			action: request.kind,
			status: 'pending',
			requestedAt: new Date().toISOString(),
		};
		// A mitigation whose answer was lost is found on the threat's mitigation status before it is sent again.
		return await writeVerified(
			async () => {
				await this.threatAction(
					`/threats/mitigate/${action}`,
					request.threat.id,
					undefined,
					`mitigate threat (${action})`,
				);
				return pending;
			},
			async () => {
				const names = ACTION_NAMES[request.kind] ?? [request.kind];
				const raw = await this.rawThreat(request.threat.id);
				return (raw.mitigationStatus ?? []).some((m) => names.includes(m.action))
					? pending
					: undefined;
			},
		);
	}

	async readMitigation(action: MitigationAction): Promise<MitigationAction> {
		const raw = await this.rawThreat(action.threatId ?? '');
		const names = ACTION_NAMES[action.action as MitigationKind] ?? [action.action];
		const entry = (raw.mitigationStatus ?? []).filter((m) => names.includes(m.action)).pop();
		const status =
			entry?.status === 'success' ? 'succeeded' : entry?.status === 'failed' ? 'failed' : 'pending';
		return {
			...action,
			status,
			completedAt: status === 'pending' ? undefined : isoUtc(entry?.lastUpdate),
			raw,
		};
	}
}
