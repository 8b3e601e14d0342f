import { startSandbox, type Sandbox, type World } from '../../sandbox';
import {
	assertPatchEndState,
	assertThreatEndState,
	CROWDSTRIKE_STACK,
	HUNTRESS_STACK,
	KASEYA_STACK,
	loadTemplate,
	onStack,
	runPatchUntilSettled,
	runThreatUntilSettled,
	type Stack,
} from '../workflows/templates.expectations';

import { n8nWithPackage, type N8nInstance } from './helpers/n8n';

/**
 * The shipped templates in a real n8n 2.41 on other stacks: each workflow with only providers and credentials switched
 * (as a builder does in the editor), imported and run through `n8n execute`. Threat response on Huntress, CrowdStrike
 * Falcon and the Kaseya stack (Autotask PSA, Datto RMM, IT Glue); patch remediation on the Kaseya stack. Clean, rerun,
 * and under the flaky profile.
 */
const THREAT_STACKS: Stack[] = [HUNTRESS_STACK, CROWDSTRIKE_STACK, KASEYA_STACK];
const PATCH_STACKS: Stack[] = [KASEYA_STACK];

describe('shipped templates on other stacks in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	const ids = new Map<string, string>();
	const key = (template: string, stack: Stack) => `${template}:${stack.label}`;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		n8n = await n8nWithPackage();
		await n8n.importCredentials(sandbox.n8nCredentials() as never);
		for (const stack of THREAT_STACKS)
			ids.set(
				key('threat', stack),
				await n8n.importWorkflow(onStack(loadTemplate('threat-response'), stack)),
			);
		for (const stack of PATCH_STACKS)
			ids.set(
				key('patch', stack),
				await n8n.importWorkflow(onStack(loadTemplate('patch-remediation'), stack)),
			);
	});
	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 200 });
		sandbox.setFaults({ profile: 'none' });
	});

	/** Approval links are built from the instance address; nothing here follows them. */
	const execute = async (template: 'threat' | 'patch', stack: Stack) => {
		await n8n.executeToEnd(ids.get(key(template, stack))!, `${template} on ${stack.label}`, {
			env: { WEBHOOK_URL: 'http://127.0.0.1:5678/' },
		});
		return {};
	};
	const faultsStruck = (stack: Stack) =>
		sandbox.requests.query({}).filter((r) => r.fault && stack.vendors.includes(r.vendor)).length;

	describe.each(THREAT_STACKS)('threat response on $label', (stack) => {
		it('reaches the end state of the default stack as far as the EDR allows, and a rerun duplicates nothing', async () => {
			await execute('threat', stack);
			assertThreatEndState(sandbox.world(), { stack });
			await execute('threat', stack);
			assertThreatEndState(sandbox.world(), { stack });
		});

		it('under the flaky fault profile: the same end state, nothing lost, nothing duplicated', async () => {
			sandbox.setFaults({ profile: 'flaky', rate: 0.1 });
			await runThreatUntilSettled(
				async () => await execute('threat', stack),
				() => sandbox.world(),
				{ stack, minRuns: 2 },
			);
			expect(faultsStruck(stack)).toBeGreaterThan(0);
		});
	});

	describe.each(PATCH_STACKS)('patch remediation on $label', (stack) => {
		it('reaches the end state of the default stack, and a rerun duplicates nothing', async () => {
			const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
			await execute('patch', stack);
			assertPatchEndState(seeded, sandbox.world(), { stack });
			await execute('patch', stack);
			assertPatchEndState(seeded, sandbox.world(), { stack, rerun: true });
		});

		it('under the flaky fault profile: the same end state, nothing lost, nothing duplicated', async () => {
			const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
			sandbox.setFaults({ profile: 'flaky', rate: 0.1 });
			await runPatchUntilSettled(
				async () => await execute('patch', stack),
				seeded,
				() => sandbox.world(),
				{ stack, minRuns: 2 },
			);
			expect(faultsStruck(stack)).toBeGreaterThan(0);
		});
	});
});
