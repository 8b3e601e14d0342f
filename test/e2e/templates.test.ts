import { startSandbox, type Sandbox, type World } from '../../sandbox';
import type { OpenAiSlice } from '../../sandbox/vendors/openai';
import {
	deviceByHost,
	devicesNeedingPatches,
	loadTemplate,
	notesOf,
	publishedOnce,
	runPatchUntilSettled,
	runThreatUntilSettled,
	ticketsByRef,
	withChatModel,
} from '../workflows/templates.expectations';

import { n8nWithPackage, type N8nInstance, type StartedN8n } from './helpers/n8n';

/**
 * The shipped templates in a real n8n 2.41 with this package installed from npm pack: sandbox
 * credentials imported by name, workflows imported from workflows/ as they are, executed through
 * their Manual trigger with `n8n execute`; a running `n8n start` serves the approval form's address.
 */
describe('shipped templates in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let server: StartedN8n;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		n8n = await n8nWithPackage();
		await n8n.importCredentials(sandbox.n8nCredentials() as never);
		server = await n8n.start();
		ids.patch = await n8n.importWorkflow(loadTemplate('patch-remediation'));
		ids.threat = await n8n.importWorkflow(loadTemplate('threat-response'));
		ids.threatModel = await n8n.importWorkflow(withChatModel(loadTemplate('threat-response')));
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

	/** The approval form's link (built from the instance address) must point at the running server. */
	const execute = async (id: string) =>
		await n8n.executeToEnd(id, `run ${id}`, { env: { WEBHOOK_URL: `${server.baseUrl}/` } });
	const until = async (check: () => boolean, what: string, timeoutMs = 120000) => {
		const end = Date.now() + timeoutMs;
		while (!check()) {
			if (Date.now() > end)
				throw new Error(`timed out waiting for ${what}\n${server.logs().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 500));
		}
	};

	function assertPatchOutcome(seeded: World) {
		const world = sandbox.world();
		const tickets = ticketsByRef(world, 'patch:');
		expect(tickets).toHaveLength(devicesNeedingPatches(seeded).length);
		for (const ticket of tickets) {
			const device = world.devices.find((d) =>
				ticket.externalXRef?.startsWith(`patch:${d.ids.ninjaDeviceId}:`),
			)!;
			const open = world.patches.filter(
				(p) =>
					p.deviceKey === device.key &&
					['critical', 'high'].includes(p.severity) &&
					p.status !== 'installed',
			);
			if (ticket.closedFlag) expect(open).toEqual([]);
			else expect(ticket.priorityId).toBe(1);
		}
		for (const host of ['NWL-WS03', 'HLL-SRV01']) {
			const ticket = tickets.find((t) =>
				t.externalXRef?.startsWith(`patch:${deviceByHost(world, host).ids.ninjaDeviceId}:`),
			)!;
			expect(ticket).toMatchObject({ closedFlag: false, priorityId: 1 });
		}
		expect(
			publishedOnce(world, 'Patch compliance', 'Patch compliance').map((p) => [
				p.articles,
				p.tiles,
			]),
		).toEqual([
			[1, 1],
			[1, 1],
			[1, 1],
		]);
		return tickets;
	}

	const threatTickets = (world: World, scenario: string) =>
		ticketsByRef(
			world,
			`edr-threat:${world.threats.find((t) => t.scenario === scenario)!.sentinelOneThreatId}`,
		);

	function assertContained() {
		const world = sandbox.world();
		const ransomware = world.threats.find((t) => t.scenario === 'ransomware')!;
		expect(ransomware.mitigationStatus).toBe('mitigated');
		expect(deviceByHost(world, 'BSD-WS02').containment).toBe('released');
		expect(
			world.operations.filter((o) => o.kind === 'isolate' && o.deviceKey === ransomware.deviceKey),
		).toHaveLength(1);
		expect(threatTickets(world, 'ransomware')).toEqual([
			expect.objectContaining({ closedFlag: true }),
		]);
		expect(threatTickets(world, 'serverCredentialTheft')).toEqual([
			expect.objectContaining({ closedFlag: false }),
		]);
	}

	it('patch remediation: patched or escalated, one report per client; a rerun duplicates nothing', async () => {
		const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
		await execute(ids.patch);
		const tickets = assertPatchOutcome(seeded);
		expect(tickets.some((t) => t.closedFlag)).toBe(true);
		await execute(ids.patch);
		expect(assertPatchOutcome(seeded)).toHaveLength(tickets.length);
	});

	it('threat response (rules only): contained and closed, the server waits for its own approval, following its link approves nothing, rerun without duplicates', async () => {
		const first = await execute(ids.threat);
		// Approvals are answered through the approval form in executions of their own: nothing waits.
		expect(first.status).toBe('success');
		assertContained();
		let world = sandbox.world();
		for (const scenario of ['pup', 'falsePositiveAdminTool'])
			expect(threatTickets(world, scenario)).toHaveLength(1);
		expect(
			publishedOnce(world, 'Security incidents', 'Security incidents').map((p) => [
				p.articles,
				p.tiles,
			]),
		).toEqual([
			[1, 1],
			[1, 1],
			[1, 1],
		]);

		const server01 = world.threats.find((t) => t.scenario === 'serverCredentialTheft')!;
		const serverTicket = threatTickets(world, 'serverCredentialTheft')[0];
		const link = new RegExp(
			`(${server.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/form/msp-threat-approval\\?threat=${server01.sentinelOneThreatId})\\s`,
		).exec(
			notesOf(world, serverTicket.id)
				.map((n) => `${n.text}\n`)
				.join(''),
		);
		expect(link).not.toBeNull();
		// A link scanner or a preview follows the link: that approves nothing.
		const response = await fetch(link![1]);
		await response.text();
		await new Promise((r) => setTimeout(r, 2000));
		world = sandbox.world();
		expect(world.operations.filter((o) => o.deviceKey === server01.deviceKey)).toEqual([]);
		expect(threatTickets(world, 'serverCredentialTheft')[0].closedFlag).toBe(false);

		await execute(ids.threat);
		world = sandbox.world();
		expect(ticketsByRef(world, 'edr-threat:')).toHaveLength(4);
		expect(world.operations.filter((o) => o.kind === 'isolate')).toHaveLength(1);
		expect(
			publishedOnce(world, 'Security incidents', 'Security incidents').map((p) => [
				p.articles,
				p.tiles,
			]),
		).toEqual([
			[1, 1],
			[1, 1],
			[1, 1],
		]);
	});

	it("threat response with n8n's OpenAI Chat Model on the sandbox: the admin tool false positive is dismissed", async () => {
		const result = await execute(ids.threatModel);
		expect(result.status).toBe('success');
		assertContained();
		const world = sandbox.world();
		const admin = world.threats.find((t) => t.scenario === 'falsePositiveAdminTool')!;
		expect(admin.verdict).toBe('falsePositive');
		expect(threatTickets(world, 'falsePositiveAdminTool')).toHaveLength(0);
		expect((world.vendors.openai as OpenAiSlice).calls).toBeGreaterThan(0);
	});

	it('under the flaky fault profile both templates reach the same end state as a clean run: nothing lost, nothing duplicated', async () => {
		const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
		sandbox.setFaults({ profile: 'flaky', rate: 0.1 });
		// A run and a rerun (a third when a request still failed on every attempt for a device, which escalates that
		// device naming the step): the clean end state, and reruns under the same faults change nothing that was done.
		await runPatchUntilSettled(
			async () => {
				await execute(ids.patch);
				return {};
			},
			seeded,
			() => sandbox.world(),
			{ minRuns: 2 },
		);
		await runThreatUntilSettled(
			async () => {
				await execute(ids.threat);
				return {};
			},
			() => sandbox.world(),
			{ minRuns: 2 },
		);
		const refs = ticketsByRef(sandbox.world(), '').map((t) => t.externalXRef);
		expect(new Set(refs).size).toBe(refs.length);
	});
});
