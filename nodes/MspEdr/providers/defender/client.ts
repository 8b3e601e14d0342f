import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import {
	DryRunStop,
	isoUtc,
	mapWithConcurrency,
	offsetPages,
	parseVendorResponse,
	Transport,
	type Containment,
	type Device,
	type MitigationAction,
	type Threat,
	type TransportOptions,
	type VendorProfile,
	writeVerified,
} from '../../../shared';
import {
	ambiguousHost,
	chunk,
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
import {
	containmentFrom,
	FINISHED,
	hostOf,
	SEVERITY,
	stateOf,
	STATUS,
	toDevice,
	signatureOf,
	toThreat,
	type FileSignature,
} from './mappers';
import { MdeAlert, MdeCollection, MdeFile, MdeMachine, MdeMachineAction } from './schemas';

const VENDOR = 'Microsoft Defender for Endpoint';
/** File reads in flight while a list is enriched; the pacer keeps Defender's budget either way. */
const SIGNATURE_READS_IN_FLIGHT = 4;
/** `$top` may be at most 10,000. */
const MAX_PAGE = 10000;
/**
 * Published limit of most endpoints, machine actions included: 100 calls per minute and 1,500 per hour
 * per application, both kept as windows.
 */
export const DEFENDER_RATE_LIMITS = [
	{ requestsPerWindow: 100, windowMs: 60_000 },
	{ requestsPerWindow: 1500, windowMs: 3_600_000 },
];

/**
 * Machine ids per OData `$filter` read (`id eq '…' or id eq '…'`): 20 ids of 40 hex characters keep
 * the encoded query string under about 2,000 characters. [unverified: Defender documents no URL
 * limit; 2,048 is the common web-server default for a query string]
 */
export const DEFENDER_READ_BATCH = 20;
/** Isolation actions are read with the largest page; a longer history pages on with `$skip`. */
const ACTION_PAGE = MAX_PAGE;

const VERDICT_CLASSIFICATION: Record<string, string> = {
	truePositive: 'TruePositive',
	falsePositive: 'FalsePositive',
};

function apiBase(credentials: ICredentialDataDecryptedObject): string {
	const host =
		credentials.apiHost === 'custom'
			? String(credentials.customApiUrl ?? '')
			: String(credentials.apiHost ?? '');
	return `${host.replace(/\/+$/, '')}/api`;
}

export const defenderProfile: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspMicrosoftDefenderApi',
	baseUrl: apiBase,
	errorMessage: (body) => {
		const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
		return error?.message ? `${error.message}${error.code ? ` (${error.code})` : ''}` : undefined;
	},
	rateLimits: DEFENDER_RATE_LIMITS,
};

/**
 * Whether an alert shows a PATCH: its status and classification as sent, and a comment with the text sent
 * created since the request (less the clock allowance the machine actions use: `createdTime` is Defender's
 * clock). Defender keeps no client request id, so an identical comment within the allowance counts as this one.
 */
function patched(alert: MdeAlert, body: IDataObject, requestedAt: number): boolean {
	return (
		(body.status === undefined || alert.status === body.status) &&
		(body.classification === undefined || alert.classification === body.classification) &&
		hasComment(alert, String(body.comment), requestedAt - 5 * 60 * 1000)
	);
}

/** Whether the alert carries a comment with exactly this text (created at or after `since`, when given). */
function hasComment(alert: MdeAlert, text: string, since = -Infinity): boolean {
	const comments = Array.isArray(alert.comments)
		? (alert.comments as Array<{ comment?: unknown; createdTime?: unknown }>)
		: [];
	return comments.some(
		(c) =>
			c.comment === text &&
			(typeof c.createdTime !== 'string' || !(Date.parse(c.createdTime) < since)),
	);
}

