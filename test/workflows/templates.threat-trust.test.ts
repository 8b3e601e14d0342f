import type { IDataObject } from 'n8n-workflow';

import type { World } from '../../sandbox';

import type { WorkflowJson } from './harness';
import {
	approvalLink,
	assertThreatEndState,
	DEFAULT_STACK,
	loadTemplate,
	onStack,
	OTHER_STACK,
	publishedOnce,
	type Stack,
	type Template,
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

const tickets = (w: World, stack: Stack, threatId: string) =>
	stack.tickets(w).filter((t) => t.ref === `edr-threat:${threatId}`);
const notes = (w: World, stack: Stack, threatId: string) =>
	tickets(w, stack, threatId).flatMap((t) => stack.notes(w, t.id).map((n) => n.text));
const operations = (w: World, deviceKey: string, kind: string) =>
	w.operations.filter((o) => o.deviceKey === deviceKey && o.kind === kind);

/** What the approval form hands the workflow when someone submits it (n8n Form Trigger, fields by label). */
const answer = (threatId: string, decision: 'Approve containment' | 'Reject', by = 'Dana Reyes') =>
	({
		threat: threatId,
		Decision: decision,
		'Your name': by,
		Reason: decision === 'Reject' ? 'Change freeze on this server' : 'Confirmed with the client',
		submittedAt: new Date().toISOString(),
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
	it('a domain controller goes to approval; approving it contains only it, the other pending threat stays pending', async () => {
		const dc = ransomwareOnDomainController();
		const first = await run(template());
		expect(first.error).toBeUndefined();
		const server = world().threats.find((t) => t.scenario === 'serverCredentialTheft')!;
		const dcId = dc.ids.sentinelOne;
		// Not isolated without approval, whatever its name.
		expect(operations(world(), dc.deviceKey, 'isolate')).toEqual([]);
		for (const id of [dcId, server.sentinelOneThreatId]) {
			const links = notes(world(), DEFAULT_STACK, id).filter((t) => approvalLink(id).test(t));
			expect(links).toHaveLength(1);
		}

		const approved = await run(template(), {
			startNode: 'Approval Form',
			input: [answer(dcId, 'Approve containment')],
		});
		expect(approved.error).toBeUndefined();
		const after = world();
		expect(operations(after, dc.deviceKey, 'isolate')).toHaveLength(1);
		expect(operations(after, dc.deviceKey, 'release')).toHaveLength(1);
		expect(after.threats.find((t) => t.sentinelOneThreatId === dcId)?.mitigationStatus).toBe(
			'mitigated',
		);
		expect(notes(after, DEFAULT_STACK, dcId).join('\n')).toMatch(
			/Containment approved by Dana Reyes at \S+ \(Confirmed with the client\)/,
		);
		expect(tickets(after, DEFAULT_STACK, dcId)).toEqual([
			expect.objectContaining({ closed: true }),
		]);
		// The server's approval is untouched: not isolated, ticket open, no answer recorded.
		expect(operations(after, server.deviceKey, 'isolate')).toEqual([]);
		expect(tickets(after, DEFAULT_STACK, server.sentinelOneThreatId)).toEqual([
			expect.objectContaining({ closed: false }),
		]);
		expect(notes(after, DEFAULT_STACK, server.sentinelOneThreatId).join('\n')).not.toMatch(
			/approved by|rejected by/i,
		);
	}, 120000);

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

/** The template with one step given input it must refuse: the run stops there for that threat. */
function failingAt(step: string): WorkflowJson {
	const broken = JSON.parse(JSON.stringify(loadTemplate('threat-response'))) as Template;
	const node = broken.nodes.find((n) => n.name === step)!;
	const p = node.parameters;
	// An expression that comes out empty: the node refuses it when it runs (a blank value would be refused on import).
	const empty = "={{ '' }}";
	if (p.device) p.device = { ...p.device, value: empty };
	else if (p.threatId !== undefined) p.threatId = empty;
	else if (p.ticketId !== undefined) p.ticketId = empty;
	else throw new Error(`no way to fail ${step}`);
	return broken as unknown as WorkflowJson;
}

describe('threat response template: a rerun after a failure at any step reaches the clean end state', () => {
	it.each([
		'Isolate Endpoint',
		'Mitigate Threat',
		'Run Cleanup Script',
		'Timeline Note',
		'Close Incident Ticket',
		'Release Isolation',
		'Resolve in EDR',
	])(
		'failing at %s: escalated with a note, then converged; nothing isolated twice, one note per event',
		async (step) => {
			const failed = await run(failingAt(step));
			expect(failed.error).toBeUndefined();
			const ransomware = world().threats.find((t) => t.scenario === 'ransomware')!;
			expect(notes(world(), DEFAULT_STACK, ransomware.sentinelOneThreatId).join('\n')).toMatch(
				/Automation stopped at|Containment NOT verified/,
			);
			const rerun = await run(template());
			expect(rerun.error).toBeUndefined();
			assertThreatEndState(world(), { afterFailure: true });
		},
		120000,
	);

	it('with Hudu down the run publishes nothing; the rerun publishes every client, the contained incident included', async () => {
		sandbox().setFaults({ profile: 'flaky', rate: 1, vendors: ['hudu'], timeoutMs: 50 });
		await run(template());
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
