import {
	RULE_IDS,
	type AllowListEntry,
	type DeviceKind,
	type RuleId,
	type RulesConfig,
} from './types';

/** Default ransomware behaviour: shadow-copy and backup destruction, recovery disabled, encryption flags. */
export const DEFAULT_RANSOMWARE_PATTERNS: readonly RegExp[] = [
	/vssadmin(\.exe)?["']?\s+delete\s+shadows/i,
	/wmic(\.exe)?["']?\s+shadowcopy\s+delete/i,
	/win32_shadowcopy.{0,80}(delete|remove)/i,
	/wbadmin(\.exe)?["']?\s+delete\s+(catalog|systemstatebackup|backup)/i,
	/bcdedit(\.exe)?["']?.{0,80}recoveryenabled\s+no/i,
	/bcdedit(\.exe)?["']?.{0,80}bootstatuspolicy\s+ignoreallfailures/i,
	/cipher(\.exe)?["']?\s+\/w:/i,
	/\s--?encrypt\b/i,
	/\bransom/i,
	/mass file (rename|encryption|modification)/i,
	/shadow cop(y|ies) (deletion|deleted|removed)/i,
	/\bT1486\b|\bT1490\b/,
];

export const DEFAULT_CRITICAL_HOST_PATTERNS = '*SRV*, *-DC*, *SERVER*';

/** Splits a list parameter: commas or new lines, blanks dropped. */
export function splitList(value: string): string[] {
	return value
		.split(/[\n,;]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/** `*SRV*` style hostname patterns, case-insensitive, matching the whole name. */
export function globToRegExp(glob: string): RegExp {
	const escaped = glob
		.replace(/[.+^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*')
		.replace(/\?/g, '.');
	return new RegExp(`^${escaped}$`, 'i');
}

/**
 * A command-line shape: `*` stands for any text, everything else is literal; compared without case
 * and with runs of spaces as one, over the whole command line.
 */
export function shapeToRegExp(shape: string): RegExp {
	const escaped = shape
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*');
	return new RegExp(`^${escaped}$`);
}

function allowListEntry(line: string): AllowListEntry | undefined {
	const [process, signer, ...shape] = line.split('|').map((part) => part.trim());
	if (!process) return undefined;
	const commandLine = shape.join('|').trim();
	return {
		process: process.toLowerCase(),
		...(signer ? { signer: signer.toLowerCase() } : {}),
		...(commandLine ? { commandLine: shapeToRegExp(commandLine) } : {}),
	};
}

/**
 * One entry per line: `PsExec64.exe`, `PsExec64.exe | Microsoft Corporation`, or
 * `PsExec64.exe | Microsoft Corporation | PsExec64.exe \\* -s cmd /c "gpupdate /force"` (the
 * command-line shape it covers). Lines without a shape may also list entries separated by commas or
 * semicolons; a shape keeps its commas.
 */
export function parseAllowList(value: string): AllowListEntry[] {
	return value
		.split(/\n+/)
		.flatMap((line) => (line.split('|').length > 2 ? [line] : line.split(/[,;]+/)))
		.map(allowListEntry)
		.filter((entry): entry is AllowListEntry => entry !== undefined);
}

export interface RulesSettings {
	enabledRules?: readonly string[];
	knownBadHashes?: string;
	criticalHostPatterns?: string;
	criticalDeviceTypes?: readonly string[];
	allowListedTools?: string;
	autoContainConfidence?: number;
	/** Extra regular expressions, one per line, added to the defaults. */
	extraRansomwarePatterns?: string;
}

export class RulesConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

function compileOne(source: string): RegExp | string {
	try {
		return new RegExp(source, 'i');
	} catch (error) {
		return `"${source}" is not a valid regular expression: ${(error as Error).message}`;
	}
}

function compilePatterns(value: string): RegExp[] {
	const compiled = value
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean)
		.map(compileOne);
	const problem = compiled.find((entry): entry is string => typeof entry === 'string');
	if (problem) throw new RulesConfigError('extraRansomwarePatterns', problem);
	return compiled as RegExp[];
}

/** Turns the user's settings into a compiled config, once per execution (the hot path stays regex-only). */
export function buildRulesConfig(settings: RulesSettings = {}): RulesConfig {
	const enabled = settings.enabledRules ?? RULE_IDS;
	const unknown = enabled.filter((id) => !(RULE_IDS as readonly string[]).includes(id));
	if (unknown.length)
		throw new RulesConfigError(
			'enabledRules',
			`Unknown rule ${unknown.join(', ')}; allowed: ${RULE_IDS.join(', ')}`,
		);
	const confidence = settings.autoContainConfidence ?? 0.8;
	if (!(confidence >= 0 && confidence <= 1))
		throw new RulesConfigError(
			'autoContainConfidence',
			`Must be between 0 and 1, got ${confidence}`,
		);
	const badHashes = splitList(settings.knownBadHashes ?? '').map((h) => h.toLowerCase());
	const invalid = badHashes.filter((h) => !/^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$/.test(h));
	if (invalid.length)
		throw new RulesConfigError(
			'knownBadHashes',
			`Not an MD5, SHA-1 or SHA-256 hash: ${invalid.slice(0, 3).join(', ')}`,
		);
	return {
		enabled: new Set(enabled as RuleId[]),
		knownBadHashes: new Set(badHashes),
		criticalHostPatterns: splitList(
			settings.criticalHostPatterns ?? DEFAULT_CRITICAL_HOST_PATTERNS,
		).map(globToRegExp),
		criticalDeviceKinds: new Set(
			(settings.criticalDeviceTypes ?? ['server', 'domainController']) as DeviceKind[],
		),
		allowList: parseAllowList(settings.allowListedTools ?? ''),
		autoContainConfidence: confidence,
		ransomwarePatterns: [
			...DEFAULT_RANSOMWARE_PATTERNS,
			...compilePatterns(settings.extraRansomwarePatterns ?? ''),
		],
	};
}
