import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import {
	LATE_ARRIVAL_MS,
	selectNew,
	upgradeState,
	windowOf,
} from '../../../nodes/MspEdrTrigger/checkpoint';
import { hostClock } from '../../../nodes/MspEdrTrigger/hostClock';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { HOUR, MINUTE, worldNow } from '../../../sandbox/world/clock';
import type { Threat, World } from '../../../sandbox/world/types';
import { addThreat, advanceVendorClock, contextFor, PROVIDERS, threatIdIn } from './setup';

const realHostClock = hostClock.now;
afterAll(() => {
	hostClock.now = realHostClock;
});

describe.each(PROVIDERS)('MSP EDR Trigger: $label', ({ name }) => {
	let sandbox: Sandbox;
	let world: World;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		// The vendors' clock runs three days behind the real one; the host follows the vendor unless a test skews it.
		world = sandbox.reset({ now: Date.now() - 3 * 24 * HOUR });
		hostAt(0);
	});

	/** The n8n host's clock, `offsetMs` ahead of the vendor's (behind when negative). */
	const hostAt = (offsetMs: number) => {
		hostClock.now = () => worldNow(sandbox.world()) + offsetMs;
	};
	const iso = (ms: number) => new Date(ms).toISOString();
	const vendorNow = () => worldNow(world);
	const idOf = (t: Threat) => threatIdIn(name, t);
	const idsOf = (threats: Threat[]) => threats.map(idOf).sort();

	/** A poll as n8n runs it: a fresh node and context each time, state only in `store` (the workflow's static data). */
	const poller = (
		store: IDataObject,
		mode: 'trigger' | 'manual' = 'trigger',
		extra: IDataObject = {},
	) => {
		return async () => {
			const { ctx } = contextFor(sandbox, {
				parameters: {
					provider: name,
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
				getMode: () => mode,
				getWorkflowStaticData: () => store,
				helpers: {
					...ctx.helpers,
					returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })),
				},
			};
			const out = await new MspEdrTrigger().poll.call(poll as unknown as IPollFunctions);
			return (out?.[0] ?? []).map((i) => String(i.json.id));
		};
	};

	it('emits each threat exactly once across polls, and catches up after an outage', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		const seeded = idsOf(world.threats);
		expect((await poll()).sort()).toEqual(seeded);
		expect(await poll()).toEqual([]);

		advanceVendorClock(world, MINUTE);
		const one = addThreat(world, iso(vendorNow() - 5_000));
		expect(await poll()).toEqual([idOf(one)]);
		expect(await poll()).toEqual([]);

		// n8n down for an hour: threats arrive throughout, one of them detected well before the last poll.
		const during: Threat[] = [];
		for (const minutes of [10, 25, 50]) {
			advanceVendorClock(world, 20 * MINUTE);
			during.push(addThreat(world, iso(vendorNow() - minutes * MINUTE)));
		}
		expect((await poll()).sort()).toEqual(idsOf(during));
		expect(await poll()).toEqual([]);
	});

	it('emits a detection dated 24 hours in the future once, and still emits the normal threats after it', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		await poll();
		// The agent's clock is a day ahead; the vendor stores the threat now. A second one even carries a future updated time.
		const future = addThreat(world, iso(vendorNow() + 24 * HOUR));
		const futureStamped = addThreat(world, iso(vendorNow() + 24 * HOUR), {
			indexedAt: iso(vendorNow() + 24 * HOUR),
		});
		expect((await poll()).sort()).toEqual(idsOf([future, futureStamped]));
		expect(await poll()).toEqual([]);

		for (let i = 1; i <= 3; i++) {
			advanceVendorClock(world, 2 * MINUTE);
			const normal = addThreat(world, iso(vendorNow() - 30_000));
			expect(await poll()).toEqual([idOf(normal)]);
		}
		expect(Date.parse(String(store.checkpoint))).toBeLessThanOrEqual(vendorNow());
	});

	it('keeps to the vendor clock when the host clock runs 2 hours ahead and the first poll finds nothing', async () => {
		const [base] = world.threats.splice(0);
		hostAt(2 * HOUR);
		const store: IDataObject = {};
		const poll = poller(store, 'trigger', { options: { firstLookbackMinutes: 60 } });
		expect(await poll()).toEqual([]);

		const next: Threat[] = [];
		for (let i = 0; i < 3; i++) {
			advanceVendorClock(world, 5 * MINUTE);
			next.push(addThreat(world, iso(vendorNow() - 10_000), { base }));
			expect(await poll()).toEqual([idOf(next[i])]);
		}
	});

	it.each([
		['ahead of', 2 * HOUR],
		['behind', -2 * HOUR],
	])(
		'reads the look back on the vendor clock when the host clock runs 2 hours %s it',
		async (_, skew) => {
			hostAt(skew);
			const store: IDataObject = {};
			const poll = poller(store, 'trigger', { options: { firstLookbackMinutes: 60 } });
			const lastHour = world.threats.filter((t) => Date.parse(t.detectedAt) >= vendorNow() - HOUR);
			expect(lastHour.length).toBeGreaterThan(0);
			expect(lastHour.length).toBeLessThan(world.threats.length);
			expect((await poll()).sort()).toEqual(idsOf(lastHour));

			advanceVendorClock(world, 3 * MINUTE);
			const one = addThreat(world, iso(vendorNow() - 10_000));
			expect(await poll()).toEqual([idOf(one)]);
			expect(await poll()).toEqual([]);
		},
	);

	it('emits a threat the vendor stored 30 minutes after its detection, and not one that was merely updated', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		await poll();
		advanceVendorClock(world, 5 * MINUTE);
		await poll();

		const late = addThreat(world, iso(vendorNow() - 30 * MINUTE));
		// An analyst works on a threat emitted earlier: its updated time moves, it is not new.
		const worked = world.threats[0];
		worked.status = 'inProgress';
		worked.updatedAt = iso(vendorNow());
		expect(await poll()).toEqual([idOf(late)]);
		expect(await poll()).toEqual([]);

		// Much later the old threats are forgotten, yet one resolved now is still not new.
		advanceVendorClock(world, LATE_ARRIVAL_MS + HOUR);
		expect(await poll()).toEqual([]);
		expect(Object.keys(store.seen as IDataObject)).toEqual([]);
		world.threats[1].status = 'resolved';
		world.threats[1].updatedAt = iso(vendorNow());
		expect(await poll()).toEqual([]);
	});

	it('emits a burst of 5,000 threats inside the overlap exactly once across polls', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		await poll();
		const burst: Threat[] = [];
		for (let i = 0; i < 5000; i++)
			burst.push(
				addThreat(world, iso(vendorNow() - 5 * MINUTE + i * 50), {
					indexedAt: iso(vendorNow() - 4 * MINUTE + i * 40),
				}),
			);

		const emitted: string[] = [];
		for (let i = 0; i < 3; i++) {
			emitted.push(...(await poll()));
			advanceVendorClock(world, 2 * MINUTE);
		}
		expect(emitted).toHaveLength(5000);
		expect(emitted.sort()).toEqual(idsOf(burst));

		const after = addThreat(world, iso(vendorNow() - 1_000));
		expect(await poll()).toEqual([idOf(after)]);
	}, 120_000);

	it('continues after a restart from the static data alone', async () => {
		const store: IDataObject = {};
		await poller(store)();
		advanceVendorClock(world, MINUTE);
		const before = addThreat(world, iso(vendorNow() - 20_000));
		expect(await poller(store)()).toEqual([idOf(before)]);

		// n8n restarts: nothing survives but the static data it saved.
		const saved = JSON.parse(JSON.stringify(store)) as IDataObject;
		advanceVendorClock(world, 2 * MINUTE);
		const after = addThreat(world, iso(vendorNow() - 20_000));
		expect(await poller(saved)()).toEqual([idOf(after)]);
		expect(await poller(saved)()).toEqual([]);
	});

	it('takes over the static data of the previous version without repeating or losing threats', async () => {
		// What version 1 left after emitting every seeded threat: newest detection time and the emitted ids.
		const newest = Math.max(...world.threats.map((t) => Date.parse(t.detectedAt)));
		const store: IDataObject = { checkpoint: iso(newest), emitted: world.threats.map(idOf) };
		const poll = poller(store);
		expect(await poll()).toEqual([]);
		expect(store.emitted).toBeUndefined();

		advanceVendorClock(world, MINUTE);
		const one = addThreat(world, iso(vendorNow() - 10_000));
		expect(await poll()).toEqual([idOf(one)]);
		expect(await poll()).toEqual([]);
	});

	it('recovers from a checkpoint the previous version moved into the future', async () => {
		// Version 1 saw a detection dated a day ahead and went blind; one threat arrived since.
		const emitted = world.threats.map(idOf);
		const missed = addThreat(world, iso(vendorNow() - 10 * MINUTE));
		const store: IDataObject = { checkpoint: iso(vendorNow() + 24 * HOUR), emitted };
		const poll = poller(store, 'trigger', { options: { firstLookbackMinutes: 60 } });
		expect(await poll()).toEqual([idOf(missed)]);
		expect(await poll()).toEqual([]);
	});

	it('applies the minimum severity', async () => {
		const ids = await poller({}, 'trigger', { minSeverity: 'high' })();
		const expected = world.threats.filter((t) =>
			name === 'sentinelOne'
				? t.confidence === 'malicious'
				: t.severity === 'critical' || t.severity === 'high',
		);
		expect(ids.sort()).toEqual(idsOf(expected));
	});

	it('returns the most recent threats in manual mode without touching the checkpoint', async () => {
		const store: IDataObject = {};
		const ids = await poller(store, 'manual')();
		expect(ids.length).toBeGreaterThan(0);
		expect(store).toEqual({});
	});
});

describe('trigger checkpoint', () => {
	const threat = (id: string, detectedAt: number, updatedAt = detectedAt) => ({
		id,
		severity: 'low' as const,
		status: 'new' as const,
		detectedAt: new Date(detectedAt).toISOString(),
		updatedAt: new Date(updatedAt).toISOString(),
	});

	it('falls back to the host clock only when the vendor gives none, and never moves the checkpoint past it', () => {
		const now = 1_000 * HOUR;
		const window = windowOf({}, now - HOUR, now, HOUR);
		const { fresh, next } = selectNew(
			{},
			[threat('a', now - MINUTE), threat('b', now + 24 * HOUR, now + 24 * HOUR)],
			window,
		);
		expect(fresh.map((t) => t.id)).toEqual(['a', 'b']);
		expect(next.checkpoint).toBe(new Date(now).toISOString());
	});

	it('reads version 1 state', () => {
		const state = upgradeState({
			checkpoint: new Date(10 * HOUR).toISOString(),
			emitted: ['a', 'b'],
		});
		expect(Object.keys(state.seen ?? {})).toEqual(['a', 'b']);
		expect(state.emitted).toBeUndefined();
		expect(state.floor).toBe(new Date(10 * HOUR - 10 * MINUTE).toISOString());
	});
});
