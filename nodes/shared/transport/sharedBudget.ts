import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { sleep as n8nSleep } from 'n8n-workflow';

import { monotonicNow } from './clock';
import { guardMs, Pacer } from './pacing';
import type { RateLimit } from './types';

/**
 * One vendor budget per credential across every n8n process (queue mode: a main instance and its
 * workers), kept in the Redis the user names on the credential.
 *
 * Each window of the vendor profile is counted the way the vendor counts it (a sliding window of
 * arrivals), by atomic Lua scripts on Redis's own clock:
 * - `grant`: a request may go now when, in every window, the requests still in flight plus those
 *   that finished less than a window (and its guard) ago are fewer than the budget. Otherwise the
 *   script answers how long until one leaves the window, and the caller asks again then.
 * - `complete`: the request has its answer; it counts in every window from that moment.
 * A request is counted from its grant, before it is sent, until a window after its answer came
 * back, which is after the vendor received it, whatever delayed it on the way (a busy event loop,
 * n8n's request helper, the network). So the budget holds across processes by construction, not by
 * a margin that a loaded host could exceed; the price is one round trip per window. A request whose
 * process dies stops counting as in flight after two minutes.
 *
 * The client is n8n's own `ioredis` (the one queue mode uses), loaded on first use the way zod
 * resolves: n8n puts its `node_modules` on the module path of community packages, so this package
 * ships no Redis client and has no runtime dependency. The connection comes from the credential,
 * never from the environment. When Redis cannot be reached (or the client cannot be loaded), the
 * credential is paced in-process with backoff on 429 until Redis answers again, and the node says so.
 */

/** The credential fields of the shared budget (`credentials/common/sharedRateLimit.ts`). */
export const SHARED_BUDGET_FIELD_PREFIX = 'sharedRateLimit';

export interface SharedBudgetConfig {
	host: string;
	port: number;
	username?: string;
	password?: string;
	database: number;
	tls: boolean;
	/** Prepended to every key, e.g. to keep two n8n installations on one Redis apart. */
	keyPrefix: string;
}

export const DEFAULT_KEY_PREFIX = 'n8n-msp:budget:';

/** The shared budget the credential asks for, or undefined when it paces in-process (the default). */
export function sharedBudgetConfigOf(
	credentials: ICredentialDataDecryptedObject,
): SharedBudgetConfig | undefined {
	if (credentials.sharedRateLimit !== true) return undefined;
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	const port = Number(credentials.sharedRateLimitPort ?? 6379);
	const database = Number(credentials.sharedRateLimitDatabase ?? 0);
	return {
		host: text(credentials.sharedRateLimitHost) || 'localhost',
		port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 6379,
		username: text(credentials.sharedRateLimitUser) || undefined,
		// A password is used as typed: spaces may be part of it.
		password:
			typeof credentials.sharedRateLimitPassword === 'string' &&
			credentials.sharedRateLimitPassword !== ''
				? credentials.sharedRateLimitPassword
				: undefined,
		database: Number.isInteger(database) && database >= 0 ? database : 0,
		tls: credentials.sharedRateLimitTls === true,
		keyPrefix: text(credentials.sharedRateLimitKeyPrefix) || DEFAULT_KEY_PREFIX,
	};
}

/**
 * The Redis key stem of one vendor account: a SHA-256 of the pacing identity (credential type, base
 * URL and a digest of the non-secret fields), in a hash tag so that every key of the account lands
 * on one Redis Cluster slot. No secret, and no readable account detail, is part of a key.
 */
export function budgetKeyOf(keyPrefix: string, pacerKey: string): string {
	const digest = createHash('sha256').update(`msp-budget|${pacerKey}`).digest('hex').slice(0, 32);
	return `${keyPrefix}{${digest}}`;
}

/** Where the budget is coordinated, for messages: never the user name or password. */
export function describeRedis(config: Pick<SharedBudgetConfig, 'host' | 'port' | 'database'>) {
	return `Redis at ${config.host}:${config.port} (database ${config.database})`;
}

