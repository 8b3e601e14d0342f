import { Router, type Response } from 'express';

import type { SandboxVendor } from '../../vendor';
import { seedAlerts } from './alerts';
import { mountTokenEndpoint, NINJA_CLIENT } from './auth';
import { ninjaError } from './errors';
import { apiRoutes } from './routes';
import { slice } from './slice';

/**
 * NinjaOne public API v2: `POST /ws/oauth/token` (client credentials) and `/v2/...` with a
 * bearer token, under `/ninjaone` (the sandbox's stand-in for https://eu.ninjarmm.com).
 */
export const ninjaOne: SandboxVendor = {
	id: 'ninjaone',
	title: 'NinjaOne',
	seed: (world) => {
		slice(world);
		seedAlerts(world);
	},
	router: (ctx) => {
		const router = Router();
		mountTokenEndpoint(router, ctx);
		router.use(apiRoutes(ctx));
		return router;
	},
	credentials: (baseUrl) => ({
		baseUrl,
		clientId: NINJA_CLIENT.clientId,
		clientSecret: NINJA_CLIENT.clientSecret,
		scope: 'monitoring management control',
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-ninjaone',
			name: 'Sandbox NinjaOne',
			type: 'mspNinjaOneApi',
			data: {
				region: 'custom',
				baseUrl,
				clientId: NINJA_CLIENT.clientId,
				clientSecret: NINJA_CLIENT.clientSecret,
				scopes: ['monitoring', 'management', 'control'],
			},
		},
	],
	/**
	 * [unverified] NinjaOne publishes no rate limit for API v2. The sandbox enforces a
	 * conservative 300 requests per minute per client app and answers with a plain 429,
	 * `Retry-After` in seconds and the `resultCode`/`errorMessage` body.
	 */
	throttle: {
		limit: 300,
		windowMs: 60_000,
		key: (req) =>
			req.path === '/ws/oauth/token' ? 'token' : (req.get('authorization') ?? 'anonymous'),
		reject: (res: Response, retryAfterMs: number) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			ninjaError(res, 429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded, retry later');
		},
	},
	serverError: (res, status) => ninjaError(res, status, 'SERVER_ERROR', 'Internal server error'),
};
