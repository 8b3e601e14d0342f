import { Router, type NextFunction, type Request, type Response } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { SandboxVendor, VendorContext } from '../../vendor';
import { clientName } from '../../world/names';

import { slice } from './data';
import { seedHalo } from './data';
import { notFound } from './errors';
import { assetOut, clientOut, statusOut } from './present';
import { listEnvelope, ticketRoutes } from './tickets';

/** The sandbox's Halo API application (Configuration > Integrations > Halo API). */
export const HALO_SANDBOX_APP = {
	tenant: 'msp-sandbox',
	clientId: 'b7c1d2e3-4f50-4a61-8b72-93a4b5c6d7e8',
	clientSecret: 'halo-sandbox-secret-5f2c9e71-0d4a-4c3b-a8e6-1b2c3d4e5f60',
	scope: 'all',
};

const TOKEN_TTL_SECONDS = 3600;
/** Halo-hosted limit quoted from API responses: 300 requests per rolling 5 minutes. */
const RATE_LIMIT = 300;
const RATE_WINDOW_MS = 5 * 60_000;

function tokens(ctx: VendorContext): TokenStore {
	return new TokenStore(ctx.world, 'halopsa');
}

/**
 * POST /auth/token, form-encoded client credentials; `?tenant=` names the tenant on Halo-hosted
 * instances. Errors follow OAuth 2.0 (RFC 6749 section 5.2), as Halo's identity server answers.
 */
function tokenEndpoint(ctx: VendorContext) {
	return (req: Request, res: Response) => {
		const body = (req.body ?? {}) as Record<string, string | undefined>;
		if (body.grant_type !== 'client_credentials')
			return void res.status(400).json({ error: 'unsupported_grant_type' });
		const tenant = req.query.tenant;
		const tenantOk = tenant === undefined || tenant === '' || tenant === HALO_SANDBOX_APP.tenant;
		if (
			!tenantOk ||
			body.client_id !== HALO_SANDBOX_APP.clientId ||
			body.client_secret !== HALO_SANDBOX_APP.clientSecret
		) {
			return void res.status(400).json({ error: 'invalid_client' });
		}
		const scope = body.scope?.trim() || HALO_SANDBOX_APP.scope;
		const issued = tokens(ctx).issue(body.client_id, scope, TOKEN_TTL_SECONDS);
		res.set('Cache-Control', 'no-store');
		res.json({
			access_token: issued.token,
			token_type: 'Bearer',
			expires_in: TOKEN_TTL_SECONDS,
			scope,
		});
	};
}

/** A missing, unknown or expired bearer token gets 401 with an empty body and a Bearer challenge [body unverified]. */
function requireToken(ctx: VendorContext) {
	return (req: Request, res: Response, next: NextFunction) => {
		if (tokens(ctx).fromRequest(req)) return next();
		res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
		res.status(401).end();
	};
}

function lookupRoutes(ctx: VendorContext): Router {
	const router = Router();
	const data = () => slice(ctx.world());
	router.get('/authinfo', (_req, res) =>
		res.json({ auth_url: `${ctx.baseUrl()}/auth`, tenant_id: HALO_SANDBOX_APP.tenant }),
	);
	router.get('/Status', (req, res) => {
		const rows = data().statuses.filter((s) => !(req.query.excludeclosed === 'true' && s.closed));
		res.json(rows.map(statusOut));
	});
	router.get('/TicketType', (_req, res) => res.json(data().ticketTypes));
	router.get('/Team', (_req, res) => res.json(data().teams));
	router.get('/Priority', (_req, res) => res.json(data().priorities));
	router.get('/Client', (req, res) => {
		const q = req.query as Record<string, unknown>;
		const search = typeof q.search === 'string' ? q.search.toLowerCase() : '';
		const rows = ctx
			.world()
			.clients.filter((c) => !search || clientName(c, 'psa').toLowerCase().includes(search))
			.map(clientOut);
		res.json(listEnvelope(q, rows, 'clients', 100));
	});
	router.get('/Client/:id', (req, res) => {
		const client = ctx.world().clients.find((c) => c.ids.haloClientId === Number(req.params.id));
		if (!client) return notFound(res, 'Client', req.params.id);
		res.json(clientOut(client));
	});
	router.get('/Asset', (req, res) => {
		const world = ctx.world();
		const q = req.query as Record<string, unknown>;
		const search = typeof q.search === 'string' ? q.search.toLowerCase() : '';
		const rows = world.devices
			.filter(
				(d) =>
					q.client_id === undefined ||
					world.clients.find((c) => c.key === d.clientKey)?.ids.haloClientId ===
						Number(q.client_id),
			)
			// `search` matches the asset tag and key fields [unverified which fields Halo searches].
			.filter(
				(d) =>
					!search ||
					d.hostname.toLowerCase().includes(search) ||
					d.serialNumber.toLowerCase().includes(search),
			)
			.filter(
				(d) =>
					q.ticket_id === undefined ||
					(data()
						.tickets.find((t) => t.id === Number(q.ticket_id))
						?.assets.includes(d.ids.haloAssetId) ??
						false),
			);
		res.json(listEnvelope(q, rows, 'assets', 100, {}, (d) => assetOut(world, d)));
	});
	router.get('/Asset/:id', (req, res) => {
		const device = ctx.world().devices.find((d) => d.ids.haloAssetId === Number(req.params.id));
		if (!device) return notFound(res, 'Asset', req.params.id);
		res.json(assetOut(ctx.world(), device));
	});
	return router;
}

export const haloPsa: SandboxVendor = {
	id: 'halopsa',
	title: 'HaloPSA',
	seed: seedHalo,
	router: (ctx) => {
		const router = Router();
		router.post('/auth/token', tokenEndpoint(ctx));
		const api = Router();
		api.use(requireToken(ctx));
		api.use(lookupRoutes(ctx));
		api.use(ticketRoutes(ctx));
		api.use((req, res) => notFound(res, 'Resource', `${req.method} ${req.path}`));
		router.use('/api', api);
		return router;
	},
	credentials: (baseUrl) => ({
		resourceServerUrl: baseUrl,
		authServerUrl: `${baseUrl}/auth`,
		...HALO_SANDBOX_APP,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-halopsa',
			name: 'Sandbox HaloPSA',
			type: 'mspHaloPsaApi',
			data: { resourceServerUrl: baseUrl, authServerUrl: `${baseUrl}/auth`, ...HALO_SANDBOX_APP },
		},
	],
	throttle: {
		limit: RATE_LIMIT,
		windowMs: RATE_WINDOW_MS,
		// Counted per tenant/application; the bearer token stands in for it.
		key: (req) => req.get('authorization') ?? String(req.query.tenant ?? 'anonymous'),
		reject: (res) => {
			// Plain text as quoted from Halo responses; Halo sends no Retry-After that is documented [unverified], so none is sent.
			res
				.status(429)
				.type('text/plain')
				.send('Rate Limit Reached - 300 Requests per rolling 5 minute window');
		},
	},
	serverError: (res, status) => {
		res.status(status).json({ ClassName: 'System.Exception', Message: 'An error has occurred.' });
	},
};
