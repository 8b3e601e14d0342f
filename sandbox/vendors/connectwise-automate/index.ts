import { Router, type Response } from 'express';

import type { SandboxVendor } from '../../vendor';
import { seedAlerts } from './alerts';
import { AUTOMATE_CLIENT_ID, AUTOMATE_USERS, mountTokenEndpoints } from './auth';
import { automateError } from './errors';
import { apiRoutes } from './routes';
import { slice } from './slice';

/**
 * ConnectWise Automate REST API (`/cwa/api/v1/...`) under `/connectwise-automate`, the
 * sandbox's stand-in for https://<server>. Spec paths are `/api/v1/...`; the live prefix is `/cwa`.
 */
export const connectwiseAutomate: SandboxVendor = {
	id: 'connectwise-automate',
	title: 'ConnectWise Automate',
	seed: (world) => {
		slice(world);
		seedAlerts(world);
	},
	router: (ctx) => {
		const router = Router();
		mountTokenEndpoints(router, ctx);
		router.use(apiRoutes(ctx));
		return router;
	},
	credentials: (baseUrl) => ({
		serverUrl: baseUrl,
		username: AUTOMATE_USERS[0].username,
		password: AUTOMATE_USERS[0].password,
		clientId: AUTOMATE_CLIENT_ID,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-connectwise-automate',
			name: 'Sandbox ConnectWise Automate',
			type: 'mspConnectWiseAutomateApi',
			data: {
				serverUrl: baseUrl,
				username: AUTOMATE_USERS[0].username,
				password: AUTOMATE_USERS[0].password,
				clientId: AUTOMATE_CLIENT_ID,
				twoFactorPasscode: '',
			},
		},
	],
	/**
	 * [unverified] Automate documents no API rate limit (on-premises or hosted). The sandbox
	 * enforces a conservative 600 requests per minute per token under the throttled profile,
	 * answering 429 with `Retry-After` (seconds) and Automate's error body.
	 */
	throttle: {
		limit: 600,
		windowMs: 60_000,
		key: (req) => req.get('authorization') ?? req.get('clientid') ?? 'anonymous',
		reject: (res: Response, retryAfterMs: number) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			automateError(res, 429, 'TooManyRequests', 'Too many requests. Please retry later.');
		},
	},
	serverError: (res, status) =>
		automateError(res, status, 'InternalServerError', 'An error has occurred.'),
};
