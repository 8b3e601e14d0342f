import type { SandboxVendor } from '../../vendor';
import { itGlueError, itGlueRouter } from './routes';
import { SANDBOX_API_KEY, seedItGlue } from './store';

/**
 * IT Glue JSON:API (`x-api-key`, `application/vnd.api+json`, no version prefix), the parts the
 * report node publishes with: organizations, flexible asset types and flexible assets.
 */
export const itGlue: SandboxVendor = {
	id: 'itglue',
	title: 'IT Glue',
	seed: seedItGlue,
	router: itGlueRouter,
	credentials: (baseUrl) => ({ region: 'custom', baseUrl, apiKey: SANDBOX_API_KEY }),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-itglue',
			name: 'Sandbox IT Glue',
			type: 'mspItGlueApi',
			data: { region: 'custom', baseUrl, apiKey: SANDBOX_API_KEY },
		},
	],
	throttle: {
		// "a maximum of 3,000 requests within a 5-minute window", per API key.
		limit: 3000,
		windowMs: 300_000,
		key: (req) => req.get('x-api-key') ?? 'anonymous',
		// 429 "Too Many Requests"; no Retry-After or rate-limit headers are documented [unverified].
		reject: (res) => itGlueError(res, 429, [{ title: 'Too Many Requests' }]),
	},
	serverError: (res, status) =>
		itGlueError(res, status, [
			{ title: status === 500 ? 'Internal Server Error' : 'Service Unavailable' },
		]),
};
