import { buildRulesConfig, type RulesSettings } from './config';
import { assess } from './engine';
import { extractFacts } from './facts';
import { applyGuardrails } from './guardrails';
import type { Decision, RulesConfig } from './types';

export * from './types';
export {
	buildRulesConfig,
	DEFAULT_CRITICAL_HOST_PATTERNS,
	RulesConfigError,
	type RulesSettings,
} from './config';
export { assess } from './engine';
export { hasInstructions } from './instructions';
export { normalizeText } from './normalize';
export { dangerousBehaviours, BEHAVIOURS, type Behaviour } from './behaviour';
export { extractFacts } from './facts';
export { applyGuardrails, respectsFloor } from './guardrails';

/**
 * Rules-only triage of one alert: the entry point a benchmark calls (build the config once with
 * `buildRulesConfig`, then call this per alert).
 */
export function triageWithRules(alert: unknown, config: RulesConfig): Decision {
	const assessment = assess(extractFacts(alert), config);
	return applyGuardrails(assessment, assessment.proposal, config.autoContainConfidence, false);
}

/** Convenience for one-off calls: compiles the settings every time, so prefer `triageWithRules` in loops. */
export function triageAlert(alert: unknown, settings?: RulesSettings): Decision {
	return triageWithRules(alert, buildRulesConfig(settings));
}