// --- The Lua side -------------------------------------------------------------------------------

/**
 * Redis's clock in milliseconds, never moving backwards: after a backward step the clock goes on
 * from the last reading (the offset is kept in the state hash), so recorded slots never lie an hour
 * in the future. One clock for every process, whichever host it runs on.
 */
const LUA_CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local function clock(state)
  local t = redis.call('TIME')
  local raw = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
  local offset = tonumber(redis.call('HGET', state, 'offset') or '0')
  local last = tonumber(redis.call('HGET', state, 'last') or '0')
  local now = raw + offset
  if now < last then
    offset = last - raw
    now = last
    redis.call('HSET', state, 'offset', string.format('%.3f', offset))
  end
  redis.call('HSET', state, 'last', string.format('%.3f', now))
  redis.call('PEXPIRE', state, 86400000)
  return now
end
`;

/** A request not completed within this is taken as finished (its process died or lost Redis). */
export const IN_FLIGHT_MAX_AGE_MS = 120000;

/**
 * KEYS[1] the account's state hash, KEYS[2] its requests in flight (sorted set: id -> grant time),
 * KEYS[2 + i] the requests of window i that finished (sorted set: id -> time the answer came back).
 * ARGV[1] the in-flight age limit, ARGV[2] the poll interval while only requests in flight fill a
 * window; per window i: ARGV[1 + 2i] its budget, ARGV[2 + 2i] its span (window + guard) in ms.
 * Grants now ({ 0, id, now }) when every window has room, else answers the wait ({ wait, '' }):
 * a hold set by a 429, or the time until enough finished requests leave the fullest window.
 */
export const GRANT_SCRIPT = `${LUA_CLOCK}
local now = clock(KEYS[1])
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold') or '0')
if hold > now then return { string.format('%.3f', hold - now), '' } end
local flight = KEYS[2]
redis.call('ZREMRANGEBYSCORE', flight, '-inf', now - tonumber(ARGV[1]))
local inflight = redis.call('ZCARD', flight)
local wait = 0
for i = 1, #KEYS - 2 do
  local done = KEYS[2 + i]
  local budget = tonumber(ARGV[1 + 2 * i])
  local span = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', done, '-inf', now - span)
  local finished = redis.call('ZCARD', done)
  local over = finished + inflight - budget + 1
  if over > 0 then
    local w = tonumber(ARGV[2])
    if over <= finished then
      local leaving = redis.call('ZRANGE', done, over - 1, over - 1, 'WITHSCORES')
      w = tonumber(leaving[2]) + span - now
    end
    if w > wait then wait = w end
  end
