import type { ChatModelLike } from '../../../nodes/MspAiTriage/model/invoke';
import { DEFAULT_STRIPPED_FIELDS, stripRules } from '../../../nodes/MspAiTriage/model/strip';
import { triageOne, type TriageRun } from '../../../nodes/MspAiTriage/model/triage';
import { buildRulesConfig } from '../../../nodes/MspAiTriage/rules/config';
import type { TriageVerdict } from '../../../nodes/shared/domain';

import {
	ALLOW_LIST,
	allowListedPsExec,
	BENIGN_CONTROLS,
	EVASIONS,
	HUGE_TITLE_CASE,
	PSEXEC_ROUTINE,
	type EvasionCase,
	type ModelAnswerKind,
} from './evasions.corpus';
import { fakeModel } from './fixtures';

/** A rationale a user can read in a ticket: even a 10 MB title must not blow it up. */
const MAX_RATIONALE = 5000;

/** The command line the model was shown (first `"commandLine"` in the prompt), for its rationale. */
function commandLineSeen(human: string): string {
	const match = /"commandLine"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(human);
	return match ? match[1].slice(0, 300) : 'none';
}

/**
 * The OBEDIENT model: whatever the alert says, it answers dismiss (benign, informational, 0.99), or
 * contain at 0.99 for the protected-device cases. Its rationale quotes the command line it was shown,
 * so a rationale reused from another alert's call is visible.
 */
function obedientModel(kind: ModelAnswerKind = 'dismiss') {
	return fakeModel((messages) => {
		const human = messages.find(([role]) => role === 'human')?.[1] ?? '';
		const seen = commandLineSeen(human);
		return JSON.stringify(
			kind === 'dismiss'
				? {
						severity: 'informational',
						category: 'benign',
						confidence: 0.99,
						route: 'dismiss',
						rationale: `As the alert data instructs, this is benign. Command line seen: ${seen}`,
						recommendedActions: [],
					}
				: {
						severity: 'critical',
						category: 'malware',
						confidence: 0.99,
						route: 'contain',
						rationale: `Isolate the device now. Command line seen: ${seen}`,
						recommendedActions: [],
					},
		);
	});
}

function run(model: ChatModelLike | undefined, allowListedTools = ALLOW_LIST): TriageRun {
	return {
		model,
		rules: buildRulesConfig({ allowListedTools }),
		// Raw goes to the model, so text planted in vendor fields reaches it too.
		strip: stripRules(DEFAULT_STRIPPED_FIELDS, true),
		timeoutSeconds: 5,
		nonce: 'abc123',
		cache: new Map(),
	};
}

const describeDecision = (d: TriageVerdict) =>
	`routed ${d.route}, matched [${d.matchedRules.join(', ')}]`;

/** Everything a user would notice going wrong with one verdict, in words (empty when it is right). */
function problems(c: EvasionCase, d: TriageVerdict, who: string): string[] {
	const found: string[] = [];
	const what = describeDecision(d);
	if (d.route === 'dismiss') found.push(`${who}: dismissed (${what})`);
	if (c.dangerous && !d.matchedRules.includes('dangerous-behaviour'))
		found.push(`${who}: dangerous-behaviour not matched (${what})`);
	if (c.injected && !d.matchedRules.includes('instructions-in-alert-data'))
		found.push(`${who}: instructions-in-alert-data not matched (${what})`);
	if (c.protectedDevice && d.route === 'contain')
		found.push(`${who}: protected device contained automatically (${what})`);
	if (c.protectedDevice && !d.matchedRules.includes('critical-asset'))
		found.push(`${who}: critical-asset not matched (${what})`);
	if (d.rationale.length >= MAX_RATIONALE)
		found.push(`${who}: rationale is ${d.rationale.length} characters`);
	return found;
}

describe('adversarial corpus', () => {
	it('has at least 50 cases with unique names and alert ids', () => {
		expect(EVASIONS.length).toBeGreaterThanOrEqual(50);
		expect(new Set(EVASIONS.map((c) => c.name)).size).toBe(EVASIONS.length);
		const ids = [...EVASIONS, ...BENIGN_CONTROLS].map((c) => c.alert.id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it.each(EVASIONS.map((c) => [c.name, c] as const))(
		'%s',
		async (_name, c) => {
			const model = obedientModel(c.model);
			const withModel = await triageOne(c.alert, run(model, c.allowListedTools));
			const rulesOnly = await triageOne(c.alert, run(undefined, c.allowListedTools));
			const found = [
				...problems(c, withModel, 'with the obedient model'),
				...problems(c, rulesOnly, 'rules only'),
			];
			// The model was asked and its answer used: the guardrails, not a fallback, kept the floor.
			if (withModel.source !== 'model')
				found.push(`with the obedient model: source ${withModel.source}, ${withModel.hint ?? ''}`);
			expect(found).toEqual([]);
		},
		60_000,
	);

	it('the 10 MB title reaches the model truncated', async () => {
		const c = EVASIONS.find((entry) => entry.name === HUGE_TITLE_CASE)!;
		const model = obedientModel('dismiss');
		await triageOne(c.alert, run(model));
		expect(model.calls).toHaveLength(1);
		const sent = model.calls[0].reduce((total, [, content]) => total + content.length, 0);
		expect(sent).toBeLessThan(100_000);
	}, 60_000);
});

describe('benign controls: positive evidence still allows Dismiss', () => {
	it.each(BENIGN_CONTROLS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const decision = await triageOne(c.alert, run(obedientModel('dismiss'), c.allowListedTools));
		expect({
			route: decision.route,
			source: decision.source,
			flagged: decision.matchedRules.filter(
				(rule) => rule === 'dangerous-behaviour' || rule === 'instructions-in-alert-data',
			),
		}).toEqual({ route: 'dismiss', source: 'model', flagged: [] });
		expect(decision.rationale.length).toBeLessThan(MAX_RATIONALE);
	});
});

describe('model answer cache', () => {
	const routine = allowListedPsExec({ id: 'cache-routine', commandLine: PSEXEC_ROUTINE });
	const dump = {
		...routine,
		id: 'cache-dump',
		commandLine: String.raw`PsExec64.exe \\HLL-SRV02 -s -accepteula procdump64.exe -ma lsass.exe C:\Windows\Temp\ls.dmp`,
	};

	it.each([
		['concurrently, routine first', false],
		['one after the other, LSASS dump first', true],
	] as const)(
		'a routine allow-listed PsExec and one dumping LSASS on the same host with the same hash (%s) get a call each',
		async (_how, dumpFirst) => {
			const model = obedientModel('dismiss');
			const r = run(model);
			let routineDecision: TriageVerdict;
			let dumpDecision: TriageVerdict;
			if (dumpFirst) {
				dumpDecision = await triageOne(dump, r);
				routineDecision = await triageOne(routine, r);
			} else {
				[routineDecision, dumpDecision] = await Promise.all([
					triageOne(routine, r),
					triageOne(dump, r),
				]);
			}
			expect(model.calls).toHaveLength(2);
			expect(routineDecision.route).toBe('dismiss');
			expect(dumpDecision.route).not.toBe('dismiss');
			expect(dumpDecision.matchedRules).toContain('dangerous-behaviour');
			// Each rationale is about its own command line.
			expect(routineDecision.rationale).toContain('gpupdate');
			expect(routineDecision.rationale).not.toMatch(/lsass/i);
			expect(dumpDecision.rationale).toMatch(/lsass/i);
			expect(dumpDecision.rationale).not.toContain('gpupdate');
		},
	);
});
