import { join } from 'path';

import type { Sandbox } from '../../sandbox';
import type { World } from '../../sandbox';
import { startRedis } from '../../test/unit/shared/redisServer';
import { row, round, sandboxFor, seconds } from '../lib/bench';
import { ROOT } from '../lib/builtin';
import { rateLimitFloorMs } from '../lib/floors';
import type { Row, Scenario, ScenarioContext } from '../lib/types';

/**
 * Two "workers" on one credential per rate-limited vendor, against the sandbox's throttled profile
 * (each vendor's published limit, with its own 429): two Transport instances of the built package,
 * each with its own Redis connection as two n8n processes would have, first each with its own
 * budget (every n8n process without the shared budget) and then sharing the credential's budget
 * through Redis. The vendor profiles (limits, base URL, error and reset readers) and the
 * credentials (login, token, headers) are the built package's own. Counts 429s, failed reads, the
 * most answers in any vendor window and the sustained rate, from the sandbox's log.
 *
 * Windows are shortened where the vendor's would make the run take minutes (the sandbox's
 * `throttleWindowScale`); the pacers get the same scale, so the limit per window is the vendor's.
 */

const TITLE = '8. Shared rate limit: two workers on one credential per rate-limited vendor';
const IN_FLIGHT_PER_WORKER = 4;

type Shared = typeof import('../../nodes/shared');
type Profile = import('../../nodes/shared').VendorProfile;
type RateLimit = import('../../nodes/shared').RateLimit;
type Credentials = Record<string, unknown>;

interface Read {
	path: string;
	qs?: Record<string, string>;
}

interface VendorCase {
	vendor: string;
	/** The sandbox's vendor id (throttling, request log). */
	sandboxId: string;
	credentialType: string;
	/** The vendor's documented limit, in words, with where it is written down. */
	documented: string;
	/** The window scale the sandbox and the pacers use; 1 is the vendor's real window. */
	windowScale: number;
	readsPerWorker: number;
	profile(): Profile;
	/** The credential class of the built package (login and headers as n8n would apply them). */
	credentialClass: string;
	reads(world: World): Read[];
}

function fromDist<T>(relative: string, name: string): T {
	const mod = require(join(ROOT, 'dist', relative)) as Record<string, T>;
	if (!mod[name]) throw new Error(`dist/${relative} exports no ${name}: run npx tsc first`);
	return mod[name];
}

const VENDORS: VendorCase[] = [
	{
		vendor: 'SentinelOne',
		sandboxId: 'sentinelone',
		credentialType: 'mspSentinelOneApi',
		documented:
			'10 requests a second per token: the profile keeps the lowest per-endpoint rate of the partner SDK (/threats 10/s; not an official table)',
		// 1 s is already short; a scaled window would be shorter than a round trip.
		windowScale: 1,
		readsPerWorker: 120,
		profile: () => fromDist('nodes/MspEdr/providers/sentinelOne/client.js', 'sentinelOneProfile'),
		credentialClass: 'MspSentinelOneApi',
		reads: (world) =>
			world.devices.map((d) => ({ path: '/agents', qs: { ids: d.ids.sentinelOneAgentId } })),
	},
	{
		vendor: 'Microsoft Defender',
		sandboxId: 'defender',
		credentialType: 'mspMicrosoftDefenderApi',
		documented:
			'100 calls a minute and 1,500 an hour per application (Defender API limitations); the sandbox enforces the per-minute window, the pacers keep both',
		windowScale: 0.05,
		readsPerWorker: 150,
		profile: () => fromDist('nodes/MspEdr/providers/defender/client.js', 'defenderProfile'),
		credentialClass: 'MspMicrosoftDefenderApi',
		reads: (world) => world.devices.map((d) => ({ path: `/machines/${d.ids.defenderMachineId}` })),
	},
	{
		vendor: 'HaloPSA',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		documented: '300 requests per rolling 5 minutes (Halo-hosted, as quoted from its 429 body)',
		windowScale: 0.05,
		readsPerWorker: 300,
		profile: () => fromDist('nodes/MspPsa/providers/halo/client.js', 'HALO_PROFILE'),
		credentialClass: 'MspHaloPsaApi',
		reads: (world) => world.devices.map((d) => ({ path: `/Asset/${d.ids.haloAssetId}` })),
	},
	{
		vendor: 'ConnectWise PSA',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		documented:
			'more than 1,000 requests a minute will likely be throttled (ConnectWise developer guide; guidance, not a hard limit)',
		// 15 s windows: 67 requests a second, which 2 x 4 requests in flight can reach at this latency.
		windowScale: 0.25,
		readsPerWorker: 1000,
		profile: () => fromDist('nodes/MspPsa/providers/connectwise/client.js', 'CONNECTWISE_PROFILE'),
		credentialClass: 'MspConnectWisePsaApi',
		reads: (world) =>
			world.devices.map((d) => ({
				path: `/company/configurations/${d.ids.connectwiseConfigurationId}`,
			})),
	},
];

