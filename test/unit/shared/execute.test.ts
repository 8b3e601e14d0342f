import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DryRunStop, Transport, runPerItem } from '../../../nodes/shared';
import { fakeContext, node, profile } from './helpers';

function executeContext(itemCount: number, continueOnFail = false): IExecuteFunctions {
	return {
		getNode: () => node,
		getInputData: () => Array.from({ length: itemCount }, (_, i) => ({ json: { i } })),
		continueOnFail: () => continueOnFail,
	} as unknown as IExecuteFunctions;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected a failure');
}

describe('runPerItem', () => {
	it('keeps input order, flattens arrays and pairs every output item', async () => {
		const delays = [30, 0, 10];
		const output = await runPerItem(executeContext(3), { concurrency: 3 }, async (i) => {
			await new Promise<void>((resolve) => queueMicrotask(resolve));
			for (let n = 0; n < delays[i]; n++) await Promise.resolve();
			return i === 1 ? [{ v: 'b1' }, { v: 'b2' }] : { v: i };
		});
		expect(output).toEqual([
			{ json: { v: 0 }, pairedItem: { item: 0 } },
			{ json: { v: 'b1' }, pairedItem: { item: 1 } },
			{ json: { v: 'b2' }, pairedItem: { item: 1 } },
			{ json: { v: 2 }, pairedItem: { item: 2 } },
		]);
	});

	it('bounds concurrency', async () => {
		let running = 0;
		let peak = 0;
		await runPerItem(executeContext(10), { concurrency: 2 }, async () => {
			running++;
			peak = Math.max(peak, running);
			await Promise.resolve();
			await Promise.resolve();
			running--;
			return {};
		});
		expect(peak).toBe(2);
	});

	it('turns a DryRunStop into one dry-run item', async () => {
		const fake = fakeContext([]);
		const transport = new Transport(fake.ctx, profile, { dryRun: true, pacer: null });
		const output = await runPerItem(executeContext(1), { concurrency: 1 }, async () => {
			await transport.request({
				method: 'POST',
				path: '/isolate',
				operation: 'isolate device',
				body: { id: '7' },
			});
			return { sent: true };
		});
		expect(output).toEqual([
			{
				json: {
					dryRun: true,
					operation: 'isolate device',
					request: {
						operation: 'isolate device',
						method: 'POST',
						url: 'https://api.vendor.test/v1/isolate',
						body: { id: '7' },
					},
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('finds a DryRunStop wrapped by a provider', async () => {
		const stop = new DryRunStop({
			operation: 'close ticket',
			method: 'PATCH',
			url: 'https://x/t/1',
		});
		const output = await runPerItem(executeContext(1), { concurrency: 1 }, async () => {
			throw new NodeOperationError(node, stop);
		});
		expect(output[0].json).toMatchObject({ dryRun: true, operation: 'close ticket' });
	});

	it('with continueOnFail yields an error item per failed item and goes on', async () => {
		const output = await runPerItem(executeContext(3, true), { concurrency: 2 }, async (i) => {
			if (i === 1) {
				throw new NodeApiError(node, {} as never, {
					message: 'Ticket not found Bearer abcdefghijklmnop',
					description: 'TestVendor "get ticket" failed with HTTP 404.',
					httpCode: '404',
				});
			}
			return { ok: i };
		});
		expect(output).toEqual([
			{ json: { ok: 0 }, pairedItem: { item: 0 } },
			{
				json: {
					error: 'Ticket not found Bearer [redacted]',
					description: 'TestVendor "get ticket" failed with HTTP 404.',
					httpCode: '404',
				},
				pairedItem: { item: 1 },
			},
			{ json: { ok: 2 }, pairedItem: { item: 2 } },
		]);
	});

	it('rethrows NodeApiError with the item index', async () => {
		const error = (await caught(
			runPerItem(executeContext(2), { concurrency: 1 }, async (i) => {
				if (i === 1)
					throw new NodeApiError(node, {} as never, { message: 'nope', httpCode: '409' });
				return {};
			}),
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('409');
		expect(error.context.itemIndex).toBe(1);
	});

	it('wraps plain errors in NodeOperationError with the item index', async () => {
		const error = (await caught(
			runPerItem(executeContext(1), { concurrency: 1 }, async (): Promise<IDataObject> => {
				throw new TypeError('cannot read id of undefined');
			}),
		)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('cannot read id of undefined');
		expect(error.context.itemIndex).toBe(0);
	});
});
