import { Pacer, mapWithConcurrency, pacerFor, profilePacer } from '../../../nodes/shared';
import { fakeClock } from './helpers';

const tick = async () => await new Promise<void>((resolve) => queueMicrotask(resolve));

describe('mapWithConcurrency', () => {
	it('never runs more than the limit at once and preserves order', async () => {
		let running = 0;
		let peak = 0;
		const gates: Array<() => void> = [];
		const promise = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise<void>((resolve) => gates.push(resolve));
			running--;
			return n * 10;
		});
		// Release the calls in reverse order of arrival to prove order comes from the input.
		while (gates.length || running) {
			await tick();
			const gate = gates.pop();
			gate?.();
		}
		await expect(promise).resolves.toEqual([10, 20, 30, 40, 50, 60, 70]);
		expect(peak).toBe(3);
	});

	it('rejects on the first failure and starts no new work', async () => {
		const started: number[] = [];
		await expect(
			mapWithConcurrency([1, 2, 3, 4], 1, async (n) => {
				started.push(n);
				if (n === 2) throw new Error('boom');
				return n;
			}),
		).rejects.toThrow('boom');
		expect(started).toEqual([1, 2]);
	});

	it('handles an empty list and odd limits', async () => {
		await expect(mapWithConcurrency([], 4, async (n) => n)).resolves.toEqual([]);
		await expect(mapWithConcurrency([1, 2], 0, async (n) => n)).resolves.toEqual([1, 2]);
	});
});

describe('Pacer', () => {
	it('spaces requests to the per-minute budget', async () => {
		const clock = fakeClock();
		const pacer = new Pacer(120, { now: clock.now, sleep: clock.sleep });
		const starts: number[] = [];
		for (let i = 0; i < 4; i++) {
			await pacer.acquire();
			starts.push(clock.t);
		}
		expect(starts.map((t) => t - starts[0])).toEqual([0, 500, 1000, 1500]);
	});

	it('gives concurrent callers distinct slots', () => {
		const clock = fakeClock();
		const pacer = new Pacer(60, { now: clock.now });
		expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 1000, 2000]);
	});

	it('allows a burst, then spaces, and refills over time', () => {
		const clock = fakeClock();
		const pacer = new Pacer(60, { now: clock.now, burst: 2 });
		expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 0, 1000]);
		clock.t += 10000;
		expect(pacer.reserve()).toBe(0);
	});

	it('pacerFor shares one pacer per key and none without a budget', () => {
		expect(pacerFor('k1', 100)).toBe(pacerFor('k1', 100));
		expect(pacerFor('k1', 100)).not.toBe(pacerFor('k2', 100));
		expect(pacerFor('k1', undefined)).toBeUndefined();
	});

	it('pacerFor keeps a bucket with another burst apart from the evenly spaced one', () => {
		expect(pacerFor('k3', 60, { burst: 5 })).toBe(pacerFor('k3', 60, { burst: 5 }));
		expect(pacerFor('k3', 60, { burst: 5 })).not.toBe(pacerFor('k3', 60));
	});
});

describe('profilePacer', () => {
	it('turns a window budget into a burst of the whole window refilled at its average rate', () => {
		const clock = fakeClock();
		// Created on the fake clock under the key profilePacer looks up.
		pacerFor('window', 60, { burst: 300, now: clock.now });
		const pacer = profilePacer('window', { rateLimit: { requestsPerWindow: 300, windowMs: 5 * 60000 } });
		const waits = Array.from({ length: 302 }, () => pacer!.reserve());
		expect(waits.slice(0, 300).every((w) => w === 0)).toBe(true);
		expect(waits.slice(300)).toEqual([1000, 2000]);
		clock.t += 5 * 60000;
		expect(pacer!.reserve()).toBe(0);
	});

	it('takes the window over requestsPerMinute, and spaces evenly with requestsPerMinute alone', () => {
		const both = profilePacer('both', { requestsPerMinute: 1, rateLimit: { requestsPerWindow: 10, windowMs: 60000 } });
		expect(both).toBe(pacerFor('both', 10, { burst: 10 }));
		const even = profilePacer('even', { requestsPerMinute: 30 });
		expect(even).toBe(pacerFor('even', 30));
		expect(even!.intervalMs).toBe(2000);
		expect(profilePacer('none', {})).toBeUndefined();
		expect(profilePacer('none', { rateLimit: { requestsPerWindow: 0, windowMs: 60000 } })).toBeUndefined();
	});
});
