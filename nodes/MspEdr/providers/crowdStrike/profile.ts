import type { VendorProfile } from '../../../shared';

import { falconApiBase } from '../../../../credentials/MspCrowdStrikeApi.credentials';

export const VENDOR = 'CrowdStrike Falcon';

/** `limit` of `GET /alerts/queries/alerts/v2` is at most 10,000; `POST /alerts/entities/alerts/v2` reads the ids of one page. */
export const MAX_PAGE = 1000;
/** `GET /devices/entities/devices/v2` takes at most 100 ids (`maxItems: 100`). */
export const HOST_READ_BATCH = 100;
/**
 * Host ids per containment request. `PerformActionV2` states no maximum of its own
 * [unverified]; the request is kept to the 100 ids the host details read takes, so each batch is
 * read back in one request.
 */
export const CONTAINMENT_BATCH = 100;

/** A host (agent) id is 32 lowercase hexadecimal characters, e.g. 5388c592189444ad9e84df071c8f3954. */
export function hostIdProblem(id: string): string | undefined {
	return /^[0-9a-f]{32}$/.test(id)
		? undefined
		: `"${id}" is not a CrowdStrike host ID: host (agent) IDs are 32 lowercase hexadecimal characters, e.g. 5388c592189444ad9e84df071c8f3954`;
}

/**
 * An alert's composite id starts with the 32-hex CID, then the alert's own id after a colon
 * (`<cid>:ind:<aid>:<n>-<n>-<n>`). Anything with whitespace, commas or quotes could widen a filter.
 */
export function alertIdProblem(id: string): string | undefined {
	return /^[0-9a-f]{32}:[A-Za-z0-9_:.-]+$/.test(id)
		? undefined
		: `"${id}" is not a CrowdStrike alert composite ID: it starts with the 32-hex CID and a colon, e.g. 8693deb4bf134cfb8855ee118d9a0243:ind:5388c592189444ad9e84df071c8f3954:12119912898-10304-117513744`;
}

/** Falcon's `errors` array, each entry kept verbatim as `code: message`. */
export function falconErrors(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	if (!Array.isArray(errors) || !errors.length) return undefined;
	return errors
		.map((e) => {
			const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
			const text = typeof message === 'string' ? message : JSON.stringify(e);
			return code === undefined ? text : `${String(code)}: ${text}`;
		})
		.join('; ');
}

/** `X-RateLimit-RetryAfter` on a 429 is the epoch second requests may resume. */
export function retryAfterOf(headers: Record<string, string | undefined>): number | undefined {
	const value = Number(headers['x-ratelimit-retryafter']);
	return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

export const crowdStrikeProfile: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspCrowdStrikeApi',
	baseUrl: falconApiBase,
	errorMessage: falconErrors,
	rateLimitResetAt: (headers) => retryAfterOf(headers),
	// 6,000 requests a minute per customer account (CID), a sliding window shared by every API client.
	rateLimits: [{ requestsPerWindow: 6000, windowMs: 60_000 }],
};
