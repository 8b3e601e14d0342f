import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { Transport, operationRouter, requestParsed } from '../../../nodes/shared';
import { fakeContext, node, profile } from './helpers';

function executeContext(parameters: Record<string, string>): IExecuteFunctions {
	return {
		getNodeParameter: (name: string) => parameters[name],
		getNode: () => node,
	} as unknown as IExecuteFunctions;
}

describe('operationRouter', () => {
	const out: INodeExecutionData[] = [{ json: { ok: true }, pairedItem: { item: 0 } }];
	const router = operationRouter({ ticket: { get: async () => out } });

	it('runs the operation the Resource and Operation parameters name, as the main output', async () => {
		await expect(
			router.call(executeContext({ resource: 'ticket', operation: 'get' })),
		).resolves.toEqual([out]);
	});

	it('rejects an unknown operation with both names', async () => {
		const call = router.call(executeContext({ resource: 'ticket', operation: 'delete' }));
		await expect(call).rejects.toThrow(NodeOperationError);
		await expect(
			router.call(executeContext({ resource: 'ticket', operation: 'delete' })),
		).rejects.toThrow('The operation "delete" is not supported for resource "ticket"');
	});
});

describe('requestParsed', () => {
	const Ticket = z.object({ id: z.number(), summary: z.string() });

	it('GETs by default and returns the parsed body', async () => {
		const fake = fakeContext([
			{ statusCode: 200, body: { id: 7, summary: 'Disk full', extra: 1 } },
		]);
		const transport = new Transport(fake.ctx, profile, { pacer: null });
		await expect(
			requestParsed(transport, node, Ticket, { path: '/tickets/7', operation: 'get ticket' }),
		).resolves.toEqual({ id: 7, summary: 'Disk full' });
		expect(fake.calls[0]).toMatchObject({
			method: 'GET',
			url: 'https://api.vendor.test/v1/tickets/7',
		});
	});

	it('sends the given method and body', async () => {
		const fake = fakeContext([{ statusCode: 201, body: { id: 8, summary: 'New' } }]);
		const transport = new Transport(fake.ctx, profile, { pacer: null });
		await requestParsed(transport, node, Ticket, {
			method: 'POST',
			path: '/tickets',
			body: { summary: 'New' },
			operation: 'create ticket',
		});
		expect(fake.calls[0]).toMatchObject({ method: 'POST', body: { summary: 'New' } });
	});

	it("names the profile's vendor, the operation and the field when the answer does not fit", async () => {
		const fake = fakeContext([{ statusCode: 200, body: { id: 'seven' } }]);
		const transport = new Transport(fake.ctx, profile, { pacer: null });
		const call = requestParsed(transport, node, Ticket, {
			path: '/tickets/7',
			operation: 'get ticket',
		});
		await expect(call).rejects.toThrow(NodeApiError);
		await expect(
			requestParsed(
				new Transport(fakeContext([{ statusCode: 200, body: { id: 'seven' } }]).ctx, profile, {
					pacer: null,
				}),
				node,
				Ticket,
				{ path: '/tickets/7', operation: 'get ticket' },
			),
		).rejects.toThrow('TestVendor returned an unexpected response for "get ticket": id:');
	});
});
