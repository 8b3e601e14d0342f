import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { contextFor, PROVIDERS, threatIdIn } from './setup';

/**
 * Mitigation · Run with Skip If Already Mitigated: a threat the EDR shows mitigated gets no request and comes back as
 * succeeded with alreadyMitigated; one that is not mitigated is mitigated as without the option.
 */
describe.each(PROVIDERS)('MSP EDR mitigation on $label: Skip If Already Mitigated', ({ name }) => {
	let sandbox: Sandbox;
	const node = new MspEdr();
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 50 });
	});

	async function mitigate(threatId: string) {
		const { ctx, requests } = contextFor(sandbox, {
			parameters: {
				provider: name,
				resource: 'mitigation',
				operation: 'run',
				threatId,
				mitigationAction: name === 'microsoftDefender' ? 'stopAndQuarantineFile' : 'quarantine',
				comment: 'Quarantined by n8n',
				skipIfMitigated: true,
				waitForCompletion: true,
				options: { pollInterval: 0, waitTimeout: 30 },
			},
		});
		const [output] = await node.execute.call(ctx);
		// Vendor actions only: a token request is not an action.
		const sent = requests.filter(
			(r) => r.method === 'POST' && !/oauth2\/|\/token/.test(r.url),
		).length;
		return { json: output.map((o) => o.json), sent };
	}

	it('mitigates a threat that is not mitigated, then sends nothing for it again', async () => {
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const id = threatIdIn(name, ransomware);
		const first = await mitigate(id);
		expect(first.json).toEqual([expect.objectContaining({ status: 'succeeded' })]);
		expect(first.json[0].alreadyMitigated).toBeUndefined();
		expect(first.sent).toBeGreaterThan(0);

		const again = await mitigate(id);
		expect(again.json).toEqual([
			expect.objectContaining({ threatId: id, status: 'succeeded', alreadyMitigated: true }),
		]);
		expect(again.sent).toBe(0);
		const actions = sandbox
			.world()
			.operations.filter((o) => o.kind === 'mitigation' && o.deviceKey === ransomware.deviceKey);
		expect(actions).toHaveLength(1);
	});
});
