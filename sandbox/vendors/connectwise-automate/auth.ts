import type { NextFunction, Request, Response, Router } from 'express';

import { TokenStore } from '../../lib/tokens';
import { worldNow } from '../../world/clock';
import type { VendorContext } from '../../vendor';
import { automateError } from './errors';
import { slice } from './slice';

/** The partner integration's registered ClientId and the API users of the sandbox server. */
export const AUTOMATE_CLIENT_ID = '7c1f0d52-5a3e-4b8e-9d2f-3a6b1c0e8f41';
export const AUTOMATE_USERS = [
	{
		username: 'sandbox-api',
		password: 'Sandbox-Automate-Pass-1',
		userId: '42',
		twoFactor: undefined as string | undefined,
	},
	{
		username: 'sandbox-2fa',
		password: 'Sandbox-Automate-Pass-2',
		userId: '43',
		twoFactor: '246810',
	},
];

/** [unverified] "expires every hour" (sliding) per community clients; absolute window assumed 8 h. */
const TOKEN_TTL_SECONDS = 3600;
const ABSOLUTE_TTL_SECONDS = 8 * 3600;

export function tokenStore(ctx: VendorContext): TokenStore {
	return new TokenStore(ctx.world, 'connectwise-automate');
}

function hasClientId(req: Request): boolean {
	return req.get('clientid') === AUTOMATE_CLIENT_ID;
}

/** Field of a login body, matched case-insensitively like ASP.NET model binding. */
function field(body: Record<string, unknown>, name: string): string | undefined {
	const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
	const value = key === undefined ? undefined : body[key];
	return typeof value === 'string' ? value : undefined;
}

/** Expiry dates in the server's own time (the sandbox clock), as a server whose clock differs from the client's would send them. */
function tokenResult(now: number, token: string, username: string, userId: string) {
	return {
		AccessToken: token,
		TokenType: 'Bearer',
		ExpirationDate: new Date(now + TOKEN_TTL_SECONDS * 1000).toISOString(),
		AbsoluteExpirationDate: new Date(now + ABSOLUTE_TTL_SECONDS * 1000).toISOString(),
		UserId: userId,
		InternalUserName: username,
		IsTwoFactorRequired: false,
		IsInternalTwoFactorRequired: false,
		SSOAccessToken: '',
	};
}

/**
 * `POST /cwa/api/v1/apitoken` with `{Username, Password, TwoFactorPasscode?}` and the
 * `ClientId` header (required since Automate 2020 patch 11). A user with two-factor and no
 * passcode gets 200 with an empty token and `IsTwoFactorRequired: true`, as the clients expect.
 * A passcode logs in once (a one-time code): used again it is refused like a wrong one.
 * `POST apitoken/refresh` (body: the token as a bare JSON string) is not served: the sandbox's
 * strict JSON parser refuses bare strings, and the node logs in again instead of refreshing.
 */
export function mountTokenEndpoints(router: Router, ctx: VendorContext): void {
	router.get('/cwa/api/v1/apitoken', (_req, res) => {
		res.json({
			AllowDirect: true,
			AllowServiceRegistration: false,
			AutomateRedirectUri: '',
			Services: [],
		});
	});
	router.post('/cwa/api/v1/apitoken', (req: Request, res: Response) => {
		if (!hasClientId(req))
			return automateError(res, 401, 'Unauthorized', 'A registered ClientId header is required.');
		const body = (req.body ?? {}) as Record<string, unknown>;
		const username = field(body, 'username');
		const password = field(body, 'password');
		const passcode = field(body, 'twoFactorPasscode');
		const user = AUTOMATE_USERS.find(
			(u) => u.username.toLowerCase() === (username ?? '').toLowerCase(),
		);
		if (!username || !password)
			return automateError(res, 400, 'BadRequest', 'Username and Password are required.');
		if (!user || user.password !== password)
			return automateError(res, 401, 'Unauthorized', 'Invalid username or password.');
		if (user.twoFactor && !passcode) {
			res.json({
				...tokenResult(worldNow(ctx.world()), '', user.username, user.userId),
				AccessToken: null,
				IsTwoFactorRequired: true,
			});
			return;
		}
		const used = (slice(ctx.world()).usedPasscodes[user.username] ??= []);
		if (user.twoFactor && (passcode !== user.twoFactor || used.includes(passcode)))
			return automateError(res, 401, 'Unauthorized', 'Invalid two-factor passcode.');
		if (user.twoFactor && passcode) used.push(passcode);
		const issued = tokenStore(ctx).issue(user.username, user.userId, TOKEN_TTL_SECONDS);
		res.json(tokenResult(worldNow(ctx.world()), issued.token, user.username, user.userId));
	});
}

/** Every other call: `Authorization: Bearer <AccessToken>` plus the `ClientId` header. */
export function requireToken(ctx: VendorContext) {
	return (req: Request, res: Response, next: NextFunction) => {
		if (!hasClientId(req))
			return automateError(res, 401, 'Unauthorized', 'A registered ClientId header is required.');
		const token = tokenStore(ctx).fromRequest(req);
		if (!token)
			return automateError(
				res,
				401,
				'Unauthorized',
				'Authorization has been denied for this request.',
			);
		res.locals.user = token.clientId;
		next();
	};
}
