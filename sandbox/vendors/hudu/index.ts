import type { SandboxVendor } from '../../vendor';
import { huduError, huduRouter } from './routes';
import { SANDBOX_API_KEY, seedHudu } from './store';

/**
 * Hudu REST API v1 (`/api/v1`, `x-api-key`), the parts the report node publishes with:
 * companies, knowledge base articles and Magic Dash tiles.
 */
export const hudu: SandboxVendor = {
	id: 'hudu',
	title: 'Hudu',
	seed: seedHudu,
	router: huduRouter,
	credentials: (baseUrl) => ({ baseUrl, apiKey: SANDBOX_API_KEY }),
	n8nCredentials: (baseUrl) => [
		{
			id: 'sandbox-hudu',
			name: 'Sandbox Hudu',
			type: 'mspHuduApi',
			data: { baseUrl, apiKey: SANDBOX_API_KEY },
		},
	],
	throttle: {
		// "The API supports up to 300 requests per minute", per API key.
		limit: 300,
		windowMs: 60_000,
		key: (req) => req.get('x-api-key') ?? 'anonymous',
		// Hudu throttles with Rack::Attack's default answer: 429, text/plain "Retry later", no
		// Retry-After header (the HuduAPI PowerShell module matches on "Retry later") [unverified].
		reject: (res) => {
			res.status(429).type('text/plain').send('Retry later\n');
		},
	},
	serverError: (res, status) =>
		huduError(res, status, status === 500 ? 'Internal Server Error' : 'Service Unavailable'),
};
