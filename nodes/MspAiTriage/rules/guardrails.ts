import { actionsFor } from './actions';
import { behaviourReason } from './behaviour';
import {
	CONFIDENCE_RULE,
	DANGEROUS_RULE,
	DISMISS_RULE,
	maxSeverity,
	routeRank,
	severityRank,
	type Decision,
	type Disagreement,
	type Proposal,
	type Route,
	type RulesAssessment,
} from './types';

/**
 * Applies the rules' limits to a proposal (the model's answer, or the rules' own verdict). Order matters:
 * 1. severity and route are raised to the floor; a model can go higher, never lower;
 * 2. a dismissal needs a reason the rules accept (and, for allow-listed tools, the model's agreement);
 * 3. containment not demanded by the rules needs the confidence threshold, else it needs approval;
 * 4. critical assets never contain automatically: Contain becomes Needs approval, last, whatever came before.
 */
export function applyGuardrails(
	assessment: RulesAssessment,
	proposal: Proposal,
	autoContainConfidence: number,
	fromModel: boolean,
): Decision {
	const { floor } = assessment;
	const matched = [...assessment.matchedRules];
	const disagreements: Disagreement[] = [];
	const notes: string[] = [];
	let route: Route = proposal.route;
	let confidence = proposal.confidence;

	const severity = maxSeverity(proposal.severity, floor.severity);
	if (severity !== proposal.severity) {
		disagreements.push({
			field: 'severity',
			proposed: proposal.severity,
			final: severity,
			rule: floor.because[0],
		});
		notes.push(`severity kept at ${severity} by ${floor.because[0]}`);
	}
	if (floor.route && routeRank(route) < routeRank(floor.route)) {
		disagreements.push({
			field: 'route',
			proposed: route,
			final: floor.route,
			rule: floor.because[0],
		});
		notes.push(`route kept at ${floor.route} by ${floorReasons(assessment)}`);
		route = floor.route;
		confidence = Math.max(confidence, assessment.proposal.confidence);
	}
	if (
		route === 'dismiss' &&
		!(assessment.mayDismiss && (fromModel || !assessment.dismissNeedsModel))
	) {
		disagreements.push({
			field: 'route',
			proposed: 'dismiss',
			final: 'investigate',
			rule: DISMISS_RULE,
		});
		notes.push(
			'dismissal needs positive evidence: an EDR false-positive verdict or an allow-listed tool with a covered command line',
		);
		matched.push(DISMISS_RULE);
		route = 'investigate';
	}
	if (route === 'contain') {
		// Rules that demand containment vouch with their own confidence; otherwise the proposer's counts.
		const effective =
			floor.route === 'contain' ? Math.max(confidence, assessment.proposal.confidence) : confidence;
		if (effective < autoContainConfidence) {
			matched.push(CONFIDENCE_RULE);
			notes.push(
				`confidence ${effective.toFixed(2)} is below the ${autoContainConfidence} needed to contain automatically`,
			);
			route = 'needsApproval';
		}
	}
	if (route === 'contain' && assessment.criticalAsset) {
		notes.push('critical asset: containment needs approval');
		route = 'needsApproval';
	}
	if (route !== proposal.route && !disagreements.some((d) => d.field === 'route')) {
		disagreements.push({
			field: 'route',
			proposed: proposal.route,
			final: route,
			rule:
				assessment.criticalAsset && proposal.route === 'contain'
					? 'critical-asset'
					: CONFIDENCE_RULE,
		});
	}

	let category = proposal.category;
	if (floor.category && floor.category !== category) {
		disagreements.push({
			field: 'category',
			proposed: category,
			final: floor.category,
			rule: floor.because[0],
		});
		category = floor.category;
	}
	const changed = route !== proposal.route;
	return {
		severity,
		category,
		confidence: round(confidence),
		route,
		rationale: notes.length
			? `${proposal.rationale} Guardrails: ${notes.join('; ')}.`
			: proposal.rationale,
		recommendedActions:
			changed || !proposal.recommendedActions.length
				? actionsFor(route, category)
				: proposal.recommendedActions,
		matchedRules: matched,
		// Only model disagreements are worth recording; the rules cannot disagree with themselves.
		disagreements: fromModel ? disagreements : [],
	};
}

/** The floor's rules, with what the behaviour rule saw spelt out. */
function floorReasons(assessment: RulesAssessment): string {
	return assessment.floor.because
		.map((rule) =>
			rule === DANGEROUS_RULE ? `${rule} (${behaviourReason(assessment.behaviours)})` : rule,
		)
		.join(', ');
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** True when `final` respects the floor: used by tests and as a last assertion before output. */
export function respectsFloor(assessment: RulesAssessment, decision: Decision): boolean {
	const { floor } = assessment;
	if (floor.severity && severityRank(decision.severity) < severityRank(floor.severity))
		return false;
	if (assessment.criticalAsset && decision.route === 'contain') return false;
	if (floor.route === 'contain')
		return decision.route === 'contain' || decision.route === 'needsApproval';
	if (floor.route && routeRank(decision.route) < routeRank(floor.route)) return false;
	return true;
}
