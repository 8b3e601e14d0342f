import { externalXRefOf } from '../../nodes/MspPsa/providers/connectwise/mappers';

import type { WorkflowJson } from './harness';
import {
	assertThreatEndState,
	CROWDSTRIKE_STACK,
	deviceByHost,
	HUNTRESS_STACK,
	loadTemplate,
	onStack,
	runThreatUntilSettled,
	type Stack,
} from './templates.expectations';
import { templateSandbox } from './templates.sandbox';

/**
 * The threat template on the newest EDRs, ConnectWise PSA, NinjaOne and Hudu staying: only the EDR provider and
 * credential change, on MSP EDR and the MSP EDR Trigger.
 */
const onEdr = (stack: Stack) =>
	onStack(loadTemplate('threat-response'), stack) as unknown as WorkflowJson;

const ransomwareOf = (world: ReturnType<ReturnType<typeof templateSandbox>['world']>) =>
	world.threats.find((t) => t.scenario === 'ransomware')!;

describe('threat response template on Huntress (in-process)', () => {
	const { world: currentWorld, run } = templateSandbox();

	it('quarantines by approving the remediation Huntress proposes, resolves the report without a verdict or comment, and a rerun duplicates nothing', async () => {
		const result = await run(onEdr(HUNTRESS_STACK));
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		// Huntress incident reports carry no confidence label: rules send the server's credential theft to Investigate.
		expect(
			result
				.outputOf('MSP AI Triage', 2)
				.map((a) => a.hostname)
				.sort(),
		).toEqual(['HLL-WS01', 'NWL-SRV01', 'NWL-WS05']);
		expect(result.outputOf('Mitigate Threat')).toEqual([
			expect.objectContaining({ action: 'quarantine', status: 'succeeded' }),
		]);
		// Huntress has no analyst verdict and no comment API: the report is resolved and the output says what was left out.
		expect(result.outputOf('Resolve in EDR')).toEqual([
			expect.objectContaining({
				status: 'resolved',
				notRecorded: [
					expect.stringMatching(/^verdict truePositive/),
					expect.stringMatching(/^comment/),
				],
			}),
		]);
		const world = currentWorld();
		assertThreatEndState(world, { stack: HUNTRESS_STACK });
		// The approval is Huntress's own record of who approved the remediation.
		const decisions = (
			world.vendors.huntress as { decisions: Record<string, { decision: string }> }
		).decisions;
		expect(decisions).toEqual({
			[ransomwareOf(world).key]: expect.objectContaining({ decision: 'approved' }),
		});

		const again = await run(onEdr(HUNTRESS_STACK));
		expect(again.error).toBeUndefined();
		assertThreatEndState(currentWorld(), { stack: HUNTRESS_STACK });
	}, 300000);
});

