import type { IDataObject } from 'n8n-workflow';

import type { World } from '../../sandbox';
import { HOUR } from '../../sandbox/world/clock';

import type { WorkflowJson } from './harness';
import {
	approvalLink,
	assertThreatEndState,
	CROWDSTRIKE_STACK,
	DEFAULT_STACK,
	HUNTRESS_STACK,
	loadTemplate,
	onStack,
	OTHER_STACK,
	publishedOnce,
	type Stack,
	type Template,
	threatTickets,
} from './templates.expectations';
import { templateSandbox } from './templates.sandbox';

/**
 * The threat template in the untidy world: hostnames that repeat across clients, domain controllers named like
 * anything else, approvals answered one threat at a time (or not at all, or by someone guessing a link), and runs that
 * stop at any step and are run again.
 */
const { world, run, sandbox } = templateSandbox();

const template = (stack: Stack = DEFAULT_STACK) =>
	onStack(loadTemplate('threat-response'), stack) as unknown as WorkflowJson;

const tickets = threatTickets;
const notes = (w: World, stack: Stack, threatId: string) =>
	tickets(w, stack, threatId).flatMap((t) => stack.notes(w, t.id).map((n) => n.text));
const operations = (w: World, deviceKey: string, kind: string) =>
	w.operations.filter((o) => o.deviceKey === deviceKey && o.kind === kind);

/**
 * What the approval form hands the workflow when someone submits it (n8n Form Trigger, fields by label);
 * `submittedAt` is the n8n host's time of the submission, `laterMs` after now.
 */
const answer = (
	threatId: string,
	decision: 'Approve containment' | 'Reject',
	by = 'Dana Reyes',
	laterMs = 0,
) =>
	({
		threat: threatId,
		Decision: decision,
		'Your name': by,
		Reason: decision === 'Reject' ? 'Change freeze on this server' : 'Confirmed with the client',
		submittedAt: new Date(Date.now() + laterMs).toISOString(),
		formMode: 'production',
	}) as IDataObject;

/** A domain controller whose name matches no protection pattern, with ransomware on it. */
function ransomwareOnDomainController() {
	sandbox().addDevice({ hostname: 'BSD-AD01', client: 'BSD', type: 'domainController' });
	return sandbox().injectThreat({
		hostname: 'BSD-AD01',
		client: 'BSD',
		classification: 'Ransomware',
		severity: 'critical',
		processName: 'locker.exe',
	});
}