type Authorize = (options: {
	headers?: Record<string, unknown>;
}) => Promise<Record<string, string>>;

interface CredentialType {
	authenticate:
		| ((credentials: Credentials, options: object) => Promise<{ headers?: object }>)
		| { properties: { headers?: Record<string, string> } };
	preAuthentication?: (this: unknown, credentials: Credentials) => Promise<Credentials>;
}

/** n8n's `helpers.httpRequest` as the credentials' logins use it, over fetch. */
async function httpRequest(options: {
	method?: string;
	url: string;
	qs?: Record<string, unknown>;
	headers?: Record<string, string>;
	body?: unknown;
}) {
	const url = new URL(options.url);
	for (const [k, v] of Object.entries(options.qs ?? {})) url.searchParams.set(k, String(v));
	const body =
		options.body === undefined || typeof options.body === 'string'
			? options.body
			: JSON.stringify(options.body);
	const response = await fetch(url, {
		method: options.method ?? 'GET',
		headers: options.headers,
		body,
	});
	return { statusCode: response.status, body: await response.text() };
}

/**
 * What n8n does for every request of a credential: log in once when the token is empty (one token
 * for the credential, shared by every worker, as n8n stores it), then the credential's headers.
 */
async function authorizer(vendor: VendorCase, data: Credentials): Promise<Authorize> {
	const mod = require(
		join(ROOT, 'dist', 'credentials', `${vendor.credentialClass}.credentials.js`),
	) as Record<string, new () => CredentialType>;
	const type = new mod[vendor.credentialClass]();
	let credentials = { ...data };
	if (type.preAuthentication) {
		credentials = {
			...credentials,
			...(await type.preAuthentication.call({ helpers: { httpRequest } }, credentials)),
		};
	}
	return async (options) => {
		if (typeof type.authenticate === 'function') {
			const applied = await type.authenticate(credentials, {
				...options,
				headers: { ...options.headers },
			});
			return applied.headers as Record<string, string>;
		}
		// Generic authentication: `=ApiToken {{$credentials.apiToken}}` style header templates.
		const headers: Record<string, string> = {};
		for (const [name, template] of Object.entries(type.authenticate.properties.headers ?? {})) {
			headers[name] = template
				.replace(/^=/, '')
				.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) =>
					String(credentials[key]),
				);
		}
		return headers;
	};
}

/** The part of n8n's execution context the transport uses, sending through fetch. */
function workerContext(credentials: Credentials, authorize: Authorize) {
	const node = {
		id: 'bench',
		name: 'Get device',
		type: 'n8n-nodes-msp-orchestration.mspEdr',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return {
		getNode: () => node,
		getCredentials: async () => credentials,
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined },
		helpers: {
			httpRequestWithAuthentication: async (
				_type: string,
				options: {
					method: string;
					url: string;
					qs?: Record<string, unknown>;
					headers?: Record<string, unknown>;
				},
			) => {
				const url = new URL(options.url);
				for (const [k, v] of Object.entries(options.qs ?? {}))
					if (v !== undefined) url.searchParams.set(k, String(v));
				const response = await fetch(url, {
					method: options.method,
					headers: { accept: 'application/json', ...(await authorize(options)) },
				});
				const text = await response.text();
				let body: unknown = text;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					// Plain-text answers (HaloPSA's 429) stay text, as axios hands them over.
				}
				return {
					statusCode: response.status,
					headers: Object.fromEntries(response.headers.entries()),
					body,
				};
			},
		},
	};
}

async function drive(
	shared: Shared,
	ctx: ReturnType<typeof workerContext>,
	profile: Profile,
	pacer: unknown,
	reads: Read[],
): Promise<number> {
	const transport = new shared.Transport(ctx as never, profile, { pacer: pacer as never });
	let next = 0;
	let failed = 0;
	await Promise.all(
		Array.from({ length: IN_FLIGHT_PER_WORKER }, async () => {
			while (next < reads.length) {
				const read = reads[next++];
				await transport
					.request({ method: 'GET', path: read.path, qs: read.qs, operation: 'get device' })
					.catch(() => failed++);
			}
		}),
	);
	return failed;
}

interface Measured {
	failed: number;
	requests: number;
	throttled: number;
	/** The most answered requests in any one vendor window (sliding): at most the limit. */
	peakPerWindow: number;
	/** Answered requests per second, the window the last burst opened included. */
	sustainedPerSecond: number;
	wallMs: number;
}

