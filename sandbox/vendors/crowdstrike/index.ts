import express, { Router, type Request, type Response } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { SandboxVendor } from '../../vendor';
import { alertsRouter } from './alerts';
import {
	authenticator,
	FALCON_CLIENTS,
	falconError,
	meta,
	RATE_LIMIT,
	TOKEN_SLICE,
	TOKEN_TTL_SECONDS,
} from './common';
import { hostsRouter } from './hosts';

export { FALCON_CLIENTS, FALCON_IDS, TOKEN_SLICE } from './common';

/**
 * `X-Ratelimit-Limit` and `X-Ratelimit-Remaining` on every answer, counted over the last minute
 * for the account (every API client of the CID shares the budget).
 */
function rateLimitHeaders() {
	let recent: number[] = [];
	return (_req: Request, res: Response, next: () => void) => {
		const now = Date.now();
		recent = recent.filter((t) => now - t < 60_000);
		recent.push(now);
		res.set('X-Ratelimit-Limit', String(RATE_LIMIT));
		res.set('X-Ratelimit-Remaining', String(Math.max(0, RATE_LIMIT - recent.length)));
		res.set('X-Cs-Region', 'us-1');
		next();
	};
}

function issueToken(tokens: TokenStore, req: Request, res: Response): void {
	const form = (req.body ?? {}) as Record<string, unknown>;
	const client = Object.values(FALCON_CLIENTS).find(
		(c) => c.clientId === form.client_id && c.clientSecret === form.client_secret,
	);
	if (!client) return falconError(res, 403, 'access denied, invalid client credentials');
	const issued = tokens.issue(client.clientId, 'falcon', TOKEN_TTL_SECONDS);
	res.status(201).json({
		access_token: issued.token,
		token_type: 'bearer',
		expires_in: TOKEN_TTL_SECONDS,
	});
}

/**
 * CrowdStrike Falcon OAuth2 API: `/oauth2/token`, the alerts API (query, details, update) and
 * hosts (query, details, containment), with the `{meta, errors, resources}` envelope.
 */
export const crowdStrike: SandboxVendor = {
	id: 'crowdstrike',
	title: 'CrowdStrike Falcon',
	router: (ctx) => {
		const tokens = new TokenStore(ctx.world, TOKEN_SLICE);
		const router = Router();
		router.use(rateLimitHeaders());
		router.post('/oauth2/token', express.urlencoded({ extended: false }), (req, res) =>
			issueToken(tokens, req, res),
		);
		router.use(authenticator(ctx.world));
		router.use(alertsRouter(ctx));
		router.use(hostsRouter(ctx));
		router.use((_req, res) => falconError(res, 404, 'Not Found'));
		return router;
	},
	credentials: (baseUrl) => ({
		cloud: 'custom',
		customApiUrl: baseUrl,
		clientId: FALCON_CLIENTS.analyst.clientId,
		clientSecret: FALCON_CLIENTS.analyst.clientSecret,
		readOnlyClientId: FALCON_CLIENTS.readOnly.clientId,
		readOnlyClientSecret: FALCON_CLIENTS.readOnly.clientSecret,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-crowdstrike',
			name: 'Sandbox CrowdStrike Falcon',
			type: 'mspCrowdStrikeApi',
			data: {
				cloud: 'custom',
				customApiUrl: baseUrl,
				clientId: FALCON_CLIENTS.analyst.clientId,
				clientSecret: FALCON_CLIENTS.analyst.clientSecret,
			},
		},
	],
	/** 6,000 requests a minute per customer account, a sliding window; 429 carries the epoch second to retry at. */
	throttle: {
		limit: RATE_LIMIT,
		windowMs: 60_000,
		key: () => 'cid',
		reject: (res, _retryAfterMs, resetAtMs) => {
			res.set('X-Ratelimit-Limit', String(RATE_LIMIT));
			res.set('X-Ratelimit-Remaining', '0');
			res.set('X-Ratelimit-Retryafter', String(Math.ceil(resetAtMs / 1000)));
			res.status(429).json({
				meta: meta(),
				errors: [{ code: 429, message: 'API rate limit exceeded.' }],
				resources: [],
			});
		},
	},
	serverError: (res, status) => falconError(res, status, 'Internal Server Error'),
};
