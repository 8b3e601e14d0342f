import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'http';
import type { AddressInfo } from 'net';

import {
	chooseFault,
	DEFAULT_FAULTS,
	SlidingWindow,
	throttlingOn,
	type Fault,
	type FaultSettings,
} from './faults';
import { RequestLog } from './requestLog';
import type { N8nCredentialEntry, SandboxVendor, VendorContext } from './vendor';
import {
	addDevice,
	updateDevice,
	type DeviceAnswer,
	type DeviceChange,
	type DeviceEnrolment,
} from './scenario/devices';
import { ScenarioError } from './scenario/errors';
import { scenarioRoutes, sendScenarioError } from './scenario/routes';
import { injectThreat, type InjectedThreat, type ThreatInjection } from './scenario/threats';
import { applyClientNames, applyVendorVariations, parseVariations } from './scenario/variations';
import { ALL_VENDORS } from './vendors';
import { parseNow, worldNow } from './world/clock';
import { advanceByTime, DEFAULT_TIMING, type EngineTiming } from './world/engine';
import { createRng } from './world/rng';
import { seedWorld } from './world/seed';
import type { ScaleOptions, TenantVariations, World } from './world/types';

export interface SandboxOptions {
	port?: number;
	host?: string;
	seed?: number;
	scale?: Partial<ScaleOptions>;
	scenario?: string;
	/**
	 * The instant the world is generated for (ISO 8601 or epoch ms); it then ages in real time. Default: the moment
	 * the sandbox starts or is reset. Pin it for reproducible timestamps.
	 */
	now?: string | number;
	/** Tenant differences applied on top of the first world (see docs/sandbox.md, "Tenant variations"). */
	variations?: TenantVariations;
	latencyMs?: number;
	faults?: Partial<FaultSettings>;
	timing?: Partial<EngineTiming>;
	vendors?: SandboxVendor[];
}

export interface ResetOptions extends Partial<ScaleOptions> {
	seed?: number;
	scenario?: string;
	/** As `SandboxOptions.now`; a reset without it uses the sandbox's own `now` option, else the moment of the reset. */
	now?: string | number;
	/** Tenant differences for the new world; a reset without them gives the default tenant. */
	variations?: TenantVariations;
}

export interface Sandbox {
	baseUrl: string;
	port: number;
	vendorUrl(id: string): string;
	world(): World;
	reset(options?: ResetOptions): World;
	setFaults(faults: Partial<FaultSettings>): FaultSettings;
	setLatency(ms: number): void;
	setTiming(timing: Partial<EngineTiming>): EngineTiming;
	requests: RequestLog;
	/** As POST /_sandbox/threats; throws a ScenarioError (status 400, 404 or 409) on bad input. */
	injectThreat(threat: ThreatInjection): InjectedThreat;
	/** As POST /_sandbox/devices. */
	addDevice(device: DeviceEnrolment): DeviceAnswer;
	/** As PATCH /_sandbox/devices/:device; `device` is a key or a hostname, `client` chooses between same-named devices. */
	updateDevice(device: string, changes: DeviceChange, options?: { client?: string }): DeviceAnswer;
	n8nCredentials(): N8nCredentialEntry[];
	vendorCredentials(): Array<{
		id: string;
		title: string;
		baseUrl: string;
		credentials: Record<string, string>;
	}>;
	stop(): Promise<void>;
}

interface State {
	world: World;
	faults: FaultSettings;
	latencyMs: number;
	timing: EngineTiming;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const vendors = options.vendors ?? ALL_VENDORS;
	const state: State = {
		world: freshWorld(
			vendors,
			options.seed ?? 1,
			options.scale ?? {},
			options.scenario,
			parseNow(options.now),
			options.variations,
		),
		faults: { ...DEFAULT_FAULTS, ...options.faults },
		latencyMs: options.latencyMs ?? 0,
		timing: { ...DEFAULT_TIMING, ...options.timing },
	};
	const log = new RequestLog();
	const windows = new SlidingWindow();
	const inFlight = new Map<string, number>();
	const faultRng = createRng((options.seed ?? 1) * 7919);
	let baseUrl = '';

