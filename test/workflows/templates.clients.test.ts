import type { World } from '../../sandbox';

import type { WorkflowJson } from './harness';
import {
	assertPatchEndState,
	assertThreatEndState,
	CROWDSTRIKE_STACK,
	DEFAULT_STACK,
	devicesNeedingPatches,
	KASEYA_STACK,
	loadTemplate,
	onStack,
	publishedOnce,
	type Stack,
	threatTickets,
	ticketsByRef,
} from './templates.expectations';
import { templateSandbox } from './templates.sandbox';

/**
 * The templates when a client cannot be matched to exactly one PSA company: names that drift between products, a
 * Falcon CID nobody mapped, two PSA companies with one name. Such a threat or device is never dropped in silence and
 * never ticketed at a guessed company: the others are handled, the reports are published, then the run ends in an
 * error that names what was left and what to map.
 */
const { world, run, sandbox } = templateSandbox();

const template = (
	stack: Stack = DEFAULT_STACK,
	clientMap?: Record<string, unknown>,
	name: 'threat-response' | 'patch-remediation' = 'threat-response',
) => {
	const workflow = onStack(loadTemplate(name), { ...stack, clientMap: undefined });
	const map = workflow.nodes
		.find((n) => n.name === 'Configuration')!
		.parameters.assignments.assignments.find((a: { name: string }) => a.name === 'clientMap');
	map.value = JSON.stringify({ ...stack.clientMap, ...clientMap });
	return workflow as unknown as WorkflowJson;
};

/** A world whose clients show other names in some products (see the sandbox's tenant variations). */
function renamed(
	clientNames: Record<string, { psa?: string; rmm?: string; documentation?: string }>,
) {
	sandbox().reset({ variations: { clientNames } });
	sandbox().setTiming({ readsToFinish: 1, msToFinish: 50 });
}

const threatOn = (w: World, scenario: string) => w.threats.find((t) => t.scenario === scenario)!;
const operationsOn = (w: World, deviceKey: string) =>
	w.operations.filter((o) => o.deviceKey === deviceKey);

describe('threat response template: a client without exactly one PSA company', () => {
	it('a PSA company named differently: the ransomware is named in the run error, the other clients are handled and reported, and mapping the name lets a rerun contain it', async () => {
		renamed({ BSD: { psa: 'Bright Smile Dental PLLC' } });
		const result = await run(template());
		expect(result.status).toBe('error');
		const ransomware = threatOn(world(), 'ransomware');
		expect(result.error?.message).toMatch(/^1 threat\(s\) have no PSA company/);
		expect(result.error?.message).toContain(
			`Threat ${ransomware.sentinelOneThreatId} (Ransomware) on BSD-WS02`,
		);
		expect(result.error?.message).toContain('no PSA company is named "Bright Smile Dental"');
		let w = world();
		// Nothing was done at a guessed company, and nothing on the device without a ticket to record it.
		expect(threatTickets(w, DEFAULT_STACK, ransomware.sentinelOneThreatId)).toEqual([]);
		expect(operationsOn(w, ransomware.deviceKey)).toEqual([]);
		// The threats of the other clients went their usual way, and their reports were published.
		const server = threatOn(w, 'serverCredentialTheft');
		expect(threatTickets(w, DEFAULT_STACK, server.sentinelOneThreatId)).toHaveLength(1);
		expect(
			publishedOnce(w, 'Security incidents', 'Security incidents').length,
		).toBeGreaterThanOrEqual(2);

		const mapped = await run(
			template(DEFAULT_STACK, {
				'Bright Smile Dental': { psaCompany: 'Bright Smile Dental PLLC' },
			}),
		);
		expect(mapped.error).toBeUndefined();
		w = world();
		assertThreatEndState(w, { stack: DEFAULT_STACK });
	}, 300000);

	it('two PSA companies with the same name: no ticket at either, the error lists both', async () => {
		renamed({ NWL: { psa: 'Bright Smile Dental' } });
		const result = await run(template());
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/matches 2 companies: Bright Smile Dental \(ID \d+\)/);
		const w = world();
		const ransomware = threatOn(w, 'ransomware');
		expect(threatTickets(w, DEFAULT_STACK, ransomware.sentinelOneThreatId)).toEqual([]);
		expect(operationsOn(w, ransomware.deviceKey)).toEqual([]);
	}, 300000);

	it('on CrowdStrike Falcon with no CID mapped and the hostname at two clients: the threat is named, the twin never touched', async () => {
		const twin = sandbox().addDevice({ hostname: 'BSD-WS02', client: 'HLL' });
		const result = await run(template({ ...CROWDSTRIKE_STACK, clientMap: undefined }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/on BSD-WS02, EDR client [0-9a-f]{32}: /);
		expect(result.error?.message).toMatch(/RMM device not picked: NinjaOne has 2 devices/);
		const w = world();
		expect(operationsOn(w, twin.device.key)).toEqual([]);
		expect(operationsOn(w, threatOn(w, 'ransomware').deviceKey)).toEqual([]);
		// A unique hostname still finds its client through the RMM: the server threat is ticketed.
		const server = threatOn(w, 'serverCredentialTheft');
		expect(
			threatTickets(w, CROWDSTRIKE_STACK, CROWDSTRIKE_STACK.edrThreatId(server, w)),
		).toHaveLength(1);
	}, 300000);
});