function peakInWindow(times: number[], windowMs: number): number {
	let peak = 0;
	let first = 0;
	for (let last = 0; last < times.length; last++) {
		while (times[last] - times[first] >= windowMs) first++;
		peak = Math.max(peak, last - first + 1);
	}
	return peak;
}

interface Run {
	vendor: VendorCase;
	profile: Profile;
	windows: RateLimit[];
	credentials: Credentials;
	authorize: Authorize;
	reads: Read[];
}

async function measure(
	sandbox: Sandbox,
	label: string,
	pacers: unknown[],
	shared: Shared,
	run: Run,
	ctx: ScenarioContext,
): Promise<Measured> {
	const { vendor, windows } = run;
	ctx.log(`${vendor.vendor}, ${label}: ${pacers.length} workers x ${vendor.readsPerWorker} reads`);
	sandbox.requests.clear();
	const started = Date.now();
	const failed = await Promise.all(
		pacers.map(
			async (pacer, w) =>
				await drive(
					shared,
					workerContext(run.credentials, run.authorize),
					run.profile,
					pacer,
					run.reads.slice(w * vendor.readsPerWorker, (w + 1) * vendor.readsPerWorker),
				),
		),
	);
	const wallMs = Date.now() - started;
	const log = sandbox.requests.query({ vendor: vendor.sandboxId });
	const answered = log.filter((e) => e.status !== 429);
	const times = answered.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
	const spanMs = times.length ? times[times.length - 1] - times[0] : 0;
	const shortest = windows.reduce((a, b) => (a.windowMs <= b.windowMs ? a : b));
	return {
		failed: failed.reduce((a, b) => a + b, 0),
		requests: log.length,
		throttled: log.length - answered.length,
		peakPerWindow: peakInWindow(times, shortest.windowMs),
		sustainedPerSecond: answered.length / ((spanMs + shortest.windowMs) / 1000),
		wallMs,
	};
}

const limitWords = (w: RateLimit) =>
	`${w.requestsPerWindow.toLocaleString('en')} per ${w.windowMs >= 1000 ? `${w.windowMs / 1000} s` : `${w.windowMs} ms`}`;

