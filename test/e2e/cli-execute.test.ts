import { N8nInstance, n8nWithPackage } from './helpers/n8n';

/**
 * The CLI path templates take in this tier: import credentials and a workflow, run it headless
 * with `n8n execute --id`, read the run JSON. Uses n8n's base nodes only, so it holds before and
 * independently of this package's nodes.
 */
describe('n8n CLI import and execute', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await n8nWithPackage();
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	const trigger = {
		id: 't',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	it('imports credentials and a workflow, executes it and returns the run data', async () => {
		await n8n.importCredentials([
			{
				id: 'e2eHeaderCred',
				name: 'E2E header',
				type: 'httpHeaderAuth',
				data: { name: 'X-Api-Key', value: 'k' },
			},
		]);
		const id = await n8n.importWorkflow({
			name: 'e2e set',
			nodes: [
				trigger,
				{
					id: 's',
					name: 'Set',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: {
						assignments: {
							assignments: [
								{ id: 'a', name: 'greeting', value: '={{ "hello " + 21 * 2 }}', type: 'string' },
							],
						},
						options: {},
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		const result = await n8n.execute(id);
		if (result.status !== 'success' || result.code !== 0) {
			throw new Error(
				`status ${result.status}, exit code ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		}
		expect(result.outputOf('Set')).toEqual([{ greeting: 'hello 42' }]);
	});

	it('returns the failed run with its error', async () => {
		const id = await n8n.importWorkflow({
			name: 'e2e fail',
			nodes: [
				trigger,
				{
					id: 'f',
					name: 'Fail',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [200, 0],
					parameters: { errorMessage: 'planned failure' },
				},
			],
			connections: { Start: { main: [[{ node: 'Fail', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		const result = await n8n.execute(id);
		expect(result.code).not.toBe(0);
		expect(result.status).toBe('error');
		expect(JSON.stringify(result.error)).toContain('planned failure');
	});
});