	const reset = (opts: ResetOptions = {}) => {
		// A reset returns to the estate the sandbox was started with unless it names another size:
		// one test's scaled world must not leak into the next reset.
		// Variations do not carry over: a reset without them is the default tenant.
		const { seed, scenario, now, variations, ...scale } = opts;
		state.world = freshWorld(
			vendors,
			seed ?? options.seed ?? 1,
			{ ...options.scale, ...scale },
			scenario,
			parseNow(now ?? options.now),
			variations,
		);
		windows.clear();
		log.clear();
		return state.world;
	};

	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false);
	// Not strict: some vendor endpoints take a bare JSON string as the body (Automate's token refresh).
	app.use(
		express.json({
			limit: '50mb',
			strict: false,
			type: ['application/json', 'application/*+json'],
		}),
	);
	app.use(express.urlencoded({ extended: false }));
	app.use(log.middleware());
	app.use(
		'/_sandbox',
		controlRouter(state, log, reset, vendors, () => baseUrl),
	);

	for (const vendor of vendors) {
		const ctx: VendorContext = {
			world: () => state.world,
			timing: () => state.timing,
			baseUrl: () => `${baseUrl}/${vendor.id}`,
			sandboxUrl: () => baseUrl,
		};
		app.use(
			`/${vendor.id}`,
			tagVendor(vendor.id),
			concurrencyCap(vendor, state, inFlight),
			latency(state),
			(_req: Request, _res: Response, next: NextFunction) => {
				advanceByTime(state.world, state.timing, worldNow(state.world));
				next();
			},
			throttle(vendor, state, windows),
			faults(vendor, state, faultRng),
			vendor.router(ctx),
		);
	}
	app.use((req: Request, res: Response) => {
		res.status(404).json({ message: `No sandbox route for ${req.method} ${req.path}` });
	});
	app.use(
		(
			error: Error & { status?: number; type?: string },
			_req: Request,
			res: Response,
			_next: NextFunction,
		) => {
			// Malformed JSON from a client: vendors answer 400, not a stack trace.
			const status = error.status ?? 500;
			if (!res.headersSent) res.status(status).json({ message: error.message });
		},
	);

	const server = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
	const address = server.address() as AddressInfo;
	baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

	return {
		baseUrl,
		port: address.port,
		vendorUrl: (id) => `${baseUrl}/${id}`,
		world: () => state.world,
		reset,
		setFaults: (faults) => (state.faults = { ...state.faults, ...faults }),
		setLatency: (ms) => (state.latencyMs = ms),
		setTiming: (timing) => (state.timing = { ...state.timing, ...timing }),
		requests: log,
		injectThreat: (threat) => injectThreat(state.world, threat),
		addDevice: (device) => addDevice(state.world, device),
		updateDevice: (device, changes, opts) =>
			updateDevice(state.world, device, changes, opts?.client),
		n8nCredentials: () => vendors.flatMap((v) => v.n8nCredentials(`${baseUrl}/${v.id}`, baseUrl)),
		vendorCredentials: () =>
			vendors.map((v) => ({
				id: v.id,
				title: v.title,
				baseUrl: `${baseUrl}/${v.id}`,
				credentials: v.credentials(`${baseUrl}/${v.id}`),
			})),
		stop: () => close(server),
	};
}

function freshWorld(
	vendors: SandboxVendor[],
	seed: number,
	scale: Partial<ScaleOptions>,
	scenario?: string,
	now?: number,
	variations?: unknown,
): World {
	const tenant = parseVariations(variations);
	const world = seedWorld(seed, scale, scenario, now);
	applyClientNames(world, tenant);
	for (const vendor of vendors) vendor.seed?.(world);
	applyVendorVariations(world, tenant);
	return world;
}

