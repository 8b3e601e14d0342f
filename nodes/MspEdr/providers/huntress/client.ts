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
} from '../../../shared';
import {
	ambiguousHost,
	messageOf,
	notFound,
	resolveCheckedDevices,
	rethrow,
	sameHost,
	statusOf,
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
import { huntressProfile, idProblem, MAX_PAGE, VENDOR } from './profile';
import {
	firewallStateOf,
	HUNTRESS_STATUSES,
	huntressSeverityOf,
	statusOf as incidentStatusOf,
	toContainment,
	toDevice,
	toThreat,
} from './mappers';
import {
	HuntressAgent,
	HuntressIncident,
	HuntressList,
	HuntressOne,
	HuntressOrganization,
	HuntressRemediation,
} from './schemas';

export { huntressProfile } from './profile';

type ListBody = { pagination?: { next_page_token?: string | null } | null };
const nextToken = (body: unknown) => (body as ListBody | undefined)?.pagination?.next_page_token;

/** The one value of a vendor filter that takes a single value, or undefined when the set needs several. */
function single<T>(values: T[]): T | undefined {
	const unique = [...new Set(values)];
	return unique.length === 1 ? unique[0] : undefined;
}

/**
 * Huntress API v1: incident reports as threats, agents as devices, host isolation as containment,
 * and the remediations Huntress proposes (approved or rejected in bulk) as mitigation.
 */
export class HuntressProvider implements EdrProvider {
	readonly label = VENDOR;

	/** Isolation is one agent per request (`POST /v1/agents/{id}/isolation`). */
	readonly containmentBatchSize = 1;

	readonly mitigations: readonly MitigationKind[] = [
		'approveRemediations',
		'quarantine',
		'rejectRemediations',
	];
	/** Huntress can only resolve an incident report: no analyst verdict, no comment API. */
	readonly threatUpdates: ThreatUpdateSupport = {
		statuses: ['resolved'],
		verdicts: [],
		comments: false,
	};

	private readonly transport: Transport;

	private readonly pageSize: number;

	/** The organizations, read once per execution: incident reports and agents carry only the id. */
	private organizations?: Promise<HuntressOrganization[]>;

	private organizationNamesById?: Promise<Map<string, string>>;

	/** Agents by id as read during this execution (null: Huntress no longer has it). */
	private readonly agentCache = new Map<string, Promise<HuntressAgent | undefined>>();

	constructor(
		ctx: ConstructorParameters<typeof Transport>[0],
		private readonly node: INode,
		options: TransportOptions & { pageSize?: number } = {},
	) {
		this.transport = new Transport(ctx, huntressProfile, options);
		this.pageSize = Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE);
	}

	private parse<T>(schema: z.ZodTypeAny, data: unknown, operation: string): T {
		return parseVendorResponse(this.node, schema, data, { vendor: VENDOR, operation }) as T;
	}

	private check(
		id: string,
		what: 'agent' | 'incident report' | 'organization',
		field: string,
	): void {
		const problem = idProblem(id, what);
		if (problem) throw new NodeOperationError(this.node, `${field}: ${problem}`);
	}

	/** Huntress answers 404 for a missing record and for one the key may not see. */
	private async getOne<T>(path: string, key: string, schema: z.ZodTypeAny, operation: string) {
		try {
			const body = await this.transport.request({ method: 'GET', path, operation });
			return this.parse<Record<string, T>>(HuntressOne(key, schema), body, operation)[key];
		} catch (error) {
			if (statusOf(error) === 404) return undefined;
			rethrow(this.node, error);
		}
	}

	// ---- organizations and agents -------------------------------------------------------------

	private async organizationList(): Promise<HuntressOrganization[]> {
		this.organizations ??= (async () => {
			const operation = 'list organizations';
			const pages = cursorPages(this.transport, {
				request: { method: 'GET', path: '/organizations', operation },
				items: (body) =>
					this.parse<{ organizations: HuntressOrganization[] }>(
						HuntressList('organizations', HuntressOrganization),
						body,
						operation,
					).organizations,
				pageSize: MAX_PAGE,
				sizeParam: 'limit',
				cursorParam: 'page_token',
				cursor: nextToken,
			});
			return await collect(pages, { returnAll: true });
		})();
		return await this.organizations;
	}

	private async organizationNames(): Promise<Map<string, string>> {
		this.organizationNamesById ??= this.organizationList().then(
			(orgs) => new Map(orgs.flatMap((org) => (org.name ? [[org.id, org.name] as const] : []))),
		);
		return await this.organizationNamesById;
	}

	/** Every agent the key sees, by its organizations' `agents_count`; undefined when one lacks it. */
	private async agentTotal(): Promise<number | undefined> {
		let total = 0;
		for (const org of await this.organizationList()) {
			if (typeof org.agents_count !== 'number') return undefined;
			total += org.agents_count;
		}
		return total;
	}

	private async organizationName(id: string | null | undefined): Promise<string | undefined> {
		return id ? (await this.organizationNames()).get(id) : undefined;
	}

	private async agentById(id: string): Promise<HuntressAgent | undefined> {
		let read = this.agentCache.get(id);
		if (!read) {
			read = this.getOne<HuntressAgent>(
				`/agents/${encodeURIComponent(id)}`,
				'agent',
				HuntressAgent,
				'get device',
			);
			this.agentCache.set(id, read);
		}
		return await read;
	}

	/** A fresh read of the agent (containment changes), never the cached one. */
	private async freshAgent(id: string, operation: string): Promise<HuntressAgent> {
		this.agentCache.delete(id);
		const agent = await this.getOne<HuntressAgent>(
			`/agents/${encodeURIComponent(id)}`,
			'agent',
			HuntressAgent,
			operation,
		);
		if (!agent)
			throw notFound(
				this.node,
				'Huntress agent with id',
				id,
				'Check the agent id; the API key must see the organization the agent belongs to.',
			);
		this.agentCache.set(id, Promise.resolve(agent));
		return agent;
	}

	private agentPages(qs: IDataObject, operation: string, limit?: number) {
		return cursorPages(this.transport, {
			request: { method: 'GET', path: '/agents', qs, operation },
			items: (body) =>
				this.parse<{ agents: HuntressAgent[] }>(
					HuntressList('agents', HuntressAgent),
					body,
					operation,
				).agents,
			pageSize: this.pageSize,
			limit,
			sizeParam: 'limit',
			cursorParam: 'page_token',
			cursor: nextToken,
		});
	}

	/**
	 * Fresh records of many agents from the account's agent list, when that takes fewer requests than
	 * one `GET /v1/agents/{id}` each: Huntress's list has no id filter, but gives 500 agents a page, so
	 * 100 agents in an account of 2,000 take 4 pages instead of 100 reads. Paging stops once every id
	 * is seen. Empty when reading by id is cheaper or the size of the account is unknown; ids the list
	 * does not return are left to the caller's read by id, which names them when Huntress has none.
	 */
	private async listedAgents(
		ids: string[],
		operation: string,
	): Promise<Map<string, HuntressAgent>> {
		const wanted = new Set(ids);
		const found = new Map<string, HuntressAgent>();
		if (wanted.size < 2) return found;
		const total = await this.agentTotal();
		const pages = total ? Math.ceil(total / this.pageSize) : undefined;
		if (pages === undefined || pages >= wanted.size) return found;
		// No more pages than the account should fill: ids still missing then (an agent uninstalled,
		// an agents_count behind the list) are read by id instead of paging on.
		let read = 0;
		for await (const page of this.agentPages({}, operation)) {
			for (const agent of page) if (wanted.has(agent.id)) found.set(agent.id, agent);
			if (found.size === wanted.size || ++read >= pages) break;
		}
		for (const [id, agent] of found) this.agentCache.set(id, Promise.resolve(agent));
		return found;
	}

	/** Every agent with this hostname, across organizations: Huntress's `hostname` filter, matched exactly here. */
	private async agentsNamed(hostname: string): Promise<HuntressAgent[]> {
		const pages = this.agentPages({ hostname: hostname.trim().split('.')[0] }, 'find device');
		return await collect(
			filterPages(pages, (a) => sameHost(a.hostname, hostname)),
			{ returnAll: true },
		);
	}

	deviceIdProblem(id: string): string | undefined {
		return idProblem(id, 'agent');
	}

	private checkRef(ref: DeviceRef): void {
		const hostname = (ref.hostname ?? '').trim();
		const problem = ref.id
			? this.deviceIdProblem(ref.id)
			: !hostname || /[,;\s]/.test(hostname)
				? `"${ref.hostname ?? ''}" is not a single hostname`
				: undefined;
		if (problem) throw new NodeOperationError(this.node, problem);
	}

	private async agent(ref: DeviceRef): Promise<HuntressAgent> {
		this.checkRef(ref);
		if (ref.id) {
			const found = await this.agentById(ref.id);
			if (!found)
				throw notFound(
					this.node,
					'Huntress agent with id',
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
				'Huntress agent named',
				hostname,
				'Check the hostname; uninstalled agents are not returned.',
			);
		// The same hostname in two organizations (or an agent left behind by a reinstall) is never guessed.
		if (matches.length > 1)
			throw ambiguousHost(
				this.node,
				hostname,
				'Huntress agents',
				'organization',
				await this.devicesOf(matches),
			);
		return matches[0];
	}

	private async devicesOf(agents: HuntressAgent[]): Promise<Device[]> {
		const names = await this.organizationNames();
		return agents.map((a) =>
			toDevice(a, a.organization_id ? names.get(a.organization_id) : undefined),
		);
	}

	async getDevice(ref: DeviceRef): Promise<Device> {
		return (await this.devicesOf([await this.agent(ref)]))[0];
	}

	/** One page of agents (the largest Huntress allows), those whose hostname contains the text. */
	async searchDevices(text: string): Promise<Device[]> {
		const wanted = text.trim().toLowerCase();
		const first = await this.agentPages({}, 'search devices', MAX_PAGE).next();
		const page: HuntressAgent[] = first.done ? [] : first.value;
		return await this.devicesOf(
			page.filter((a) => !wanted || a.hostname.toLowerCase().includes(wanted)),
		);
	}

	/**
	 * Ids from the account's agent list when that takes fewer requests (see listedAgents), else one
	 * `GET /v1/agents/{id}` each; hostnames by the `hostname` filter.
	 */
	async getDevices(refs: DeviceRef[]): Promise<Array<Device | Error>> {
		return await resolveCheckedDevices(refs, {
			check: (ref) => this.checkRef(ref),
			// All ids in one lookup: listedAgents decides between the list and reads by id.
			batchSize: Number.MAX_SAFE_INTEGER,
			byIds: async (ids) => {
				// A list that fails leaves each agent to its own read, so one bad page fails no device.
				const listed = await this.listedAgents(ids, 'get devices').catch(
					() => new Map<string, HuntressAgent>(),
				);
				const agents = [...listed.values()];
				for (const id of ids.filter((id) => !listed.has(id))) {
					// A failed read stays cached: the single lookup raises it for that ref alone.
					const agent = await this.agentById(id).catch(() => undefined);
					if (agent) agents.push(agent);
				}
				return agents;
			},
			idOf: (agent) => agent.id,
			one: async (ref) => await this.agent(ref),
			// Organization names are read once, after the agents.
			toDevice: async (agent) =>
				toDevice(agent, await this.organizationName(agent.organization_id)),
		});
	}

	// ---- containment ----------------------------------------------------------------------------

	async getContainment(deviceId: string): Promise<Containment> {
		this.checkRef({ id: deviceId });
		return toContainment(await this.freshAgent(deviceId, 'get containment'));
	}

	/** The agent record carries `firewall_status`: devices just read need no request. */
	async getContainments(devices: Device[]): Promise<Array<Containment | Error>> {
		const out: Array<Containment | Error> = [];
		for (const device of devices) {
			const parsed = HuntressAgent.safeParse(device.raw);
			if (parsed.success && parsed.data.id === device.id) {
				out.push(toContainment(parsed.data));
				continue;
			}
			try {
				out.push(await this.getContainment(device.id));
			} catch (error) {
				out.push(error as Error);
			}
		}
		return out;
	}

	private containmentSpec(kind: ContainmentKind, deviceId: string, comment: string) {
		const path = `/agents/${encodeURIComponent(deviceId)}/isolation`;
		return kind === 'isolate'
			? {
					method: 'POST' as const,
					path,
					// Strict isolation is only honoured on Windows and Linux; the standard one works everywhere.
					body: { reason: comment, strict_isolation: false },
					operation: 'isolate agent',
				}
			: { method: 'DELETE' as const, path, operation: 'release agent' };
	}

	/**
	 * One request per agent: `POST /v1/agents/{id}/isolation` (201 with the agent, `Pending
	 * Isolation`) or `DELETE` of it (204; the agent goes `Pending Release`). A lost answer to the
	 * POST is looked for on the agent's firewall status before it is sent again.
	 */
	async requestContainment(
		kind: ContainmentKind,
		deviceIds: string[],
		comment: string,
		options: ContainmentRequestOptions = {},
	): Promise<ContainmentRequest[]> {
		for (const id of deviceIds) this.checkRef({ id });
		const out: ContainmentRequest[] = [];
		for (const deviceId of deviceIds) {
			const spec = this.containmentSpec(kind, deviceId, comment);
			if (options.dryRun) throw new DryRunStop(await this.transport.describe(spec));
			const reached =
				kind === 'isolate' ? ['pendingIsolation', 'isolated'] : ['pendingRelease', 'released'];
			await writeVerified(
				async () => {
					try {
						await this.transport.request(spec);
					} catch (error) {
						throw this.containmentError(kind, deviceId, error);
					}
					return true;
				},
				// After a lost answer, the agent's own state says whether the request arrived.
				async () => {
					const agent = await this.freshAgent(deviceId, spec.operation);
					return reached.includes(firewallStateOf(agent.firewall_status)) ? true : undefined;
				},
			);
			this.agentCache.delete(deviceId);
			out.push({ deviceId });
		}
		return out;
	}

	private containmentError(kind: ContainmentKind, deviceId: string, error: unknown): unknown {
		const status = statusOf(error);
		if (status === 404)
			return notFound(
				this.node,
				'Huntress agent with id',
				deviceId,
				'The agent may have been uninstalled.',
			);
		if (status === 409)
			return new NodeOperationError(
				this.node,
				`Huntress could not ${kind === 'isolate' ? 'isolate' : 'release'} agent ${deviceId}: ${messageOf(error).trim()}`,
				{
					description:
						'Huntress answers 409 when the agent does not support host isolation or the request could not be scheduled (for example one is already pending). Check the agent in the Huntress portal.',
				},
			);
		if (status === 403)
			return new NodeOperationError(
				this.node,
				`Huntress refused to ${kind === 'isolate' ? 'isolate' : 'release'} agent ${deviceId} (403): ${messageOf(error).trim()}`,
				{
					description:
						"The account's default API key only reads: use a user-based API key with permission to isolate hosts.",
				},
			);
		return error;
	}

	/**
	 * Huntress keeps no action record for isolation: the agents' `firewall_status` is read again, from
	 * the agent list when that takes fewer requests than reading each agent (see listedAgents).
	 */
	async readContainments(
		_kind: ContainmentKind,
		requests: ContainmentRequest[],
	): Promise<Array<ContainmentRead | Error>> {
		// A list that fails leaves each agent to its own read, so one bad page fails no request.
		const listed = await this.listedAgents(
			requests.map((r) => r.deviceId),
			'get containment',
		).catch(() => new Map<string, HuntressAgent>());
		const out: Array<ContainmentRead | Error> = [];
		for (const request of requests) {
			const agent = listed.get(request.deviceId);
			try {
				out.push({
					containment: agent ? toContainment(agent) : await this.getContainment(request.deviceId),
				});
			} catch (error) {
				out.push(error as Error);
			}
		}
		return out;
	}

	// ---- incident reports as threats -------------------------------------------------------------

	async listThreats(query: ThreatQuery): Promise<Threat[]> {
		return (await this.readThreats(query)).threats;
	}

	/** The filters Huntress takes (each one value), checked before any request. */
	private incidentFilter(query: ThreatQuery): IDataObject {
		// Newest change first, so a read for changes since a time stops at the first older page.
		const qs: IDataObject = { sort_field: 'updated_at', sort_direction: 'desc' };
		const severities = (query.severities ?? []).map(huntressSeverityOf);
		const severity = single(severities);
		if (query.severities?.length && severity && !severities.includes(undefined))
			qs.severity = severity;
		const statuses = (query.statuses ?? []).flatMap((s) => HUNTRESS_STATUSES[s]);
		const status = single(statuses);
		if (status) qs.status = status;
		if (query.deviceId) {
			this.check(query.deviceId, 'agent', 'Device ID');
			qs.agent_id = query.deviceId;
		}
		for (const group of query.groups ?? []) this.check(group, 'organization', 'Organization ID');
		if (query.groups?.length === 1) qs.organization_id = query.groups[0];
		return qs;
	}

	/**
	 * `GET /v1/incident_reports`, newest `updated_at` first, every page (`page_token`) down to the
	 * oldest change the query asks for. Huntress has no time filter on this list, so reading stops at
	 * the first report changed before `changedSince` (or before `since`: a report is changed at or
	 * after it is sent). The vendor's clock is the `Date` of the first page.
	 */
	async readThreats(query: ThreatQuery): Promise<ThreatReading> {
		const qs = this.incidentFilter(query);
		const bounds = [query.since, query.changedSince]
			.map((t) => Date.parse(t ?? ''))
			.filter(Number.isFinite);
		const oldest = bounds.length ? Math.max(...bounds) : undefined;
		const since = Date.parse(query.since ?? '');
		let vendorNow: string | undefined;
		const operation = 'list threats';
		const raw = cursorPages(this.transport, {
			request: { method: 'GET', path: '/incident_reports', qs, operation },
			items: (body) =>
				this.parse<{ incident_reports: HuntressIncident[] }>(
					HuntressList('incident_reports', HuntressIncident),
					body,
					operation,
				).incident_reports,
			pageSize: this.pageSize,
			limit: query.returnAll ? undefined : query.limit,
			sizeParam: 'limit',
			cursorParam: 'page_token',
			cursor: nextToken,
			onResponse: (response) => (vendorNow ??= vendorNowOf(response.headers)),
		});
		const pages = this.threatPages(raw, oldest);
		const keep = (t: Threat) =>
			(!Number.isFinite(since) || Date.parse(t.detectedAt ?? t.updatedAt ?? '') >= since) &&
			(!query.changedSince || Date.parse(t.updatedAt ?? '') >= Date.parse(query.changedSince)) &&
			(!query.severities?.length || query.severities.includes(t.severity)) &&
			(!query.statuses?.length || query.statuses.includes(t.status)) &&
			(!query.groups?.length || query.groups.includes(t.companyId ?? '')) &&
			(!query.hostname || sameHost(t.hostname ?? '', query.hostname));
		const threats = await collect(filterPages(pages, keep), {
			returnAll: query.returnAll,
			limit: query.limit,
		});
		return { threats, vendorNow };
	}

	/** Pages of incidents as threats, ending after the page that reaches a report changed before `oldest`. */
	private async *threatPages(
		pages: AsyncGenerator<HuntressIncident[]>,
		oldest: number | undefined,
	): AsyncGenerator<Threat[]> {
		for await (const page of pages) {
			yield await this.threatsOf(page);
			if (oldest !== undefined && page.some((r) => Date.parse(r.updated_at ?? '') < oldest)) return;
		}
	}

	private async threatsOf(incidents: HuntressIncident[]): Promise<Threat[]> {
		const unread = incidents
			.map((incident) => incident.agent_id)
			.filter((id): id is string => Boolean(id) && !this.agentCache.has(id as string));
		await this.listedAgents([...new Set(unread)], 'list threats');
		const out: Threat[] = [];
		for (const incident of incidents) out.push(await this.threatOf(incident));
		return out;
	}

	/** The incident with its agent's hostname and its organization's name (each read once per execution). */
	private async threatOf(incident: HuntressIncident): Promise<Threat> {
		const agent = incident.agent_id ? await this.agentById(incident.agent_id) : undefined;
		return toThreat(incident, {
			agent,
			organizationName: await this.organizationName(incident.organization_id),
		});
	}

	private async rawIncident(id: string): Promise<HuntressIncident> {
		this.check(id, 'incident report', 'Threat ID');
		const found = await this.getOne<HuntressIncident>(
			`/incident_reports/${encodeURIComponent(id)}`,
			'incident_report',
			HuntressIncident,
			'get threat',
		);
		if (!found)
			throw notFound(
				this.node,
				'Huntress incident report',
				id,
				'Check the incident report id; the API key must see its organization.',
			);
		return found;
	}

	async getThreat(id: string): Promise<Threat> {
		return await this.threatOf(await this.rawIncident(id));
	}

	/**
	 * Huntress can resolve an incident report (`POST /v1/incident_reports/{id}/resolution`), nothing
	 * else: it has no analyst verdict, no way back to new, and no comment API. Those are refused
	 * before any request.
	 */
	async updateThreat(id: string, update: ThreatUpdate): Promise<Threat> {
		this.check(id, 'incident report', 'Threat ID');
		if (update.verdict)
			throw new NodeOperationError(this.node, 'Verdict: Huntress has no analyst verdict', {
				description:
					'Huntress SOC analysts judge every incident report themselves. Keep Verdict on "Keep Current"; to dismiss a proposed fix, run the mitigation "Reject Remediations".',
			});
		if (update.comment) throw this.noComments();
		if (update.status && update.status !== 'resolved')
			throw new NodeOperationError(
				this.node,
				`Status: Huntress can only resolve an incident report, not set it to "${update.status}"`,
				{ description: 'Choose Resolved, or Keep Current.' },
			);
		if (update.status === 'resolved') await this.resolve(id);
		return await this.getThreat(id);
	}

	/** Resolving a resolved report sends nothing; a lost answer is looked for on the report. */
	private async resolve(id: string): Promise<void> {
		if (incidentStatusOf((await this.rawIncident(id)).status) === 'resolved') return;
		const operation = 'resolve incident report';
		await writeVerified(
			async () => {
				try {
					await this.transport.request({
						method: 'POST',
						path: `/incident_reports/${encodeURIComponent(id)}/resolution`,
						operation,
					});
				} catch (error) {
					const status = statusOf(error);
					if (status === 409 || status === 422)
						throw new NodeOperationError(
							this.node,
							`Huntress could not resolve incident report ${id}: ${messageOf(error).trim()}`,
							{
								description:
									"Huntress resolves a report only while its status is 'sent' and every remediation is approved: approve the remediations first (mitigation Approve Remediations).",
							},
						);
					rethrow(this.node, error);
				}
				return true;
			},
			async () =>
				incidentStatusOf((await this.rawIncident(id)).status) === 'resolved' ? true : undefined,
		);
	}

	private noComments(): NodeOperationError {
		return new NodeOperationError(
			this.node,
			'Huntress has no API to add notes to an incident report',
			{
				description:
					'Comments on Huntress incident reports are made in the portal only. Record the note in your PSA ticket instead.',
			},
		);
	}

	async addNote(id: string): Promise<NoteResult> {
		this.check(id, 'incident report', 'Threat ID');
		throw this.noComments();
	}

	// ---- remediations as mitigation ----------------------------------------------------------------

	private async remediations(incidentId: string): Promise<HuntressRemediation[]> {
		const operation = 'list remediations';
		const pages = cursorPages(this.transport, {
			request: {
				method: 'GET',
				path: `/incident_reports/${encodeURIComponent(incidentId)}/remediations`,
				operation,
			},
			items: (body) =>
				this.parse<{ remediations: HuntressRemediation[] }>(
					HuntressList('remediations', HuntressRemediation),
					body,
					operation,
				).remediations,
			pageSize: this.pageSize,
			sizeParam: 'limit',
			cursorParam: 'page_token',
			cursor: nextToken,
		});
		return await collect(pages, { returnAll: true });
	}

	/**
	 * Approves (`bulk_approval`) or rejects (`bulk_rejection`, with the comment) every remediation
	 * Huntress proposes for the incident report in one request. Approval runs assisted remediations
	 * at once. An incident with nothing left unapproved sends nothing; a lost answer is looked for on
	 * the remediations before the request is sent again.
	 */
	async mitigate(request: MitigationRequest): Promise<MitigationAction> {
		if (!this.mitigations.includes(request.kind))
			throw new NodeOperationError(this.node, `Huntress has no "${request.kind}" mitigation`, {
				description: `Use one of: ${this.mitigations.join(', ')}`,
			});
		const id = request.threat.id;
		this.check(id, 'incident report', 'Threat ID');
		const pending: MitigationAction = {
			threatId: id,
			deviceId: request.threat.deviceId,
			action: request.kind,
			status: 'pending',
			requestedAt: new Date().toISOString(),
		};
		const waiting = async () =>
			(await this.remediations(id)).filter((r) => /^unapproved$/i.test(r.status ?? ''));
		const unapproved = async () => (await waiting()).length > 0;
		const proposed = await waiting();
		if (!proposed.length) return await this.readMitigation(pending);
		// Huntress approves an incident's remediations in bulk only: a quarantine is one when every remediation it
		// proposes quarantines a file, and is refused (nothing sent) when it proposes anything else.
		const other = proposed.filter((r) => !/^quarantine file$/i.test((r.action ?? '').trim()));
		if (request.kind === 'quarantine' && other.length)
			throw new NodeOperationError(
				this.node,
				`Huntress proposes more than a file quarantine for incident report ${id}: ${other.map((r) => r.action ?? r.type ?? 'unnamed').join(', ')}`,
				{
					description:
						'Nothing was approved. Review the remediations in Huntress, or run the mitigation "Approve Remediations" to approve all of them.',
				},
			);
		const approve = request.kind !== 'rejectRemediations';
		const operation = approve ? 'approve remediations' : 'reject remediations';
		await writeVerified(
			async () => {
				try {
					await this.transport.request({
						method: 'POST',
						path: `/incident_reports/${encodeURIComponent(id)}/remediations/${approve ? 'bulk_approval' : 'bulk_rejection'}`,
						body: approve ? undefined : { comment: request.comment, useful: false },
						operation,
					});
				} catch (error) {
					const status = statusOf(error);
					if (status === 409 || status === 422)
						throw new NodeOperationError(
							this.node,
							`Huntress could not ${approve ? 'approve' : 'reject'} the remediations of incident report ${id}: ${messageOf(error).trim()}`,
							{ description: "Huntress accepts this only while the report's status is 'sent'." },
						);
					rethrow(this.node, error);
				}
				return true;
			},
			async () => ((await unapproved()) ? undefined : true),
		);
		return approve ? pending : await this.readMitigation(pending);
	}

	/**
	 * Approved remediations: succeeded when every one completed, failed when one failed, pending
	 * while any is still approved or running. Rejected ones: done once none is left unapproved.
	 */
	async readMitigation(action: MitigationAction): Promise<MitigationAction> {
		const id = action.threatId ?? '';
		this.check(id, 'incident report', 'Threat ID');
		const items = (await this.remediations(id)).filter((r) => !/^cancelled$/i.test(r.status ?? ''));
		const states = items.map((r) => String(r.status ?? '').toLowerCase());
		const status: MitigationAction['status'] =
			action.action === 'rejectRemediations'
				? states.includes('unapproved')
					? 'pending'
					: 'succeeded'
				: states.includes('failed')
					? 'failed'
					: states.every((s) => s === 'completed')
						? 'succeeded'
						: 'pending';
		const completed = items
			.map((r) => isoUtc(r.completed_at))
			.filter((t): t is string => t !== undefined)
			.sort();
		return {
			...action,
			status,
			completedAt:
				status === 'pending' ? undefined : (completed[completed.length - 1] ?? action.requestedAt),
			raw: { remediations: items },
		};
	}
}
