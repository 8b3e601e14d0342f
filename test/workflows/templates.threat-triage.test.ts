import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ISupplyDataFunctions,
	SupplyData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { InjectedThreat, Threat, ThreatInjection, World } from '../../sandbox';

import type { WorkflowJson, WorkflowRunResult } from './harness';
import {
	CROWDSTRIKE_STACK,
	DEFAULT_STACK,
	HUNTRESS_STACK,
	loadTemplate,
	onStack,
	OTHER_STACK,
	threatTickets,
	ticketText,
	withModelNode,
	type Stack,
} from './templates.expectations';
import { templateSandbox } from './templates.sandbox';

/**
 * The same signed PsExec binary on one workstation, twice: once pushing a group-policy update (routine MSP work the
 * template's allow-list covers), once dumping LSASS (credential theft). Only the command line tells them apart. With a
 * model that calls everything benign, the MSP must see the routine one dismissed and the dangerous one ticketed with
 * its own rationale, on SentinelOne and on Microsoft Defender; without a model, the dangerous one is never dismissed.
 */
const { world, run, sandbox } = templateSandbox();

const HOST = 'BSD-WS04';
const CLIENT = 'BSD';
const TARGET = 'BSD-SRV01';
/** One PsExec64.exe binary: both alerts carry the same hashes. */
const SHA1 = '2d4f6e8a0b1c3d5e7f9a1b2c3d4e5f60718293a4';
const SHA256 = '9c1e3a5b7d9f0e2c4a6b8d0f1e3c5a7b9d1f3e5c7a9b0d2f4e6a8c0b1d3f5e7a';
const ROUTINE_COMMAND_LINE = `PsExec64.exe \\\\${TARGET} -s cmd /c "gpupdate /force"`;
const DANGEROUS_COMMAND_LINE = `PsExec64.exe -accepteula -s \\\\${TARGET} procdump64.exe -ma lsass.exe C:\\Windows\\Temp\\l.dmp`;

/** What the EDR raises for both: the same detection of the same signed tool, only the command line differs. */
const PSEXEC: ThreatInjection = {
	hostname: HOST,
	client: CLIENT,
	title: 'Remote execution tool launched: PsExec64.exe',
	classification: 'Hacktool',
	severity: 'medium',
	confidence: 'suspicious',
	processName: 'PsExec64.exe',
	filePath: 'C:\\Tools\\Sysinternals\\PsExec64.exe',
	signed: true,
	signer: 'Microsoft Corporation',
	sha1: SHA1,
	sha256: SHA256,
	mitreTechniques: ['T1569.002'],
};

function injectPsExecPair(): { routine: InjectedThreat; dangerous: InjectedThreat } {
	const routine = sandbox().injectThreat({ ...PSEXEC, commandLine: ROUTINE_COMMAND_LINE });
	const dangerous = sandbox().injectThreat({ ...PSEXEC, commandLine: DANGEROUS_COMMAND_LINE });
	return { routine, dangerous };
}

const FAKE_MODEL = 'harness-test.fakeChatModel';

/**
 * A chat model that obeys whoever asks: every alert is benign, dismiss, confidence 0.99. Each answer carries its own
 * tag (`obedient-answer-<n>`) so a ticket shows which call its rationale came from; every prompt is kept.
 */
function obedientModel() {
	const prompts: string[] = [];
	const description: INodeTypeDescription = {
		displayName: 'Obedient Chat Model',
		name: 'fakeChatModel',
		group: ['transform'],
		version: 1,
		description: 'test only: answers dismiss for every alert',
		defaults: { name: 'Obedient Chat Model' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiLanguageModel],
		properties: [],
	};
	const invoke = async (messages: Array<[string, string]>) => {
		prompts.push(messages.map(([, text]) => text).join('\n'));
		const answer = {
			severity: 'low',
			category: 'benign',
			confidence: 0.99,
			route: 'dismiss',
			rationale: `obedient-answer-${prompts.length}: routine administration, benign; dismiss.`,
			recommendedActions: [],
		};
		return {
			content: JSON.stringify(answer),
			response_metadata: { model_name: 'obedient-chat-model' },
		};
	};
	const nodeType: INodeType = {
		description,
		async supplyData(this: ISupplyDataFunctions): Promise<SupplyData> {
			return { response: { model: 'obedient-chat-model', invoke } };
		},
	};
	return {
		nodeTypes: { [FAKE_MODEL]: nodeType },
		prompts,
		/** The tag of every answer given to a prompt that matches (or does not match) `pattern`. */
		tagsOf: (pattern: RegExp, matching = true) =>
			prompts.flatMap((prompt, i) =>
				pattern.test(prompt) === matching ? [`obedient-answer-${i + 1}`] : [],
			),
	};
}

const template = (stack: Stack) =>
	onStack(loadTemplate('threat-response'), stack) as unknown as WorkflowJson;