function tagVendor(id: string) {
	return (_req: Request, res: Response, next: NextFunction) => {
		res.locals.vendor = id;
		next();
	};
}

function latency(state: State) {
	return (_req: Request, _res: Response, next: NextFunction) => {
		if (state.latencyMs > 0) setTimeout(next, state.latencyMs);
		else next();
	};
}

/**
 * Counts a request in its vendor's concurrency bucket from arrival to answer (before the injected
 * latency, which stands for the vendor's time on it), logs the count, and under a throttling
 * profile refuses a request over the cap after the same latency as any answer.
 */
function concurrencyCap(vendor: SandboxVendor, state: State, inFlight: Map<string, number>) {
	return (req: Request, res: Response, next: NextFunction) => {
		const policy = vendor.concurrency;
		const key = policy?.key(req);
		if (!policy || key === undefined) return next();
		const bucket = `${vendor.id}:${key}`;
		const current = inFlight.get(bucket) ?? 0;
		res.locals.concurrency = { key, inFlight: current + 1 };
		if (current >= policy.limit && throttlingOn(state.faults, vendor.id)) {
			res.locals.fault = { kind: 'threadLimit', phase: 'before' };
			const refuse = () => {
				if (!res.headersSent && !res.destroyed) policy.reject(res);
			};
			if (state.latencyMs > 0) setTimeout(refuse, state.latencyMs);
			else refuse();
			return;
		}
		inFlight.set(bucket, current + 1);
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			const left = (inFlight.get(bucket) ?? 1) - 1;
			if (left > 0) inFlight.set(bucket, left);
			else inFlight.delete(bucket);
		};
		res.on('finish', release);
		res.on('close', release);
		next();
	};
}

function throttle(vendor: SandboxVendor, state: State, windows: SlidingWindow) {
	return (req: Request, res: Response, next: NextFunction) => {
		const policy = vendor.throttle;
		if (!policy || !throttlingOn(state.faults, vendor.id)) return next();
		const windowMs = Math.max(1, Math.round(policy.windowMs * state.faults.throttleWindowScale));
		const key = `${vendor.id}:${policy.key(req)}`;
		const now = Date.now();
		const waitMs = windows.take(key, policy.limit, windowMs, now);
		if (waitMs === 0) return next();
		res.locals.fault = { kind: 'throttled', phase: 'before' };
		policy.reject(res, waitMs, now + waitMs);
	};
}

function faults(vendor: SandboxVendor, state: State, rng: ReturnType<typeof createRng>) {
	return (req: Request, res: Response, next: NextFunction) => {
		const fault = chooseFault(state.faults, vendor.id, rng);
		if (!fault) return next();
		res.locals.fault = fault;
		if (fault.phase === 'before') return strikeBefore(vendor, fault, state, req, res);
		interceptEnd(vendor, fault, state, req, res);
		next();
	};
}

function sendServerError(vendor: SandboxVendor, res: Response, status: number): void {
	if (vendor.serverError) vendor.serverError(res, status);
	else res.status(status).json({ message: 'The service is temporarily unavailable' });
}

function strikeBefore(
	vendor: SandboxVendor,
	fault: Fault,
	state: State,
	req: Request,
	res: Response,
): void {
	if (fault.kind === 'serverError') return sendServerError(vendor, res, fault.status ?? 503);
	if (fault.kind === 'reset') {
		req.socket.destroy();
		return;
	}
	// timeout: hold the connection, then drop it without an answer.
	setTimeout(() => req.socket.destroy(), state.faults.timeoutMs);
}

