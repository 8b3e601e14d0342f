import type { DryRunRequest, RawResponse, RequestSpec } from '../../../shared';
import { Transport } from '../../../shared';

/**
 * The API version the ConnectWise schemas of this package were written against: the models come
 * from ConnectWise's OpenAPI document 2025.8. Without a version ConnectWise answers in the newest
 * one, so an upgrade of the tenant could change response shapes under strict schemas.
 */
export const CONNECTWISE_API_VERSION = '2025.8';

/** ConnectWise's documented version pin (Developer Guide, "Versioning"): any `YYYY.N`. */
export const CONNECTWISE_ACCEPT = `application/vnd.connectwise.com+json; version=${CONNECTWISE_API_VERSION}`;

/** The request with the version pin, unless the request names its own Accept header. */
export function pinApiVersion(spec: RequestSpec): RequestSpec {
	const own = Object.keys(spec.headers ?? {}).some((name) => name.toLowerCase() === 'accept');
	return own ? spec : { ...spec, headers: { Accept: CONNECTWISE_ACCEPT, ...spec.headers } };
}

/**
 * The shared transport with every ConnectWise request pinned to one API version. Reads, writes,
 * pages and dry runs all go through `requestRaw` or `describe`, so the pin cannot be forgotten
 * by a single call site.
 */
export class ConnectWiseTransport extends Transport {
	override async requestRaw<T = unknown>(spec: RequestSpec): Promise<RawResponse<T>> {
		return await super.requestRaw<T>(pinApiVersion(spec));
	}

	override async describe(spec: RequestSpec): Promise<DryRunRequest> {
		return await super.describe(pinApiVersion(spec));
	}
}
