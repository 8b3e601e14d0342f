import type { Pacer } from '../concurrency';
import { pacerFor } from '../concurrency';
import type { VendorProfile } from './types';

/**
 * The process-wide pacer for one vendor account, from the profile's budget: a window budget
 * becomes a bucket holding the whole window and refilling at the window's average rate, so
 * bursts the vendor allows are not spread out; `requestsPerMinute` alone spaces evenly.
 */
export function profilePacer(
	key: string,
	profile: Pick<VendorProfile, 'requestsPerMinute' | 'rateLimit'>,
): Pacer | undefined {
	const window = profile.rateLimit;
	if (window && window.requestsPerWindow > 0 && window.windowMs > 0) {
		const requestsPerMinute = (window.requestsPerWindow * 60000) / window.windowMs;
		return pacerFor(key, requestsPerMinute, { burst: window.requestsPerWindow });
	}
	return pacerFor(key, profile.requestsPerMinute);
}
