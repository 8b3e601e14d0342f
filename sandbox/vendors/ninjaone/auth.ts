import type { NextFunction, Request, Response, Router } from 'express';

import { TokenStore, type IssuedToken } from '../../lib/tokens';
import type { VendorContext } from '../../vendor';
import { ninjaError } from './errors';

/** The API app of the sandbox tenant ("API Services (machine-to-machine)"). */
export const NINJA_CLIENT = {
	clientId: 'sandbox-ninjaone-client',
	clientSecret: 'sandbox-ninjaone-secret-2f9c7a',
	scopes: ['monitoring', 'management', 'control'],
};

/** [unverified] NinjaOne does not document the lifetime; 3600 s is what clients observe. */
const TOKEN_TTL_SECONDS = 3600;

export type Scope = 'monitoring' | 'management' | 'control';

export function tokenStore(ctx: VendorContext): TokenStore {
	return new TokenStore(ctx.world, 'ninjaone');
}

/**
 * `POST /ws/oauth/token`, form encoded, client credentials grant with space separated scopes.
 * A client id the tenant does not know gets `{"resultCode":"Client app not exist"}` (observed);
 * the status for it and the body for a wrong secret are [unverified]: OAuth2's invalid_client is used.
 */
export function mountTokenEndpoint(router: Router, ctx: VendorContext): void {
	router.post('/ws/oauth/token', (req: Request, res: Response) => {
		if (!req.is('application/x-www-form-urlencoded')) {
			res.status(415).json({
				error: 'unsupported_media_type',
				error_description: 'Content-Type must be application/x-www-form-urlencoded',
			});
			return;
		}
		const body = (req.body ?? {}) as Record<string, string | undefined>;
		if (body.grant_type !== 'client_credentials') {
			res.status(400).json({
				error: 'unsupported_grant_type',
				error_description: `Unsupported grant type: ${body.grant_type ?? ''}`,
			});
			return;
		}
		if (body.client_id !== NINJA_CLIENT.clientId) {
			res.status(401).json({ resultCode: 'Client app not exist' });
			return;
		}
		if (body.client_secret !== NINJA_CLIENT.clientSecret) {
			res
				.status(401)
				.json({ error: 'invalid_client', error_description: 'Bad client credentials' });
			return;
		}
		const requested = (body.scope ?? '').split(/[\s+]+/).filter(Boolean);
		const unknown = requested.filter((scope) => !NINJA_CLIENT.scopes.includes(scope));
		if (unknown.length) {
			res
				.status(400)
				.json({ error: 'invalid_scope', error_description: `Invalid scope: ${unknown.join(' ')}` });
			return;
		}
		const scope = (requested.length ? requested : ['monitoring']).join(' ');
		const issued = tokenStore(ctx).issue(NINJA_CLIENT.clientId, scope, TOKEN_TTL_SECONDS);
		res.json({
			access_token: issued.token,
			token_type: 'Bearer',
			expires_in: TOKEN_TTL_SECONDS,
			scope,
		});
	});
}

/**
 * Bearer check for `/v2/*` with the scope the operation needs: reads need `monitoring`,
 * changes to devices (patching, scripts, alert resets) need `management` (the spec tags
 * these operations "management"). Status and body of the 401/403 are [unverified]; the
 * shape is the `resultCode`/`errorMessage` body NinjaOne's clients parse.
 */
export function requireScope(ctx: VendorContext, scope: Scope) {
	return (req: Request, res: Response, next: NextFunction) => {
		const token: IssuedToken | undefined = tokenStore(ctx).fromRequest(req);
		if (!token) {
			ninjaError(res, 401, 'UNAUTHORIZED', 'Invalid or expired access token');
			return;
		}
		if (!token.scope.split(' ').includes(scope)) {
			ninjaError(res, 403, 'FORBIDDEN', `Access token is missing the required scope: ${scope}`);
			return;
		}
		res.locals.token = token.token;
		next();
	};
}