async function measureVendor(
	sandbox: Sandbox,
	redis: { host: string; port: number },
	shared: Shared,
	vendor: VendorCase,
	ctx: ScenarioContext,
): Promise<Row[]> {
	sandbox.setFaults({
		profile: 'throttled',
		vendors: [vendor.sandboxId],
		throttleWindowScale: vendor.windowScale,
	});
	const base = vendor.profile();
	const windows = (base.rateLimits ?? []).map((w) => ({
		requestsPerWindow: w.requestsPerWindow,
		windowMs: Math.round(w.windowMs * vendor.windowScale),
	}));
	if (!windows.length) throw new Error(`${vendor.vendor}'s profile has no rate limits`);
	const profile: Profile = { ...base, rateLimits: windows };
	const credential = sandbox.n8nCredentials().find((c) => c.type === vendor.credentialType);
	if (!credential) throw new Error(`the sandbox has no ${vendor.credentialType} credential`);
	const credentials = credential.data as Credentials;
	const reads = vendor.reads(sandbox.world());
	if (reads.length < 2 * vendor.readsPerWorker)
		throw new Error(
			`${vendor.vendor}: ${reads.length} devices for ${2 * vendor.readsPerWorker} reads`,
		);
	// The login happens before the throttled runs: it is not what is measured.
	const run: Run = {
		vendor,
		profile,
		windows,
		credentials,
		authorize: await authorizer(vendor, credentials),
		reads,
	};
	const shortest = windows.reduce((a, b) => (a.windowMs <= b.windowMs ? a : b));
	const restMs = shortest.windowMs + 500;
	const stores: Array<{ close(): Promise<void> }> = [];
	try {
		const alone = await measure(
			sandbox,
			'each worker its own budget',
			[new shared.Pacer(windows), new shared.Pacer(windows)],
			shared,
			run,
			ctx,
		);
		// Let the vendor's window of the first run pass, so that the second starts on an empty budget.
		await new Promise((r) => setTimeout(r, restMs));
		const config = {
			host: redis.host,
			port: redis.port,
			database: 0,
			tls: false,
			keyPrefix: 'bench:',
		};
		const pacers = [0, 1].map(() => {
			const store = new shared.RedisBudgetStore(config);
			stores.push(store);
			return new shared.SharedPacer(store, `bench:{${vendor.sandboxId}}`, windows, {
				vendor: vendor.vendor,
			});
		});
		const together = await measure(
			sandbox,
			'shared budget through Redis',
			pacers,
			shared,
			run,
			ctx,
		);
		await new Promise((r) => setTimeout(r, restMs));

		const scenario = `8. Shared rate limit: two workers on one ${vendor.vendor} credential`;
		const total = 2 * vendor.readsPerWorker;
		const limitPerSecond = shortest.requestsPerWindow / (shortest.windowMs / 1000);
		// The fastest any client with the same requests in flight gets under the same window: its
		// sustained rate, measured the same way (first to last answer plus one window).
		const inFlight = 2 * IN_FLIGHT_PER_WORKER;
		const floorMs = rateLimitFloorMs(
			total,
			shortest.requestsPerWindow,
			shortest.windowMs,
			ctx.latencyMs,
			inFlight,
		);
		const bestPerSecond = total / ((floorMs - ctx.latencyMs + shortest.windowMs) / 1000);
		const scaled =
			vendor.windowScale === 1
				? "the vendor's real window"
				: `windows shortened x${vendor.windowScale} (sandbox throttleWindowScale and the pacers alike): ${windows.map(limitWords).join(' and ')}`;
		const describe = (m: Measured) =>
			`${m.requests} requests for ${total} reads, ${m.throttled} answered 429 (${((100 * m.throttled) / m.requests).toFixed(1)}%), ` +
			`${m.failed} failed after the transport's retries; at most ${m.peakPerWindow} answered in any ${shortest.windowMs} ms window; ` +
			`${m.sustainedPerSecond.toFixed(2)} answered/s = ${Math.round((100 * m.sustainedPerSecond) / limitPerSecond)}% of the limit; ${seconds(m.wallMs)} s`;
		return [
			row({
				scenario,
				measure: 'requests answered 429 (failed reads in the note)',
				unit: 'requests',
				ours: together.throttled,
				alternative: alone.throttled,
				alternativeLabel: 'each worker its own budget',
				lowerBound: 0,
				lowerBoundBasis: 'no failed read, at most 1% answered 429',
				target: 'zero failed, <= 1% 429s',
				met: together.failed === 0 && together.throttled <= together.requests / 100,
				note: `Documented limit: ${vendor.documented}; ${scaled}. Shared: ${describe(together)}. Each its own: ${describe(alone)}.`,
			}),
			row({
				scenario,
				measure: 'sustained answered requests per second',
				unit: 'req/s',
				ours: round(together.sustainedPerSecond),
				alternative: round(alone.sustainedPerSecond),
				alternativeLabel: 'each worker its own budget',
				ratio: round(together.sustainedPerSecond / limitPerSecond),
				ratioMeaning: `ours / vendor limit of ${round(limitPerSecond)} req/s (${limitWords(shortest)}${vendor.windowScale === 1 ? '' : ', scaled window'})`,
				lowerBound: round(bestPerSecond),
				lowerBoundBasis: `the most ${inFlight} requests in flight can sustain under ${limitWords(shortest)} at ${ctx.latencyMs} ms (bench/lib/floors.ts), measured the same way`,
				target: `>= 80% of that best rate`,
				met: together.sustainedPerSecond >= 0.8 * bestPerSecond,
				note:
					`Answered requests / (first to last answer + one window): the window the last budget opened counts, so a client that uses every budget at once scores 100% of the limit. ` +
					`A request counts from its grant until a window (plus a guard) after its answer came back, so each budget costs about one round trip (${ctx.latencyMs} ms of injected latency) on top of the window. ` +
					`${round((100 * together.sustainedPerSecond) / bestPerSecond, 0)}% of the best rate.`,
			}),
		];
	} finally {
		await Promise.all(stores.map(async (s) => await s.close()));
	}
}

export const sharedBudgetScenario: Scenario = {
	id: 's8',
	title: TITLE,
	async run(ctx) {
		const shared = require(join(ROOT, 'dist', 'nodes', 'shared')) as Shared;
		const sandbox = await sandboxFor({
			latencyMs: ctx.latencyMs,
			// Enough devices for every vendor's reads, each read a distinct device.
			scale: { clients: 10, devicesPerClient: 200 },
			faults: { profile: 'none' },
		});
		const redis = await startRedis();
		const rows: Row[] = [];
		try {
			for (const vendor of VENDORS) {
				try {
					rows.push(...(await measureVendor(sandbox, redis, shared, vendor, ctx)));
				} catch (error) {
					// One vendor that breaks is listed as not measured; the others still run.
					rows.push(
						row({
							scenario: `8. Shared rate limit: two workers on one ${vendor.vendor} credential`,
							measure: 'all',
							unit: '',
							met: false,
							note: `Not measured: ${(error as Error).message.split('\n')[0]}`,
						}),
					);
				}
			}
			return rows;
		} finally {
			await redis.stop();
			await sandbox.stop();
		}
	},
};