end
if wait > 0 then return { string.format('%.3f', wait), '' } end
local id = tostring(redis.call('HINCRBY', KEYS[1], 'seq', 1))
redis.call('ZADD', flight, now, id)
redis.call('PEXPIRE', flight, tonumber(ARGV[1]) + 1000)
return { '0', id, string.format('%.3f', now) }
`;

/**
 * The request has its answer (or gave up): from now on it counts as finished in every window.
 * KEYS as GRANT_SCRIPT; ARGV[1] the request's id, ARGV[1 + i] window i's span in ms.
 */
export const COMPLETE_SCRIPT = `${LUA_CLOCK}
local now = clock(KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 1, #KEYS - 2 do
  redis.call('ZADD', KEYS[2 + i], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[2 + i], math.ceil(tonumber(ARGV[1 + i])) + 1000)
end
return string.format('%.3f', now)
`;

/**
 * The vendor answered 429 to one process: every process holds until the vendor's wait is over.
 * KEYS[1] the account's state hash, ARGV[1] the wait in ms.
 */
export const HOLD_SCRIPT = `${LUA_CLOCK}
local now = clock(KEYS[1])
local untilAt = now + tonumber(ARGV[1])
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold') or '0')
if untilAt > hold then redis.call('HSET', KEYS[1], 'hold', string.format('%.3f', untilAt)) end
return string.format('%.3f', untilAt)
`;

// --- The client ---------------------------------------------------------------------------------

/** The part of ioredis's client this module uses (typed here: ioredis is n8n's, not ours). */
export interface RedisClient {
	readonly status: string;
	evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
	eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	disconnect(): void;
}

export type RedisClientFactory = (options: Record<string, unknown>) => RedisClient;

/**
 * n8n's own ioredis, required on first use so that a credential without a shared budget never
 * loads it. It resolves to the copy n8n ships (n8n adds its `node_modules` to the module path of
 * community packages); the devDependency of the same version only serves the tests and the lint.
 */
function ioredisFactory(): RedisClientFactory {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const loaded = require('ioredis') as
		| (new (options: Record<string, unknown>) => RedisClient)
		| { default: new (options: Record<string, unknown>) => RedisClient };
	const Redis = typeof loaded === 'function' ? loaded : loaded.default;
	return (options) => new Redis(options);
}

/** Bounds on every Redis step: a stalled Redis must slow a request by a second at most. */
const CONNECT_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 2000;
/** After a command failed on an open connection (a stalled Redis), Redis is left alone this long. */
const PAUSE_AFTER_FAILURE_MS = 5000;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const GRANT_SHA = sha1(GRANT_SCRIPT);
const COMPLETE_SHA = sha1(COMPLETE_SCRIPT);
const HOLD_SHA = sha1(HOLD_SCRIPT);

/** Why Redis could not be used, in words without any secret: an error code or Redis's own reply word. */
export function reasonOf(error: unknown, password?: string): string {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
	let text = typeof message === 'string' ? message : String(error);
	if (password) text = text.split(password).join('***');
	const word = /^[A-Z]{3,}\b/.exec(text)?.[0];
	if (word) return word; // WRONGPASS, NOAUTH, NOPERM, READONLY, LOADING...
	return text.replace(/\s+/g, ' ').slice(0, 80);
}

/**
 * One Redis connection per distinct Redis (host, port, database, user, password, TLS) and process,
 * shared by every credential that names it. Commands are not queued while disconnected and time
 * out after a second, so a missing Redis costs a request almost nothing: it is paced in-process.
 */
export class RedisBudgetStore {
	private client?: RedisClient;

	/** Settles once the first connection attempt has an outcome (ready, or an error). */
	private firstOutcome?: Promise<void>;

	private lastError?: string;

	/** Monotonic time before which Redis is not asked again, after a command failed. */
	private pausedUntil = -Infinity;

	private closed = false;

	constructor(
		readonly config: SharedBudgetConfig,
		private readonly factory: () => RedisClientFactory = ioredisFactory,
	) {}

	/** Where, for messages. */
	get where(): string {
		return describeRedis(this.config);
	}

	private connect(): void {
		if (this.client || this.closed) return;
		let factory: RedisClientFactory;
		try {
			factory = this.factory();
		} catch (error) {
			this.lastError = `n8n's Redis client (ioredis) could not be loaded: ${reasonOf(error)}`;
			this.firstOutcome = Promise.resolve();
			return;
		}
		const { host, port, username, password, database, tls } = this.config;
		const client = factory({
			host,
			port,
			username,
			password,
			db: database,
			tls: tls ? {} : undefined,
			connectionName: 'n8n-msp-orchestration-budget',
			connectTimeout: CONNECT_TIMEOUT_MS,
			commandTimeout: COMMAND_TIMEOUT_MS,
			enableOfflineQueue: false,
			maxRetriesPerRequest: 0,
			retryStrategy: (times: number) => Math.min(times * 200, MAX_RECONNECT_DELAY_MS),
			// A closed budget connection has nothing to flush: its socket goes without waiting 2 s.
			disconnectTimeout: 200,
		});
		this.client = client;
		this.firstOutcome = new Promise<void>((resolve) => {
			client.on('ready', () => {
				this.lastError = undefined;
				resolve();
			});
			// A listener also keeps ioredis from printing every failed reconnect to the console.
			client.on('error', (error) => {
				this.lastError = reasonOf(error, password);
				resolve();
			});
			client.on('end', () => resolve());
		});
	}

	/**
	 * Why Redis cannot be used right now, or undefined when it is connected. The first call waits for
	 * the first connection attempt (at most the connect timeout); later ones never wait.
	 */
	async unavailable(): Promise<string | undefined> {
		this.connect();
		if (this.client?.status !== 'ready' && this.firstOutcome) await this.firstOutcome;
		if (monotonicNow() < this.pausedUntil) return this.lastError ?? 'paused after a failure';
		if (this.client?.status === 'ready') return undefined;
		if (this.closed) return 'the connection was closed';
		return this.lastError ?? `not connected (${this.client?.status ?? 'no client'})`;
	}

	private async run(script: string, sha: string, keys: string[], args: Array<string | number>) {
		const client = this.client as RedisClient;
		// By hash first; a Redis that does not know the script yet (NOSCRIPT) gets its text once.
		return await client
			.evalsha(sha, keys.length, ...keys, ...args)
			.catch(async (error: unknown) =>
				/NOSCRIPT/.test(String((error as Error)?.message))
					? await client.eval(script, keys.length, ...keys, ...args)
					: await Promise.reject(error),
			);
	}

	/**
	 * A command failed although the connection looked open (a stalled or overloaded Redis; each try
	 * costs up to the command timeout): requests are paced in-process for a few seconds before
	 * Redis is asked again. A connection that closes is noticed by ioredis, which reconnects.
	 */
	private failed(error: unknown): string {
		this.lastError = reasonOf(error, this.config.password);
		this.pausedUntil = monotonicNow() + PAUSE_AFTER_FAILURE_MS;
		return this.lastError;
	}

	/**
	 * Asks for a grant: `{ granted: true, id, at }` (Redis's clock), `{ granted: false, waitMs }`
	 * (ask again then), or `{ unavailable }` saying why Redis was not used.
	 */
	async grant(
		keys: string[],
		args: Array<string | number>,
	): Promise<
		| { granted: true; id: string; at: number }
		| { granted: false; waitMs: number }
		| { unavailable: string }
	> {
		const reason = await this.unavailable();
		if (reason) return { unavailable: reason };
		try {
			const reply = (await this.run(GRANT_SCRIPT, GRANT_SHA, keys, args)) as unknown[];
			const waitMs = Number(reply?.[0]);
			const id = typeof reply?.[1] === 'string' ? reply[1] : '';
			if (!Number.isFinite(waitMs)) {
				return { unavailable: 'unexpected answer to the grant script' };
			}
			if (id) return { granted: true, id, at: Number(reply?.[2]) };
			return { granted: false, waitMs: Math.max(1, waitMs) };
		} catch (error) {
			return { unavailable: this.failed(error) };
		}
	}

	/** The request has its answer; false when Redis could not be told (it then ages out). */
	async complete(keys: string[], args: Array<string | number>): Promise<boolean> {
		if (await this.unavailable()) return false;
		try {
			await this.run(COMPLETE_SCRIPT, COMPLETE_SHA, keys, args);
			return true;
		} catch (error) {
			this.failed(error);
			return false;
		}
	}

	/** Every process holds its requests for `waitMs`; false when Redis could not be told. */
	async hold(stateKey: string, waitMs: number): Promise<boolean> {
		if (await this.unavailable()) return false;
		try {
			await this.run(HOLD_SCRIPT, HOLD_SHA, [stateKey], [Math.max(0, Math.ceil(waitMs))]);
			return true;
		} catch (error) {
			this.failed(error);
			return false;
		}
	}

	async close(): Promise<void> {
		this.closed = true;
		const client = this.client;
		this.client = undefined;
		// No QUIT round trip: nothing is pending that Redis must finish, and a Redis that is gone
		// would only make it wait.
		client?.disconnect();
	}
}

