import { randomUUID } from 'crypto';
import { Router, type Request, type Response } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { SandboxVendor } from '../../vendor';
import {
	DEFENDER_RESOURCES,
	findTenant,
	OTHER_RESOURCES,
	SANDBOX_TENANT,
	TOKEN_SLICE,
} from './directory';

export { SANDBOX_TENANT, TOKEN_SLICE, DEFENDER_RESOURCES, findApp } from './directory';

/** Access tokens of the v2.0 endpoint for client credentials live one hour. */
const TOKEN_TTL_SECONDS = 3599;

/**
 * Microsoft identity platform token endpoint (`/{tenant}/oauth2/v2.0/token`), client credentials
 * grant only: what an app-only integration such as Defender for Endpoint uses. Errors carry the
 * AADSTS codes and the body shape Entra ID returns.
 */
export const microsoftLogin: SandboxVendor = {
	id: 'microsoft-login',
	title: 'Microsoft identity platform (Entra ID)',
	router: (ctx) => {
		const router = Router();
		const tokens = new TokenStore(ctx.world, TOKEN_SLICE);
		router.post('/:tenant/oauth2/v2.0/token', (req, res) => issueToken(req, res, tokens));
		router.all('/:tenant/oauth2/v2.0/token', (req, res) => {
			aadError(
				res,
				400,
				'invalid_request',
				900561,
				`The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`,
			);
		});
		return router;
	},
	credentials: (baseUrl) => ({
		tokenUrl: `${baseUrl}/${SANDBOX_TENANT.id}/oauth2/v2.0/token`,
		tenantId: SANDBOX_TENANT.id,
		clientId: SANDBOX_TENANT.apps[0].appId,
		clientSecret: SANDBOX_TENANT.apps[0].secret,
		scope: 'https://api.securitycenter.microsoft.com/.default',
		readOnlyClientId: SANDBOX_TENANT.apps[1].appId,
		readOnlyClientSecret: SANDBOX_TENANT.apps[1].secret,
	}),
	// The login endpoint has no credential type of its own: the Defender credential points at it.
	n8nCredentials: () => [],
	serverError: (res, status) =>
		aadError(
			res,
			status,
			'temporarily_unavailable',
			90033,
			'A transient error has occurred. Please try again.',
		),
};

function issueToken(req: Request, res: Response, tokens: TokenStore): void {
	const tenantId = String(req.params.tenant);
	if (!req.is('application/x-www-form-urlencoded')) {
		return aadError(
			res,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'grant_type'.",
		);
	}
	const body = (req.body ?? {}) as Record<string, string | undefined>;
	if (!/^[0-9a-f-]{36}$/i.test(tenantId) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenantId)) {
		return aadError(
			res,
			400,
			'invalid_request',
			900023,
			`Specified tenant identifier '${tenantId}' is neither a valid DNS name, nor a valid external domain.`,
		);
	}
	const tenant = findTenant(tenantId);
	if (!tenant) {
		return aadError(
			res,
			400,
			'invalid_request',
			90002,
			`Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
		);
	}
	for (const name of ['grant_type', 'client_id']) {
		if (!body[name])
			return aadError(
				res,
				400,
				'invalid_request',
				900144,
				`The request body must contain the following parameter: '${name}'.`,
			);
	}
	if (body.grant_type !== 'client_credentials') {
		return aadError(
			res,
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${body.grant_type}'.`,
		);
	}
	const app = tenant.apps.find((a) => a.appId === body.client_id);
	if (!app) {
		return aadError(
			res,
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${body.client_id}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		);
	}
	if (!body.client_secret) {
		return aadError(
			res,
			401,
			'invalid_client',
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		);
	}
	if (body.client_secret !== app.secret) {
		return aadError(
			res,
			401,
			'invalid_client',
			7000215,
			`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
		);
	}
	if (!body.scope)
		return aadError(
			res,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'scope'.",
		);
	const resource = resourceOf(body.scope);
	if (!resource) {
		return aadError(
			res,
			400,
			'invalid_scope',
			1002012,
			`The provided value for scope ${body.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
		);
	}
	if (!DEFENDER_RESOURCES.includes(resource) && !OTHER_RESOURCES.includes(resource)) {
		return aadError(
			res,
			400,
			'invalid_resource',
			500011,
			`The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
		);
	}
	const issued = tokens.issue(app.appId, resource, TOKEN_TTL_SECONDS);
	res.set('Cache-Control', 'no-store, no-cache');
	res.set('Pragma', 'no-cache');
	res.json({
		token_type: 'Bearer',
		expires_in: TOKEN_TTL_SECONDS,
		ext_expires_in: TOKEN_TTL_SECONDS,
		access_token: issued.token,
	});
}

/** `https://api.securitycenter.microsoft.com/.default` -> the resource; undefined without the `/.default` suffix. */
function resourceOf(scope: string): string | undefined {
	const first = scope.trim().split(/\s+/)[0];
	if (!first.endsWith('/.default')) return undefined;
	return first.slice(0, -'/.default'.length).replace(/\/$/, '').toLowerCase();
}

/** Entra ID's OAuth error body: `error`, an AADSTS `error_description` with trace ids, and `error_codes`. */
function aadError(
	res: Response,
	status: number,
	error: string,
	code: number,
	message: string,
): void {
	const traceId = randomUUID();
	const correlationId = randomUUID();
	const timestamp = new Date()
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d+Z$/, 'Z');
	res.status(status).json({
		error,
		error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
		error_codes: [code],
		timestamp,
		trace_id: traceId,
		correlation_id: correlationId,
		error_uri: `https://login.microsoftonline.com/error?code=${code}`,
	});
}
