import { truncateText } from '../../shared/truncate';

import { actionsFor } from './actions';
import { behaviourReason, dangerousBehaviours, type Behaviour } from './behaviour';
import { hasInstructions } from './instructions';
import { normalizeText } from './normalize';
import {
	DANGEROUS_RULE,
	maxSeverity,
	routeRank,
	type AlertFacts,
	type Proposal,
	type Route,
	type RulesAssessment,
	type RulesConfig,
	type Severity,
} from './types';

function matchesAny(patterns: readonly RegExp[], text: string): boolean {
	for (const pattern of patterns) if (pattern.test(text)) return true;
	return false;
}

/** Bounds for what the rationale repeats from the alert (documented in ai-triage.md). */
const MAX_RATIONALE_TITLE = 200;
const MAX_RATIONALE_HOST = 100;

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

/** Signed by the named signer, and (when the entry says which) run with a command line of a covered shape. */
function isAllowListed(facts: AlertFacts, config: RulesConfig): boolean {
	if (!facts.signed || !facts.processName) return false;
	const process = facts.processName.toLowerCase();
	const signer = facts.signer.toLowerCase();
	const commandLine = facts.commandLine.toLowerCase().replace(/\s+/g, ' ').trim();
	return config.allowList.some(
		(entry) =>
			entry.process === process &&
			(!entry.signer || signer === entry.signer || signer.startsWith(entry.signer)) &&
			(!entry.commandLine || entry.commandLine.test(commandLine)),
	);
}

/**
 * Everything the pattern rules read, normalized once. The command line and title come first because
 * `text` is capped and an attacker can pad it; `alsoScan` is what a model will be shown, which can
 * hold text beyond that cap.
 */
function scanTextOf(facts: AlertFacts, alsoScan: string): string {
	return normalizeText(
		[
			facts.commandLine,
			facts.parentProcess,
			facts.title,
			facts.classification,
			facts.text,
			alsoScan,
		]
			.filter(Boolean)
			.join('\n'),
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

/**
 * Evaluates every enabled rule against one alert: the rules' own verdict plus the floor any verdict
 * must keep. `alsoScan` is more text to look for behaviour and planted instructions in (the data a
 * model will see).
 */
export function assess(facts: AlertFacts, config: RulesConfig, alsoScan = ''): RulesAssessment {
	const on = config.enabled;
	const matched: string[] = [];
	const floor = new Floor();
	const scanText = scanTextOf(facts, alsoScan);

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
	// Not switchable: what a command does keeps it from being dismissed, whoever signed the tool.
	const behaviours = dangerousBehaviours(scanText);
	if (behaviours.length) {
		matched.push(DANGEROUS_RULE);
		const severity = behaviours.reduce<Severity>((s, b) => maxSeverity(s, b.severity), 'medium');
		floor.raise(DANGEROUS_RULE, severity, 'investigate', 0.6, behaviours[0].category);
	}
	if (on.has('instructions-in-alert-data') && hasInstructions(scanText)) {
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
	// Dismissal needs positive evidence that the alert is benign; a low severity is not evidence.
	const mayDismiss = !floor.route && (falsePositive || allowListed);
	const route: Route = floor.route ?? (falsePositive ? 'dismiss' : 'investigate');
	const proposal: Proposal = {
		severity: maxSeverity(baseSeverity, floor.severity),
		category: floor.category ?? (falsePositive ? 'false-positive' : categoryOf(facts)),
		confidence: floor.route ? floor.confidence : falsePositive ? 0.85 : 0.5,
		route,
		rationale: rationaleFor(facts, matched, route, behaviours),
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
		behaviours,
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
	[DANGEROUS_RULE]: 'the command shows dangerous behaviour',
	'edr-false-positive': 'the EDR verdict is false positive',
	'allow-listed-tool': 'the process is an allow-listed signed tool',
	'critical-asset': 'the device is a critical asset',
};

function rationaleFor(
	facts: AlertFacts,
	matched: string[],
	route: Route,
	behaviours: readonly Behaviour[],
): string {
	const what = [
		truncateText(facts.title || facts.classification || 'Alert', MAX_RATIONALE_TITLE),
		facts.hostname && `on ${truncateText(facts.hostname, MAX_RATIONALE_HOST)}`,
	]
		.filter(Boolean)
		.join(' ');
	if (!matched.length) return `${what}: no rule matched; route ${route}.`;
	const reasons = matched.map((rule) =>
		rule === DANGEROUS_RULE ? behaviourReason(behaviours) : (RULE_REASONS[rule] ?? rule),
	);
	return `${what}: ${reasons.join('; ')}.`;
}
