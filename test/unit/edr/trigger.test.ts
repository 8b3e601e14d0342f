import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { MAX_EMITTED, selectNew } from '../../../nodes/MspEdrTrigger/checkpoint';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { addThreat, contextFor, PROVIDERS, threatIdIn } from './setup';

describe.each(PROVIDERS)('MSP EDR Trigger: $label', ({ name }) => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset());

	/** A poll context whose static data lives in `store`, as n8n keeps it in the workflow. */
	const poller = (store: IDataObject, mode: 'trigger' | 'manual' = 'trigger', extra: IDataObject = {}) => {
		const { ctx } = contextFor(sandbox, { parameters: { provider: name, minSeverity: 'informational', statuses: [], groups: '', options: { firstLookbackMinutes: 24 * 60 }, ...extra } });
		const poll = {
			...ctx,
			getNodeParameter: (parameter: string, fallback?: unknown) => (ctx.getNodeParameter as (n: string, i: number, f?: unknown) => unknown)(parameter, 0, fallback),
			getMode: () => mode,
			getWorkflowStaticData: () => store,
			helpers: { ...ctx.helpers, returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
		};
		return async () => {
			const out = await new MspEdrTrigger().poll.call(poll as unknown as IPollFunctions);
			return (out?.[0] ?? []).map((i) => String(i.json.id));
		};
	};

	it('emits each threat exactly once across polls, and catches up after an outage', async () => {
		const store: IDataObject = {};
		const poll = poller(store);
		const world = sandbox.world();
		const seeded = world.threats.map((t) => threatIdIn(name, t));
		const first = await poll();
		expect(first.sort()).toEqual([...seeded].sort());
		expect(await poll()).toEqual([]);

		const newest = Math.max(...world.threats.map((t) => Date.parse(t.detectedAt)));
		const one = addThreat(world, new Date(newest + 60_000).toISOString());
		expect(await poll()).toEqual([threatIdIn(name, one)]);
		expect(await poll()).toEqual([]);

		// n8n down for an hour: several threats arrive, one of them indexed late (before the checkpoint).
		const during = [addThreat(world, new Date(newest + 20 * 60_000).toISOString()), addThreat(world, new Date(newest + 50 * 60_000).toISOString()), addThreat(world, new Date(newest + 30_000).toISOString())];
		const caught = await poll();
		expect(caught.sort()).toEqual(during.map((t) => threatIdIn(name, t)).sort());
		expect(await poll()).toEqual([]);
		expect((store.emitted as string[]).length).toBe(seeded.length + 4);
	});

	it('applies the minimum severity', async () => {
		const ids = await poller({}, 'trigger', { minSeverity: 'high' })();
		const expected = sandbox.world().threats.filter((t) => (name === 'sentinelOne' ? t.confidence === 'malicious' : t.severity === 'critical' || t.severity === 'high')).map((t) => threatIdIn(name, t));
		expect(ids.sort()).toEqual(expected.sort());
	});

	it('returns the most recent threats in manual mode without touching the checkpoint', async () => {
		const store: IDataObject = {};
		const ids = await poller(store, 'manual')();
		expect(ids.length).toBeGreaterThan(0);
		expect(store).toEqual({});
	});
});

describe('trigger checkpoint', () => {
	it('keeps the emitted-id set bounded', () => {
		const threats = Array.from({ length: MAX_EMITTED + 50 }, (_, i) => ({ id: `t${i}`, severity: 'low' as const, status: 'new' as const, detectedAt: new Date(1_000_000 + i).toISOString() }));
		const { fresh, next } = selectNew({}, threats, Date.now());
		expect(fresh).toHaveLength(MAX_EMITTED + 50);
		expect(next.emitted).toHaveLength(MAX_EMITTED);
		expect(next.checkpoint).toBe(new Date(1_000_000 + MAX_EMITTED + 49).toISOString());
	});
});
