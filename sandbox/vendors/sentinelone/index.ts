import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';
import { agentsRouter } from './agents';
import { API_PREFIX, authenticate, s1Error, S1_TOKENS } from './common';
import { threatsRouter } from './threats';

export { S1_TOKENS } from './common';

/**
 * SentinelOne management API v2.1 (`<console>/web/api/v2.1/...`): threats (list, incident status,
 * analyst verdict, notes, mitigation), agents (lookup, network quarantine), sites and groups.
 */
export const sentinelOne: SandboxVendor = {
	id: 'sentinelone',
	title: 'SentinelOne',
	router: (ctx) => {
		const api = Router();
		api.use(authenticate);
		api.use(threatsRouter(ctx));
		api.use(agentsRouter(ctx));
		api.use((_req, res) => s1Error(res, 404, 'Resource not found', null, 4040010));
		const router = Router();
		router.use(API_PREFIX, api);
		return router;
	},
	credentials: (baseUrl) => ({
		consoleUrl: baseUrl,
		apiToken: S1_TOKENS.admin,
		viewerApiToken: S1_TOKENS.viewer,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-sentinelone',
			name: 'Sandbox SentinelOne',
			type: 'mspSentinelOneApi',
			data: { consoleUrl: baseUrl, apiToken: S1_TOKENS.admin },
		},
	],
	/**
	 * Token buckets per endpoint family; the build-partner SDK uses 10 requests/second for
	 * `/threats` (the strictest family the nodes call). [unverified: exact values] Applied to every
	 * family per token, the most defensive reading.
	 */
	throttle: {
		limit: 10,
		windowMs: 1000,
		key: (req) =>
			`${req.get('authorization') ?? ''}:${req.path.replace(API_PREFIX, '').split('/')[1] ?? ''}`,
		reject: (res, retryAfterMs) => {
			res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
			s1Error(res, 429, 'Too Many Requests', 'Request rate limit exceeded', 4290010);
		},
	},
	serverError: (res, status) =>
		s1Error(
			res,
			status,
			'Internal server error',
			'Server could not process the request.',
			status * 10000 + 10,
		),
};
