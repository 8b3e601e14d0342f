import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';
import { authenticate, HUNTRESS_KEYS, huntressError } from './common';
import { huntressRouter } from './routes';

export { HUNTRESS_IDS, HUNTRESS_KEYS } from './common';

/**
 * Huntress API v1 (`https://api.huntress.io/v1/...`): the account, organizations, agents (host
 * isolation and release), incident reports (resolution) and their remediations (bulk approval and
 * rejection), over the same estate as the other EDRs.
 */
export const huntress: SandboxVendor = {
	id: 'huntress',
	title: 'Huntress',
	router: (ctx) => {
		const api = Router();
		api.use(authenticate);
		api.use(huntressRouter(ctx));
		api.use((_req, res) => huntressError(res, 404, 'Not Found'));
		const router = Router();
		router.use('/v1', api);
		return router;
	},
	credentials: (baseUrl) => ({
		baseUrl,
		apiKey: HUNTRESS_KEYS.user.apiKey,
		apiSecret: HUNTRESS_KEYS.user.apiSecret,
		readOnlyApiKey: HUNTRESS_KEYS.readOnly.apiKey,
		readOnlyApiSecret: HUNTRESS_KEYS.readOnly.apiSecret,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-huntress',
			name: 'Sandbox Huntress',
			type: 'mspHuntressApi',
			data: { baseUrl, apiKey: HUNTRESS_KEYS.user.apiKey, apiSecret: HUNTRESS_KEYS.user.apiSecret },
		},
	],
	/** 60 requests a minute per API key, a sliding window; the 61st within 60 seconds is a 429. */
	throttle: {
		limit: 60,
		windowMs: 60_000,
		key: (req) => req.get('authorization') ?? '',
		reject: (res, retryAfterMs) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			huntressError(res, 429, 'Too Many Requests: rate limit of 60 requests per minute exceeded');
		},
	},
	serverError: (res, status) => huntressError(res, status, 'Internal Server Error'),
};
