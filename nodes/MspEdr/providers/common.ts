import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Device } from '../../shared';

/** The HTTP status of a NodeApiError from the transport, if it carries one. */
export function statusOf(error: unknown): number | undefined {
	const code = (error as { httpCode?: unknown } | undefined)?.httpCode;
	const parsed = typeof code === 'string' || typeof code === 'number' ? Number(code) : NaN;
	return Number.isFinite(parsed) ? parsed : undefined;
}

export function messageOf(error: unknown): string {
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	return `${typeof message === 'string' ? message : ''} ${typeof description === 'string' ? description : ''}`;
}

export function notFound(
	node: INode,
	what: string,
	value: string,
	hint: string,
): NodeOperationError {
	return new NodeOperationError(node, `No ${what} "${value}" was found`, { description: hint });
}

/**
 * A hostname that names several devices (the same name at two clients, or the record a reinstall
 * left behind): an error listing every candidate with its client, id and last contact. Never a guess.
 */
export function ambiguousHost(
	node: INode,
	hostname: string,
	what: string,
	group: string,
	devices: Device[],
): NodeOperationError {
	const candidates = devices.map(
		(d) =>
			`${d.displayName ?? d.hostname} (${group} ${d.companyName ?? d.companyId ?? 'unknown'}, id ${d.id}, last seen ${d.lastSeen ?? 'unknown'})`,
	);
	return new NodeOperationError(
		node,
		`Hostname "${hostname}" matches ${devices.length} ${what}: ${candidates.join('; ')}`,
		{
			description:
				'Nothing was done: a hostname that names more than one device is never guessed. Choose the device By ID (or From List) to act on exactly one of them.',
		},
	);
}

/** Hostnames compare without case and without a DNS suffix: "BSD-WS02" matches "bsd-ws02.bsd.local". */
export function sameHost(a: string, b: string): boolean {
	const short = (h: string) => h.trim().toLowerCase().split('.')[0];
	return (
		a.trim().toLowerCase() === b.trim().toLowerCase() ||
		(!b.includes('.') && short(a) === short(b)) ||
		(!a.includes('.') && short(a) === short(b))
	);
}

export function chunk<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** Lets NodeApiError and NodeOperationError through; anything else becomes a NodeApiError. */
export function rethrow(node: INode, error: unknown): never {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
	throw new NodeApiError(node, error as JsonObject);
}

export interface DeviceLookups<D> {
	/** Ids per batched lookup. */
	batchSize: number;
	/** The devices the vendor returns for these ids (unknown ids are simply absent). */
	byIds(ids: string[]): Promise<D[]>;
	idOf(device: D): string;
	/** One device by id or hostname; throws the vendor's "not found" error. */
	one(ref: { id?: string; hostname?: string }): Promise<D>;
}

/**
 * Resolves many device references with as few reads as the vendor allows: ids in batches,
 * hostnames (and ids a batch did not return, so the single lookup names them) one by one.
 * One entry per ref, in order; a failed batch is the error of every ref in it.
 */
export async function resolveDevices<D>(
	refs: Array<{ id?: string; hostname?: string }>,
	lookups: DeviceLookups<D>,
): Promise<Array<D | Error>> {
	const found = new Map<string, D | Error>();
	const ids = [...new Set(refs.map((r) => r.id).filter((id): id is string => Boolean(id)))];
	for (const batch of chunk(ids, lookups.batchSize)) {
		try {
			const devices = await lookups.byIds(batch);
			for (const device of devices) found.set(lookups.idOf(device), device);
		} catch (error) {
			for (const id of batch) found.set(id, asError(error));
		}
	}
	const out: Array<D | Error> = [];
	for (const ref of refs) {
		const known = ref.id ? found.get(ref.id) : undefined;
		if (known) {
			out.push(known);
			continue;
		}
		try {
			out.push(await lookups.one(ref));
		} catch (error) {
			out.push(asError(error));
		}
	}
	return out;
}

/** What resolving checked refs needs beyond the lookups: the vendor's ref check and its device mapping. */
export interface CheckedDeviceLookups<D> extends DeviceLookups<D> {
	/** Throws for a ref the vendor could never match (a malformed id), before any request. */
	check(ref: { id?: string; hostname?: string }): void;
	/** The ref as the vendor looks it up (Defender compares ids in lower case); the ref itself by default. */
	normalize?(ref: { id?: string; hostname?: string }): { id?: string; hostname?: string };
	/** The record as a Device (asynchronous where the vendor needs a lookup, e.g. organization names). */
	toDevice(record: D): Device | Promise<Device>;
}

/**
 * Devices for refs, one entry per ref in order. A ref the vendor's check refuses is that ref's error
 * alone and never joins a batched lookup; the others are resolved together (see resolveDevices).
 */
export async function resolveCheckedDevices<D>(
	refs: Array<{ id?: string; hostname?: string }>,
	lookups: CheckedDeviceLookups<D>,
): Promise<Array<Device | Error>> {
	const checked = refs.map((ref) => {
		try {
			lookups.check(ref);
			return lookups.normalize ? lookups.normalize(ref) : ref;
		} catch (error) {
			return asError(error);
		}
	});
	const resolved = await resolveDevices(
		checked.filter((ref): ref is { id?: string; hostname?: string } => !(ref instanceof Error)),
		lookups,
	);
	let next = 0;
	const out: Array<Device | Error> = [];
	for (const ref of checked) {
		if (ref instanceof Error) {
			out.push(ref);
			continue;
		}
		const record = resolved[next++];
		out.push(record instanceof Error ? record : await lookups.toDevice(record));
	}
	return out;
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/**
 * The vendor's clock from a response: the HTTP `Date` header, which every origin server with a clock
 * sends (RFC 9110, section 6.6.1). Neither EDR vendor documents a server-time field on its threat
 * or alert lists, so this is the one clock both share. Undefined when absent or unreadable.
 */
export function vendorNowOf(headers: Record<string, string>): string | undefined {
	const at = Date.parse(headers.date ?? '');
	return Number.isFinite(at) ? new Date(at).toISOString() : undefined;
}

/**
 * A vendor's text fact as triage should see it: trimmed, and absent when empty. Vendors send `""`
 * and `null` for "none" (SentinelOne's `publisherName` of an unsigned file is `""`), and a rule must
 * never match on whitespace.
 */
export function textOf(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	return text === '' ? undefined : text;
}

/** The first of several candidate fields that carries text. */
export function firstTextOf(...values: unknown[]): string | undefined {
	for (const value of values) {
		const text = textOf(value);
		if (text !== undefined) return text;
	}
	return undefined;
}

/**
 * MITRE ATT&CK technique ids (`T1059`, `T1059.001`) among vendor labels, upper-cased, each once, in
 * the vendor's order. A label may lead with the id ("T1055 - Process Injection"); tactic names such as
 * "Execution" are not techniques and are dropped. Absent when there are none, so an empty list never
 * reads as "the EDR checked and found no technique".
 */
export function techniqueIdsOf(labels: unknown[]): string[] | undefined {
	const ids: string[] = [];
	for (const label of labels) {
		const id = /^(T\d{4}(?:\.\d{3})?)(?![\d.])/i.exec(textOf(label) ?? '')?.[1]?.toUpperCase();
		if (id && !ids.includes(id)) ids.push(id);
	}
	return ids.length ? ids : undefined;
}
