import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import {
	collect,
	DryRunStop,
	filterPages,
	paginate,
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
import { SEVERITY_FLOOR, toContainment, toDevice, toThreat, UPDATE_STATUS } from './mappers';
import {
	alertIdProblem,
	CONTAINMENT_BATCH,
	crowdStrikeProfile,
	falconErrors,
	HOST_READ_BATCH,
	hostIdProblem,
	MAX_PAGE,
	VENDOR,
} from './profile';
import {
	FalconActionResult,
	FalconAlert,
	FalconEnvelope,
	FalconHost,
	FalconIds,
	FalconWrite,
} from './schemas';

/** One entry of `action_parameters` on `PATCH /alerts/entities/alerts/v3`. */
function actionParameter(name: string, value: string): { name: string; value: string } {
	return { name, value };
}

/** An FQL string literal: single quotes and backslashes escaped. */
function literal(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The FQL `filter` of `GET /alerts/queries/alerts/v2` for a query; clauses are joined with `+` (AND). */
export function alertFilter(query: ThreatQuery): string | undefined {
	const clauses: string[] = [];
	if (query.since) clauses.push(`timestamp:>=${literal(new Date(query.since).toISOString())}`);
	// `updated_timestamp` is Falcon's own time, stamped when an alert is stored and on every change:
	// an alert that reaches the API late is still found by it, whatever its detection time.
	if (query.changedSince)
		clauses.push(`updated_timestamp:>=${literal(new Date(query.changedSince).toISOString())}`);
	if (query.severities?.length)
		clauses.push(`severity:>=${Math.min(...query.severities.map((s) => SEVERITY_FLOOR[s]))}`);
	if (query.statuses?.length) {
		const words = query.statuses.flatMap((s) =>
			s === 'inProgress' ? ['in_progress', 'reopened'] : [UPDATE_STATUS[s]],
		);
		clauses.push(`status:[${words.map(literal).join(',')}]`);
	}
	if (query.deviceId) clauses.push(`agent_id:${literal(query.deviceId)}`);
	if (query.groups?.length) clauses.push(`cid:[${query.groups.map(literal).join(',')}]`);
	return clauses.length ? clauses.join('+') : undefined;
}

/** What FQL cannot say exactly (severity bands, hostnames with or without a DNS suffix), checked on each alert. */
function keepThreat(query: ThreatQuery): (t: Threat) => boolean {
	return (t) =>
		(!query.deviceId || t.deviceId === query.deviceId) &&
		(!query.hostname || sameHost(t.hostname ?? '', query.hostname)) &&
		(!query.severities?.length || query.severities.includes(t.severity));
}

type Envelope<T> = {
	meta?: { pagination?: { total?: number | null } | null };
	resources?: T[] | null;
};

export class CrowdStrikeProvider implements EdrProvider {
	readonly label = VENDOR;

	readonly containmentBatchSize = CONTAINMENT_BATCH;

	/** Falcon mitigates through Real Time Response sessions, which this node does not drive. */
	readonly mitigations: readonly MitigationKind[] = [];
	/** Falcon alerts take a status and `append_comment`; they have no analyst verdict. */
	readonly threatUpdates: ThreatUpdateSupport = {
		statuses: ['new', 'inProgress', 'resolved'],
		verdicts: [],
		comments: true,
	};

	private readonly transport: Transport;

	private readonly pageSize: number;

	constructor(
		ctx: ConstructorParameters<typeof Transport>[0],
		private readonly node: INode,
		options: TransportOptions & { pageSize?: number } = {},
	) {
		this.transport = new Transport(ctx, crowdStrikeProfile, options);
		this.pageSize = Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE);
	}

	private parse<S extends z.ZodTypeAny>(schema: S, data: unknown, operation: string): z.output<S> {
		return parseVendorResponse(this.node, schema, data, { vendor: VENDOR, operation });
	}

	private check(problem: string | undefined, field: string): void {
		if (problem) throw new NodeOperationError(this.node, `${field}: ${problem}`);
	}

	async listThreats(query: ThreatQuery): Promise<Threat[]> {
		return (await this.readThreats(query)).threats;
	}

	/**
	 * Alert ids a page at a time (`offset`/`limit`, newest first), each page's alerts read with
	 * `POST /alerts/entities/alerts/v2`. The vendor's clock is the `Date` of the first page: anything
	 * stored or changed after it carries a later `updated_timestamp`.
	 */
	async readThreats(query: ThreatQuery): Promise<ThreatReading> {
		if (query.deviceId) this.check(hostIdProblem(query.deviceId), 'Device ID');
		let vendorNow: string | undefined;
		const size =
			query.returnAll || !query.limit ? this.pageSize : Math.min(this.pageSize, query.limit);
		const filter = alertFilter(query);
		const operation = 'list alerts';
		const pages = paginate<Threat, number>(async (offset) => {
			const qs: IDataObject = { sort: 'created_timestamp|desc', offset, limit: size };
			if (filter) qs.filter = filter;
			const response = await this.transport.requestRaw({
				method: 'GET',
				path: '/alerts/queries/alerts/v2',
				qs,
				operation,
			});
			vendorNow ??= vendorNowOf(response.headers);
			const body = this.parse(FalconIds, response.body, operation) as Envelope<string>;
			const ids = body.resources ?? [];
			const next = offset + ids.length;
			const total = body.meta?.pagination?.total ?? undefined;
			const done = ids.length < size || (total !== undefined && total !== null && next >= total);
			return { items: await this.alerts(ids, operation), next: done ? undefined : next };
		}, 0);
		const threats = await collect(filterPages(pages, keepThreat(query)), {
			returnAll: query.returnAll,
			limit: query.limit,
		});
		return { threats, vendorNow };
	}

	/** Alerts by composite id, in the order asked; unknown ids are absent. */
	private async alerts(ids: string[], operation: string): Promise<Threat[]> {
		if (!ids.length) return [];
		const body = await this.transport.request({
			method: 'POST',
			path: '/alerts/entities/alerts/v2',
			body: { composite_ids: ids },
			readOnly: true,
			operation,
		});
		const found = (this.parse(FalconEnvelope(FalconAlert), body, operation).resources ??
			[]) as FalconAlert[];
		return ids
			.map((id) => found.find((a) => a.composite_id === id))
			.filter((a): a is FalconAlert => a !== undefined)
			.map(toThreat);
	}

	async getThreat(id: string): Promise<Threat> {
		this.check(alertIdProblem(id), 'Threat ID');
		const [threat] = await this.alerts([id], 'get alert');
		if (!threat)
			throw notFound(
				this.node,
				'CrowdStrike alert',
				id,
				'Check the composite alert id; the API client needs the Alerts read scope in the CID the alert belongs to.',
			);
		return threat;
	}

	private async patchAlert(
		id: string,
		actions: Array<{ name: string; value: string }>,
		operation: string,
	): Promise<void> {
		const body = await this.transport.request({
			method: 'PATCH',
			path: '/alerts/entities/alerts/v3',
			body: { composite_ids: [id], action_parameters: actions },
			operation,
		});
		this.parse(FalconWrite, body, operation);
	}

	/**
	 * `update_status` is set again harmlessly on a retry; a comment is appended once (see addNote).
	 * Falcon alerts carry no analyst verdict, so one is refused before anything is sent.
	 */
	async updateThreat(id: string, update: ThreatUpdate): Promise<Threat> {
		this.check(alertIdProblem(id), 'Threat ID');
		if (update.verdict)
			throw new NodeOperationError(
				this.node,
				'Verdict: CrowdStrike Falcon alerts have no analyst verdict',
				{
					description:
						'Nothing was changed. Set the status (and a comment) instead; Falcon alerts take new, in progress or closed.',
				},
			);
		if (update.status)
			await this.patchAlert(
				id,
				[actionParameter('update_status', UPDATE_STATUS[update.status])],
				'update alert status',
			);
		if (update.comment && !this.hasComment(await this.getThreat(id), update.comment))
			await this.addNote(id, update.comment);
		return await this.getThreat(id);
	}

	/** Whether the alert shows a comment with exactly this text, at or after `since` (epoch ms). [unverified: `comments[]` entry shape] */
	private hasComment(threat: Threat, text: string, since = -Infinity): boolean {
		const comments = (threat.raw as FalconAlert).comments ?? [];
		return comments.some((c) => c.value === text && !(Date.parse(c.timestamp ?? '') < since));
	}

	/** `append_comment` adds one every time: a request whose answer was lost is looked for on the alert before it is sent again. */
	async addNote(id: string, text: string): Promise<NoteResult> {
		this.check(alertIdProblem(id), 'Threat ID');
		const requestedAt = Date.now();
		return await writeVerified(
			async () => {
				await this.patchAlert(id, [actionParameter('append_comment', text)], 'add alert comment');
				return { threatId: id, text, added: true };
			},
			async () =>
				this.hasComment(await this.getThreat(id), text, requestedAt - 5 * 60 * 1000)
					? { threatId: id, text, added: true }
					: undefined,
		);
	}

	deviceIdProblem(id: string): string | undefined {
		return hostIdProblem(id);
	}

	private checkRef(ref: DeviceRef): void {
		if (ref.id) return this.check(hostIdProblem(ref.id), 'Device ID');
		const hostname = (ref.hostname ?? '').trim();
		if (!hostname || /[,'"\s*]/.test(hostname))
			throw new NodeOperationError(
				this.node,
				`Hostname: "${ref.hostname ?? ''}" is not a single hostname`,
			);
	}

	/** `GET /devices/entities/devices/v2?ids=…&ids=…` (at most 100 ids). */
	private async hosts(ids: string[], operation: string): Promise<FalconHost[]> {
		if (!ids.length) return [];
		const body = await this.transport.request({
			method: 'GET',
			path: '/devices/entities/devices/v2',
			qs: { ids },
			arrayFormat: 'repeat',
			operation,
		});
		return (this.parse(FalconEnvelope(FalconHost), body, operation).resources ??
			[]) as FalconHost[];
	}

	/** Host ids matching an FQL filter, every page (`offset`/`limit`, at most 5,000 a page). */
	private async hostIds(filter: string, operation: string, limit?: number): Promise<string[]> {
		const size = Math.min(limit ?? this.pageSize, 5000);
		const pages = paginate<string, number>(async (offset) => {
			const body = await this.transport.request({
				method: 'GET',
				path: '/devices/queries/devices/v1',
				qs: { filter, offset, limit: size, sort: 'hostname.asc' },
				operation,
			});
			const ids = (this.parse(FalconIds, body, operation).resources ?? []) as string[];
			const total = (body as Envelope<string>).meta?.pagination?.total ?? undefined;
			const next = offset + ids.length;
			const done =
				limit !== undefined || ids.length < size || (typeof total === 'number' && next >= total);
			return { items: ids, next: done ? undefined : next };
		}, 0);
		return await collect(pages, { returnAll: limit === undefined, limit });
	}

	private async hostsByIds(ids: string[], operation: string): Promise<FalconHost[]> {
		const out: FalconHost[] = [];
		for (const batch of chunk(ids, HOST_READ_BATCH))
			out.push(...(await this.hosts(batch, operation)));
		return out;
	}

	/**
	 * Every host with this name across the CIDs the client sees: `hostname:'<first DNS label>'`,
	 * then matched with or without the DNS suffix. Several matches are never a guess.
	 */
	private async host(ref: DeviceRef): Promise<FalconHost> {
		this.checkRef(ref);
		if (ref.id) {
			const found = (await this.hosts([ref.id], 'get device')).find((h) => h.device_id === ref.id);
			if (!found)
				throw notFound(
					this.node,
					'CrowdStrike host with id',
					ref.id,
					'Check the host (agent) id or look the device up by hostname.',
				);
			return found;
		}
		const hostname = (ref.hostname ?? '').trim();
		const ids = await this.hostIds(`hostname:${literal(hostname.split('.')[0])}`, 'find device');
		const matches = (await this.hostsByIds(ids, 'find device')).filter((h) =>
			sameHost(h.hostname ?? '', hostname),
		);
		if (!matches.length)
			throw notFound(
				this.node,
				'CrowdStrike host named',
				hostname,
				'Check the hostname; hidden hosts are not returned.',
			);
		if (matches.length > 1)
			throw ambiguousHost(this.node, hostname, 'CrowdStrike hosts', 'CID', matches.map(toDevice));
		return matches[0];
	}

	async getDevice(ref: DeviceRef): Promise<Device> {
		return toDevice(await this.host(ref));
	}

	async searchDevices(text: string): Promise<Device[]> {
		const needle = text.trim().replace(/['"\\*]/g, '');
		const filter = needle ? `hostname:*${literal(`*${needle}*`)}` : "hostname:*'*'";
		const ids = await this.hostIds(
			filter,
			'search devices',
			Math.min(this.pageSize, HOST_READ_BATCH),
		);
		return (await this.hosts(ids, 'search devices')).map(toDevice);
	}

	async getDevices(refs: DeviceRef[]): Promise<Array<Device | Error>> {
		return await resolveCheckedDevices(refs, {
			check: (ref) => this.checkRef(ref),
			batchSize: HOST_READ_BATCH,
			byIds: async (ids) => await this.hosts(ids, 'get devices'),
			idOf: (host) => host.device_id,
			one: async (ref) => await this.host(ref),
			toDevice,
		});
	}

	async getContainment(deviceId: string): Promise<Containment> {
		return toContainment(await this.host({ id: deviceId }));
	}

	/** The host record carries `status`: hosts just read need no request; others are read 100 at a time. */
	async getContainments(devices: Device[]): Promise<Array<Containment | Error>> {
		const known = new Map<string, FalconHost>();
		for (const device of devices) {
			const parsed = FalconHost.safeParse(device.raw);
			if (parsed.success && parsed.data.device_id === device.id) known.set(device.id, parsed.data);
		}
		return await this.containmentsOf(
			devices.map((d) => d.id),
			known,
		);
	}

	private async containmentsOf(
		ids: string[],
		known = new Map<string, FalconHost>(),
	): Promise<Array<Containment | Error>> {
		const missing = [...new Set(ids.filter((id) => !known.has(id)))];
		for (const host of await this.hostsByIds(missing, 'get containment'))
			known.set(host.device_id, host);
		return ids.map((id) => {
			const host = known.get(id);
			return host
				? toContainment(host)
				: notFound(
						this.node,
						'CrowdStrike host with id',
						id,
						'The host may have been hidden (deleted) from Falcon.',
					);
		});
	}

	/**
	 * One `devices-actions/v2` request for the batch. Falcon records no comment with containment
	 * (the body is `{"ids":[…]}`), so the comment is not sent; its audit log names the API client.
	 */
	async requestContainment(
		kind: ContainmentKind,
		deviceIds: string[],
		_comment: string,
		options: ContainmentRequestOptions = {},
	): Promise<ContainmentRequest[]> {
		if (deviceIds.length > this.containmentBatchSize)
			throw new NodeOperationError(
				this.node,
				`At most ${this.containmentBatchSize} hosts per request`,
			);
		for (const id of deviceIds) this.checkRef({ id });
		const operation = kind === 'isolate' ? 'contain hosts' : 'lift host containment';
		const spec = {
			method: 'POST' as const,
			path: '/devices/entities/devices-actions/v2',
			qs: { action_name: kind === 'isolate' ? 'contain' : 'lift_containment' },
			body: { ids: deviceIds },
			operation,
		};
		if (options.dryRun) throw new DryRunStop(await this.transport.describe(spec));
		const response = await this.transport.request(spec);
		const body = this.parse(FalconActionResult, response, operation);
		// A 202 names the hosts Falcon took in `resources` and the ones it refused in `errors`.
		const taken = new Set((body.resources ?? []).map((r) => (r as { id: string }).id));
		const errors = (body.errors ?? []).map((e) => falconErrors({ errors: [e] }) ?? '');
		return deviceIds.map((deviceId) => {
			// Without errors an unlisted host is left to the read-back, which sees whether Falcon acted.
			if (!body.resources || taken.has(deviceId) || !errors.some(Boolean)) return { deviceId };
			const own = errors.filter((e) => e.includes(deviceId));
			return { deviceId, refused: (own.length ? own : errors).filter(Boolean).join('; ') };
		});
	}

	/** Falcon keeps no action record for containment: the hosts' `status` is read again. */
	async readContainments(
		_kind: ContainmentKind,
		requests: ContainmentRequest[],
	): Promise<Array<ContainmentRead | Error>> {
		return (await this.containmentsOf(requests.map((r) => r.deviceId))).map((c) =>
			c instanceof Error ? c : { containment: c },
		);
	}

	async mitigate(request: MitigationRequest): Promise<MitigationAction> {
		throw new NodeOperationError(
			this.node,
			`CrowdStrike Falcon has no "${request.kind}" mitigation in this node`,
			{
				description:
					'Falcon kills and quarantines through Real Time Response sessions, which this node does not run. Contain the host (Device > Isolate) or act in the Falcon console.',
			},
		);
	}

	async readMitigation(action: MitigationAction): Promise<MitigationAction> {
		throw new NodeOperationError(
			this.node,
			`CrowdStrike Falcon has no "${action.action}" mitigation to read`,
		);
	}
}