/** Faults after the vendor logic ran: the change is applied, only the answer is lost or mangled. */
function interceptEnd(
	vendor: SandboxVendor,
	fault: Fault,
	state: State,
	req: Request,
	res: Response,
): void {
	const originalEnd = res.end.bind(res) as (...args: unknown[]) => Response;
	let replaced = false;
	(res as unknown as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
		if (replaced) return originalEnd(...args);
		replaced = true;
		switch (fault.kind) {
			case 'reset':
				req.socket.destroy();
				return res;
			case 'timeout':
				setTimeout(() => req.socket.destroy(), state.faults.timeoutMs);
				return res;
			case 'serverError':
				res.removeHeader('Content-Length');
				sendServerError(vendor, res, fault.status ?? 502);
				return res;
			case 'malformed': {
				const body = args[0];
				const text = Buffer.isBuffer(body)
					? body.toString('utf8')
					: typeof body === 'string'
						? body
						: '';
				res.removeHeader('Content-Length');
				return originalEnd(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
			}
			case 'slow':
				setTimeout(() => originalEnd(...args), state.faults.slowMs);
				return res;
		}
	};
}

function controlRouter(
	state: State,
	log: RequestLog,
	reset: (o?: ResetOptions) => World,
	vendors: SandboxVendor[],
	baseUrl: () => string,
) {
	const router = express.Router();
	router.get('/health', (_req, res) => {
		res.json({
			status: 'ok',
			seed: state.world.seed,
			scenario: state.world.scenario,
			vendors: vendors.map((v) => v.id),
			faults: state.faults.profile,
			latencyMs: state.latencyMs,
		});
	});
	router.get('/state', (_req, res) => {
		res.json(state.world);
	});
	router.post('/reset', (req, res) => {
		const body = (req.body ?? {}) as ResetOptions;
		let world: World;
		try {
			world = reset(body);
		} catch (error) {
			// Bad variations name their field; any other refusal (a malformed now) is a plain 400.
			sendScenarioError(
				res,
				error instanceof ScenarioError ? error : new ScenarioError(400, (error as Error).message),
			);
			return;
		}
		res.json({
			status: 'reset',
			seed: world.seed,
			scenario: world.scenario,
			now: world.createdAt,
			clients: world.clients.length,
			devices: world.devices.length,
			threats: world.threats.length,
			variations: world.variations,
		});
	});
	router.get('/requests', (req, res) => {
		res.json(
			log.query({
				vendor: req.query.vendor as string | undefined,
				since: req.query.since ? Number(req.query.since) : undefined,
			}),
		);
	});
	router.delete('/requests', (_req, res) => {
		log.clear();
		res.status(204).end();
	});
	router.get('/faults', (_req, res) => {
		res.json(state.faults);
	});
	router.put('/faults', (req, res) => {
		const body = (req.body ?? {}) as Partial<FaultSettings> & { latencyMs?: number };
		if (body.profile && !['none', 'flaky', 'throttled', 'chaos'].includes(body.profile)) {
			res.status(400).json({
				message: `profile must be one of none, flaky, throttled, chaos; got ${body.profile}`,
			});
			return;
		}
		const { latencyMs, ...faults } = body;
		state.faults = { ...state.faults, ...faults };
		if (typeof latencyMs === 'number') state.latencyMs = latencyMs;
		res.json({ ...state.faults, latencyMs: state.latencyMs });
	});
	router.use(scenarioRoutes(() => state.world));
	router.get('/n8n-credentials', (_req, res) => {
		res.json(vendors.flatMap((v) => v.n8nCredentials(`${baseUrl()}/${v.id}`, baseUrl())));
	});
	router.get('/vendors', (_req, res) => {
		res.json(
			vendors.map((v) => ({
				id: v.id,
				title: v.title,
				baseUrl: `${baseUrl()}/${v.id}`,
				credentials: v.credentials(`${baseUrl()}/${v.id}`),
			})),
		);
	});
	return router;
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
	return new Promise((resolve, reject) => {
		const server = app.listen(port, host, (error?: Error) =>
			error ? reject(error) : resolve(server),
		);
		server.keepAliveTimeout = 5000;
	});
}

function close(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.closeAllConnections();
		server.close(() => resolve());
	});
}