describe('patch remediation template: a client without exactly one PSA company', () => {
	it('a PSA company named differently: its devices are named in the run error, untouched; the other clients are remediated and reported; mapping the name lets a rerun finish', async () => {
		renamed({ BSD: { psa: 'Bright Smile Dental PLLC' } });
		const seeded = JSON.parse(JSON.stringify(world())) as World;
		const bsd = seeded.devices.map((d) => d.hostname).filter((host) => host.startsWith('BSD-'));
		const needing = devicesNeedingPatches(seeded);
		const left = needing.filter((host) => bsd.includes(host));
		expect(left.length).toBeGreaterThan(0);
		expect(needing.length).toBeGreaterThan(left.length);

		const result = await run(template(DEFAULT_STACK, undefined, 'patch-remediation'));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			new RegExp(
				`^${left.length} device\\(s\\) have no PSA company and were neither ticketed nor patched`,
			),
		);
		for (const host of left) expect(result.error?.message).toContain(`Device ${host} (RMM id `);
		expect(result.error?.message).toContain('no PSA company is named "Bright Smile Dental"');
		let w = world();
		const leftKeys = w.devices.filter((d) => left.includes(d.hostname)).map((d) => d.key);
		expect(w.operations.filter((o) => leftKeys.includes(o.deviceKey))).toEqual([]);
		expect(ticketsByRef(w, 'patch:')).toHaveLength(needing.length - left.length);

		const mapped = await run(
			template(
				DEFAULT_STACK,
				{ 'Bright Smile Dental': { psaCompany: 'Bright Smile Dental PLLC' } },
				'patch-remediation',
			),
		);
		expect(mapped.error).toBeUndefined();
		w = world();
		assertPatchEndState(seeded, w);
	}, 300000);
});

describe('both templates: a client named differently in the documentation platform', () => {
	const published = (w: World, stack: Stack, prefix: string) =>
		publishedOnce(w, prefix, prefix, stack).find((p) => p.client === 'Bright Smile Dental')!;

	it.each([
		['Hudu', DEFAULT_STACK],
		['IT Glue', KASEYA_STACK],
	] as const)(
		'on %s: the report is published to the company docsCompany names, once, however often the run is repeated',
		async (_label, stack) => {
			renamed({ BSD: { documentation: 'Bright Smile Dental (BSD)' } });
			const map = { 'Bright Smile Dental': { docsCompany: 'Bright Smile Dental (BSD)' } };
			const threat = await run(template(stack, map));
			expect(threat.error).toBeUndefined();
			const patch = await run(template(stack, map, 'patch-remediation'));
			expect(patch.error).toBeUndefined();
			const again = await run(template(stack, map, 'patch-remediation'));
			expect(again.error).toBeUndefined();
			const w = world();
			expect(published(w, stack, 'Security incidents')).toMatchObject({ articles: 1 });
			expect(published(w, stack, 'Patch compliance')).toMatchObject({ articles: 1 });
		},
		600000,
	);

	it.each(['patch-remediation', 'threat-response'] as const)(
		'%s unmapped: the other clients are reported, then the run ends in an error naming the client and docsCompany',
		async (name) => {
			renamed({ BSD: { documentation: 'Bright Smile Dental (BSD)' } });
			const result = await run(template(DEFAULT_STACK, undefined, name));
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(
				/^1 client report\(s\) were not published:\n- Report "/,
			);
			expect(result.error?.message).toContain(
				'for client Bright Smile Dental: Hudu has no company named "Bright Smile Dental"',
			);
			expect(result.error?.message).toContain('clientMap (docsCompany)');
			const w = world();
			const prefix = name === 'patch-remediation' ? 'Patch compliance' : 'Security incidents';
			expect(publishedOnce(w, prefix, prefix)).toEqual([
				{ client: 'Bright Smile Dental', articles: 0, tiles: 0 },
				{ client: 'Northwind Logistics', articles: 1, tiles: 1 },
				{ client: 'Harper & Lowe LLP', articles: 1, tiles: 1 },
			]);
		},
		300000,
	);
});