// --- The pacer ----------------------------------------------------------------------------------

/** A request let through: `done` is called once it has its answer (or will not be sent). */
export interface Slot {
	/** How long the caller waited for it. */
	waitMs: number;
	/** Redis's clock (epoch ms) of the grant; undefined when paced in-process. */
	at?: number;
	shared: boolean;
	done(): void;
}

/** What a shared pacer has to tell the execution: why it paces in-process, once per outage to the log. */
export interface BudgetNotice {
	message: string;
	/** True for the first notice of an outage in this process: the one to write to n8n's log. */
	log: boolean;
}

export interface SharedPacerOptions {
	/** The in-process pacer used while Redis is out of reach (default: an adaptive `Pacer`). */
	local?: Pacer;
	sleep?: (ms: number) => Promise<void>;
	/** Vendor name for messages. */
	vendor?: string;
}

const NOTHING_TO_DO = (): void => undefined;

/**
 * The budget of one vendor account kept in Redis for every process. `slot` waits until a request
 * may go and hands back what to call once it has its answer; `acquire` (the `Pacer` contract) is
 * for callers that cannot say when a request ends, and counts it as ended at once. Plus
 * `throttled` (a 429: every process holds for the vendor's wait) and `notice` (why it currently
 * paces in-process).
 */
export class SharedPacer {
	readonly windows: readonly RateLimit[];

