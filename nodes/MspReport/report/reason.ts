import type { Evidence } from '../../shared';

/**
 * Results that only repeat the outcome ("failed", "verified") say nothing about why; the reason is
 * what the RMM, EDR or PSA answered (an error code, the policy state, the device offline).
 */
const BARE_RESULT =
	/^(failed|failure|error|ok|done|success|succeeded|verified|installed|approved|completed|pending|queued|running|skipped)\.?$/i;

const ESCALATION = /escalat/i;

function describeAction(action: Evidence['actions'][number]): string {
	return action.result ? `${action.action}: ${action.result}` : action.action;
}

/**
 * Why a record is failed or an exception, in the words of the evidence: its `reason` when the
 * workflow recorded one, else the first step whose result says more than the outcome (a failed
 * install before the escalation that followed it), else the step that failed. The ticket it was
 * escalated in follows, so the row says where a technician picks it up.
 */
export function failureReason(evidence: Evidence): string {
	const steps = evidence.actions;
	const telling = steps.find(
		(a) => a.result && !BARE_RESULT.test(a.result.trim()) && !ESCALATION.test(a.action),
	);
	const failedStep = [...steps].reverse().find((a) => a.result && /fail|error/i.test(a.result));
	const why =
		evidence.reason ??
		(telling ? describeAction(telling) : undefined) ??
		failedStep?.action ??
		`No reason recorded (outcome ${evidence.outcome})`;
	const escalated = steps.some((a) => ESCALATION.test(a.action));
	if (!escalated) return why;
	if (ESCALATION.test(why))
		return evidence.ticketReference ? `${why} (ticket ${evidence.ticketReference})` : why;
	return evidence.ticketReference
		? `${why}; escalated in ticket ${evidence.ticketReference}`
		: `${why}; escalated`;
}
