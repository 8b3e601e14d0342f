import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';
import { SANDBOX_TENANT } from '../microsoft-login/directory';
import { alertsRouter } from './alerts';
import { authenticator, mdeError, sliceOf } from './common';
import { filesRouter } from './files';
import { machinesRouter } from './machines';

/**
 * Microsoft Defender for Endpoint API (`https://api.securitycenter.microsoft.com/api/...`):
 * alerts (OData list, get, update), machines (lookup, isolate, unisolate, stop and quarantine
 * file, antivirus scan), machine actions and files (a detected file's prevalence and signer). Tokens
 * come from the sandbox's Microsoft login.
 */
export const defender: SandboxVendor = {
	id: 'defender',
	title: 'Microsoft Defender for Endpoint',
	seed: (world) => {
		sliceOf(world);
	},
	router: (ctx) => {
		const router = Router();
		router.use(authenticator(ctx.world));
		router.use(alertsRouter(ctx));
		router.use(machinesRouter(ctx));
		router.use(filesRouter(ctx));
		router.use((req, res) =>
			mdeError(res, 404, 'NotFound', `Resource ${req.method} ${req.path} was not found`),
		);
		return router;
	},
	credentials: (baseUrl) => ({
		apiUrl: baseUrl,
		loginUrl: baseUrl.replace(/\/defender$/, '/microsoft-login'),
		tenantId: SANDBOX_TENANT.id,
		clientId: SANDBOX_TENANT.apps[0].appId,
		clientSecret: SANDBOX_TENANT.apps[0].secret,
	}),
	n8nCredentials: (baseUrl, sandboxUrl) => [
		{
			id: 'sandbox-defender',
			name: 'Sandbox Microsoft Defender for Endpoint',
			type: 'mspMicrosoftDefenderApi',
			data: {
				tenantId: SANDBOX_TENANT.id,
				clientId: SANDBOX_TENANT.apps[0].appId,
				clientSecret: SANDBOX_TENANT.apps[0].secret,
				apiHost: 'custom',
				customApiUrl: baseUrl,
				loginHost: `${sandboxUrl}/microsoft-login`,
			},
		},
	],
	/** Most endpoints: 100 calls per minute and 1,500 per hour per application; 429 carries Retry-After (seconds). */
	throttle: {
		limit: 100,
		windowMs: 60_000,
		key: (req) => req.get('authorization') ?? 'anonymous',
		reject: (res, retryAfterMs) => {
			const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
			res.set('Retry-After', String(seconds));
			// [unverified] message wording; code and Retry-After are documented.
			mdeError(
				res,
				429,
				'TooManyRequests',
				`Rate limit is exceeded. Try again in ${seconds} seconds.`,
			);
		},
	},
	serverError: (res, status) =>
		mdeError(
			res,
			status,
			status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
			'An error occurred while processing the request.',
		),
};
