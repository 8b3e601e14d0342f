import type { World } from '../../sandbox';
import { summaryLines } from '../../scripts/lib/demo-summary';

import type { WorkflowJson } from './harness';
import {
	approvalLink,
	DEFAULT_STACK,
	devicesNeedingPatches,
	KASEYA_STACK,
	loadTemplate,
	onStack,
	patchEscalations,
	type Stack,
} from './templates.expectations';
import { templateSandbox } from './templates.sandbox';

/**
 * The summary `npm run demo` prints, after both templates ran in-process on a stack (rules-only triage): every count,
 * host, ticket and report it names is what that stack's PSA, EDR and documentation platform hold.
 */
describe.each([
	{ stack: DEFAULT_STACK, psa: 'ConnectWise PSA' },
	{ stack: KASEYA_STACK, psa: 'Autotask PSA' },
])('demo summary on $stack.label', ({ stack, psa }: { stack: Stack; psa: string }) => {
	const { world: currentWorld, run } = templateSandbox();

	it('names the tickets, escalations, threat outcomes, approval and reports the stack holds after both runs', async () => {
		const seeded = JSON.parse(JSON.stringify(currentWorld())) as World;
		const onThisStack = (name: 'patch-remediation' | 'threat-response') =>
			(stack === DEFAULT_STACK
				? loadTemplate(name)
				: onStack(loadTemplate(name), stack)) as unknown as WorkflowJson;
		const patch = await run(onThisStack('patch-remediation'));
		expect(patch.error).toBeUndefined();
		const threat = await run(onThisStack('threat-response'));
		expect(threat.error).toBeUndefined();
		const world = currentWorld();
		const lines = summaryLines(world, { patch, threat }, [], '/reports', stack);
		const text = lines.join('\n');

		// Tickets as the stack's PSA holds them.
		const tickets = stack
			.tickets(world)
			.filter((t) => t.ref.startsWith('patch:') || t.ref.startsWith('edr-threat:'));
		const closed = tickets.filter((t) => t.closed).length;
		expect(lines).toContain(
			`Tickets: ${tickets.length} created in ${psa}, ${closed} closed, ${tickets.length - closed} open`,
		);

		// Patching: every device that missed an update counted, each escalation under the reason the run shows.
		const needing = devicesNeedingPatches(seeded);
		const escalated = patchEscalations(seeded);
		expect(lines).toContain(
			`Patching: ${needing.length} devices missed critical or high updates; ${needing.length - escalated.length} patched and verified (ticket closed), ${escalated.length} escalated (ticket left open for a technician):`,
		);
		// A reason's hosts, with the continuation lines a long list wraps onto.
		const reasonLine = (reason: string) => {
			const at = lines.findIndex((l) => l.startsWith(`  ${reason}: `));
			const end = lines.findIndex((l, i) => i > at && !/^ {4,}\S/.test(l));
			return at < 0 ? '' : lines.slice(at, end < 0 ? undefined : end).join(' ');
		};
		expect(reasonLine('install failed')).toMatch(/\bNWL-WS03\b/);
		expect(reasonLine('device offline')).toMatch(/\bHLL-SRV01\b/);
		for (const host of escalated.filter((h) => !['NWL-WS03', 'HLL-SRV01'].includes(h)))
			expect(reasonLine('not approved in the patch policy')).toMatch(new RegExp(`\\b${host}\\b`));
		expect(text).not.toMatch(/^ {2}other: /m);

		// Threats: every threat triaged, the ransomware contained with its ticket closed, the server's waiting.
		const byScenario = (scenario: string) => world.threats.find((t) => t.scenario === scenario)!;
		const ticketOf = (scenario: string) =>
			tickets.find(
				(t) => t.ref === stack.storedRef(`edr-threat:${stack.edrThreatId(byScenario(scenario))}`),
			)!;
		expect(text).toMatch(
			new RegExp(
				`BSD-WS02 +Contain \\(rules\\) +contained: isolated, quarantined, cleaned, released; ticket #${ticketOf('ransomware').id} closed`,
			),
		);
		expect(text).toMatch(
			new RegExp(`awaiting approval, ticket #${ticketOf('serverCredentialTheft').id} open`),
		);
		expect(text).not.toMatch(/not triaged in this run/);
		expect(lines).toContain(
			`  routes: Contain 1, Needs approval 1, Investigate ${world.threats.length - 2}, Dismiss 0`,
		);

		// The approval form link the server ticket's note carries, naming that threat.
		expect(lines).toContain(
			'Approvals pending: 1 (one form per threat; answering one contains only that threat)',
		);
		const approval = lines.findIndex((l) => l.startsWith('Approvals pending'));
		expect(lines[approval + 1]).toMatch(
			new RegExp(
				`^ {2}NWL-SRV01: containment of ".+" \\(ticket #${ticketOf('serverCredentialTheft').id}\\)$`,
			),
		);
		const link = lines[approval + 2];
		expect(link).toMatch(
			approvalLink(stack.edrThreatId(byScenario('serverCredentialTheft'), world)),
		);

		// Per client, what the documentation platform shows: Hudu tiles, or IT Glue's report headlines.
		const clientLines = world.clients.map(
			(client) => lines.find((l) => l.startsWith(`  ${client.name}: `)) ?? '',
		);
		if (stack.report.tileMessages) {
			expect(lines).toContain('Compliance per client (Hudu tiles):');
			for (const line of clientLines)
				expect(line).toMatch(
					/Patch compliance: \d+% compliant .*Security incidents: (\d+ incidents?|No incidents)/,
				);
		} else {
			expect(lines).toContain('Compliance per client (IT Glue reports; IT Glue has no tiles):');
			for (const line of clientLines)
				expect(line).toMatch(
					/: Patch compliance: Device compliance \d+% \| Security incidents: Incidents resolved within SLA (\d+%|n\/a)$/,
				);
		}
	}, 240000);
});
