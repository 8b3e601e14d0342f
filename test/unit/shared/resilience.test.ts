import { NodeApiError } from 'n8n-workflow';

import type { TransportOptions } from '../../../nodes/shared';
import {
	ExecutionCancelled,
	isAmbiguousFailure,
	isCancellation,
	Pacer,
	pollUntil,
	Transport,
	writeVerified,
} from '../../../nodes/shared';
import type { Reply } from './helpers';
import { fakeClock, fakeContext, node, profile } from './helpers';

function setup(replies: Reply[], options: TransportOptions = {}) {
	const clock = fakeClock();
	const fake = fakeContext(replies);
	const transport = new Transport(fake.ctx, profile, {
		now: clock.now,
		sleep: clock.sleep,
		random: () => 1,
		pacer: null,
		...options,
	});
	return { ...fake, clock, transport };
}

const json = { 'content-type': 'application/json; charset=utf-8' };
const get = { method: 'GET' as const, path: '/tickets/7', operation: 'get ticket' };
const post = {
	method: 'POST' as const,
	path: '/tickets',
	operation: 'create ticket',
	body: { summary: 'Disk full', externalReference: 'alert-42' },
};

/** What axios throws with strict JSON parsing, wrapped by n8n: a 200 whose body is not JSON. */
function strictParseFailure(): { throws: unknown } {
	const syntax = new SyntaxError('Unexpected end of JSON input');
	const axiosError = Object.assign(new Error(syntax.message), {
		name: 'AxiosError',
		code: 'ERR_BAD_RESPONSE',
		cause: syntax,
		response: { status: 200, headers: json, data: '{"id":7,"sum' },
	});
	return { throws: new NodeApiError(node, axiosError as never) };
}

describe('Transport: answers that do not parse', () => {
	it('retries a read whose body was cut short, with the usual backoff, then uses the good answer', async () => {
		const { transport, calls, clock } = setup([
			{ statusCode: 200, headers: json, body: '{"id":7,"summary":"Disk fu' },
			{ statusCode: 200, headers: json, body: { id: 7, summary: 'Disk full' } },
		]);
		await expect(transport.request(get)).resolves.toEqual({ id: 7, summary: 'Disk full' });
		expect(calls).toHaveLength(2);
		expect(clock.sleeps).toEqual([500]);
	});

	it('retries when n8n threw on the unparsable body instead of returning it', async () => {
		const { transport, calls } = setup([
			strictParseFailure(),
			{ statusCode: 200, headers: json, body: [{ id: 7 }] },
		]);
		await expect(transport.request(get)).resolves.toEqual([{ id: 7 }]);
		expect(calls).toHaveLength(2);
	});

	it('gives up within the same budget with a clear error, not marked ambiguous for a read', async () => {
		const { transport, calls } = setup(
			Array.from({ length: 6 }, () => ({ statusCode: 200, headers: json, body: '[{"id":1},{"i' })),
		);
		const error = (await transport.request(get).catch((e: unknown) => e)) as NodeApiError;
		expect(calls).toHaveLength(4);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('TestVendor sent an incomplete or invalid answer to "get ticket"');
		expect(error.description).toContain('Gave up after 4 attempts');
		expect(isAmbiguousFailure(error)).toBe(false);
	});

	it('leaves plain-text answers, empty bodies and JSON strings alone', async () => {
		const { transport, calls } = setup([
			{ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '{not json' },
			{ statusCode: 204, headers: {}, body: '' },
			{ statusCode: 200, headers: json, body: 'queued' },
		]);
		await expect(transport.request(get)).resolves.toBe('{not json');
		await expect(transport.request(get)).resolves.toBe('');
		await expect(transport.request(get)).resolves.toBe('queued');
		expect(calls).toHaveLength(3);
	});

	it('marks a create whose answer was cut short as ambiguous, and does not send it again', async () => {
		const { transport, calls } = setup([{ statusCode: 201, headers: json, body: '{"id":9,"sum' }]);
		const error = await transport.request(post).catch((e: unknown) => e);
		expect(isAmbiguousFailure(error)).toBe(true);
		expect(calls).toHaveLength(1);
	});

	it('reads a truncated create back and reports it as done, sent once', async () => {
		const { transport, calls } = setup([
			{ statusCode: 201, headers: json, body: '{"id":9,"summary":"Disk' },
			{ statusCode: 200, headers: json, body: [{ id: 9, summary: 'Disk full' }] },
		]);
		const created = await writeVerified(
			async () => await transport.request<{ id: number }>(post),
			async () => {
				const found = await transport.request<Array<{ id: number }>>({
					method: 'GET',
					path: '/tickets',
					qs: { externalReference: 'alert-42' },
					operation: 'find ticket',
				});
				return found[0];
			},
		);
		expect(created).toEqual({ id: 9, summary: 'Disk full' });
		expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
	});
});

