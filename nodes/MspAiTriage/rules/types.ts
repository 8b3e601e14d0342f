/** Vocabulary of the rules engine: plain data, no n8n types, so a benchmark can call it directly. */

import type { TriageDisagreement } from '../../shared/domain';

import type { Behaviour } from './behaviour';

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Ordered by how much the route does to the device: a floor keeps a verdict at or above its rank. */
export const ROUTES = ['dismiss', 'investigate', 'needsApproval', 'contain'] as const;
export type Route = (typeof ROUTES)[number];

export type EdrVerdict = 'truePositive' | 'falsePositive' | 'suspicious' | '';
export type DeviceKind = 'server' | 'domainController' | 'workstation' | '';

/** What the rules read from an alert, whatever product or mapping produced it. */
export interface AlertFacts {
	id: string;
	hostname: string;
	deviceKind: DeviceKind;
	severity?: Severity;
	classification: string;
	title: string;
	verdict: EdrVerdict;
	/** The EDR's own confidence label, e.g. SentinelOne's malicious/suspicious. */
	edrConfidence: 'malicious' | 'suspicious' | '';
	processName: string;
	commandLine: string;
	parentProcess: string;
	/** The account the process ran as (rules only; stripped before the model by default). */
	user: string;
	filePath: string;
	/** MITRE ATT&CK technique ids the EDR gave, e.g. T1003.001. */
	mitreTechniques: string[];
	/** Lower-cased SHA-256, SHA-1 and MD5 values found anywhere in the alert. */
	hashes: string[];
	signed: boolean;
	signer: string;
	/** Every string value of the alert, for pattern rules that look at all of it. */
	text: string;
}

export const RULE_IDS = [
	'edr-malicious-verdict',
	'known-bad-hash',
	'ransomware-behaviour',
	'critical-asset',
	'allow-listed-tool',
	'edr-false-positive',
	'instructions-in-alert-data',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Not switchable: recorded when automatic containment lacked confidence. */
export const CONFIDENCE_RULE = 'containment-confidence-threshold';
/** Not switchable: the command does something dangerous (see behaviour.ts), so it is never dismissed. */
export const DANGEROUS_RULE = 'dangerous-behaviour';
/** Not switchable: recorded when a dismissal had no reason the rules accept. */
export const DISMISS_RULE = 'dismiss-needs-reason';

export interface AllowListEntry {
	process: string;
	signer?: string;
	/** The command-line shape the entry covers (a `*` glob over the whole command line). */
	commandLine?: RegExp;
}

export interface RulesConfig {
	enabled: ReadonlySet<RuleId>;
	knownBadHashes: ReadonlySet<string>;
	criticalHostPatterns: readonly RegExp[];
	criticalDeviceKinds: ReadonlySet<DeviceKind>;
	allowList: readonly AllowListEntry[];
	/** Containment runs automatically only at or above this confidence; below it needs approval. */
	autoContainConfidence: number;
	ransomwarePatterns: readonly RegExp[];
}

/** A verdict before or after the guardrails: what the model answers, or what the rules propose. */
export interface Proposal {
	severity: Severity;
	category: string;
	confidence: number;
	route: Route;
	rationale: string;
	recommendedActions: string[];
}

/** What the rules decided about one alert: their own verdict plus the limits any verdict must respect. */
export interface RulesAssessment {
	facts: AlertFacts;
	proposal: Proposal;
	matchedRules: string[];
	floor: { severity?: Severity; route?: Route; category?: string; because: string[] };
	/** A dismissal is only accepted with positive evidence: EDR false positive or allow-listed tool. */
	mayDismiss: boolean;
	/** Dangerous behaviour the alert shows (dangerous-behaviour rule). */
	behaviours: Behaviour[];
	criticalAsset: boolean;
	/** Dismissal needs the model to agree (allow-listed tools). */
	dismissNeedsModel: boolean;
}

export type Disagreement = TriageDisagreement;

export interface Decision extends Proposal {
	matchedRules: string[];
	disagreements: Disagreement[];
}

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const routeRank = (r: Route): number => ROUTES.indexOf(r);
export const maxSeverity = (a: Severity, b?: Severity): Severity =>
	b && severityRank(b) > severityRank(a) ? b : a;
