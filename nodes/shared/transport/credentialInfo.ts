import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { isSecretKey, secretsOf } from '../redact';
import type { SharedBudgetConfig } from './sharedBudget';
import { SHARED_BUDGET_FIELD_PREFIX, sharedBudgetConfigOf } from './sharedBudget';

export interface CredentialInfo {
	baseUrl: string;
	secrets: string[];
	/** Identifies the vendor account for pacing without containing any secret. */
	pacerKey: string;
	/** The Redis that keeps the account's budget for every n8n process, when the credential names one. */
	sharedBudget?: SharedBudgetConfig;
}

/** Fields that change over time (token expiry, refresh stamps) do not identify the account. */
const VOLATILE_KEY = /expir|updated|timestamp|issued/i;

function identifyingFields(credentials: ICredentialDataDecryptedObject): string {
	const entries = Object.entries(credentials)
		.filter(([key]) => !isSecretKey(key) && !VOLATILE_KEY.test(key))
		// Where the budget is kept is not who the account is: turning sharing on keeps the same budget.
		.filter(([key]) => !key.startsWith(SHARED_BUDGET_FIELD_PREFIX))
		.filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
		.sort(([a], [b]) => a.localeCompare(b));
	return JSON.stringify(entries);
}

export function describeCredentials(
	credentialType: string,
	baseUrl: string,
	credentials: ICredentialDataDecryptedObject,
): CredentialInfo {
	const digest = createHash('sha256')
		.update(identifyingFields(credentials))
		.digest('hex')
		.slice(0, 16);
	return {
		baseUrl,
		secrets: secretsOf(credentials),
		pacerKey: `${credentialType}|${baseUrl}|${digest}`,
		sharedBudget: sharedBudgetConfigOf(credentials),
	};
}

/**
 * Whether the credential logs in for a token that n8n keeps in the hidden, `expirable`
 * `accessToken` field and renews through the credential's preAuthentication (see
 * credentials/common/cachedToken.ts); fixed API keys have no such field.
 */
export function holdsRenewableToken(credentials: ICredentialDataDecryptedObject): boolean {
	return typeof credentials.accessToken === 'string';
}

/** Joins a relative path to the base URL; absolute URLs (next links) pass through. */
export function resolveUrl(baseUrl: string, path: string): string {
	if (/^https?:\/\//i.test(path)) return path;
	if (!path) return baseUrl;
	return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
