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
	const minute = (requestsPerWindow: number) => ({ requestsPerWindow, windowMs: 60000 });
	// The pacer leaves 2% of a window (50 ms to 1 s) after it, for requests that arrive later than they were sent.
	const guard = 1000;

	it('sends a whole window back to back, then waits until the oldest start leaves the window', async () => {
		const clock = fakeClock();
		const pacer = new Pacer([minute(3)], { now: clock.now, sleep: clock.sleep });
		const starts: number[] = [];
		for (let i = 0; i < 5; i++) {
			await pacer.acquire();
			starts.push(clock.t - fakeClock().t);
		}
		expect(starts).toEqual([0, 0, 0, 60000 + guard, 60000 + guard]);
	});

	it('counts a sliding window: requests spread over the window free their slots one by one', () => {
		const clock = fakeClock();
		const pacer = new Pacer([minute(2)], { now: clock.now });
		expect(pacer.reserve()).toBe(0);
		clock.t += 30000;
		expect(pacer.reserve()).toBe(0);
		// The first start leaves the window at 60 s, the second at 90 s.
		expect(pacer.reserve()).toBe(30000 + guard);
		clock.t += 40000;
		expect(pacer.reserve()).toBe(20000 + guard);
	});

	it('gives concurrent callers distinct slots', () => {
		const clock = fakeClock();
		const pacer = new Pacer([{ requestsPerWindow: 1, windowMs: 1000 }], { now: clock.now });
		// A one-second window keeps the 50 ms floor of the guard.
		expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 1050, 2100]);
	});

	it('honours every window: a minute budget and an hour budget', () => {
		const clock = fakeClock();
		const pacer = new Pacer([minute(100), { requestsPerWindow: 150, windowMs: 3600000 }], {
			now: clock.now,
		});
		const waits = Array.from({ length: 151 }, () => pacer.reserve());
		expect(waits.slice(0, 100).every((w) => w === 0)).toBe(true);
		// The next 50 wait for the minute; the 151st waits for the hour.
		expect(waits.slice(100, 150).every((w) => w === 60000 + guard)).toBe(true);
		expect(waits[150]).toBe(3600000 + guard);
	});

	it('is fresh again once a window has passed without requests', () => {
		const clock = fakeClock();
		const pacer = new Pacer([minute(2)], { now: clock.now });
		pacer.reserve();
		pacer.reserve();
		clock.t += 5 * 60000;
		expect([pacer.reserve(), pacer.reserve()]).toEqual([0, 0]);
	});

	it('pacerFor shares one pacer per key and budget, and none without a budget', () => {
		expect(pacerFor('k1', [minute(100)])).toBe(pacerFor('k1', [minute(100)]));
		expect(pacerFor('k1', [minute(100)])).not.toBe(pacerFor('k2', [minute(100)]));
		expect(pacerFor('k1', [minute(50)])).not.toBe(pacerFor('k1', [minute(100)]));
		expect(pacerFor('k1', undefined)).toBeUndefined();
		expect(pacerFor('k1', [])).toBeUndefined();
		expect(pacerFor('k1', [{ requestsPerWindow: 0, windowMs: 60000 }])).toBeUndefined();
	});
});

describe('profilePacer', () => {
	it("is the shared pacer of the profile's windows, or none without windows", () => {
		const windows = [{ requestsPerWindow: 300, windowMs: 5 * 60000 }];
		expect(profilePacer('window', { rateLimits: windows })).toBe(pacerFor('window', windows));
		expect(profilePacer('window', { rateLimits: windows })!.windows).toEqual(windows);
		expect(profilePacer('none', {})).toBeUndefined();
	});
});