describe('threat response template on CrowdStrike Falcon (in-process)', () => {
	const { world: currentWorld, run, sandbox } = templateSandbox();

	it('isolates and cleans the ransomware host but, with no Falcon mitigation, keeps it isolated and escalates; the server waits for approval; a rerun duplicates nothing', async () => {
		const result = await run(onEdr(CROWDSTRIKE_STACK));
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		// Falcon's confidence 100 reads as malicious: the server's credential theft needs approval, nothing contains it.
		expect(result.outputOf('MSP AI Triage', 1).map((a) => a.hostname)).toEqual(['NWL-SRV01']);
		expect(deviceByHost(currentWorld(), 'NWL-SRV01').containment).toBe('released');
		expect(result.outputOf('Mitigate Threat')).toEqual([
			expect.objectContaining({ error: 'CrowdStrike Falcon offers no mitigation here' }),
		]);
		expect(result.outputOf('Release Isolation')).toEqual([]);
		assertThreatEndState(currentWorld(), { stack: CROWDSTRIKE_STACK });
		// `edr-threat:` and a 97-character composite alert id do not fit ConnectWise's 100-character externalXRef: the
		// ticket is found again by the reference's stored form.
		const refs = CROWDSTRIKE_STACK.tickets(currentWorld())
			.map((t) => t.ref)
			.filter((ref) => ref.startsWith('edr-threat:'));
		expect(refs.map((ref) => ref.length <= 100)).toEqual([true, true, true, true]);

		const again = await run(onEdr(CROWDSTRIKE_STACK));
		expect(again.error).toBeUndefined();
		assertThreatEndState(currentWorld(), { stack: CROWDSTRIKE_STACK });
		expect(
			sandbox()
				.requests.query({ vendor: 'crowdstrike' })
				.map((r) => r.path),
		).not.toContain(expect.stringMatching(/real-time-response/));
	}, 300000);

	it('an alert Falcon prevented (file quarantined by its policy) counts as mitigated: cleaned, released, the alert closed with a comment', async () => {
		// Falcon's prevention policy quarantined the ransomware before the template ran.
		const ransomware = ransomwareOf(currentWorld());
		ransomware.mitigationStatus = 'mitigated';
		const result = await run(onEdr(CROWDSTRIKE_STACK));
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Mitigate Threat')).toEqual([
			expect.objectContaining({ status: 'succeeded', alreadyMitigated: true }),
		]);
		const world = currentWorld();
		const ops = (kind: string) =>
			world.operations.filter((o) => o.kind === kind && o.deviceKey === ransomware.deviceKey);
		expect([ops('isolate').length, ops('script').length, ops('release').length]).toEqual([1, 1, 1]);
		expect(deviceByHost(world, 'BSD-WS02').containment).toBe('released');
		const threat = ransomwareOf(world);
		expect(threat.status).toBe('resolved');
		expect(threat.notes.map((n) => n.text)).toEqual([
			expect.stringMatching(/^Contained and cleaned by n8n, ticket /),
		]);
		const reference = externalXRefOf(`edr-threat:${CROWDSTRIKE_STACK.edrThreatId(threat, world)}`);
		expect(CROWDSTRIKE_STACK.tickets(world).filter((t) => t.ref === reference)).toEqual([
			expect.objectContaining({ closed: true }),
		]);
	}, 300000);
});

/** One request in ten failing (5xx, reset or timeout, before or after the vendor acted): the same end state. */
describe.each([HUNTRESS_STACK, CROWDSTRIKE_STACK])(
	'threat response template on $label under the flaky fault profile',
	(stack) => {
		const { world, run, faultsStruck } = templateSandbox({
			profile: 'flaky',
			rate: 0.1,
			timeoutMs: 300,
		});

		it('reaches the clean run end state, nothing lost, nothing duplicated', async () => {
			await runThreatUntilSettled(async () => await run(onEdr(stack)), world, {
				stack,
				minRuns: 2,
			});
			expect(faultsStruck(stack.vendors)).toBeGreaterThan(0);
		}, 300000);
	},
);

/**
 * Under `chaos` (one request in ten hit by a 5xx, a reset, a timeout, a truncated body or a slow answer, before or
 * after the vendor acted, plus every vendor's rate limit on a shortened window), as on SentinelOne and Defender: a run
 * and a rerun (a third when a step failed on every attempt again) reach the clean run's end state, nothing duplicated.
 * Three seeds on Huntress as well: at its 60 requests a minute a run and its rerun take about a minute per seed.
 */
describe.each(
	[1, 2, 3].flatMap((seed) =>
		[HUNTRESS_STACK, CROWDSTRIKE_STACK].map((stack) => ({ stack, seed })),
	),
)('threat response template under chaos on $stack.label, fault seed $seed', ({ stack, seed }) => {
	const { world, run, faultsStruck } = templateSandbox(
		{ profile: 'chaos', rate: 0.1, timeoutMs: 300, slowMs: 100, throttleWindowScale: 0.02 },
		seed,
	);

	it('converges after a rerun', async () => {
		await runThreatUntilSettled(async () => await run(onEdr(stack)), world, {
			stack,
			minRuns: 2,
		});
		// The faults struck this stack's own vendors, not only Hudu or a login.
		expect(faultsStruck(stack.vendors)).toBeGreaterThan(0);
	}, 300000);
});
