import {
	findOrCreateConverged,
	KeyedQueue,
	olderFirst,
	oldestOf,
	type FindOrCreateSteps,
} from '../../../nodes/shared';

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
	it('runs tasks with one key one after another and other keys side by side', async () => {
		const queue = new KeyedQueue();
		const log: string[] = [];
		const task = (name: string, ms: number) => async () => {
			log.push(`start ${name}`);
			await new Promise((resolve) => setTimeout(resolve, ms));
			log.push(`end ${name}`);
			return name;
		};
		const results = await Promise.all([
			queue.run('alert-1', task('a1', 20)),
			queue.run('alert-2', task('b', 5)),
			queue.run('alert-1', task('a2', 1)),
		]);
		expect(results).toEqual(['a1', 'b', 'a2']);
		// b ran while a1 was running; a2 waited for a1.
		expect(log.indexOf('start b')).toBeLessThan(log.indexOf('end a1'));
		expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
		expect(queue.size).toBe(0);
	});

	it('a failed task does not block the next one of its key', async () => {
		const queue = new KeyedQueue();
		const failed = queue.run('k', async () => await Promise.reject(new Error('PSA down')));
		const next = queue.run('k', async () => 'ran');
		await expect(failed).rejects.toThrow('PSA down');
		await expect(next).resolves.toBe('ran');
		expect(queue.size).toBe(0);
	});
});

describe('olderFirst', () => {
	it('orders numeric ids as numbers, past 2^53 too', () => {
		expect(olderFirst({ id: '999' }, { id: '1000' })).toBeLessThan(0);
		expect(olderFirst({ id: '9007199254740993' }, { id: '9007199254740992' })).toBeGreaterThan(0);
		expect(olderFirst({ id: '42' }, { id: '42' })).toBe(0);
	});

	it('orders other ids by creation time, then by id', () => {
		const a = { id: 'b-guid', createdAt: '2026-03-01T10:00:00Z' };
		const b = { id: 'a-guid', createdAt: '2026-03-01T10:00:05Z' };
		expect(oldestOf([b, a], (r) => r)).toBe(a);
		expect(olderFirst({ id: 'x' }, { id: 'y' })).toBeLessThan(0);
	});
});

/** A vendor stand-in: records with numeric ids, a store shared by concurrent callers. */
function store() {
	const live: Array<{ id: string }> = [];
	const retired: Array<{ id: string; keptId: string }> = [];
	let nextId = 100;
	const steps = (): FindOrCreateSteps<{ id: string }> => ({
		find: async () => {
			await tick();
			return oldestOf(live, (r) => r);
		},
		create: async () => {
			await tick();
			const record = { id: String(nextId++) };
			live.push(record);
			return record;
		},
		readBack: async () => {
			await tick();
			return [...live];
		},
		retire: async (duplicate, kept) => {
			await tick();
			const index = live.findIndex((r) => r.id === duplicate.id);
			if (index >= 0) live.splice(index, 1);
			retired.push({ id: duplicate.id, keptId: kept.id });
		},
		age: (r) => r,
		pause: async () => {
			for (let i = 0; i < 20; i++) await tick();
		},
	});
	return { live, retired, steps };
}

describe('findOrCreateConverged', () => {
	it('returns the record found without creating', async () => {
		const vendor = store();
		vendor.live.push({ id: '7' });
		await expect(findOrCreateConverged(vendor.steps())).resolves.toEqual({
			record: { id: '7' },
			created: false,
			duplicates: [],
		});
		expect(vendor.live).toHaveLength(1);
	});

	it('callers that all missed end with one live record, the oldest, and say which they retired', async () => {
		const vendor = store();
		const results = await Promise.all([1, 2, 3].map(() => findOrCreateConverged(vendor.steps())));
		expect(vendor.live).toEqual([{ id: '100' }]);
		expect(results.map((r) => r.record.id)).toEqual(['100', '100', '100']);
		expect(results.filter((r) => r.created)).toHaveLength(1);
		const reported = new Set(results.flatMap((r) => r.duplicates));
		expect([...reported].sort()).toEqual(['101', '102']);
		expect(vendor.retired.every((r) => r.keptId === '100')).toBe(true);
		// Each duplicate is retired once, by the caller that created it: one closing note, not one per caller.
		expect(vendor.retired.map((r) => r.id).sort()).toEqual(['101', '102']);
	});

	it("retires another caller's duplicate when its creator did not (it stopped before retiring)", async () => {
		const vendor = store();
		const first = vendor.steps();
		// A second caller created record 101 and stopped: only the first caller is left to converge.
		const stopped = { ...first, find: async () => undefined };
		const created = await first.create();
		expect(created.id).toBe('100');
		vendor.live.push({ id: '101' });
		const pauses: number[] = [];
		const result = await findOrCreateConverged({
			...stopped,
			create: async () => created,
			pause: async (ms) => {
				pauses.push(ms);
			},
		});
		expect(result).toEqual({ record: { id: '100' }, created: true, duplicates: ['101'] });
		expect(pauses).toEqual([expect.any(Number)]);
		expect(vendor.live).toEqual([{ id: '100' }]);
	});

	it('keeps the created record when the read-back does not list it yet', async () => {
		const vendor = store();
		const steps = vendor.steps();
		const result = await findOrCreateConverged({ ...steps, readBack: async () => [] });
		expect(result).toEqual({ record: { id: '100' }, created: true, duplicates: [] });
	});

	it('a failed retire fails the call (the kept record is there for the rerun)', async () => {
		const vendor = store();
		vendor.live.push({ id: '1' });
		const steps = vendor.steps();
		const attempt = findOrCreateConverged({
			...steps,
			find: async () => undefined,
			retire: async () => await Promise.reject(new Error('no closed status on the board')),
		});
		await expect(attempt).rejects.toThrow('no closed status on the board');
	});
});
