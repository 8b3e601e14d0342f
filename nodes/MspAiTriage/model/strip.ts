import { isSecretKey, REDACTED, redactString } from '../../shared/redact';

/**
 * Removes what must never reach the model: the fields the user listed (by key name at any depth,
 * or by dotted path from the alert root), anything named like a secret, credentials inside free text
 * (`password=…`, bearer tokens) and over-long strings.
 */
export const DEFAULT_STRIPPED_FIELDS =
	'user, userName, username, processUser, accountName, relatedUser, loggedOnUsers, lastLoggedOnUser, loggedInUser, agentLastLoggedInUserName, userPrincipalName, email, emailAddress, phone, ipAddress, externalIp, macAddress';

const MAX_STRING = 2000;
const MAX_DEPTH = 8;

export interface StripRules {
	names: ReadonlySet<string>;
	paths: ReadonlySet<string>;
	includeRaw: boolean;
}

export function stripRules(list: string, includeRaw: boolean): StripRules {
	const entries = list
		.split(/[\n,;]+/)
		.map((entry) => entry.trim().toLowerCase())
		.filter(Boolean);
	return {
		names: new Set(entries.filter((e) => !e.includes('.'))),
		paths: new Set(entries.filter((e) => e.includes('.'))),
		includeRaw,
	};
}

export function stripForModel(value: unknown, rules: StripRules): unknown {
	return strip(value, rules, '', 0);
}

function strip(value: unknown, rules: StripRules, path: string, depth: number): unknown {
	if (typeof value === 'string')
		return redactString(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
	if (value === null || typeof value !== 'object') return value;
	if (depth > MAX_DEPTH) return '[nested too deep]';
	if (Array.isArray(value))
		return value.slice(0, 50).map((entry) => strip(entry, rules, path, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		const lower = key.toLowerCase();
		const here = path ? `${path}.${lower}` : lower;
		if (rules.names.has(lower) || rules.paths.has(here)) continue;
		if (depth === 0 && lower === 'raw' && !rules.includeRaw) continue;
		out[key] =
			isSecretKey(key) && typeof entry === 'string' && entry
				? REDACTED
				: strip(entry, rules, here, depth + 1);
	}
	return out;
}
