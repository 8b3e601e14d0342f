import { startSandbox, type Sandbox } from '../../sandbox';
import {
	assertThreatEndState,
	CROWDSTRIKE_STACK,
	HUNTRESS_STACK,
	loadTemplate,
	onStack,
	runThreatUntilSettled,
	type Stack,
} from '../workflows/templates.expectations';

import { n8nWithPackage, type N8nInstance } from './helpers/n8n';

/**
 * The threat template in a real n8n 2.41 on the other EDRs: the shipped workflow with only the EDR provider and
 * credential switched (MSP EDR and its trigger), imported and run through `n8n execute` as a builder would after
 * choosing Huntress or CrowdStrike Falcon in the editor. Clean, rerun, and under the flaky profile.
 */
const STACKS: Stack[] = [HUNTRESS_STACK, CROWDSTRIKE_STACK];

describe('threat response template on other stacks in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	const ids = new Map<Stack, string>();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		n8n = await n8nWithPackage();
		await n8n.importCredentials(sandbox.n8nCredentials() as never);
		for (const stack of STACKS)
			ids.set(stack, await n8n.importWorkflow(onStack(loadTemplate('threat-response'), stack)));
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
	const execute = async (stack: Stack) => {
		const result = await n8n.execute(ids.get(stack)!, {
			env: { WEBHOOK_URL: 'http://127.0.0.1:5678/' },
		});
		if (!['success', 'waiting'].includes(String(result.status)))
			throw new Error(
				`${stack.label}: ${result.status}\n${JSON.stringify(result.error)}\n${result.stderr.slice(-3000)}`,
			);
		return result;
	};

	describe.each(STACKS)('$label', (stack) => {
		it('reaches the end state of the default stack as far as the EDR allows, and a rerun duplicates nothing', async () => {
			await execute(stack);
			assertThreatEndState(sandbox.world(), { stack });
			await execute(stack);
			assertThreatEndState(sandbox.world(), { stack });
		});

		it('under the flaky fault profile: the same end state, nothing lost, nothing duplicated', async () => {
			sandbox.setFaults({ profile: 'flaky', rate: 0.1 });
			await runThreatUntilSettled(
				async () => {
					await execute(stack);
					return {};
				},
				() => sandbox.world(),
				{ stack, minRuns: 2 },
			);
			expect(
				sandbox.requests.query({}).filter((r) => r.fault && stack.vendors.includes(r.vendor)),
			).not.toHaveLength(0);
		});
	});
});
