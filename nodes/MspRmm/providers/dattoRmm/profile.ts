import { dattoRmmBaseUrl } from '../../../../credentials/MspDattoRmmApi.credentials';
import type { VendorProfile } from '../../../shared';

export const DATTO_VENDOR = 'Datto RMM';

/**
 * Datto RMM counts reads and writes apart (`accountCount` and `accountWriteCount` of
 * `GET /v2/system/request_rate`): 600 requests in a sliding 60 s window per account, and every
 * write operation (`device-job-create` for quick jobs, `alert-resolve`) 100 per 60 s. The shared
 * transport paces one list of windows per profile, so reads go through this profile and writes
 * through `DATTO_WRITE_PROFILE`: two budgets per credential, each kept per account (and in Redis
 * when the credential shares its budget), never one window shared by both.
 */
const READS_PER_MINUTE = 600;
const WRITES_PER_OPERATION_PER_MINUTE = 100;

/**
 * `ErrorResponse {timestamp, status, error, path}` (Build 235), with `message` where the server
 * adds one; OAuth's `{error, error_description}` for the token. The vendor's words, unchanged.
 */
function errorMessage(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const b = body as Record<string, unknown>;
	const parts = [b.message, b.error_description, b.error].filter(
		(p): p is string => typeof p === 'string' && p.length > 0,
	);
	return parts[0];
}

/**
 * Persistent overuse turns Datto's 429 into a 403 with a temporary IP block; a plain permission
 * 403 is also a 403. [unverified] The marker: a `Retry-After` header or a body that speaks of the
 * rate limit or a block. Only those are retried as throttling.
 */
function isRateLimited(response: {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
}): boolean {
	if (response.statusCode !== 403) return false;
	if (response.headers['retry-after']) return true;
	const text = JSON.stringify(response.body ?? '').toLowerCase();
	return /rate.?limit|too many|blocked/.test(text);
}

export const DATTO_PROFILE: VendorProfile = {
	vendor: DATTO_VENDOR,
	credentialType: 'mspDattoRmmApi',
	baseUrl: (credentials) => dattoRmmBaseUrl(credentials),
	errorMessage,
	isRateLimited,
	rateLimits: [{ requestsPerWindow: READS_PER_MINUTE, windowMs: 60_000 }],
};

/** Quick jobs and alert resolves: the per-operation write limit. */
export const DATTO_WRITE_PROFILE: VendorProfile = {
	...DATTO_PROFILE,
	rateLimits: [{ requestsPerWindow: WRITES_PER_OPERATION_PER_MINUTE, windowMs: 60_000 }],
};
