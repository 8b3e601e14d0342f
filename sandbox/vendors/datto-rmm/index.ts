import { Router, type Response } from 'express';

import type { SandboxVendor } from '../../vendor';
import { seedAlerts } from './alerts';
import { DATTO_API_USER, mountTokenEndpoint } from './auth';
import { dattoError } from './errors';
import { apiRoutes } from './routes';
import { PATCH_INSTALL_COMPONENT, slice } from './slice';

/**
 * Datto RMM API v2 under `/datto-rmm`, the sandbox's stand-in for a platform's API URL
 * (https://merlot-api.centrastage.net): `POST /auth/oauth/token` and `/api/v2/...` with a bearer token.
 */
export const dattoRmm: SandboxVendor = {
	id: 'datto-rmm',
	title: 'Datto RMM',
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
		apiUrl: baseUrl,
		apiKey: DATTO_API_USER.apiKey,
		apiSecret: DATTO_API_USER.apiSecret,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-datto-rmm',
			name: 'Sandbox Datto RMM',
			type: 'mspDattoRmmApi',
			data: {
				platform: 'custom',
				apiUrl: baseUrl,
				apiKey: DATTO_API_USER.apiKey,
				apiSecret: DATTO_API_USER.apiSecret,
				patchComponent: PATCH_INSTALL_COMPONENT,
			},
		},
	],
	/**
	 * Datto's published read limit: 600 requests in a sliding 60 s window per account, answered
	 * with 429. `Retry-After` (seconds) is sent [unverified: Datto documents no header].
	 */
	throttle: {
		limit: 600,
		windowMs: 60_000,
		key: (req) => (req.path === '/auth/oauth/token' ? 'token' : 'account'),
		reject: (res: Response, retryAfterMs: number) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			dattoError(
				res,
				429,
				res.req.originalUrl.replace(/^.*?\/api/, '').split('?')[0],
				'Too many requests',
			);
		},
	},
	serverError: (res, status) =>
		dattoError(res, status, res.req.originalUrl.replace(/^.*?\/api/, '').split('?')[0]),
};
