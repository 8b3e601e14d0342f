import { isAmbiguousFailure, Transport, writeVerified } from '../../../nodes/shared';
import type { Reply } from './helpers';
import { fakeClock, fakeContext, networkFailure, profile } from './helpers';

function setup(replies: Reply[]) {
	const clock = fakeClock();
	const fake = fakeContext(replies);
	const transport = new Transport(fake.ctx, profile, {
		now: clock.now,
		sleep: clock.sleep,
		random: () => 0.5,
		pacer: null,
	});
	return { ...fake, transport };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected the request to fail');
}

const post = {
	method: 'POST' as const,
	path: '/tickets',
	operation: 'create ticket',
	body: { summary: 'x' },
};
const get = { method: 'GET' as const, path: '/tickets', operation: 'list tickets' };

describe('Transport: ambiguous writes', () => {
	it('marks a POST that got a 5xx or no answer as ambiguous, and sends it once', async () => {
		for (const reply of [{ statusCode: 502, body: {} }, networkFailure('ECONNRESET')] as Reply[]) {
			const { transport, calls } = setup([reply]);
			expect(isAmbiguousFailure(await failure(transport.request(post)))).toBe(true);
			expect(calls).toHaveLength(1);
		}
	});

	it('does not mark a rejected POST (4xx) or a failed read as ambiguous', async () => {
		const rejected = setup([{ statusCode: 400, body: { message: 'bad' } }]);
		expect(isAmbiguousFailure(await failure(rejected.transport.request(post)))).toBe(false);
		const read = setup(Array.from({ length: 5 }, () => ({ statusCode: 503, body: {} })));
		expect(isAmbiguousFailure(await failure(read.transport.request(get)))).toBe(false);
	});

	it('retries a read that got a 500', async () => {
		const { transport, calls } = setup([
			{ statusCode: 500, body: {} },
			{ statusCode: 200, body: [] },
		]);
		await expect(transport.request(get)).resolves.toEqual([]);
		expect(calls).toHaveLength(2);
	});
});

describe('writeVerified', () => {
	const ambiguous = () => Object.assign(new Error('lost answer'), { ambiguous: true });

	it('returns what the read-back found when the ambiguous write went through, without writing again', async () => {
		const write = jest.fn().mockRejectedValueOnce(ambiguous());
		const readBack = jest.fn().mockResolvedValue({ id: 7 });
		await expect(writeVerified(write, readBack)).resolves.toEqual({ id: 7 });
		expect(write).toHaveBeenCalledTimes(1);
	});

	it('writes again when the read-back finds nothing, and reads again when the read-back fails', async () => {
		const write = jest.fn().mockRejectedValueOnce(ambiguous()).mockResolvedValueOnce({ id: 8 });
		const readBack = jest
			.fn()
			.mockRejectedValueOnce(new Error('503'))
			.mockResolvedValueOnce(undefined);
		await expect(writeVerified(write, readBack)).resolves.toEqual({ id: 8 });
		expect([write.mock.calls.length, readBack.mock.calls.length]).toEqual([2, 2]);
	});

	it('throws other failures at once and the last ambiguous one after its attempts', async () => {
		const rejected = jest.fn().mockRejectedValue(new Error('400'));
		await expect(writeVerified(rejected, jest.fn())).rejects.toThrow('400');
		expect(rejected).toHaveBeenCalledTimes(1);
		const lost = jest.fn().mockRejectedValue(ambiguous());
		const readBack = jest.fn().mockResolvedValue(undefined);
		await expect(writeVerified(lost, readBack, 2)).rejects.toThrow('lost answer');
		expect([lost.mock.calls.length, readBack.mock.calls.length]).toEqual([2, 1]);
	});
});