	private readonly stateKey: string;

	private readonly keys: string[];

	private readonly grantArgs: Array<string | number>;

	private readonly spans: number[];

	private readonly local: Pacer;

	private readonly sleepFn: (ms: number) => Promise<void>;

	private readonly vendor: string;

	/** Why the last request was paced in-process; undefined while Redis is used. */
	private fallbackReason?: string;

	private outageLogged = false;

	constructor(
		readonly store: RedisBudgetStore,
		keyStem: string,
		windows: readonly RateLimit[],
		options: SharedPacerOptions = {},
	) {
		this.windows = windows.filter((w) => w.requestsPerWindow > 0 && w.windowMs > 0);
		this.stateKey = `${keyStem}:state`;
		this.keys = [
			this.stateKey,
			`${keyStem}:inflight`,
			...this.windows.map((w) => `${keyStem}:w:${w.requestsPerWindow}:${w.windowMs}`),
		];
		this.spans = this.windows.map((w) => w.windowMs + guardMs(w.windowMs));
		// While the budget is all in flight, ask again after the average gap between requests.
		const pollMs = Math.min(
			250,
			Math.max(10, ...this.windows.map((w, i) => this.spans[i] / w.requestsPerWindow)),
		);
		this.grantArgs = [
			IN_FLIGHT_MAX_AGE_MS,
			Math.round(pollMs),
			...this.windows.flatMap((w, i) => [w.requestsPerWindow, this.spans[i]]),
		];
		this.local = options.local ?? new Pacer(this.windows, { adaptive: true });
		this.sleepFn = options.sleep ?? n8nSleep;
		this.vendor = options.vendor ?? 'the vendor';
	}