describe('threat response template: one approval per threat, never by a followed link', () => {
	it.each(
		[DEFAULT_STACK, HUNTRESS_STACK, CROWDSTRIKE_STACK].map(
			(stack) => [stack.label, stack] as const,
		),
	)(
		'on %s, a domain controller goes to approval; approving it contains only it, the other pending threat stays pending',
		async (_label, stack) => {
			const dc = ransomwareOnDomainController();
			const first = await run(template(stack));
			expect(first.error).toBeUndefined();
			const threatOf = (key: string) => world().threats.find((t) => t.key === key)!;
			const server = world().threats.find((t) => t.scenario === 'serverCredentialTheft')!;
			const dcId = stack.edrThreatId(threatOf(dc.key), world());
			const serverId = stack.edrThreatId(server, world());
			// Not isolated without approval, whatever its name.
			expect(operations(world(), dc.deviceKey, 'isolate')).toEqual([]);
			expect(tickets(world(), stack, dcId)).toEqual([expect.objectContaining({ closed: false })]);
			for (const [id, asked] of [
				[dcId, true],
				[serverId, stack.serverThreatNeedsApproval],
			] as const) {
				const links = notes(world(), stack, id).filter((t) => approvalLink(id).test(t));
				expect({ id, links: links.length }).toEqual({ id, links: asked ? 1 : 0 });
			}

			const approved = await run(template(stack), {
				startNode: 'Approval Form',
				input: [answer(dcId, 'Approve containment')],
			});
			expect(approved.error).toBeUndefined();
			const after = world();
			expect(operations(after, dc.deviceKey, 'isolate')).toHaveLength(1);
			expect(notes(after, stack, dcId).join('\n')).toMatch(
				/Containment approved by Dana Reyes at \S+ \(Confirmed with the client\)/,
			);
			if (stack.edrMitigates) {
				expect(operations(after, dc.deviceKey, 'release')).toHaveLength(1);
				expect(threatOf(dc.key).mitigationStatus).toBe('mitigated');
				expect(tickets(after, stack, dcId)).toEqual([expect.objectContaining({ closed: true })]);
			} else {
				// The EDR cannot mitigate it: the domain controller stays isolated, its ticket escalated for a technician.
				expect(operations(after, dc.deviceKey, 'release')).toEqual([]);
				expect(threatOf(dc.key).mitigationStatus).toBe('notMitigated');
				expect(tickets(after, stack, dcId)).toEqual([
					expect.objectContaining({ closed: false, urgent: true }),
				]);
				expect(notes(after, stack, dcId).join('\n')).toMatch(
					/Containment NOT verified: the device stays isolated/,
				);
			}
			// The server's threat is untouched: not isolated, ticket open, no answer recorded.
			expect(operations(after, server.deviceKey, 'isolate')).toEqual([]);
			expect(tickets(after, stack, serverId)).toEqual([expect.objectContaining({ closed: false })]);
			expect(notes(after, stack, serverId).join('\n')).not.toMatch(/approved by|rejected by/i);
		},
		120000,
	);

	it('a rejection, or an approval for a threat that never asked for one, isolates nothing and escalates', async () => {
		await run(template());
		const threat = (scenario: string) => world().threats.find((t) => t.scenario === scenario)!;
		const server = threat('serverCredentialTheft');
		const pup = threat('pup');

		const rejected = await run(template(), {
			startNode: 'Approval Form',
			input: [answer(server.sentinelOneThreatId, 'Reject', 'Sam Ortiz')],
		});
		expect(rejected.error).toBeUndefined();
		// An investigation ticket is not an approval: someone who guesses the form's link cannot contain with it.
		const guessed = await run(template(), {
			startNode: 'Approval Form',
			input: [answer(pup.sentinelOneThreatId, 'Approve containment', 'Mallory')],
		});
		expect(guessed.error).toBeUndefined();

		const after = world();
		for (const t of [server, pup]) expect(operations(after, t.deviceKey, 'isolate')).toEqual([]);
		expect(notes(after, DEFAULT_STACK, server.sentinelOneThreatId).join('\n')).toMatch(
			/Containment rejected by Sam Ortiz .*Change freeze on this server.*Nothing was isolated/,
		);
		expect(tickets(after, DEFAULT_STACK, server.sentinelOneThreatId)).toEqual([
			expect.objectContaining({ closed: false, urgent: true }),
		]);
		expect(notes(after, DEFAULT_STACK, pup.sentinelOneThreatId).join('\n')).toMatch(
			/no approval was requested for this threat/,
		);
	}, 120000);
});

describe('threat response template: identities, not names', () => {
	it.each([
		['SentinelOne', DEFAULT_STACK],
		['Microsoft Defender', OTHER_STACK],
		['Huntress', HUNTRESS_STACK],
		['CrowdStrike Falcon', CROWDSTRIKE_STACK],
	])(
		'on %s, a second BSD-WS02 at another client is never touched; the ransomware host is contained',
		async (_label, stack) => {
			const twin = sandbox().addDevice({ hostname: 'BSD-WS02', client: 'HLL' });
			const result = await run(template(stack));
			expect(result.error).toBeUndefined();
			const w = world();
			expect(w.operations.filter((o) => o.deviceKey === twin.device.key)).toEqual([]);
			assertThreatEndState(w, { stack });
		},
		120000,
	);

	it('on Microsoft Defender, a domain controller the RMM knows is not isolated without approval', async () => {
		const dc = ransomwareOnDomainController();
		const result = await run(template(OTHER_STACK));
		expect(result.error).toBeUndefined();
		expect(operations(world(), dc.deviceKey, 'isolate')).toEqual([]);
		expect(tickets(world(), OTHER_STACK, dc.ids.defender)).toEqual([
			expect.objectContaining({ closed: false }),
		]);
	}, 120000);
});

/** The template on a stack with one step given input it must refuse: the run stops there for that threat. */
function failingAt(step: string | string[], stack: Stack = DEFAULT_STACK): WorkflowJson {
	const broken = onStack(loadTemplate('threat-response'), stack);
	for (const name of Array.isArray(step) ? step : [step]) {
		const p = broken.nodes.find((n) => n.name === name)!.parameters;
		// An expression that comes out empty: the node refuses it when it runs (a blank value would be refused on import).
		const empty = "={{ '' }}";
		if (p.device) p.device = { ...p.device, value: empty };
		else if (p.threatId !== undefined) p.threatId = empty;
		else if (p.ticketId !== undefined) p.ticketId = empty;
		else throw new Error(`no way to fail ${name}`);
	}
	return broken as unknown as WorkflowJson;
}

