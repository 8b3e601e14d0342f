/**
 * Reads that the nodes of one workflow execution share.
 *
 * A template reads the same device several times in a row (the Device node, then the install, the
 * rescan and the read-back each look it up again). A read is shared only while it still says what
 * the vendor would answer now, by three rules:
 * - only within the execution that made it (a new execution, or a waiting one resumed later, reads
 *   again) and only under the same credential (another tenant's device 1013 is another device);
 * - only while it is recent (`SHARED_READ_MAX_AGE_MS` unless the caller says otherwise);
 * - only until something is sent to the record it describes (`touch`: an install, a scan, a script
 *   run). From then on every read of that record goes to the vendor, because what the later steps
 *   check (is the device online after its reboot, which patches are installed now) is exactly what
 *   the write may have changed.
 * A failed read is never kept: the next item asks again.
 */

/**
 * How long a read stays "recent": long enough for the few steps a template takes between the Device
 * node and the install on a fleet of hundreds, short enough that a device seen online at the start
 * of a long run is looked at again.
 */
export const SHARED_READ_MAX_AGE_MS = 5 * 60 * 1000;

interface Entry {
	value: Promise<unknown>;
	at: number;
}

export class ExecutionCache {
	private readonly entries = new Map<string, Entry>();

	private readonly touched = new Set<string>();

	constructor(private readonly now: () => number = () => Date.now()) {}

	/**
	 * The value kept under `key` when it is younger than `maxAgeMs` and its `record` was not touched,
	 * else `load()`, kept for the next caller unless the record was touched.
	 */
	async get<T>(
		key: string,
		load: () => Promise<T>,
		{ maxAgeMs = SHARED_READ_MAX_AGE_MS, record }: { maxAgeMs?: number; record?: string } = {},
	): Promise<T> {
		if (record !== undefined && this.touched.has(record)) return await load();
		const kept = this.entries.get(key);
		if (kept && this.now() - kept.at <= maxAgeMs) return (await kept.value) as T;
		const value = load();
		const entry = { value, at: this.now() };
		this.entries.set(key, entry);
		value.catch(() => {
			if (this.entries.get(key) === entry) this.entries.delete(key);
		});
		return await value;
	}

	/** Keeps a value read by a listing (many records in one answer), unless its record was touched. */
	put(key: string, value: unknown, record?: string): void {
		if (record !== undefined && this.touched.has(record)) return;
		this.entries.set(key, { value: Promise.resolve(value), at: this.now() });
	}

	/**
	 * Something is about to be sent to `record`: every value kept for it (the key `record`, and keys
	 * starting with `record|`) is dropped and none is kept again in this execution. Called before
	 * the request, so a write whose answer is lost counts as sent.
	 */
	touch(record: string): void {
		this.touched.add(record);
		for (const key of [...this.entries.keys()])
			if (key === record || key.startsWith(`${record}|`)) this.entries.delete(key);
	}

	/** The same cache seen through a prefix: one credential's part of it. */
	scoped(prefix: string): ScopedCache {
		return new ScopedCache(this, prefix);
	}
}

/** One credential's view of the execution's cache: every key and record carries its prefix. */
export class ScopedCache {
	constructor(
		private readonly cache: ExecutionCache,
		private readonly prefix: string,
	) {}

	async get<T>(
		key: string,
		load: () => Promise<T>,
		options: { maxAgeMs?: number; record?: string } = {},
	): Promise<T> {
		return await this.cache.get(`${this.prefix}|${key}`, load, {
			maxAgeMs: options.maxAgeMs,
			record: options.record === undefined ? undefined : `${this.prefix}|${options.record}`,
		});
	}

	put(key: string, value: unknown, record?: string): void {
		this.cache.put(
			`${this.prefix}|${key}`,
			value,
			record === undefined ? undefined : `${this.prefix}|${record}`,
		);
	}

	touch(record: string): void {
		this.cache.touch(`${this.prefix}|${record}`);
	}
}

/** One cache per execution, found through n8n's flow context object (the same object for every node of a run). */
const byExecution = new WeakMap<object, ExecutionCache>();

/**
 * The cache of the execution `ctx` belongs to, seen for one credential of the node. Contexts without
 * a flow context (load options, tests' fakes) get a cache of their own. Nothing is written into the
 * flow context: the cache lives in memory only and goes with the execution.
 */
export function executionCache(ctx: object, credentialType: string): ScopedCache {
	const holder = flowContextOf(ctx) ?? ctx;
	let cache = byExecution.get(holder);
	if (!cache) {
		cache = new ExecutionCache();
		byExecution.set(holder, cache);
	}
	return cache.scoped(credentialScope(ctx, credentialType));
}

function flowContextOf(ctx: object): object | undefined {
	const get = (ctx as { getContext?: unknown }).getContext;
	if (typeof get !== 'function') return undefined;
	try {
		const flow = (get as (type: string) => unknown).call(ctx, 'flow');
		return flow && typeof flow === 'object' ? flow : undefined;
	} catch {
		return undefined;
	}
}

/** The node's credential of this type, by id (by name where the workflow carries no id). */
function credentialScope(ctx: object, credentialType: string): string {
	const getNode = (ctx as { getNode?: unknown }).getNode;
	const node =
		typeof getNode === 'function'
			? ((getNode as () => unknown).call(ctx) as {
					credentials?: Record<string, { id?: string | null; name?: string }>;
				})
			: undefined;
	const credential = node?.credentials?.[credentialType];
	return `${credentialType}:${credential?.id ?? credential?.name ?? ''}`;
}
