import type { NextFunction, Request, Response, Router } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { VendorContext } from '../../vendor';
import { dattoError } from './errors';

/** The API key pair of the sandbox account (Setup → Users → Generate API Keys). */
export const DATTO_API_USER = {
	apiKey: 'SANDBOXDATTOKEY01',
	apiSecret: 'sandbox-datto-secret-8e1d4b',
};

/** Datto's fixed public OAuth client, sent as HTTP Basic. */
const PUBLIC_CLIENT = `Basic ${Buffer.from('public-client:public').toString('base64')}`;

/** 100 hours, as Datto documents. */
const TOKEN_TTL_SECONDS = 360_000;

export function tokenStore(ctx: VendorContext): TokenStore {
	return new TokenStore(ctx.world, 'datto-rmm');
}

/**
 * `POST /auth/oauth/token`: form encoded password grant with the public client. Failures use
 * OAuth's `{error, error_description}` [unverified: Datto's exact body is not documented].
 */
export function mountTokenEndpoint(router: Router, ctx: VendorContext): void {
	router.post('/auth/oauth/token', (req: Request, res: Response) => {
		if ((req.get('authorization') ?? '') !== PUBLIC_CLIENT) {
			res.status(401).json({ error: 'unauthorized', error_description: 'Bad client credentials' });
			return;
		}
		if (!req.is('application/x-www-form-urlencoded')) {
			res.status(415).json({
				error: 'unsupported_media_type',
				error_description: 'Content-Type must be application/x-www-form-urlencoded',
			});
			return;
		}
		const body = (req.body ?? {}) as Record<string, string | undefined>;
		if (body.grant_type !== 'password') {
			res.status(400).json({
				error: 'unsupported_grant_type',
				error_description: `Unsupported grant type: ${body.grant_type ?? ''}`,
			});
			return;
		}
		if (body.username !== DATTO_API_USER.apiKey || body.password !== DATTO_API_USER.apiSecret) {
			res.status(400).json({ error: 'invalid_grant', error_description: 'Bad credentials' });
			return;
		}
		const issued = tokenStore(ctx).issue(DATTO_API_USER.apiKey, 'default', TOKEN_TTL_SECONDS);
		res.json({
			access_token: issued.token,
			token_type: 'bearer',
			expires_in: TOKEN_TTL_SECONDS - 1,
			scope: 'default',
			jti: issued.token.slice(0, 12),
		});
	});
}

/** Bearer check of `/api/v2/*`; an expired or unknown token is a 401. */
export function requireToken(ctx: VendorContext) {
	return (req: Request, res: Response, next: NextFunction) => {
		if (!tokenStore(ctx).fromRequest(req)) {
			dattoError(
				res,
				401,
				req.originalUrl.replace(/^.*?\/api/, '').split('?')[0],
				undefined,
				ctx.world(),
			);
			return;
		}
		next();
	};
}
