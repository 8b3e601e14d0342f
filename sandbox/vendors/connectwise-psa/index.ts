import { Router, type NextFunction, type Request, type Response } from 'express';

import type { SandboxVendor } from '../../vendor';

import { seedConnectWise } from './data';
import { cwError } from './errors';
import { lookupRoutes } from './lookups';
import type { Api } from './present';
import { ticketRoutes } from './tickets';

/** API keys of the sandbox's API member; the CLI prints them and the n8n credential uses them. */
export const CW_SANDBOX_KEYS = {
	companyId: 'msp_sandbox',
	publicKey: 'SbxPub7Kq2Lw9Xe4',
	privateKey: 'SbxPriv3Nf8Rt6Yu1Zm5',
	clientId: '5a3b9f9e-2c1d-4e8f-9a6b-1c2d3e4f5a6b',
};

const CODEBASE = 'v4_6_release';
/** ConnectWise's published guidance: integrations above 1,000 requests a minute are throttled. */
const REQUESTS_PER_MINUTE = 1000;

/**
 * Basic `companyId+publicKey:privateKey` plus the `clientId` header on every call.
 * ConnectWise's exact 401 wording and the status for a missing clientId are [unverified];
 * the sandbox answers both with 401 in the ErrorResponseMessage shape.
 */
function authenticate(req: Request, res: Response, next: NextFunction): void {
	const header = req.get('authorization') ?? '';
	const match = /^Basic\s+(.+)$/i.exec(header.trim());
	const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
	const expected = `${CW_SANDBOX_KEYS.companyId}+${CW_SANDBOX_KEYS.publicKey}:${CW_SANDBOX_KEYS.privateKey}`;
	if (decoded !== expected)
		return cwError(res, 401, 'Unauthorized', 'Password authentication failed.');
	if (!req.get('clientId'))
		return cwError(
			res,
			401,
			'Unauthorized',
			'A clientId header is required. Register one at developer.connectwise.com/ClientID.',
		);
	next();
}

export const connectwisePsa: SandboxVendor = {
	id: 'connectwise-psa',
	title: 'ConnectWise PSA',
	seed: seedConnectWise,
	router: (ctx) => {
		const router = Router();
		// Codebase discovery needs no auth; on-premise servers answer v4_6_release/.
		router.get('/login/companyinfo/:companyId', (req, res) => {
			if (req.params.companyId.toLowerCase() !== CW_SANDBOX_KEYS.companyId)
				return void res.status(404).json({});
			res.json({
				CompanyName: 'MSP Sandbox',
				Codebase: `${CODEBASE}/`,
				VersionCode: 'v2025.8',
				VersionNumber: 'v4.6.112233',
				CompanyID: CW_SANDBOX_KEYS.companyId,
				IsCloud: 'False',
			});
		});
		const api = Router();
		api.use(authenticate);
		const apiInfo = (): Api => ({
			url: `${ctx.baseUrl()}/${CODEBASE}/apis/3.0`,
			world: ctx.world(),
		});
		api.use(ticketRoutes(ctx, apiInfo));
		api.use(lookupRoutes(ctx, apiInfo));
		api.use((req, res) =>
			cwError(res, 404, 'NotFound', `No resource matches ${req.method} ${req.path}.`),
		);
		router.use('/:codebase/apis/3.0', api);
		return router;
	},
	credentials: (baseUrl) => ({
		site: 'custom',
		customUrl: baseUrl,
		codebase: CODEBASE,
		...CW_SANDBOX_KEYS,
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-connectwise-psa',
			name: 'Sandbox ConnectWise PSA',
			type: 'mspConnectWisePsaApi',
			data: { site: 'custom', customUrl: baseUrl, codebase: CODEBASE, ...CW_SANDBOX_KEYS },
		},
	],
	throttle: {
		limit: REQUESTS_PER_MINUTE,
		windowMs: 60_000,
		// Limits apply per integration: the API member's keys.
		key: (req) => req.get('authorization') ?? 'anonymous',
		reject: (res, retryAfterMs) => {
			const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
			res.set('Retry-After', String(seconds));
			res.status(429).json({
				error: 'ConnectWiseAPI',
				message: `Too many requests. Please try again in ${seconds} seconds.`,
			});
		},
	},
	serverError: (res, status) =>
		cwError(
			res,
			status,
			'UnexpectedError',
			'An unexpected error occurred. Please try again later.',
		),
};
