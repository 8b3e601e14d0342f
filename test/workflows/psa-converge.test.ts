import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';

import { runWorkflow, type WorkflowJson } from './harness';

const PSA = 'n8n-nodes-msp-orchestration.mspPsa';

type CwSlice = {
	tickets: Array<{ id: number; externalXRef?: string; closedFlag: boolean }>;
	notes: Array<{ ticketId: number; text: string }>;
};
type HaloSlice = {
	tickets: Array<{ id: number; third_party_id_string: string; status_id: number }>;
	actions: Array<{ ticket_id: number; note: string }>;
	statuses: Array<{ id: number; closed?: boolean }>;
};

/** A ticket as the test reads it from the sandbox's world, with the notes written on it. */
interface Stored {
	id: number;
	reference: string;
	open: boolean;
	notes: string[];
}

const PROVIDERS = [
	{
		provider: 'connectwise',
		vendor: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		company: (s: Sandbox) => s.world().clients[2].ids.connectwiseCompanyId,
		tickets: (s: Sandbox): Stored[] => {
			const cw = s.world().vendors['connectwise-psa'] as CwSlice;
			return cw.tickets.map((t) => ({
				id: t.id,
				reference: t.externalXRef ?? '',
				open: !t.closedFlag,
				notes: cw.notes.filter((n) => n.ticketId === t.id).map((n) => n.text),
			}));
		},
	},
	{
		provider: 'halo',
		vendor: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		company: (s: Sandbox) => s.world().clients[2].ids.haloClientId,
		tickets: (s: Sandbox): Stored[] => {
			const halo = s.world().vendors.halopsa as HaloSlice;
			const closed = new Set(halo.statuses.filter((st) => st.closed).map((st) => st.id));
			return halo.tickets.map((t) => ({
				id: t.id,
				reference: t.third_party_id_string,
				open: !closed.has(t.status_id),
				notes: halo.actions.filter((a) => a.ticket_id === t.id).map((a) => a.note),
			}));
		},
	},
];

/** A schedule tick's worth of work: one Find or Create per device missing the patch. */
function workflow(provider: string, companyId: number): WorkflowJson {
	return {
		name: 'Patch failures to tickets',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'Ticket',
				type: PSA,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					provider,
					resource: 'ticket',
					operation: 'findOrCreate',
					company: { __rl: true, mode: 'id', value: String(companyId) },
					summary: '={{ "Patch " + $json.kb + " failed on " + $json.device }}',
					externalReference: '={{ "patch:" + $json.kb + ":" + $json.device }}',
					additionalFields: {},
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Ticket', type: 'main', index: 0 }]] } },
	};
}

describe.each(PROVIDERS)(
	'workflow: two executions at the same moment ($provider)',
	({ provider, vendor, credentialType, company, tickets }) => {
		let sandbox: Sandbox;
		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0 });
		});
		afterAll(async () => sandbox.stop());

		it('open one ticket per device; the other run closes its duplicates with a note naming the kept ticket', async () => {
			// Two runs each with their own credential copy (own token), as two queue-mode workers have.
			const credentials = () => ({
				[credentialType]: {
					...sandbox.vendorCredentials().find((v) => v.id === vendor)!.credentials,
				},
			});
			// Some devices twice in one run (the same alert delivered twice), all devices in both runs.
			const devices = ['BSD-WS01', 'BSD-WS02', 'BSD-WS03', 'BSD-WS04', 'BSD-WS05'];
			const input: IDataObject[] = [...devices, 'BSD-WS01', 'BSD-WS03'].map((device) => ({
				kb: 'KB5044284',
				device,
			}));
			sandbox.setLatency(15);
			const flow = workflow(provider, company(sandbox));
			const [first, second] = await Promise.all([
				runWorkflow(flow, { credentials: credentials(), input }),
				runWorkflow(flow, { credentials: credentials(), input }),
			]);
			sandbox.setLatency(0);
			expect(first.error).toBeUndefined();
			expect(second.error).toBeUndefined();

			for (const device of devices) {
				const reference = `patch:KB5044284:${device}`;
				const all = tickets(sandbox).filter((t) => t.reference === reference);
				const open = all.filter((t) => t.open);
				expect(open).toHaveLength(1);
				const [kept] = open;
				for (const duplicate of all.filter((t) => !t.open)) {
					expect(duplicate.id).toBeGreaterThan(kept.id);
					expect(duplicate.notes.join('\n')).toContain(`duplicate of ticket #${kept.id}`);
				}
				// Every item of both runs about this device hands on the kept ticket.
				const items = [...first.outputOf('Ticket'), ...second.outputOf('Ticket')].filter(
					(t) => t.externalReference === reference,
				);
				expect(items.map((t) => t.id)).toEqual(items.map(() => String(kept.id)));
			}
			expect(first.itemsOf('Ticket').map((i) => i.pairedItem)).toEqual(
				input.map((_, item) => ({ item })),
			);
		});
	},
);
