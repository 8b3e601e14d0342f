import type { IExecuteFunctions } from 'n8n-workflow';

import {
	commonOptionsProperty,
	readCommonOptions,
	waitOptionFields,
	withRaw,
} from '../../../nodes/shared';

function ctxWith(options: unknown): IExecuteFunctions {
	return { getNodeParameter: () => options } as unknown as IExecuteFunctions;
}

describe('common options', () => {
	it('describes one sorted Options collection without the wait fields', () => {
		const property = commonOptionsProperty();
		expect(property).toMatchObject({ name: 'options', type: 'collection', default: {} });
		expect(property.options?.map((o) => o.name)).toEqual(['concurrency', 'dryRun', 'includeRaw']);
	});

	it('adds Poll Interval and Wait Timeout only where an operation waits', () => {
		const property = commonOptionsProperty({ show: { operation: ['apply'] } }, waitOptionFields);
		expect(property.options?.map((o) => o.name)).toEqual([
			'concurrency',
			'dryRun',
			'includeRaw',
			'pollInterval',
			'waitTimeout',
		]);
		expect(waitOptionFields.find((f) => f.name === 'pollInterval')?.typeOptions).toEqual({
			minValue: 1,
		});
	});

	it('reads defaults', () => {
		expect(readCommonOptions(ctxWith({}), 0)).toEqual({
			dryRun: false,
			includeRaw: false,
			concurrency: 4,
			waitTimeoutSeconds: 300,
			pollIntervalSeconds: 10,
			waitTimeoutMs: 300000,
			pollIntervalMs: 10000,
		});
	});

	it('reads and clamps values', () => {
		const options = readCommonOptions(
			ctxWith({
				dryRun: true,
				includeRaw: true,
				concurrency: 50,
				waitTimeout: 30,
				pollInterval: 0,
			}),
			0,
		);
		expect(options).toMatchObject({
			dryRun: true,
			includeRaw: true,
			concurrency: 20,
			waitTimeoutMs: 30000,
			pollIntervalMs: 1000,
		});
	});

	it('honours a sub-second Poll Interval from an expression down to 0.1 s', () => {
		// n8n enforces minValue only in the editor; an expression reaches the node as is.
		expect(readCommonOptions(ctxWith({ pollInterval: 0.2 }), 0).pollIntervalMs).toBe(200);
		expect(readCommonOptions(ctxWith({ pollInterval: '0.5' }), 0).pollIntervalMs).toBe(500);
		expect(readCommonOptions(ctxWith({ pollInterval: 0.001 }), 0).pollIntervalMs).toBe(100);
		expect(readCommonOptions(ctxWith({ pollInterval: -3 }), 0).pollIntervalMs).toBe(1000);
	});

	it('withRaw drops raw unless asked, also in arrays', () => {
		const ticket = { id: '1', raw: { vendor: true } };
		expect(withRaw(ticket, false)).toEqual({ id: '1' });
		expect(withRaw(ticket, true)).toBe(ticket);
		expect(withRaw([ticket], false)).toEqual([{ id: '1' }]);
		expect(ticket.raw).toEqual({ vendor: true });
	});
});
