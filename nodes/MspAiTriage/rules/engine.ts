import { actionsFor } from './actions';
import {
	maxSeverity,
	routeRank,
	type AlertFacts,
	type Proposal,
	type Route,
	type RulesAssessment,
	type RulesConfig,
	type Severity,
} from './types';

/**
 * Planted instructions in alert data: the data tries to talk to whoever reads it. Real detections
 * never phrase a command line or file name this way, so finding one is itself a reason to look closer.
 */
const INSTRUCTION_PATTERNS: readonly RegExp[] = [
	/\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|preceding|all|system|your)\b.{0,20}\b(instructions?|rules|prompts?|guidelines|guardrails)\b/i,
	/\b(mark|classify|treat|label|flag|route|set|consider|report)\b.{0,30}\b(as|to|is)\b.{0,10}\b(benign|safe|clean|harmless|false[ -]?positive|dismiss(ed)?|informational|not malicious)\b/i,
	/\b(do not|don't|never)\b.{0,20}\b(isolate|contain|quarantine|escalate|alert)\b/i,
	/\byou are (now )?(an?|the|my)\b/i,
	/\b(new|updated|system) (instructions?|prompt)\b/i,
	/(^|\n|\s)(system|assistant|developer)\s*:/i,
	/<\/?\s*(system|instructions?|prompt|im_start|im_end)\s*>/i,
	/"route"\s*:\s*"/i,
];

function matchesAny(patterns: readonly RegExp[], text: string): boolean {
	for (const pattern of patterns) if (pattern.test(text)) return true;
	return false;
}

export function hasInstructions(text: string): boolean {
	return matchesAny(INSTRUCTION_PATTERNS, text);
}

function categoryOf(facts: AlertFacts): string {
	const source = facts.classification || facts.title;
	if (/pua|pup|adware|unwanted/i.test(source)) return 'pua';
	if (/hack ?tool|remote (admin|execution)|dual.?use/i.test(source)) return 'hacktool';
	if (/credential/i.test(source)) return 'credential-theft';
	if (/trojan|malware|virus|worm|backdoor|exploit/i.test(source)) return 'malware';
	const slug = facts.classification
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return slug || 'suspicious-activity';
}

function isAllowListed(facts: AlertFacts, config: RulesConfig): boolean {
	if (!facts.signed || !facts.processName) return false;
	const process = facts.processName.toLowerCase();
	const signer = facts.signer.toLowerCase();
	return config.allowList.some(
		(entry) =>
			entry.process === process &&
			(!entry.signer || signer === entry.signer || signer.startsWith(entry.signer)),
	);
}

function isCriticalAsset(facts: AlertFacts, config: RulesConfig): boolean {
	if (facts.deviceKind && config.criticalDeviceKinds.has(facts.deviceKind)) return true;
	return (
		facts.hostname !== '' &&
		config.criticalHostPatterns.some((pattern) => pattern.test(facts.hostname))
	);
}

/** A floor being built up: the highest severity and route any matched rule demands. */
class Floor {
	severity?: Severity;
	route?: Route;
	category?: string;
	confidence = 0;
	readonly because: string[] = [];

	raise(
		rule: string,
		severity: Severity,
		route: Route,
		confidence: number,
		category?: string,
	): void {
		this.severity = maxSeverity(severity, this.severity);
		if (!this.route || routeRank(route) > routeRank(this.route)) this.route = route;
		// The most specific category wins: ransomware over malware over none.
		if (category && (!this.category || category === 'ransomware')) this.category = category;
		this.confidence = Math.max(this.confidence, confidence);
		this.because.push(rule);
	}
}

/** Evaluates every enabled rule against one alert: the rules' own verdict plus the floor any verdict must keep. */
export function assess(facts: AlertFacts, config: RulesConfig): RulesAssessment {
	const on = config.enabled;
	const matched: string[] = [];
	const floor = new Floor();
	const scanText = `${facts.commandLine}\n${facts.title}\n${facts.classification}\n${facts.text}`;

	if (on.has('known-bad-hash') && facts.hashes.some((hash) => config.knownBadHashes.has(hash))) {
		matched.push('known-bad-hash');
		floor.raise('known-bad-hash', 'critical', 'contain', 0.99, 'malware');
	}
	if (on.has('ransomware-behaviour') && matchesAny(config.ransomwarePatterns, scanText)) {
		matched.push('ransomware-behaviour');
		floor.raise('ransomware-behaviour', 'critical', 'contain', 0.95, 'ransomware');
	}
	if (
		on.has('edr-malicious-verdict') &&
		(facts.verdict === 'truePositive' || facts.edrConfidence === 'malicious')
	) {
		matched.push('edr-malicious-verdict');
		floor.raise('edr-malicious-verdict', 'high', 'contain', 0.9);
	}
	if (on.has('instructions-in-alert-data') && hasInstructions(facts.text)) {
		matched.push('instructions-in-alert-data');
		floor.raise('instructions-in-alert-data', 'medium', 'investigate', 0.6);
	}
	const falsePositive =
		on.has('edr-false-positive') && facts.verdict === 'falsePositive' && !floor.route;
	if (falsePositive) matched.push('edr-false-positive');
	const allowListed = on.has('allow-listed-tool') && !floor.route && isAllowListed(facts, config);
	if (allowListed) matched.push('allow-listed-tool');
	const criticalAsset = on.has('critical-asset') && isCriticalAsset(facts, config);
	if (criticalAsset) matched.push('critical-asset');

	const baseSeverity = facts.severity ?? 'medium';
	const lowSeverity = baseSeverity === 'low' || baseSeverity === 'informational';
	const mayDismiss = !floor.route && (falsePositive || allowListed || lowSeverity);
	const route: Route =
		floor.route ??
		(falsePositive || (baseSeverity === 'informational' && mayDismiss) ? 'dismiss' : 'investigate');
	const proposal: Proposal = {
		severity: maxSeverity(baseSeverity, floor.severity),
		category: floor.category ?? (falsePositive ? 'false-positive' : categoryOf(facts)),
		confidence: floor.route ? floor.confidence : falsePositive ? 0.85 : 0.5,
		route,
		rationale: rationaleFor(facts, matched, route),
		recommendedActions: actionsFor(route, floor.category ?? categoryOf(facts)),
	};
	return {
		facts,
		proposal,
		matchedRules: matched,
		floor: {
			severity: floor.severity,
			route: floor.route,
			category: floor.category,
			because: floor.because,
		},
		mayDismiss,
		criticalAsset,
		dismissNeedsModel: allowListed && !falsePositive,
	};
}

const RULE_REASONS: Record<string, string> = {
	'known-bad-hash': 'the file hash is on the known-bad list',
	'ransomware-behaviour':
		'the activity matches ransomware behaviour (shadow-copy or backup deletion, encryption)',
	'edr-malicious-verdict': 'the EDR classified it as malicious',
	'instructions-in-alert-data': 'the alert data contains text that tries to instruct an AI',
	'edr-false-positive': 'the EDR verdict is false positive',
	'allow-listed-tool': 'the process is an allow-listed signed tool',
	'critical-asset': 'the device is a critical asset',
};

function rationaleFor(facts: AlertFacts, matched: string[], route: Route): string {
	const what = [
		facts.title || facts.classification || 'Alert',
		facts.hostname && `on ${facts.hostname}`,
	]
		.filter(Boolean)
		.join(' ');
	if (!matched.length) return `${what}: no rule matched; route ${route} by severity.`;
	return `${what}: ${matched.map((rule) => RULE_REASONS[rule] ?? rule).join('; ')}.`;
}
