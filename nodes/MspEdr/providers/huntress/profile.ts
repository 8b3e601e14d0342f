import type { VendorProfile } from '../../../shared';

export const VENDOR = 'Huntress';
/** `limit` is 1 to 500 on every Huntress list. */
export const MAX_PAGE = 500;

/** Huntress ids are int64 integers: decimal digits only, at most 19. */
export function idProblem(id: string, what: string): string | undefined {
	return /^[0-9]{1,19}$/.test(id)
		? undefined
		: `"${id}" is not a Huntress ${what} ID: Huntress IDs are whole numbers (decimal digits only), e.g. 12345`;
}

/** The error body is not documented: `{"errors":[…]}` (strings or objects), `{"errors":{field:msg}}`, `{"error"}` or `{"message"}`. */
function errorMessage(body: unknown): string | undefined {
	const b = (body ?? {}) as { errors?: unknown; error?: unknown; message?: unknown };
	const text = (value: unknown): string | undefined => {
		if (typeof value === 'string') return value;
		if (Array.isArray(value)) return value.map(text).filter(Boolean).join('; ') || undefined;
		if (value && typeof value === 'object') {
			const o = value as Record<string, unknown>;
			const own = text(o.message ?? o.detail ?? o.title);
			if (own) return own;
			return (
				Object.entries(o)
					.map(([field, msg]) => (text(msg) ? `${field}: ${text(msg)}` : undefined))
					.filter(Boolean)
					.join('; ') || undefined
			);
		}
		return undefined;
	};
	return text(b.errors) ?? text(b.error) ?? text(b.message);
}

export const huntressProfile: VendorProfile = {
	vendor: VENDOR,
	credentialType: 'mspHuntressApi',
	baseUrl: (credentials) =>
		`${String(credentials.baseUrl || 'https://api.huntress.io').replace(/\/+$/, '')}/v1`,
	errorMessage,
	// 60 requests a minute per key, a sliding window; the 61st within 60 seconds is answered 429.
	rateLimits: [{ requestsPerWindow: 60, windowMs: 60_000 }],
};
