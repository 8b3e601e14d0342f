import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type WorkflowJson } from './harness';

const PSA = 'n8n-nodes-msp-orchestration.mspPsa';

const PROVIDERS = [
	{
		provider: 'connectwise',
		vendor: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		company: (s: Sandbox) => s.world().clients[1].ids.connectwiseCompanyId,
	},
	{
		provider: 'halo',
		vendor: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		company: (s: Sandbox) => s.world().clients[1].ids.haloClientId,
	},
];

/** Alert in -> find or create the ticket -> internal note -> close with resolution. */
function workflow(provider: string, companyId: number): WorkflowJson {
	const psa = (id: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id,
		name,
		type: PSA,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: { provider, ...parameters },
	});
	return {
		name: 'Alert to ticket',
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
				operation: 'findOrCreate',
				company: { __rl: true, mode: 'id', value: String(companyId) },
				summary: '={{ "Alert: " + $json.title }}',
				externalReference: '={{ $json.alertId }}',
				additionalFields: {},
			}),
			psa('3', 'Note', 440, {
				resource: 'ticket',
				operation: 'addNote',
				ticketId: '={{ $json.id }}',
				text: 'Contained by the EDR',
				visibility: 'internal',
				resolution: false,
			}),
			psa('4', 'Close', 660, {
				resource: 'ticket',
				operation: 'close',
				ticketId: "={{ $('Ticket').item.json.id }}",
				resolution: 'Threat removed and device verified',
			}),
		],
		connections: {
			Start: { main: [[{ node: 'Ticket', type: 'main', index: 0 }]] },
			Ticket: { main: [[{ node: 'Note', type: 'main', index: 0 }]] },
			Note: { main: [[{ node: 'Close', type: 'main', index: 0 }]] },
		},
	};
}

describe.each(PROVIDERS)(
	'workflow: alert to PSA ticket ($provider)',
	({ provider, vendor, credentialType, company }) => {
		let sandbox: Sandbox;
		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0 });
		});
		afterAll(async () => sandbox.stop());

		it('a rerun of the note step with a Note Key adds each event note once', async () => {
			const credentials = {
				[credentialType]: {
					...sandbox.vendorCredentials().find((v) => v.id === vendor)!.credentials,
				},
			};
			const flow = workflow(provider, company(sandbox));
			// The note is keyed by the alert: a rerun after a later failure finds it instead of adding it again.
			const note = flow.nodes.find((n) => n.name === 'Note')!;
			note.parameters = {
				...note.parameters,
				ticketId: '={{ $json.id }}',
				text: '={{ "Contained by the EDR: " + $("Start").item.json.title }}',
				options: { noteKey: '={{ "timeline:" + $("Start").item.json.alertId }}' },
			};
			const noClose = {
				...flow,
				nodes: flow.nodes.filter((n) => n.name !== 'Close'),
				connections: {
					Start: flow.connections.Start,
					Ticket: flow.connections.Ticket,
				},
			};
			const input = [
				{ alertId: 'edr-alert-10', title: 'Ransomware behaviour on NWL-WS02' },
				{ alertId: 'edr-alert-11', title: 'Credential theft on NWL-SRV01' },
			];
			const first = await runWorkflow(noClose, { credentials, input });
			const second = await runWorkflow(noClose, { credentials, input });
			expect(first.error).toBeUndefined();
			expect(second.error).toBeUndefined();
			expect(first.outputOf('Note').map((n) => n.added)).toEqual([true, true]);
			expect(second.outputOf('Note').map((n) => [n.id, n.added])).toEqual(
				first.outputOf('Note').map((n) => [n.id, false]),
			);
			const world = sandbox.world() as unknown as {
				vendors: Record<
					string,
					{ notes?: Array<{ text: string }>; actions?: Array<{ note: string }> }
				>;
			};
			const texts = (
				world.vendors[vendor].notes?.map((n) => n.text) ??
				world.vendors[vendor].actions?.map((a) => a.note) ??
				[]
			).filter((t) => t.includes('[n8n:timeline:edr-alert-1'));
			expect(texts.sort()).toEqual([
				'Contained by the EDR: Credential theft on NWL-SRV01\n[n8n:timeline:edr-alert-11]',
				'Contained by the EDR: Ransomware behaviour on NWL-WS02\n[n8n:timeline:edr-alert-10]',
			]);
		});

		it('opens one ticket per alert, notes and closes it, and a rerun reuses an open ticket', async () => {
			const credentials = {
				[credentialType]: {
					...sandbox.vendorCredentials().find((v) => v.id === vendor)!.credentials,
				},
			};
			const input = [
				{ alertId: 'edr-alert-1', title: 'Ransomware behaviour on NWL-WS02' },
				{ alertId: 'edr-alert-2', title: 'Credential theft on NWL-SRV01' },
			];
			const first = await runWorkflow(workflow(provider, company(sandbox)), { credentials, input });
			expect(first.error).toBeUndefined();
			const tickets = first.outputOf('Ticket');
			expect(tickets.map((t) => [t.created, t.externalReference])).toEqual([
				[true, 'edr-alert-1'],
				[true, 'edr-alert-2'],
			]);
			expect(first.outputOf('Note').map((n) => n.internal)).toEqual([true, true]);
			expect(first.outputOf('Close').map((t) => [t.id, t.isClosed])).toEqual(
				tickets.map((t) => [t.id, true]),
			);
			expect(first.itemsOf('Close').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

			// Only the find-or-create step: while the ticket is open, a rerun for the same alert reuses it.
			const ticketOnly = { ...workflow(provider, company(sandbox)), connections: {} };
			const next = [{ alertId: 'edr-alert-3', title: 'PUP on NWL-WS05' }];
			const opened = await runWorkflow(ticketOnly, {
				credentials,
				input: next,
				startNode: 'Ticket',
			});
			const reused = await runWorkflow(ticketOnly, {
				credentials,
				input: next,
				startNode: 'Ticket',
			});
			expect(opened.outputOf('Ticket')[0]).toMatchObject({ created: true });
			expect(reused.outputOf('Ticket')[0]).toMatchObject({
				created: false,
				id: opened.outputOf('Ticket')[0].id,
			});
		});
	},
);
