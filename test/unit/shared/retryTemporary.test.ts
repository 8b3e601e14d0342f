import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { isTemporaryFailure, retryTemporary } from '../../../nodes/shared';

const node = { name: 'MSP Report', type: 'mspReport', typeVersion: 1 } as INode;
const temporary = (message: string) =>
	new NodeApiError(node, { message } as JsonObject, {
		message,
		failure: { cause: 'temporarily-unavailable' },
	});
const final = (message: string) => new NodeOperationError(node, message);

describe('retryTemporary: a converging operation run again after a temporary failure', () => {
	const waits: number[] = [];
	const sleep = async (ms: number) => {
		waits.push(ms);
	};
	beforeEach(() => (waits.length = 0));

	it('runs again after temporary failures, waiting longer each time, and returns the first success', async () => {
		let runs = 0;
		const result = await retryTemporary(
			async () => {
				runs++;
				if (runs < 3) throw temporary(`504 on run ${runs}`);
				return 'published';
			},
			{ tries: 3, waitMs: 2000, sleep },
		);
		expect(result).toBe('published');
		expect(runs).toBe(3);
		expect(waits).toEqual([2000, 4000]);
	});

	it('throws the last temporary failure, unchanged, once the runs are spent', async () => {
		let runs = 0;
		const error = await retryTemporary(
			async () => {
				runs++;
				throw temporary(`504 on run ${runs}`);
			},
			{ tries: 3, waitMs: 10, sleep },
		).catch((e: unknown) => e);
		expect(runs).toBe(3);
		expect((error as Error).message).toBe('504 on run 3');
	});

	it('never runs again after a final answer (a company that does not exist, a refused key)', async () => {
		let runs = 0;
		const error = await retryTemporary(
			async () => {
				runs++;
				throw final('Hudu has no company named "Bright Smile Dental"');
			},
			{ tries: 3, waitMs: 10, sleep },
		).catch((e: unknown) => e);
		expect(runs).toBe(1);
		expect(waits).toEqual([]);
		expect(error).toBeInstanceOf(NodeOperationError);
	});

	it('stops waiting when the execution is cancelled', async () => {
		const controller = new AbortController();
		let runs = 0;
		const error = await retryTemporary(
			async () => {
				runs++;
				throw temporary('503');
			},
			{
				tries: 5,
				waitMs: 10,
				ctx: { getExecutionCancelSignal: () => controller.signal },
				sleep: async () => controller.abort(),
			},
		).catch((e: unknown) => e);
		expect(runs).toBe(1);
		expect((error as Error).message).toBe('503');
	});

	it('takes 5xx, 429 and no answer as temporary, and nothing else', () => {
		expect(isTemporaryFailure(temporary('x'))).toBe(true);
		expect(
			isTemporaryFailure(
				new NodeApiError(node, { message: 'slow down' } as JsonObject, {
					failure: { cause: 'rate-limited' },
				}),
			),
		).toBe(true);
		expect(
			isTemporaryFailure(
				new NodeApiError(node, { message: 'no' } as JsonObject, {
					failure: { cause: 'credential-invalid' },
				}),
			),
		).toBe(false);
		expect(isTemporaryFailure(final('bad input'))).toBe(false);
		expect(isTemporaryFailure(new Error('plain'))).toBe(false);
	});
});