describe('Pacer: a monotonic clock', () => {
	const windows = [{ requestsPerWindow: 10, windowMs: 60000 }];

	it('ignores wall clock steps: no multi-hour wait after a step back, no burst after a step forward', () => {
		const wall = jest.spyOn(Date, 'now');
		try {
			const pacer = new Pacer(windows);
			const waits = Array.from({ length: 10 }, () => pacer.reserve());
			wall.mockReturnValue(Date.UTC(2026, 0, 15, 11, 0, 0)); // an hour back
			waits.push(pacer.reserve());
			wall.mockReturnValue(Date.UTC(2026, 0, 15, 14, 0, 0)); // three hours forward
			waits.push(pacer.reserve());
			// The budget went back to back; the next two wait for the window, not for the step.
			expect(waits.filter((w) => w === 0)).toHaveLength(10);
			expect(waits[10]).toBeGreaterThan(0);
			expect(waits[11]).toBeGreaterThan(0);
			expect(Math.max(...waits)).toBeLessThanOrEqual(2 * (60000 + 1000));
		} finally {
			wall.mockRestore();
		}
	});

	it('keeps the distance to the last requests when an injected clock steps back', () => {
		const clock = fakeClock();
		const pacer = new Pacer([{ requestsPerWindow: 10, windowMs: 1000 }], { now: clock.now });
		for (let i = 0; i < 10; i++) expect(pacer.reserve()).toBe(0);
		clock.t -= 3600000;
		// Without the guard this was 3,601,050 ms: the step plus the window and its guard.
		expect(pacer.reserve()).toBe(1050);
	});

	it('does not let a second budget through when an injected clock steps forward within the window', () => {
		const clock = fakeClock();
		const pacer = new Pacer([{ requestsPerWindow: 3, windowMs: 1000 }], { now: clock.now });
		for (let i = 0; i < 3; i++) pacer.reserve();
		clock.t += 500;
		expect(pacer.reserve()).toBe(550);
	});
});

describe('Cancellation', () => {
	/** A sleep that never ends by itself, and cancels the execution as soon as it starts. */
	function cancellingSleep(controller: AbortController) {
		const sleeps: number[] = [];
		const sleep = async (ms: number) => {
			sleeps.push(ms);
			controller.abort();
			return await new Promise<void>(() => {});
		};
		return { sleep, sleeps };
	}

	it('ends a pacer wait and sends nothing more', async () => {
		const controller = new AbortController();
		const { sleep, sleeps } = cancellingSleep(controller);
		const clock = fakeClock();
		const pacer = new Pacer([{ requestsPerWindow: 1, windowMs: 60000 }], { now: clock.now });
		const { transport, calls } = setup(
			[
				{ statusCode: 200, body: 1 },
				{ statusCode: 200, body: 2 },
			],
			{ pacer, sleep, cancelSignal: controller.signal },
		);
		await transport.request(get);
		const error = await transport.request(get).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExecutionCancelled);
		expect((error as Error).message).toContain('The execution was cancelled');
		expect(sleeps).toEqual([61000]);
		expect(calls).toHaveLength(1);
	});

	it('ends a retry backoff and does not retry', async () => {
		const controller = new AbortController();
		const { sleep } = cancellingSleep(controller);
		const { transport, calls } = setup([{ statusCode: 503 }, { statusCode: 200, body: 'ok' }], {
			sleep,
			cancelSignal: controller.signal,
		});
		const error = await transport.request(get).catch((e: unknown) => e);
		expect(isCancellation(error)).toBe(true);
		expect(calls).toHaveLength(1);
	});

	it("uses the execution's cancel signal from the context by default", async () => {
		const controller = new AbortController();
		const { sleep } = cancellingSleep(controller);
		const fake = fakeContext([{ statusCode: 503 }, { statusCode: 200, body: 'ok' }]);
		(
			fake.ctx as unknown as { getExecutionCancelSignal: () => AbortSignal }
		).getExecutionCancelSignal = () => controller.signal;
		const transport = new Transport(fake.ctx, profile, { sleep, pacer: null, random: () => 1 });
		await expect(transport.request(get)).rejects.toThrow('The execution was cancelled');
		expect(fake.calls).toHaveLength(1);
		expect(fake.calls[0].abortSignal).toBeDefined();
	});

	it('sends nothing once the execution is cancelled', async () => {
		const controller = new AbortController();
		controller.abort();
		const { transport, calls } = setup([{ statusCode: 200 }], { cancelSignal: controller.signal });
		await expect(transport.request(get)).rejects.toThrow(ExecutionCancelled);
		expect(calls).toHaveLength(0);
	});

	it('ends a wait-for-completion poll and checks no more', async () => {
		const controller = new AbortController();
		const { sleep } = cancellingSleep(controller);
		const check = jest.fn(async () => ({ done: false, value: 'running' }));
		await expect(
			pollUntil({ check, timeoutMs: 600000, intervalMs: 10000, sleep, signal: controller.signal }),
		).rejects.toThrow(ExecutionCancelled);
		expect(check).toHaveBeenCalledTimes(1);
	});

	it("ends a wait even when n8n's sleep ignores the signal (n8n 1.x)", async () => {
		const controller = new AbortController();
		const check = jest.fn(async () => ({ done: false, value: 1 }));
		const never = async () => await new Promise<void>(() => {});
		const polling = pollUntil({
			check,
			timeoutMs: 600000,
			intervalMs: 10000,
			sleep: never,
			signal: controller.signal,
		});
		await Promise.resolve();
		controller.abort();
		await expect(polling).rejects.toThrow(ExecutionCancelled);
		expect(check).toHaveBeenCalledTimes(1);
	});
});
