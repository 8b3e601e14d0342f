import { pollUntil } from '../../../nodes/shared';
import { fakeClock } from './helpers';

describe('pollUntil', () => {
	it('returns as soon as the check is done', async () => {
		const clock = fakeClock();
		let n = 0;
		const result = await pollUntil({
			check: async () => ({ done: ++n === 3, value: n }),
			timeoutMs: 60000,
			intervalMs: 5000,
			sleep: clock.sleep,
		});
		expect(result).toEqual({ value: 3, timedOut: false, polls: 3, waitedMs: 10000 });
	});

	it('times out with the last value and never waits past the timeout', async () => {
		const clock = fakeClock();
		const result = await pollUntil({
			check: async () => ({ done: false, value: 'running' }),
			timeoutMs: 25000,
			intervalMs: 10000,
			sleep: clock.sleep,
		});
		expect(result).toEqual({ value: 'running', timedOut: true, polls: 4, waitedMs: 25000 });
		expect(clock.sleeps).toEqual([10000, 10000, 5000]);
	});

	it('checks once with a zero timeout', async () => {
		const result = await pollUntil({
			check: async () => ({ done: false, value: 1 }),
			timeoutMs: 0,
			intervalMs: 1000,
			sleep: async () => {},
		});
		expect(result).toMatchObject({ timedOut: true, polls: 1, waitedMs: 0 });
	});
});
