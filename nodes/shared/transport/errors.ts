import type { Failure, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Secrets } from '../redact';
import { redact, redactSecretValues, redactString } from '../redact';
import { commonErrorMessage, fieldErrors } from './errorBody';
import type { FailedResponse } from './response';
import type { VendorProfile } from './types';

export interface ErrorContext {
	node: INode;
	profile: VendorProfile;
	operation: string;
	/** The execution's live set: errors are made after the request, with any token it fetched. */
	secrets: Secrets;
}

const MAX_CONTEXT_BODY = 4000;

function formatWait(retryAtMs: number, nowMs: number): string {
	const seconds = Math.max(0, Math.ceil((retryAtMs - nowMs) / 1000));
	return `${new Date(retryAtMs).toISOString()} (in ${seconds} s)`;
}

function statusHint(
	ctx: ErrorContext,
	status: number,
	fields: string[],
	retryAtMs?: number,
	nowMs = 0,
): string {
	const { vendor } = ctx.profile;
	switch (true) {
		case status === 401:
			return `Check the ${vendor} credential: the key, secret or token is wrong or has expired.`;
		case status === 403:
			return `The ${vendor} API account is missing the permission, role or scope this operation needs.`;
		case status === 404:
			return `${vendor} did not find the record or endpoint. Check the ID and that the credential points at the right instance or tenant.`;
		case status === 409:
			return `${vendor} reported a conflict: the record already exists, is in use or changed meanwhile.`;
		case status === 400 || status === 422:
			return fields.length
				? `${vendor} rejected the input: ${fields.join('; ')}.`
				: `${vendor} rejected the input. Check the values sent for this operation.`;
		case status === 429:
			return retryAtMs !== undefined
				? `${vendor} is rate limiting requests. Retry after ${formatWait(retryAtMs, nowMs)}, or lower the Concurrency option.`
				: `${vendor} is rate limiting requests. Retry later, or lower the Concurrency option.`;
		case status >= 500:
			return `${vendor} is unavailable or failed to process the request. Retry later; check the vendor's status page if it persists.`;
		default:
			return `${vendor} could not process the request.`;
	}
}

function failureFor(
	status: number,
	retryAtMs: number | undefined,
	nowMs: number,
): Failure | undefined {
	if (status === 401) return { cause: 'credential-invalid' };
	if (status === 403 || status === 404) return { cause: 'configuration-invalid' };
	if (status === 429) {
		return retryAtMs === undefined
			? { cause: 'rate-limited' }
			: {
					cause: 'rate-limited',
					retryAfterMs: Math.max(0, retryAtMs - nowMs),
					resetsAtEpochMs: retryAtMs,
				};
	}
	if (status >= 500) return { cause: 'temporarily-unavailable' };
	return undefined;
}

function contextBody(body: unknown, secrets: Secrets): unknown {
	const clean = redact(body, secrets);
	if (typeof clean === 'string' && clean.length > MAX_CONTEXT_BODY) {
		return `${clean.slice(0, MAX_CONTEXT_BODY)}…`;
	}
	return clean;
}

/**
 * NodeApiError swaps messages that mention a socket error code for a generic
 * sentence; the vendor name and the vendor's own words are more useful.
 */
function keepMessage(error: NodeApiError, message: string): NodeApiError {
	error.message = message;
	return error;
}

export function vendorMessageOf(
	profile: VendorProfile,
	body: unknown,
	status: number,
): string | undefined {
	return profile.errorMessage?.(body, status) ?? commonErrorMessage(body);
}

/** A failed HTTP response as NodeApiError: vendor message, status, operation, hint. */
export function httpError(
	ctx: ErrorContext,
	response: FailedResponse,
	timing: { retryAtMs?: number; nowMs: number; note?: string; rateLimited?: boolean } = {
		nowMs: 0,
	},
): NodeApiError {
	const { vendor } = ctx.profile;
	const status = response.statusCode;
	// Throttling signalled with another status gets the rate-limit hint and cause.
	const kind = timing.rateLimited ? 429 : status;
	// Secrets go before the vendor's message is picked and shortened: a secret cut in half by the
	// shortening would no longer be recognised.
	const body = redactSecretValues(response.body, ctx.secrets);
	const vendorMessage = vendorMessageOf(ctx.profile, body, status);
	const fields = status === 400 || status === 422 ? fieldErrors(body) : [];
	const message = redactString(
		vendorMessage ?? `${vendor} returned HTTP ${status} for "${ctx.operation}"`,
		ctx.secrets,
	);
	const hint = statusHint(ctx, kind, fields, timing.retryAtMs, timing.nowMs);
	const description = redactString(
		[`${vendor} "${ctx.operation}" failed with HTTP ${status}.`, hint, timing.note]
			.filter(Boolean)
			.join(' '),
		ctx.secrets,
	);
	const errorResponse = {
		message,
		httpCode: String(status),
		vendor,
		operation: ctx.operation,
		body: contextBody(response.body, ctx.secrets),
	} as JsonObject;
	return keepMessage(
		new NodeApiError(ctx.node, errorResponse, {
			message,
			description,
			httpCode: String(status),
			failure: failureFor(kind, timing.retryAtMs, timing.nowMs),
		}),
		message,
	);
}

/** The request got no HTTP response (reset, refused, DNS, timeout) or failed before sending. */
export function networkError(
	ctx: ErrorContext,
	code: string | undefined,
	error: unknown,
	note?: string,
): NodeApiError {
	const { vendor } = ctx.profile;
	const raw = (error as { message?: unknown } | undefined)?.message;
	const detail = typeof raw === 'string' && raw ? raw : String(error);
	const message = redactString(
		code ? `${vendor} could not be reached: ${detail}` : `${vendor} request failed: ${detail}`,
		ctx.secrets,
	);
	const cause = code
		? `got no response (${code}). Check the base URL in the credential, the network and any proxy.`
		: 'failed before a response was received.';
	const description = redactString(
		[`${vendor} "${ctx.operation}" ${cause}`, note].filter(Boolean).join(' '),
		ctx.secrets,
	);
	return keepMessage(
		new NodeApiError(ctx.node, { message, code: code ?? null } as JsonObject, {
			message,
			description,
			failure: code ? { cause: 'temporarily-unavailable' } : undefined,
		}),
		message,
	);
}

/**
 * The vendor answered with a success status but a body that is not valid JSON (cut short or
 * mangled on the way). The answer is lost: a read is retried like one without an answer, and a
 * write's outcome is unknown, so it is read back before anything is sent again.
 */
export function unreadableAnswerError(
	ctx: ErrorContext,
	statusCode: number,
	note?: string,
): NodeApiError {
	const { vendor } = ctx.profile;
	const message = `${vendor} sent an incomplete or invalid answer to "${ctx.operation}"`;
	const description = redactString(
		[
			`${vendor} answered HTTP ${statusCode}, but the body was not valid JSON (cut short or mangled on the way).`,
			'The request may have been applied. Retry later; check the vendor status page or any proxy in between if it persists.',
			note,
		]
			.filter(Boolean)
			.join(' '),
		ctx.secrets,
	);
	return keepMessage(
		new NodeApiError(ctx.node, { message, unreadableAnswer: true } as JsonObject, {
			message,
			description,
			failure: { cause: 'temporarily-unavailable' },
		}),
		message,
	);
}
