import { randomBytes } from 'crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';

import type { SandboxVendor, VendorContext } from '../../vendor';

import { chatCompletion, parseChatRequest } from './chat';
import {
	incorrectKey,
	mismatchedOrganization,
	missingKey,
	missingParameter,
	modelNotFound,
	resetDuration,
	sendError,
	serverError,
} from './errors';
import { SANDBOX_API_KEY, seedSlice, sliceOf, type ModelRequest, type OpenAiSlice } from './model';
import { createResponse, parseResponsesRequest } from './responses';

export type { ModelMode, OpenAiSlice } from './model';

/**
 * Published limits differ per usage tier and model; the sandbox enforces tier 1 of the small models
 * (500 requests and 200,000 tokens per minute) under the `throttled` and `chaos` fault profiles.
 */
const REQUESTS_PER_MINUTE = 500;
const TOKENS_PER_MINUTE = 200_000;

const MODEL_CREATED = 1_700_000_000;

function bearer(req: Request): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
	return match?.[1];
}

function authenticate(ctx: VendorContext) {
	return (req: Request, res: Response, next: NextFunction) => {
		const slice = sliceOf(ctx.world());
		const key = bearer(req);
		if (!key) return missingKey(res);
		if (key !== slice.apiKey) return incorrectKey(res, key);
		const organization = req.get('openai-organization');
		if (organization && organization !== slice.organizationId) return mismatchedOrganization(res);
		res.set({
			'openai-organization': slice.organizationId,
			'openai-version': '2020-10-01',
			'x-request-id': `req_${randomBytes(16).toString('hex')}`,
			'x-ratelimit-limit-requests': String(REQUESTS_PER_MINUTE),
			'x-ratelimit-limit-tokens': String(TOKENS_PER_MINUTE),
			'x-ratelimit-remaining-requests': String(REQUESTS_PER_MINUTE - 1),
			'x-ratelimit-remaining-tokens': String(TOKENS_PER_MINUTE - 1000),
			'x-ratelimit-reset-requests': resetDuration(60_000 / REQUESTS_PER_MINUTE),
			'x-ratelimit-reset-tokens': resetDuration((1000 * 60_000) / TOKENS_PER_MINUTE),
		});
		next();
	};
}

type Handler = (
	req: Request,
	res: Response,
	slice: OpenAiSlice,
	model: string,
	request: ModelRequest,
) => void;
type Parser = (body: Record<string, unknown>, res: Response) => ModelRequest | undefined;

/** Shared shape of both generation endpoints: model check, body parse, mode delays, call count. */
function generation(ctx: VendorContext, parse: Parser, handle: Handler) {
	return (req: Request, res: Response) => {
		const slice = sliceOf(ctx.world());
		const body = (req.body ?? {}) as Record<string, unknown>;
		if (typeof body.model !== 'string' || !body.model) {
			if (req.path.endsWith('/chat/completions'))
				sendError(res, 400, 'you must provide a model parameter', 'invalid_request_error');
			else missingParameter(res, 'model');
			return;
		}
		if (!slice.models.includes(body.model)) return modelNotFound(res, body.model);
		const request = parse(body, res);
		if (!request) return;
		const respond = () => {
			slice.calls++;
			handle(req, res, slice, body.model as string, request);
		};
		const started = Date.now();
		res.set('openai-processing-ms', '0');
		if (slice.mode === 'slow') {
			// The caller may give up first; answer only if the socket is still there.
			setTimeout(() => {
				if (!res.writableEnded && !req.socket.destroyed) {
					res.set('openai-processing-ms', String(Date.now() - started));
					respond();
				}
			}, slice.slowMs);
			return;
		}
		respond();
	};
}

function router(ctx: VendorContext): Router {
	const r = Router();
	r.use('/v1', authenticate(ctx));
	r.get('/v1/models', (_req, res) => {
		const slice = sliceOf(ctx.world());
		res.json({
			object: 'list',
			data: slice.models.map((id) => ({
				id,
				object: 'model',
				created: MODEL_CREATED,
				owned_by: 'system',
			})),
		});
	});
	r.get('/v1/models/:model', (req, res) => {
		const slice = sliceOf(ctx.world());
		const id = String(req.params.model);
		if (!slice.models.includes(id)) return modelNotFound(res, id);
		res.json({ id, object: 'model', created: MODEL_CREATED, owned_by: 'system' });
	});
	r.post('/v1/chat/completions', generation(ctx, parseChatRequest, chatCompletion));
	r.post('/v1/responses', generation(ctx, parseResponsesRequest, createResponse));
	r.use('/v1', (req, res) =>
		sendError(res, 404, `Invalid URL (${req.method} /v1${req.path})`, 'invalid_request_error'),
	);
	return r;
}

export const openAi: SandboxVendor = {
	id: 'openai',
	title: 'OpenAI-compatible model (chat completions and Responses API)',
	seed(world) {
		world.vendors.openai = seedSlice();
	},
	router,
	credentials: (baseUrl) => ({
		'Base URL': `${baseUrl}/v1`,
		'API key': SANDBOX_API_KEY,
		Models: seedSlice().models.join(', '),
	}),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-openai',
			name: 'Sandbox OpenAI',
			type: 'openAiApi',
			data: { apiKey: SANDBOX_API_KEY, organizationId: '', url: `${baseUrl}/v1`, header: false },
		},
	],
	throttle: {
		limit: REQUESTS_PER_MINUTE,
		windowMs: 60_000,
		key: (req) => bearer(req) ?? 'anonymous',
		reject(res, retryAfterMs) {
			// OpenAI documents the x-ratelimit-* headers on 429; a Retry-After header is not documented,
			// so none is sent and clients must work from the reset header (the defensive choice).
			res.status(429).set({
				'x-ratelimit-limit-requests': String(REQUESTS_PER_MINUTE),
				'x-ratelimit-remaining-requests': '0',
				'x-ratelimit-reset-requests': resetDuration(retryAfterMs),
				'x-ratelimit-limit-tokens': String(TOKENS_PER_MINUTE),
				'x-ratelimit-remaining-tokens': String(TOKENS_PER_MINUTE),
				'x-ratelimit-reset-tokens': '0s',
				'x-request-id': `req_${randomBytes(16).toString('hex')}`,
			});
			sendError(
				res,
				429,
				`Rate limit reached for requests in organization ${seedSlice().organizationId} on requests per min (RPM): Limit ${REQUESTS_PER_MINUTE}, Used ${REQUESTS_PER_MINUTE}, Requested 1. Please try again in ${resetDuration(retryAfterMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
				'requests',
				'requests',
				'rate_limit_exceeded',
			);
		},
	},
	serverError,
};