/** NinjaOne's script run. */
const DEFAULT_SCRIPT = /\/v2\/device\/\d+\/script\/run$/;

/** What each EDR and RMM was asked to do, from the sandbox's request log: accepted mitigation and script requests. */
const SENT: Record<string, { mitigation: RegExp; script: RegExp }> = {
	[DEFAULT_STACK.label]: {
		mitigation: /\/threats\/mitigate\/[a-z-]+$/,
		script: DEFAULT_SCRIPT,
	},
	[OTHER_STACK.label]: {
		mitigation: /\/api\/machines\/[^/]+\/StopAndQuarantineFile$/,
		script: /\/Computers\/\d+\/ScheduledScripts$/,
	},
	[HUNTRESS_STACK.label]: {
		mitigation: /\/incident_reports\/\d+\/remediations\/bulk_approval$/,
		script: DEFAULT_SCRIPT,
	},
	// Falcon is never asked to mitigate (it would take a Real Time Response session): any request to it counts.
	[CROWDSTRIKE_STACK.label]: { mitigation: /\/real-time-response\//, script: DEFAULT_SCRIPT },
};

describe('threat response template: a rerun after a failure at any step reaches the clean end state', () => {
	// In order along the Contain path; "Cleanup Note" fails right after the mitigation, "Cleanup Result" right after
	// the script started, "Read Threat Back" right after it finished.
	const steps = [
		'Isolate Endpoint',
		'Mitigate Threat',
		'Cleanup Note',
		'Run Cleanup Script',
		'Cleanup Run Note',
		'Cleanup Result',
		'Read Threat Back',
		'Timeline Note',
		'Close Incident Ticket',
		'Release Isolation',
		'Resolve in EDR',
	];
	const stepsOn = (stack: Stack) => {
		// Huntress allows 60 requests a minute: a failed run and its rerun wait for the next window, so only the EDR's
		// own contain steps run there.
		if (stack === HUNTRESS_STACK)
			return ['Isolate Endpoint', 'Mitigate Threat', 'Read Threat Back'];
		// Falcon never verifies (no mitigation): nothing after Read Threat Back runs, and every rerun goes through
		// containment again.
		if (stack === CROWDSTRIKE_STACK)
			return [
				'Isolate Endpoint',
				'Mitigate Threat',
				'Cleanup Note',
				'Run Cleanup Script',
				'Cleanup Run Note',
				'Cleanup Result',
				'Read Threat Back',
			];
		return steps;
	};
	describe.each(
		[DEFAULT_STACK, OTHER_STACK, HUNTRESS_STACK, CROWDSTRIKE_STACK].flatMap((stack) =>
			stepsOn(stack).map((step) => ({ stack, step, label: stack.label })),
		),
	)('on $label, failing at $step', ({ stack, step }) => {
		// A sandbox of its own: MSP EDR and MSP PSA keep each vendor's budget per account (Defender 100 requests a
		// minute, HaloPSA 300 per 5 minutes), and a failed run with its rerun fits in it, so no test waits for a window.
		const own = templateSandbox();
		it('escalated with a note, then converged; one isolation, mitigation and cleanup run, one note per event', async () => {
			const failed = await own.run(failingAt(step, stack));
			expect(failed.error).toBeUndefined();
			const ransomware = own.world().threats.find((t) => t.scenario === 'ransomware')!;
			const firstRun = notes(own.world(), stack, stack.edrThreatId(ransomware, own.world())).join(
				'\n',
			);
			// A refused cleanup note does not stop containment: the run follows the script it started and says so.
			expect(firstRun).toMatch(
				step === 'Cleanup Run Note'
					? /could not be noted on the ticket/
					: /Automation stopped at|Containment NOT verified/,
			);
			const rerun = await own.run(template(stack));
			expect(rerun.error).toBeUndefined();
			const w = own.world();
			assertThreatEndState(w, { stack });
			if (!stack.edrMitigates) {
				// Never verified, so the rerun goes through containment again: it finds the script run in the RMM and notes
				// that run once, whether or not the first run could.
				const id = stack.edrThreatId(ransomware, w);
				expect(notes(w, stack, id).filter((text) => text.includes(`[n8n:cleanup:${id}]`))).toEqual([
					expect.stringMatching(/^Cleanup script .* as RMM run \S+ for threat /),
				]);
			}
			// What the vendors were asked, not what the nodes said: one accepted mitigation and one script run.
			const sent = (pattern: RegExp) =>
				own
					.sandbox()
					.requests.query({})
					.filter((e) => e.method === 'POST' && e.applied && pattern.test(e.path)).length;
			expect({
				mitigations: sent(SENT[stack.label].mitigation),
				scripts: sent(SENT[stack.label].script),
			}).toEqual({ mitigations: stack.edrMitigates ? 1 : 0, scripts: 1 });
			expect(
				w.operations
					.filter((o) => o.deviceKey === ransomware.deviceKey)
					.map((o) => o.kind)
					.filter((k) => k === 'mitigation' || k === 'script')
					.sort(),
			).toEqual(stack.edrMitigates ? ['mitigation', 'script'] : ['script']);
		}, 120000);
	});

	describe.each([DEFAULT_STACK, OTHER_STACK].map((stack) => ({ stack, label: stack.label })))(
		'on $label, a run that could not note the cleanup run and then stopped before verifying',
		({ stack }) => {
			const own = templateSandbox();
			it('the rerun finds the run in the RMM and does not start the script again', async () => {
				// The ticket lost the cleanup run's note and the run stopped at Read Threat Back: the rerun goes through
				// containment again with nothing on the ticket to follow.
				await own.run(failingAt(['Cleanup Run Note', 'Read Threat Back'], stack));
				const ransomware = own.world().threats.find((t) => t.scenario === 'ransomware')!;
				const id = stack.edrThreatId(ransomware, own.world());
				expect(notes(own.world(), stack, id).join('\n')).toMatch(
					/Automation stopped at "Read Threat Back"/,
				);
				const rerun = await own.run(template(stack));
				expect(rerun.error).toBeUndefined();
				expect(rerun.outputOf('Run Cleanup Script')).toEqual([
					expect.objectContaining({ alreadyRan: true }),
				]);
				const w = own.world();
				assertThreatEndState(w, { stack });
				expect(notes(w, stack, id).filter((text) => text.includes(`[n8n:cleanup:${id}]`))).toEqual([
					expect.stringMatching(
						/^Cleanup script .* found already started .* as RMM run \S+ for threat /,
					),
				]);
			}, 120000);
		},
	);

	it('with Hudu down the run publishes nothing; the rerun publishes every client, the contained incident included', async () => {
		sandbox().setFaults({ profile: 'flaky', rate: 1, vendors: ['hudu'], timeoutMs: 50 });
		const down = await run(template());
		// Every other step went its way; the run ends naming each client whose report is missing.
		expect(down.status).toBe('error');
		expect(down.error?.message).toMatch(
			/^3 client report\(s\) were not published:\n- Report "Security incidents /,
		);
		expect(
			publishedOnce(world(), 'Security incidents', 'Security incidents').map((p) => [
				p.articles,
				p.tiles,
			]),
		).toEqual([
			[0, 0],
			[0, 0],
			[0, 0],
		]);
		sandbox().setFaults({ profile: 'none' });
		const rerun = await run(template());
		expect(rerun.error).toBeUndefined();
		assertThreatEndState(world());
		const evidence = rerun.outputOf('Incident Evidence');
		const ransomware = world().threats.find((t) => t.scenario === 'ransomware')!;
		expect(evidence).toContainEqual(
			expect.objectContaining({
				reference: ransomware.sentinelOneThreatId,
				outcome: 'remediated',
			}),
		);
	}, 120000);
});

/** ConnectWise PSA or HaloPSA with SentinelOne and NinjaOne: SentinelOne's server alert is the one that asks for approval. */
const APPROVAL_STACKS: Stack[] = [
	DEFAULT_STACK,
	{
		...DEFAULT_STACK,
		label: 'HaloPSA, NinjaOne, SentinelOne',
		vendors: ['halopsa', 'ninjaone', 'sentinelone'],
		providers: { ...DEFAULT_STACK.providers, mspPsa: OTHER_STACK.providers.mspPsa },
		tickets: OTHER_STACK.tickets,
		notes: OTHER_STACK.notes,
	},
];

/** The template with the MSP's approval timeout set in Configuration. */
function withApprovalTimeout(stack: Stack, hours: number): WorkflowJson {
	const copy = onStack(loadTemplate('threat-response'), stack);
	const timeout = copy.nodes
		.find((n) => n.name === 'Configuration')!
		.parameters.assignments.assignments.find(
			(a: { name: string }) => a.name === 'approvalTimeoutHours',
		);
	timeout.value = hours;
	return copy as unknown as WorkflowJson;
}

/**
 * Approval expiry reads one clock, the n8n host's: the request note carries the host's time it was written, and an
 * answer is judged by the host's time it was submitted. The PSA's clock, hours off in either direction, changes
 * nothing (its ticket creation time would have expired a fresh request, or kept a stale one alive).
 */
describe('threat response template: approval expiry on the n8n host clock, whatever the PSA clock says', () => {
	// A sandbox of its own, so HaloPSA's request budget is this block's alone.
	const { world, run, sandbox } = templateSandbox();
	const TIMEOUT_HOURS = 2;
	const SKEW_HOURS = 5;
	it.each(
		APPROVAL_STACKS.flatMap((stack) =>
			[SKEW_HOURS, -SKEW_HOURS].map((skew) => [stack.label, skew, stack] as const),
		),
	)(
		'on %s with the PSA %d h off the host: an answer after the timeout is expired, one within it contains',
		async (_label, skew, stack) => {
			sandbox().reset({ now: Date.now() + skew * HOUR });
			sandbox().setTiming({ readsToFinish: 1, msToFinish: 50 });
			const workflow = withApprovalTimeout(stack, TIMEOUT_HOURS);
			expect((await run(workflow)).error).toBeUndefined();
			const server = world().threats.find((t) => t.scenario === 'serverCredentialTheft')!;
			const id = stack.edrThreatId(server);
			const ticketNotes = () => notes(world(), stack, id).join('\n');
			expect(ticketNotes()).toMatch(/Requested at \S+ \(n8n host clock\)/);
			// A later run within the timeout leaves the request waiting, whichever way the PSA's clock is off.
			expect((await run(workflow)).error).toBeUndefined();
			expect(ticketNotes()).not.toMatch(/No approval within/);

			// Answered three hours after the request on the host's clock: expired, nothing isolated.
			const late = await run(workflow, {
				startNode: 'Approval Form',
				input: [answer(id, 'Approve containment', 'Dana Reyes', (TIMEOUT_HOURS + 1) * HOUR)],
			});
			expect(late.error).toBeUndefined();
			expect(operations(world(), server.deviceKey, 'isolate')).toEqual([]);
			expect(ticketNotes()).toMatch(/was not acted on: the approval expired after 2 h/);

			// Answered now, within the timeout: honoured and contained.
			const timely = await run(workflow, {
				startNode: 'Approval Form',
				input: [answer(id, 'Approve containment', 'Sam Ortiz')],
			});
			expect(timely.error).toBeUndefined();
			expect(operations(world(), server.deviceKey, 'isolate')).toHaveLength(1);
			expect(ticketNotes()).toMatch(/Containment approved by Sam Ortiz/);
		},
		120000,
	);

	it('a run after the timeout escalates the waiting request once, with the PSA clock ahead of the host', async () => {
		// Ahead: the PSA's own creation time would lie in the host's future and never expire; the host's stamp decides.
		sandbox().reset({ now: Date.now() + SKEW_HOURS * HOUR });
		sandbox().setTiming({ readsToFinish: 1, msToFinish: 50 });
		expect((await run(withApprovalTimeout(DEFAULT_STACK, 24))).error).toBeUndefined();
		const server = world().threats.find((t) => t.scenario === 'serverCredentialTheft')!;
		const id = server.sentinelOneThreatId;
		expect(notes(world(), DEFAULT_STACK, id).join('\n')).not.toMatch(/No approval within/);
		// The same request seen by a run whose timeout has passed (a zero-hour timeout: any age is past it).
		for (let i = 0; i < 2; i++)
			expect((await run(withApprovalTimeout(DEFAULT_STACK, 0))).error).toBeUndefined();
		expect(
			notes(world(), DEFAULT_STACK, id).filter((t) => /No approval within 0 h/.test(t)),
		).toHaveLength(1);
		expect(operations(world(), server.deviceKey, 'isolate')).toEqual([]);
	}, 120000);
});