	/**
	 * Waits until a request may go: granted in Redis, or by the in-process pacer while Redis is out
	 * of reach. `signal` ends the wait (the caller then stops); `sleep` overrides the pacer's own.
	 */
	async slot(sleep?: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<Slot> {
		const pause = sleep ?? this.sleepFn;
		let waitMs = 0;
		for (;;) {
			const answer = await this.store.grant(this.keys, this.grantArgs);
			if ('unavailable' in answer) {
				if (this.fallbackReason === undefined) this.outageLogged = false;
				this.fallbackReason = answer.unavailable;
				const localWait = this.local.reserve();
				if (localWait > 0) await pause(localWait);
				return { waitMs: waitMs + localWait, shared: false, done: NOTHING_TO_DO };
			}
			this.fallbackReason = undefined;
			if (answer.granted) {
				// The in-process pacer keeps track, so that it starts from what this process sent if Redis goes.
				this.local.record(0);
				const { id } = answer;
				let completed = false;
				const done = () => {
					if (completed) return;
					completed = true;
					// Not awaited: the answer is in; if Redis cannot be told, the request ages out.
					void this.store.complete(this.keys, [id, ...this.spans]);
				};
				return { waitMs, at: answer.at, shared: true, done };
			}
			if (signal?.aborted) return { waitMs, shared: true, done: NOTHING_TO_DO };
			await pause(answer.waitMs);
			waitMs += answer.waitMs;
		}
	}

	/** The `Pacer` contract: waits for a slot and counts the request as answered at once. */
	async acquire(sleep?: (ms: number) => Promise<void>): Promise<number> {
		const granted = await this.slot(sleep);
		granted.done();
		return granted.waitMs;
	}

	/**
	 * The vendor answered 429 although the budget let the request through (another client of the
	 * same account, or Redis was out of reach): every process holds for the vendor's wait, and the
	 * in-process fallback slows down as well.
	 */
	throttled(waitMs: number): void {
		this.local.throttled(waitMs);
		if (this.fallbackReason === undefined) {
			// Not awaited: the retry's own wait does not depend on it, and a failure means Redis is gone.
			void this.store.hold(this.stateKey, waitMs);
		}
	}

	/** Why this account is paced in-process right now, or undefined while the budget is shared. */
	notice(): BudgetNotice | undefined {
		if (this.fallbackReason === undefined) return undefined;
		const log = !this.outageLogged;
		this.outageLogged = true;
		return {
			message:
				`The shared rate limit in ${this.store.where} is not available (${this.fallbackReason}): ` +
				`requests to ${this.vendor} are paced in this n8n process only, with backoff when ${this.vendor} answers 429, ` +
				'until Redis answers again.',
			log,
		};
	}
}

// --- Process-wide registry ----------------------------------------------------------------------

/** One store per Redis and process; the key is a hash, so no password sits in the map. */
const stores = new Map<string, RedisBudgetStore>();

/** One shared pacer per vendor account, Redis and budget in this process. */
const sharedPacers = new Map<string, SharedPacer>();

function storeKey(config: SharedBudgetConfig): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				config.host,
				config.port,
				config.database,
				config.username ?? '',
				config.password ?? '',
				config.tls,
			]),
		)
		.digest('hex');
}

/** The process's store for one Redis; `factory` replaces n8n's ioredis (tests). */
export function budgetStoreFor(
	config: SharedBudgetConfig,
	factory?: () => RedisClientFactory,
): RedisBudgetStore {
	const key = storeKey(config);
	let store = stores.get(key);
	if (!store) {
		store = new RedisBudgetStore(config, factory);
		stores.set(key, store);
	}
	return store;
}

/**
 * The process-wide shared pacer of one vendor account, or undefined when there is no budget.
 * `pacerKey` is the account's pacing identity (`describeCredentials`), hashed into the Redis keys.
 */
export function sharedPacerFor(
	config: SharedBudgetConfig,
	pacerKey: string,
	windows: readonly RateLimit[] | undefined,
	vendor?: string,
): SharedPacer | undefined {
	const budget = (windows ?? []).filter((w) => w.requestsPerWindow > 0 && w.windowMs > 0);
	if (!budget.length) return undefined;
	const registryKey = [
		storeKey(config),
		config.keyPrefix,
		pacerKey,
		budget.map((w) => `${w.requestsPerWindow}/${w.windowMs}`).join(','),
	].join('|');
	let pacer = sharedPacers.get(registryKey);
	if (!pacer) {
		pacer = new SharedPacer(
			budgetStoreFor(config),
			budgetKeyOf(config.keyPrefix, pacerKey),
			budget,
			{ vendor },
		);
		sharedPacers.set(registryKey, pacer);
	}
	return pacer;
}

/** Closes every Redis connection of this process (tests; n8n itself ends them with the process). */
export async function closeSharedBudgets(): Promise<void> {
	const all = [...stores.values()];
	stores.clear();
	sharedPacers.clear();
	await Promise.all(all.map(async (store) => await store.close()));
}
