import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { hostClock } from '../../../nodes/MspEdrTrigger/hostClock';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { HUNTRESS_IDS } from '../../../sandbox/vendors/huntress';
import { HOUR, MINUTE, worldNow } from '../../../sandbox/world/clock';
import type { Threat, World } from '../../../sandbox/world/types';
import { addThreat, advanceVendorClock, contextFor } from './setup';

const realHostClock = hostClock.now;
afterAll(() => {
	hostClock.now = realHostClock;
});

/**
 * The trigger's guarantees on Huntress incident reports. Huntress allows 60 requests a minute and
 * the trigger paces to it, so each test gets its own sandbox (its own account budget) and a small estate.
 */
describe('MSP EDR Trigger: Huntress', () => {
	let sandbox: Sandbox;
	let world: World;
	beforeEach(async () => {
		sandbox = await startSandbox({
			port: 0,
			scale: { clients: 2, devicesPerClient: 4, threats: 4 },
		});
		world = sandbox.reset({ now: Date.now() - 3 * 24 * HOUR });
		hostAt(0);
	});
	afterEach(async () => sandbox.stop());

	const hostAt = (offsetMs: number) => {
		hostClock.now = () => worldNow(sandbox.world()) + offsetMs;
	};
	const iso = (ms: number) => new Date(ms).toISOString();
	const vendorNow = () => worldNow(world);
	const idOf = (t: Threat) => String(HUNTRESS_IDS.incident(world, t));
	const idsOf = (threats: Threat[]) => threats.map(idOf).sort();

	const poller =
		(store: IDataObject, extra: IDataObject = {}) =>
		async () => {
			const { ctx } = contextFor(sandbox, {
				parameters: {
					provider: 'huntress',
					minSeverity: 'informational',
					statuses: [],
					groups: '',
					options: { firstLookbackMinutes: 24 * 60 },
					...extra,
				},
			});
			const poll = {
				...ctx,
				getNodeParameter: (parameter: string, fallback?: unknown) =>
					(ctx.getNodeParameter as (n: string, i: number, f?: unknown) => unknown)(
						parameter,
						0,
						fallback,
					),
				getMode: () => 'trigger',
				getWorkflowStaticData: () => store,
				helpers: {
					...ctx.helpers,
					returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
				},
			};
			const out = await new MspEdrTrigger().poll.call(poll as unknown as IPollFunctions);
			return (out?.[0] ?? []).map((i) => String(i.json.id));
		};

	it('emits each incident exactly once across polls, and catches up after an outage', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		const seeded = world.threats.filter((t) => Date.parse(t.detectedAt) >= vendorNow() - 24 * HOUR);
		expect((await poll()).sort()).toEqual(idsOf(seeded));
		expect(await poll()).toEqual([]);

		advanceVendorClock(world, MINUTE);
		const one = addThreat(world, iso(vendorNow() - 5_000));
		expect(await poll()).toEqual([idOf(one)]);
		expect(await poll()).toEqual([]);

		const during: Threat[] = [];
		for (const minutes of [10, 25, 50]) {
			advanceVendorClock(world, 20 * MINUTE);
			during.push(addThreat(world, iso(vendorNow() - minutes * MINUTE)));
		}
		expect((await poll()).sort()).toEqual(idsOf(during));
		expect(await poll()).toEqual([]);
		// Huntress has no time filter: the list is read newest change first and stops at the checkpoint.
		const lists = sandbox.requests
			.query({ vendor: 'huntress' })
			.filter((r) => r.path === '/huntress/v1/incident_reports');
		expect(
			lists.every((r) => r.query.sort_field === 'updated_at' && r.query.sort_direction === 'desc'),
		).toBe(true);
	});

	it("keeps the checkpoint at or below Huntress's clock when the host runs 2 hours ahead", async () => {
		hostAt(2 * HOUR);
		const store: IDataObject = {};
		const poll = poller(store, { options: { firstLookbackMinutes: 60 } });
		await poll();
		expect(Date.parse(String(store.checkpoint))).toBeLessThanOrEqual(vendorNow());
		const next: Threat[] = [];
		for (let i = 0; i < 3; i++) {
			advanceVendorClock(world, 5 * MINUTE);
			next.push(addThreat(world, iso(vendorNow() - 10_000)));
			expect(await poll()).toEqual([idOf(next[i])]);
			expect(Date.parse(String(store.checkpoint))).toBeLessThanOrEqual(vendorNow());
		}
	});

	it('emits an incident dated a day ahead once, and the normal ones after it', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		await poll();
		const future = addThreat(world, iso(vendorNow() + 24 * HOUR));
		expect(await poll()).toEqual([idOf(future)]);
		expect(await poll()).toEqual([]);
		for (let i = 1; i <= 2; i++) {
			advanceVendorClock(world, 2 * MINUTE);
			const normal = addThreat(world, iso(vendorNow() - 30_000));
			expect(await poll()).toEqual([idOf(normal)]);
		}
		expect(Date.parse(String(store.checkpoint))).toBeLessThanOrEqual(vendorNow());
	});
});
