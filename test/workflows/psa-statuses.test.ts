import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type WorkflowJson } from './harness';

const PSA = 'n8n-nodes-msp-orchestration.mspPsa';

/** Create on a board, then Close with the Close Status given as n8n stores a resource locator ({__rl, mode, value}). */
function workflow(
	provider: string,
	companyId: number,
	board: string,
	closeStatus?: { mode: string; value: string },
): WorkflowJson {
	const psa = (id: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id,
		name,
		type: PSA,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { provider, ...parameters },
	});
	return {
		name: 'Close with the tenant status',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			psa('2', 'Ticket', 220, {
				resource: 'ticket',
				operation: 'create',
				company: { __rl: true, mode: 'id', value: String(companyId) },
				summary: '={{ $json.title }}',
				additionalFields: { board: { __rl: true, mode: 'name', value: board } },
			}),
			psa('3', 'Close', 440, {
				resource: 'ticket',
				operation: 'close',
				ticketId: '={{ $json.id }}',
				resolution: 'Resolved by the workflow',
				...(closeStatus ? { closeStatus: { __rl: true, ...closeStatus } } : {}),
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Ticket', type: 'main', index: 0 }]] },
			Ticket: { main: [[{ node: 'Close', type: 'main', index: 0 }]] },
		},
	};
}

describe('workflow: Close with the tenant status', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());

	const credentialsOf = (vendor: string, type: string) => ({
		[type]: { ...sandbox.vendorCredentials().find((v) => v.id === vendor)!.credentials },
	});
	const input = [{ title: 'Printer offline in reception' }];

	it('ConnectWise: the default closed status, or the chosen Close Status', async () => {
		sandbox.reset({
			variations: { connectwiseClosedStatuses: ['>Closed', 'Closed - No Response', 'Cancelled'] },
		});
		const credentials = credentialsOf('connectwise-psa', 'mspConnectWisePsaApi');
		const company = sandbox.world().clients[1].ids.connectwiseCompanyId;
		const plain = await runWorkflow(workflow('connectwise', company, 'Help Desk'), {
			credentials,
			input,
		});
		expect(plain.error).toBeUndefined();
		expect(plain.outputOf('Close')[0]).toMatchObject({ status: '>Closed', isClosed: true });

		const chosen = await runWorkflow(
			workflow('connectwise', company, 'Help Desk', { mode: 'name', value: 'Cancelled' }),
			{ credentials, input },
		);
		expect(chosen.error).toBeUndefined();
		expect(chosen.outputOf('Close')[0]).toMatchObject({ status: 'Cancelled', isClosed: true });
	});

	it('HaloPSA: a tenant that renamed its closed status', async () => {
		sandbox.reset({ variations: { haloClosedStatus: 'Geschlossen' } });
		const credentials = credentialsOf('halopsa', 'mspHaloPsaApi');
		const company = sandbox.world().clients[1].ids.haloClientId;
		const { error, outputOf } = await runWorkflow(workflow('halo', company, 'Service Desk'), {
			credentials,
			input,
		});
		expect(error).toBeUndefined();
		expect(outputOf('Close')[0]).toMatchObject({ status: 'Geschlossen', isClosed: true });
	});
});