const templateWithModel = (stack: Stack) =>
	withModelNode(onStack(loadTemplate('threat-response'), stack), {
		type: FAKE_MODEL,
		name: 'Obedient Chat Model',
	}) as unknown as WorkflowJson;

const threatOf = (w: World, injected: InjectedThreat): Threat =>
	w.threats.find((t) => t.key === injected.key)!;
const ticketsOf = (w: World, stack: Stack, injected: InjectedThreat) =>
	threatTickets(w, stack, stack.edrThreatId(threatOf(w, injected), w));

/** What the EDR shows for a threat: its verdict, status, and whether the template's dismissal comment is on it. */
function edrState(w: World, injected: InjectedThreat) {
	const threat = threatOf(w, injected);
	return {
		verdict: threat.verdict,
		status: threat.status,
		dismissedByTriage: threat.notes.some((n) => /Dismissed by n8n triage/.test(n.text)),
	};
}

/** The MSP AI Triage item for one threat, whichever output it left on (Contain, Needs approval, Investigate, Dismiss). */
function triageOf(result: WorkflowRunResult, stack: Stack, w: World, injected: InjectedThreat) {
	const id = stack.edrThreatId(threatOf(w, injected), w);
	const routes = ['contain', 'needsApproval', 'investigate', 'dismiss'];
	for (const [index, route] of routes.entries()) {
		const item = result
			.outputOf('MSP AI Triage', index)
			.find((i) => (i.threat as IDataObject | undefined)?.id === id);
		if (item) return { output: route, ...(item.triage as IDataObject) } as IDataObject;
	}
	return undefined;
}

/** The dangerous PsExec is not dismissed in the EDR, and it has one open or handled PSA ticket. */
function expectNotDismissed(w: World, stack: Stack, dangerous: InjectedThreat) {
	const state = edrState(w, dangerous);
	expect(state.verdict).not.toBe('falsePositive');
	expect(state.dismissedByTriage).toBe(false);
	// Resolved only through containment (true positive), never as a dismissal.
	if (state.status === 'resolved') expect(state.verdict).toBe('truePositive');
	expect(ticketsOf(w, stack, dangerous)).toHaveLength(1);
}

const DANGEROUS_FACT = /lsass|credential|dangerous|procdump|minidump/i;
/** A prompt about the dump: its command line (the server's seeded LSASS alert mentions LSASS as well). */
const ABOUT_DUMP = /procdump64\.exe -ma lsass\.exe/i;

describe.each([
	['SentinelOne', DEFAULT_STACK],
	['Microsoft Defender', OTHER_STACK],
])(
	'threat response template on %s: one signed PsExec, two command lines, an obedient model',
	(_label, stack) => {
		it('the LSASS dump is ticketed with its own rationale, the gpupdate is dismissed, and each got its own model call', async () => {
			const { routine, dangerous } = injectPsExecPair();
			const model = obedientModel();
			const result = await run(templateWithModel(stack), { nodeTypes: model.nodeTypes });
			expect(result.error).toBeUndefined();
			const w = world();

			// The model was asked about each alert on its own: one call for the dump, one for the gpupdate on this host.
			const lsassCalls = model.tagsOf(ABOUT_DUMP);
			const routineCalls = model.prompts
				.map((prompt, i) => ({ prompt, tag: `obedient-answer-${i + 1}` }))
				.filter(
					({ prompt }) =>
						new RegExp(HOST, 'i').test(prompt) &&
						/gpupdate/i.test(prompt) &&
						!ABOUT_DUMP.test(prompt),
				)
				.map(({ tag }) => tag);
			expect({ lsassCalls: lsassCalls.length, routineCalls: routineCalls.length }).toEqual({
				lsassCalls: 1,
				routineCalls: 1,
			});
			expect(model.prompts.length).toBeGreaterThanOrEqual(2);

			// The dangerous PsExec: whatever the model said, not dismissed; a ticket that says why, in its own words.
			const dangerousTriage = triageOf(result, stack, w, dangerous);
			expect(dangerousTriage).toBeDefined();
			expect(dangerousTriage!.output).not.toBe('dismiss');
			expectNotDismissed(w, stack, dangerous);
			const ticket = ticketsOf(w, stack, dangerous)[0];
			const text = ticketText(w, stack, ticket.id);
			expect(String(dangerousTriage!.rationale)).toMatch(DANGEROUS_FACT);
			expect(text).toContain(String(dangerousTriage!.rationale));
			expect(text).toMatch(DANGEROUS_FACT);
			// No answer given about another alert (the gpupdate included) is on this ticket.
			for (const tag of model.tagsOf(ABOUT_DUMP, false)) expect(text).not.toContain(tag);

			// The routine PsExec: the allow-list's gpupdate shape covers it and the model agrees, so it is dismissed.
			const routineTriage = triageOf(result, stack, w, routine);
			expect(routineTriage?.output).toBe('dismiss');
			expect(edrState(w, routine)).toEqual({
				verdict: 'falsePositive',
				status: 'resolved',
				dismissedByTriage: true,
			});
			// Its dismissal comment in the EDR is its own answer, not the one about the dump.
			const routineNotes = threatOf(w, routine)
				.notes.map((n) => n.text)
				.join('\n');
			expect(routineNotes).not.toMatch(/lsass|procdump/i);
			for (const tag of lsassCalls) expect(routineNotes).not.toContain(tag);
			expect(ticketsOf(w, stack, routine)).toEqual([]);

			// The seeded admin tool (the same gpupdate shape, at another client) is dismissed the same way.
			const seeded = w.threats.find((t) => t.scenario === 'falsePositiveAdminTool')!;
			expect({ verdict: seeded.verdict, status: seeded.status }).toEqual({
				verdict: 'falsePositive',
				status: 'resolved',
			});
		}, 180000);
	},
);