/** OData string literal: single quotes doubled. */
function literal(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** `(prop eq 'a' or prop eq 'b')`: Defender documents no `in` operator, so equality is joined with `or`. */
function anyOf(property: string, values: string[]): string {
	return `(${values.map((v) => `${property} eq ${literal(v)}`).join(' or ')})`;
}

/** The `$filter` and `$expand` of `GET /api/alerts` for a query. */
function alertFilter(query: ThreatQuery): IDataObject {
	const clauses: string[] = [];
	if (query.since) clauses.push(`alertCreationTime ge ${new Date(query.since).toISOString()}`);
	// `lastUpdateTime` is Defender's own time, set when an alert is created and whenever it changes:
	// an alert that reaches the API late is still found by it, whatever its first event time.
	if (query.changedSince)
		clauses.push(`lastUpdateTime ge ${new Date(query.changedSince).toISOString()}`);
	if (query.severities?.length)
		clauses.push(
			`(${[...new Set(query.severities.map((s) => SEVERITY[s]))].map((s) => `severity eq ${literal(s)}`).join(' or ')})`,
		);
	if (query.statuses?.length)
		clauses.push(`(${query.statuses.map((s) => `status eq ${literal(STATUS[s])}`).join(' or ')})`);
	const qs: IDataObject = { $expand: 'evidence' };
	if (clauses.length) qs.$filter = clauses.join(' and ');
	return qs;
}

/** Machine and machine group are not filterable on /alerts: they are matched on each alert read. */
function keepAlert(query: ThreatQuery): (t: Threat) => boolean {
	return (t) =>
		(!query.deviceId || t.deviceId === query.deviceId) &&
		(!query.hostname || sameHost((t.raw as MdeAlert).computerDnsName ?? '', query.hostname)) &&
		// Alerts name their machine group without its id: the filter takes group names.
		(!query.groups?.length || query.groups.includes(t.companyName ?? '')) &&
		(!query.severities?.length ||
			query.severities.includes(t.severity) ||
			(query.severities.includes('critical') && t.severity === 'high'));
}

export class DefenderProvider implements EdrProvider {
	readonly label = VENDOR;

	/** Defender isolates one machine per call. */
	readonly containmentBatchSize = 1;

	readonly mitigations: readonly MitigationKind[] = ['stopAndQuarantineFile', 'antivirusScan'];
	/** Defender classifies alerts True Positive or False Positive; `comment` is part of the alert PATCH. */
	readonly threatUpdates: ThreatUpdateSupport = {
		statuses: ['new', 'inProgress', 'resolved'],
		verdicts: ['truePositive', 'falsePositive'],
		comments: true,
	};

	private readonly transport: Transport;

	private readonly pageSize: number;
	/** Signatures by file hash, read once per execution: many alerts share one tool. */
	private readonly signatures = new Map<string, Promise<FileSignature | undefined>>();

	constructor(
		ctx: ConstructorParameters<typeof Transport>[0],
		private readonly node: INode,
		options: TransportOptions & { pageSize?: number } = {},
	) {
		this.transport = new Transport(ctx, defenderProfile, options);
		this.pageSize = options.pageSize ?? MAX_PAGE;
	}

	private parse<S extends z.ZodTypeAny>(schema: S, data: unknown, operation: string): z.output<S> {
		return parseVendorResponse(this.node, schema, data, { vendor: VENDOR, operation });
	}

	async listThreats(query: ThreatQuery): Promise<Threat[]> {
		return (await this.readThreats(query)).threats;
	}

	/**
	 * `GET /api/alerts` paged with `$top`/`$skip`. The vendor's clock is the `Date` of the first page:
	 * an alert created or changed after it carries a later `lastUpdateTime`, so a poller that keeps its
	 * checkpoint at or below it misses nothing that arrives while the pages are read.
	 */
	async readThreats(query: ThreatQuery): Promise<ThreatReading> {
		const keep = keepAlert(query);
		let vendorNow: string | undefined;
		const pages = offsetPages(this.transport, {
			request: { method: 'GET', path: '/alerts', qs: alertFilter(query), operation: 'list alerts' },
			items: (body) => this.parse(MdeCollection(MdeAlert), body, 'list alerts').value,
			pageSize: this.pageSize,
			offsetParam: '$skip',
			sizeParam: '$top',
			onResponse: (response) => (vendorNow ??= vendorNowOf(response.headers)),
		});
		const seen = new Set<string>();
		const out: Threat[] = [];
		const limit = query.returnAll ? Infinity : (query.limit ?? 50);
		for await (const page of pages) {
			for (const alert of page) {
				// Alerts arriving while paging shift $skip windows: never emit one twice.
				if (seen.has(alert.id)) continue;
				seen.add(alert.id);
				const threat = toThreat(alert);
				if (keep(threat)) out.push(threat);
			}
			if (out.length >= limit) break;
		}
		const threats = await mapWithConcurrency(
			out.slice(0, limit),
			SIGNATURE_READS_IN_FLIGHT,
			async (threat) => await this.withSignature(threat),
		);
		return { threats, vendorNow };
	}

	/**
	 * Alerts carry no signer; the File entity does. Triage needs it to recognise an allow-listed signed
	 * tool, so each threat's file is looked up once per hash. A file Defender cannot describe (unknown
	 * hash, an app without File.Read.All, a vendor error) leaves the threat unsigned as far as the
	 * package knows: it is never dismissed as a signed tool, and the threat is still read.
	 */
	private async withSignature(threat: Threat): Promise<Threat> {
		const hash = threat.sha1 ?? threat.sha256;
		if (!hash) return threat;
		let signature = this.signatures.get(hash.toLowerCase());
		if (!signature) {
			signature = this.fileSignature(hash).then(undefined, () => undefined);
			this.signatures.set(hash.toLowerCase(), signature);
		}
		const found = await signature;
		return found ? { ...threat, ...found } : threat;
	}

	private async fileSignature(hash: string): Promise<FileSignature | undefined> {
		const body = await this.transport.request({
			method: 'GET',
			path: `/files/${encodeURIComponent(hash)}`,
			operation: 'get file',
		});
		return signatureOf(this.parse(MdeFile, body, 'get file'));
	}

	private async alert(id: string): Promise<MdeAlert> {
		const body = await this.transport.request({
			method: 'GET',
			path: `/alerts/${encodeURIComponent(id)}`,
			qs: { $expand: 'evidence' },
			operation: 'get alert',
		});
		return this.parse(MdeAlert, body, 'get alert');
	}

	async getThreat(id: string): Promise<Threat> {
		return await this.withSignature(toThreat(await this.alert(id)));
	}

	async updateThreat(id: string, update: ThreatUpdate): Promise<Threat> {
		const body: IDataObject = {};
		if (update.status) body.status = STATUS[update.status];
		if (update.verdict) {
			const classification = VERDICT_CLASSIFICATION[update.verdict];
			if (!classification) {
				throw new NodeOperationError(
					this.node,
					`Microsoft Defender has no "${update.verdict}" classification`,
					{
						description:
							'Defender alerts are classified as True Positive, False Positive or Informational (expected activity). Choose True Positive or False Positive, or leave the verdict empty and add a note.',
					},
				);
			}
			body.classification = classification;
		}
		// The update's comment is written once per alert: a retried or repeated update whose earlier PATCH was applied
		// (its answer, or the read after it, lost) finds the comment on the alert and only sets the status again.
		if (update.comment && !hasComment(await this.alert(id), update.comment))
			body.comment = update.comment;
		if (!Object.keys(body).length) return await this.getThreat(id);
		await this.patchAlert(id, body, 'update alert');
		return await this.getThreat(id);
	}

	async addNote(id: string, text: string): Promise<NoteResult> {
		await this.patchAlert(id, { comment: text }, 'add alert comment');
		return { threatId: id, text, added: true };
	}

	/**
	 * `PATCH /alerts/{id}`. Status and classification are set (sending them again changes nothing), but a
	 * `comment` is appended to the alert's `comments` on every PATCH that carries one: such a PATCH whose
	 * answer was lost is read back on the alert before it is sent again, so a retry never comments twice.
	 */
	private async patchAlert(id: string, body: IDataObject, operation: string): Promise<void> {
		const send = async () => {
			await this.transport.request({
				method: 'PATCH',
				path: `/alerts/${encodeURIComponent(id)}`,
				body,
				operation,
				idempotent: typeof body.comment !== 'string',
			});
			return true;
		};
		if (typeof body.comment !== 'string') {
			await send();
			return;
		}
		const requestedAt = Date.now();
		await writeVerified(send, async () =>
			patched(await this.alert(id), body, requestedAt) ? true : undefined,
		);
	}

	/** Machine ids are 40 hexadecimal characters (a SHA-1), e.g. `111e6dd8c833c8a052ea231ec1b19adaf497b625`. */
	deviceIdProblem(id: string): string | undefined {
		return /^[0-9a-f]{40}$/i.test(id)
			? undefined
			: `"${id}" is not a Defender machine ID: machine IDs are 40 hexadecimal characters, e.g. 111e6dd8c833c8a052ea231ec1b19adaf497b625`;
	}

	/** Refuses a reference that is not exactly one machine id or one host name before any request. */
	private checkRef(ref: DeviceRef): void {
		const hostname = (ref.hostname ?? '').trim();
		const problem = ref.id
			? this.deviceIdProblem(ref.id)
			: !hostname || /[,\s]/.test(hostname)
				? `"${ref.hostname ?? ''}" is not a single hostname`
				: undefined;
		if (problem) throw new NodeOperationError(this.node, problem);
	}

	async getDevice(ref: DeviceRef): Promise<Device> {
		this.checkRef(ref);
		if (ref.id) {
			const id = ref.id.toLowerCase();
			let machine: MdeMachine | undefined;
			try {
				const body = await this.transport.request({
					method: 'GET',
					path: `/machines/${encodeURIComponent(id)}`,
					operation: 'get machine',
				});
				machine = this.parse(MdeMachine, body, 'get machine');
			} catch (error) {
				if (statusOf(error) !== 404) rethrow(this.node, error);
			}
			// `GET /machines/{key}` also takes a computer name: by ID means exactly that machine id.
			if (!machine || machine.id.toLowerCase() !== id)
				throw notFound(
					this.node,
					'Defender machine with id',
					ref.id,
					'Check the machine id or look the device up by hostname.',
				);
			return toDevice(machine);
		}
		const hostname = (ref.hostname ?? '').trim().toLowerCase();
		// computerDnsName is the lower-case FQDN; a bare hostname matches its first label.
		const filter = hostname.includes('.')
			? `computerDnsName eq ${literal(hostname)}`
			: `startswith(computerDnsName,${literal(hostname)})`;
		// Every machine of that name in one read (the largest page), so no candidate is missed.
		const machines = await this.machinesWhere(filter, MAX_PAGE, 'find machine');
		const matches = machines.filter(
			(m) =>
				m.computerDnsName.toLowerCase() === hostname ||
				hostOf(m.computerDnsName)?.toLowerCase() === hostname,
		);
		if (!matches.length)
			throw notFound(
				this.node,
				'Defender machine named',
				ref.hostname ?? '',
				'Check the hostname; offboarded machines are not returned.',
			);
		// The same name in two machine groups (or a reinstalled device's old record) is not a guess to make.
		if (matches.length > 1)
			throw ambiguousHost(
				this.node,
				ref.hostname ?? '',
				'Defender machines',
				'machine group',
				matches.map(toDevice),
			);
		return toDevice(matches[0]);
	}

	async searchDevices(text: string): Promise<Device[]> {
		const qs: IDataObject = { $top: 100 };
		if (text.trim())
			qs.$filter = `startswith(computerDnsName,${literal(text.trim().toLowerCase())})`;
		try {
			const body = await this.transport.request({
				method: 'GET',
				path: '/machines',
				qs,
				operation: 'search machines',
			});
			return this.parse(MdeCollection(MdeMachine), body, 'search machines').value.map(toDevice);
		} catch (error) {
			if (statusOf(error) === 404) return [];
			rethrow(this.node, error);
		}
	}

	async getDevices(refs: DeviceRef[]): Promise<Array<Device | Error>> {
		// A malformed id never joins an OData filter: it is that ref's error alone. Ids the filter
		// misses (an unknown id) fall back to GET /machines/{id}, which names them as not found.
		return await resolveCheckedDevices(refs, {
			check: (ref) => this.checkRef(ref),
			normalize: (ref) => (ref.id ? { ...ref, id: ref.id.toLowerCase() } : ref),
			batchSize: DEFENDER_READ_BATCH,
			byIds: async (ids) =>
				(await this.machinesWhere(anyOf('id', ids), ids.length, 'get machines')).map(toDevice),
			idOf: (device) => device.id.toLowerCase(),
			one: async (ref) => await this.getDevice(ref),
			toDevice: (device) => device,
		});
	}

	/** Machines matching an OData filter; Defender answers an empty result with 404. */
	private async machinesWhere(
		filter: string,
		top: number,
		operation: string,
	): Promise<MdeMachine[]> {
		try {
			const body = await this.transport.request({
				method: 'GET',
				path: '/machines',
				qs: { $filter: filter, $top: top },
				operation,
			});
			return this.parse(MdeCollection(MdeMachine), body, operation).value;
		} catch (error) {
			if (statusOf(error) === 404) return [];
			rethrow(this.node, error);
		}
	}

	async getContainment(deviceId: string): Promise<Containment> {
		// An unknown machine has no actions either: read it first so it is reported, not shown as released.
		await this.getDevice({ id: deviceId });
		return (await this.containmentsOf([deviceId]))[0];
	}

	/**
	 * Defender keeps no isolation flag on the machine: the state comes from the machines' Isolate and
	 * Unisolate actions, read for 20 machines at a time with one filtered machine actions query.
	 */
	async getContainments(devices: Device[]): Promise<Array<Containment | Error>> {
		return await this.containmentsOf(devices.map((d) => d.id));
	}

	private async containmentsOf(machineIds: string[]): Promise<Containment[]> {
		const byMachine = new Map<string, MdeMachineAction[]>();
		for (const batch of chunk([...new Set(machineIds)], DEFENDER_READ_BATCH)) {
			for (const action of await this.isolationActions(batch)) {
				const key = action.machineId ?? '';
				const list = byMachine.get(key) ?? [];
				list.push(action);
				byMachine.set(key, list);
			}
		}
		return machineIds.map((id) => containmentFrom(id, byMachine.get(id) ?? []));
	}

	/** Every Isolate/Unisolate action of these machines; Defender documents no order, so all are read and sorted here. */
	private async isolationActions(machineIds: string[]): Promise<MdeMachineAction[]> {
		const operation = 'list machine actions';
		const pages = offsetPages(this.transport, {
			request: {
				method: 'GET',
				path: '/machineactions',
				qs: {
					$filter: `${anyOf('machineId', machineIds)} and (type eq 'Isolate' or type eq 'Unisolate')`,
				},
				operation,
			},
			items: (body) => this.parse(MdeCollection(MdeMachineAction), body, operation).value,
			pageSize: ACTION_PAGE,
			offsetParam: '$skip',
			sizeParam: '$top',
		});
		const out: MdeMachineAction[] = [];
		for await (const page of pages) out.push(...page);
		return out;
	}

	/** One isolate or unisolate call per machine, each recording the comment on its machine action. */
	async requestContainment(
		kind: ContainmentKind,
		deviceIds: string[],
		comment: string,
		options: ContainmentRequestOptions = {},
	): Promise<ContainmentRequest[]> {
		const out: ContainmentRequest[] = [];
		for (const deviceId of deviceIds) {
			this.checkRef({ id: deviceId });
			const action = kind === 'isolate' ? 'isolate' : 'unisolate';
			const body: IDataObject =
				kind === 'isolate' ? { Comment: comment, IsolationType: 'Full' } : { Comment: comment };
			const operation = kind === 'isolate' ? 'isolate machine' : 'release machine';
			if (options.dryRun)
				throw new DryRunStop(
					await this.transport.describe({
						method: 'POST',
						path: `/machines/${encodeURIComponent(deviceId)}/${action}`,
						body,
						operation,
					}),
				);
			const result = await this.machineAction(deviceId, action, body, operation);
			out.push({ deviceId, actionId: result.id });
		}
		return out;
	}

	/** POST a machine action; body parameter names are case-sensitive (`Comment`, `IsolationType`, `Sha1`, `ScanType`). */
	private async machineAction(
		deviceId: string,
		action: string,
		body: IDataObject,
		operation: string,
	): Promise<MdeMachineAction> {
		try {
			const response = await this.transport.request({
				method: 'POST',
				path: `/machines/${encodeURIComponent(deviceId)}/${action}`,
				body,
				operation,
			});
			return this.parse(MdeMachineAction, response, operation);
		} catch (error) {
			const status = statusOf(error);
			if (status === 400 && /already in progress/i.test(messageOf(error))) {
				throw new NodeOperationError(
					this.node,
					`Defender already has an action in progress on machine ${deviceId}`,
					{
						description:
							'Defender refuses a second action while one is pending ("Action is already in progress"). Wait for it to finish, then check the containment state.',
					},
				);
			}
			if (status === 404)
				throw notFound(
					this.node,
					'Defender machine with id',
					deviceId,
					'The machine may have been offboarded.',
				);
			rethrow(this.node, error);
		}
	}

	private async readAction(id: string): Promise<MdeMachineAction> {
		const body = await this.transport.request({
			method: 'GET',
			path: `/machineactions/${encodeURIComponent(id)}`,
			operation: 'get machine action',
		});
		return this.parse(MdeMachineAction, body, 'get machine action');
	}

	/** Sent isolations are followed through their machine actions, 20 per filtered read (`id eq '…' or …`). */
	async readContainments(
		kind: ContainmentKind,
		requests: ContainmentRequest[],
	): Promise<Array<ContainmentRead | Error>> {
		const actions = new Map<string, MdeMachineAction>();
		const ids = [
			...new Set(requests.map((r) => r.actionId).filter((id): id is string => Boolean(id))),
		];
		for (const batch of chunk(ids, DEFENDER_READ_BATCH)) {
			const body = await this.transport.request({
				method: 'GET',
				path: '/machineactions',
				qs: { $filter: anyOf('id', batch), $top: batch.length },
				operation: 'get machine actions',
			});
			for (const action of this.parse(MdeCollection(MdeMachineAction), body, 'get machine actions')
				.value)
				actions.set(action.id, action);
		}
		const out: Array<ContainmentRead | Error> = [];
		for (const request of requests) {
			const action = request.actionId ? actions.get(request.actionId) : undefined;
			if (action) out.push(this.readOf(kind, request.deviceId, action));
			else if (request.actionId)
				out.push(
					notFound(
						this.node,
						'Defender machine action',
						request.actionId,
						'The action may have been removed; check the machine in the Defender portal.',
					),
				);
			else out.push({ containment: await this.getContainment(request.deviceId) });
		}
		return out;
	}

	private readOf(
		kind: ContainmentKind,
		deviceId: string,
		action: MdeMachineAction,
	): ContainmentRead {
		const containment: Containment = {
			deviceId,
			state: stateOf(action),
			changedAt: isoUtc(action.lastUpdateDateTimeUtc),
			actionId: action.id,
			raw: action,
		};
		if (FINISHED.includes(action.status) && action.status !== 'Succeeded') {
			return {
				containment: { ...containment, state: 'unknown' },
				failed: `Defender ${kind === 'isolate' ? 'isolation' : 'release'} action ended with status ${action.status}`,
			};
		}
		return { containment };
	}

	async mitigate(request: MitigationRequest): Promise<MitigationAction> {
		const deviceId = request.threat.deviceId;
		if (!deviceId)
			throw new NodeOperationError(
				this.node,
				`Alert ${request.threat.id} has no machine to act on`,
			);
		let send: { path: string; type: string; body: IDataObject; operation: string };
		if (request.kind === 'stopAndQuarantineFile') {
			if (!request.threat.sha1) {
				throw new NodeOperationError(
					this.node,
					`Alert ${request.threat.id} has no file SHA-1 in its evidence`,
					{
						description:
							'Stop and quarantine needs the SHA-1 of a file; this alert has no file evidence.',
					},
				);
			}
			send = {
				path: 'StopAndQuarantineFile',
				type: 'StopAndQuarantineFile',
				body: { Comment: request.comment, Sha1: request.threat.sha1 },
				operation: 'stop and quarantine file',
			};
		} else if (request.kind === 'antivirusScan') {
			send = {
				path: 'runAntiVirusScan',
				type: 'RunAntiVirusScan',
				body: { Comment: request.comment, ScanType: request.scanType ?? 'Quick' },
				operation: 'run antivirus scan',
			};
		} else {
			throw new NodeOperationError(
				this.node,
				`Microsoft Defender has no "${request.kind}" mitigation`,
				{ description: `Use one of: ${this.mitigations.join(', ')}` },
			);
		}
		const requestedAt = Date.now();
		// A machine action whose answer was lost is looked for among the machine's actions before it is sent again.
		const action = await writeVerified(
			async () => await this.machineAction(deviceId, send.path, send.body, send.operation),
			async () => await this.findMitigationAction(deviceId, send.type, send.body, requestedAt),
		);
		return this.toMitigation(action, request.kind, request.threat.id);
	}

	/**
	 * The machine action a mitigation request created: the machine's action of that type created since the
	 * request (less a clock allowance: `creationDateTimeUtc` is Defender's clock), with the comment sent and,
	 * for a file, that file. Defender keeps no client request id, so an identical request (same machine, type,
	 * file and comment) made within the allowance counts as this one: the defensive reading, as that action
	 * does what was asked and a second one would only repeat it. The newest such action is taken.
	 */
	private async findMitigationAction(
		deviceId: string,
		type: string,
		body: IDataObject,
		requestedAt: number,
	): Promise<MdeMachineAction | undefined> {
		// Host and Defender clocks agree within seconds when both keep NTP time; five minutes spares a drifting host.
		const allowanceMs = 5 * 60 * 1000;
		const since = new Date(requestedAt - allowanceMs).toISOString();
		const operation = 'find machine action';
		const pages = offsetPages(this.transport, {
			request: {
				method: 'GET',
				path: '/machineactions',
				qs: {
					$filter: `machineId eq ${literal(deviceId)} and type eq ${literal(type)} and creationDateTimeUtc ge ${since}`,
				},
				operation,
			},
			items: (data) => this.parse(MdeCollection(MdeMachineAction), data, operation).value,
			pageSize: ACTION_PAGE,
			offsetParam: '$skip',
			sizeParam: '$top',
		});
		const sha1 = typeof body.Sha1 === 'string' ? body.Sha1.toLowerCase() : undefined;
		const found: MdeMachineAction[] = [];
		for await (const page of pages) {
			for (const action of page) {
				const file = (action.relatedFileInfo as { fileIdentifier?: unknown } | null | undefined)
					?.fileIdentifier;
				if (
					action.type === type &&
					action.requestorComment === body.Comment &&
					Date.parse(action.creationDateTimeUtc) >= Date.parse(since) &&
					// The file, where Defender names it: a different file is another request.
					(!sha1 || typeof file !== 'string' || file.toLowerCase() === sha1)
				)
					found.push(action);
			}
		}
		return found.sort((a, b) => b.creationDateTimeUtc.localeCompare(a.creationDateTimeUtc))[0];
	}

	async readMitigation(action: MitigationAction): Promise<MitigationAction> {
		return this.toMitigation(
			await this.readAction(action.id ?? ''),
			action.action,
			action.threatId,
		);
	}

	private toMitigation(
		action: MdeMachineAction,
		kind: string,
		threatId?: string,
	): MitigationAction {
		const status =
			action.status === 'Succeeded'
				? 'succeeded'
				: FINISHED.includes(action.status)
					? 'failed'
					: 'pending';
		return {
			id: action.id,
			threatId,
			deviceId: action.machineId ?? undefined,
			action: kind,
			status,
			requestedAt: isoUtc(action.creationDateTimeUtc),
			completedAt: status === 'pending' ? undefined : isoUtc(action.lastUpdateDateTimeUtc),
			raw: action,
		};
	}
}
