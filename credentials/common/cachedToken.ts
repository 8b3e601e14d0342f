import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import type { LoginAnswer } from './login';
import { loginHost, loginWithRetry, sharedLogin } from './login';

/**
 * Token handling shared by the credentials that log in first (OAuth2 client credentials, API-user
 * logins): n8n calls the credential's `preAuthentication` when the hidden expirable `accessToken`
 * is empty and once more after a 401, and stores what it returns in the credential, so one token
 * serves every execution. n8n never looks at the expiry itself, hence `bearerWhileFresh`: a token
 * close to `expiresAt` is not sent, the vendor answers 401 and n8n fetches a fresh one.
 */

/** What `preAuthentication` returns: n8n writes these into the credential's hidden fields. */
// A type alias, not an interface: n8n types preAuthentication's result as IDataObject.
export type CachedToken = {
	accessToken: string;
	/** Epoch milliseconds. */
	expiresAt: number;
};

/** The hidden fields n8n keeps the token in; `expirable` is what makes n8n call preAuthentication. */
export function cachedTokenProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];
}

export function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export interface ClientCredentialsRequest {
	/** The token endpoint. */
	url: string;
	qs?: IDataObject;
	clientId: unknown;
	clientSecret: unknown;
	scope: string;
	/** Lifetime assumed when the answer has no `expires_in`. */
	defaultExpiresInSeconds?: number;
	/**
	 * The error to throw for a failed answer, in the vendor's words. The body is the parsed OAuth
	 * error (`error`, `error_description`...), which never echoes the secret.
	 */
	failure(body: Record<string, unknown> | undefined, statusCode: number): string;
}

/**
 * OAuth2 client-credentials grant, form-encoded as RFC 6749 section 4.4 requires. A 5xx or a
 * network failure is retried (`loginWithRetry`), a 4xx fails at once with the vendor's words, and
 * concurrent requests for the same client share one token request (`sharedLogin`).
 */
export async function requestClientCredentialsToken(
	helpers: IHttpRequestHelper['helpers'],
	request: ClientCredentialsRequest,
): Promise<CachedToken> {
	const identity = [
		'client_credentials',
		request.url,
		request.qs ?? {},
		String(request.clientId ?? ''),
		String(request.clientSecret ?? ''),
		request.scope,
	];
	return await sharedLogin(
		identity,
		async () => await fetchClientCredentialsToken(helpers, request),
	);
}

async function fetchClientCredentialsToken(
	helpers: IHttpRequestHelper['helpers'],
	request: ClientCredentialsRequest,
): Promise<CachedToken> {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: String(request.clientId ?? ''),
		client_secret: String(request.clientSecret ?? ''),
		scope: request.scope,
	});
	const response = await loginWithRetry(
		`Token request to ${loginHost(request.url)}`,
		async () =>
			(await helpers.httpRequest({
				method: 'POST',
				url: request.url,
				qs: request.qs,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: form.toString(),
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as LoginAnswer,
	);
	const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
		| Record<string, unknown>
		| undefined;
	if (response.statusCode >= 400 || typeof body?.access_token !== 'string') {
		throw new Error(request.failure(body, response.statusCode));
	}
	const expiresIn = Number(body.expires_in ?? request.defaultExpiresInSeconds ?? 3600);
	return { accessToken: body.access_token, expiresAt: Date.now() + expiresIn * 1000 };
}

/** The stored token, unless it is missing or within `marginMs` of its expiry. */
export function freshToken(
	credentials: ICredentialDataDecryptedObject,
	marginMs: number,
): string | undefined {
	const expiresAt = Number(credentials.expiresAt ?? 0);
	const fresh = !expiresAt || expiresAt - Date.now() > marginMs;
	return fresh && credentials.accessToken ? String(credentials.accessToken) : undefined;
}

/**
 * `authenticate` body: adds `headers` (always) and `Authorization: Bearer` while the token is
 * fresh. Without it the vendor answers 401, which is what makes n8n refresh the token.
 */
export function bearerWhileFresh(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	marginMs: number,
	headers: IDataObject = {},
): IHttpRequestOptions {
	const token = freshToken(credentials, marginMs);
	const merged: IDataObject = { ...requestOptions.headers, ...headers };
	if (token) merged.Authorization = `Bearer ${token}`;
	return { ...requestOptions, headers: merged };
}
