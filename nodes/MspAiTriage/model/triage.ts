import { createHash } from 'crypto';

import type { TriageVerdict } from '../../shared/domain';
import { TriageVerdictSchema } from '../../shared/domain';
import { redactString } from '../../shared/redact';
import { truncateText } from '../../shared/truncate';
import { assess } from '../rules/engine';
import { alertText, extractFacts } from '../rules/facts';
import { applyGuardrails } from '../rules/guardrails';
import type { RulesConfig } from '../rules/types';

import { answerText, invokeWithTimeout, modelName, type ChatModelLike } from './invoke';
import { parseAnswer } from './parse';
import {
	alertData,
	MAX_ALERT_DATA,
	repairPrompt,
	systemPrompt,
	userPrompt,
	type ChatMessage,
} from './prompt';
import type { ModelAnswer } from './schema';
import { stripForModel, type StripRules } from './strip';

/** The longest rationale the node writes (the model's own is at most 2,000 characters plus the guardrails' notes). */
const MAX_RATIONALE = 4_000;

/** Everything one execution shares: the model (if any), compiled rules, stripping, limits, and the answer cache. */
export interface TriageRun {
	model?: ChatModelLike;
	rules: RulesConfig;
	strip: StripRules;
	timeoutSeconds: number;
	/** Per-execution marker suffix for the untrusted data block. */
	nonce: string;
	cancel?: AbortSignal;
	/** One model call per distinct alert within the execution. */
	cache: Map<string, Promise<ModelOutcome>>;
}

export type ModelOutcome =
	| { ok: true; answer: ModelAnswer; model?: string }
	| { ok: false; problem: string; model?: string };

/**
 * One model answer per prompt: only alerts that are the same in every field the model sees share it.
 * (Keying on less, such as hash and host, let a routine PsExec's answer stand for one dumping LSASS.)
 */
export function cacheKey(prompt: string): string {
	return createHash('sha256').update(prompt).digest('base64');
}

async function callOnce(
	model: ChatModelLike,
	messages: ChatMessage[],
	run: TriageRun,
): Promise<{ text: string; model?: string }> {
	const answer = await invokeWithTimeout(model, messages, run.timeoutSeconds, run.cancel);
	return { text: answerText(answer), model: modelName(model, answer) };
}

/** Ask, validate, repair once, or report why not. Never throws: every failure becomes a fallback. */
export async function askModel(
	model: ChatModelLike,
	messages: ChatMessage[],
	run: TriageRun,
): Promise<ModelOutcome> {
	let name = modelName(model);
	try {
		const first = await callOnce(model, messages, run);
		name = first.model ?? name;
		const parsed = parseAnswer(first.text);
		if (parsed.ok) return { ok: true, answer: parsed.answer, model: name };
		const repair: ChatMessage[] = [
			...messages,
			['ai', first.text.slice(0, 4000)],
			['human', repairPrompt(parsed.problem)],
		];
		const second = await callOnce(model, repair, run);
		const reparsed = parseAnswer(second.text);
		if (reparsed.ok) return { ok: true, answer: reparsed.answer, model: second.model ?? name };
		return {
			ok: false,
			problem: `the model answer was unusable after one repair attempt (${reparsed.problem})`,
			model: name,
		};
	} catch (error) {
		return {
			ok: false,
			problem: `the model call failed (${redactString((error as Error)?.message ?? String(error))})`,
			model: name,
		};
	}
}

/** Triage one alert: rules always, the model when connected, guardrails over whatever the model said. */
export async function triageOne(alert: unknown, run: TriageRun): Promise<TriageVerdict> {
	const facts = extractFacts(alert);
	const threshold = run.rules.autoContainConfidence;
	if (!run.model) {
		const assessment = assess(facts, run.rules);
		return finish({
			...applyGuardrails(assessment, assessment.proposal, threshold, false),
			source: 'rules',
		});
	}
	const stripped = stripForModel(alert, run.strip);
	// Facts for the prompt come from the stripped alert (raw included) so stripped fields never leak through them.
	const promptFacts = extractFacts(stripForModel(alert, { ...run.strip, includeRaw: true }));
	const dataBlock = alertData(stripped, promptFacts, run.strip.names);
	// The rules also read the text the model will read, so nothing past their own scan limit reaches it unseen.
	const assessment = assess(facts, run.rules, alertText(stripped, MAX_ALERT_DATA));
	const prompt = userPrompt(run.nonce, dataBlock, assessment);
	const key = cacheKey(prompt);
	let outcome = run.cache.get(key);
	if (!outcome) {
		const messages: ChatMessage[] = [
			['system', systemPrompt(run.nonce)],
			['human', prompt],
		];
		outcome = askModel(run.model, messages, run);
		run.cache.set(key, outcome);
	}
	const result = await outcome;
	if (!result.ok) {
		const decision = applyGuardrails(assessment, assessment.proposal, threshold, false);
		return finish({
			...decision,
			source: 'rules-fallback',
			model: result.model,
			hint: `Rules decided because ${result.problem}.`,
		});
	}
	return finish({
		...applyGuardrails(assessment, result.answer, threshold, true),
		source: 'model',
		model: result.model,
	});
}

/** The output contract, checked: a defect here must fail loudly rather than route an item wrongly. */
function finish(decision: Omit<TriageVerdict, 'raw'>): TriageVerdict {
	const parsed = TriageVerdictSchema.parse({
		...decision,
		rationale: truncateText(decision.rationale, MAX_RATIONALE),
	});
	for (const key of ['model', 'hint', 'raw'] as const)
		if (parsed[key] === undefined) delete parsed[key];
	return parsed;
}