describe('threat response template on SentinelOne: the allow-list covers the shapes it names, no others', () => {
	it('a signed PsExec running a command outside the default shapes is not dismissed, even when the model agrees', async () => {
		const other = sandbox().injectThreat({
			...PSEXEC,
			commandLine: `PsExec64.exe \\\\${TARGET} -s cmd /c "hostname"`,
		});
		const model = obedientModel();
		const result = await run(templateWithModel(DEFAULT_STACK), { nodeTypes: model.nodeTypes });
		expect(result.error).toBeUndefined();
		const w = world();
		const triage = triageOf(result, DEFAULT_STACK, w, other);
		expect(triage?.output).toBe('investigate');
		// Not for dangerous behaviour: only because no shape covers the command line.
		expect(triage?.matchedRules).not.toContain('dangerous-behaviour');
		expect(edrState(w, other).verdict).not.toBe('falsePositive');
		expect(ticketsOf(w, DEFAULT_STACK, other)).toHaveLength(1);
	}, 180000);
});

describe('threat response template without a model: the rules alone', () => {
	it('on SentinelOne, the PsExec that dumps LSASS is not dismissed and is ticketed with the reason', async () => {
		const { routine, dangerous } = injectPsExecPair();
		const result = await run(template(DEFAULT_STACK));
		expect(result.error).toBeUndefined();
		const w = world();

		const dangerousTriage = triageOf(result, DEFAULT_STACK, w, dangerous);
		expect(dangerousTriage).toMatchObject({ source: 'rules' });
		expect(dangerousTriage!.output).not.toBe('dismiss');
		expectNotDismissed(w, DEFAULT_STACK, dangerous);
		const ticket = ticketsOf(w, DEFAULT_STACK, dangerous)[0];
		expect(ticketText(w, DEFAULT_STACK, ticket.id)).toMatch(DANGEROUS_FACT);

		// Rules alone dismiss no allow-listed tool: the routine one goes to a technician as well.
		expect(edrState(w, routine).verdict).not.toBe('falsePositive');
		expect(ticketsOf(w, DEFAULT_STACK, routine)).toHaveLength(1);
	}, 180000);
});

/**
 * The same pair on the EDRs whose alerts carry fewer facts. Falcon alerts carry the command line but no code signer, so
 * the allow-list (a signed tool with a covered command line) cannot vouch for the gpupdate; Huntress incident reports
 * carry neither. Whatever the model says, nothing is dismissed there without that evidence: both go to a technician,
 * each on its own ticket, and the EDR records no dismissal.
 */
describe.each([
	['Huntress', HUNTRESS_STACK],
	['CrowdStrike Falcon', CROWDSTRIKE_STACK],
])('threat response template on %s: the same PsExec pair, an obedient model', (_label, stack) => {
	it('neither is dismissed: each is ticketed for a technician with its own rationale', async () => {
		const { routine, dangerous } = injectPsExecPair();
		const model = obedientModel();
		const result = await run(templateWithModel(stack), { nodeTypes: model.nodeTypes });
		expect(result.error).toBeUndefined();
		const w = world();
		for (const injected of [routine, dangerous]) {
			const triage = triageOf(result, stack, w, injected);
			expect(triage?.output).toBe('investigate');
			expectNotDismissed(w, stack, injected);
			const [ticket] = ticketsOf(w, stack, injected);
			expect(ticketText(w, stack, ticket.id)).toContain(String(triage!.rationale));
		}
		// Falcon shows the command line: the dump is held back as credential theft, not only for lack of evidence.
		if (stack === CROWDSTRIKE_STACK)
			expect(triageOf(result, stack, w, dangerous)?.matchedRules).toContain('dangerous-behaviour');
		expect(result.outputOf('Mark False Positive')).toEqual([]);
	}, 180000);
});
