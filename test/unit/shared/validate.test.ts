import { NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

import { formatIssuePath, parseVendorResponse } from '../../../nodes/shared';
import { node } from './helpers';

const schema = z.object({ tickets: z.array(z.object({ id: z.number(), summary: z.string() })) });
const ctx = { vendor: 'TestVendor', operation: 'list tickets' };

describe('parseVendorResponse', () => {
	it('returns the parsed data', () => {
		const data = { tickets: [{ id: 1, summary: 'a' }] };
		expect(parseVendorResponse(node, schema, data, ctx)).toEqual(data);
	});

	it('turns a schema failure into a NodeApiError naming vendor, operation and field paths', () => {
		const data = {
			tickets: [
				{ id: 1, summary: 'a' },
				{ id: 2, summary: 'b' },
				{ id: 3, summary: 'c' },
				{ id: '4', summary: 5 },
			],
		};
		let caught: unknown;
		try {
			parseVendorResponse(node, schema, data, ctx);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(NodeApiError);
		const error = caught as NodeApiError;
		expect(error.message).toContain('TestVendor');
		expect(error.message).toContain('list tickets');
		expect(error.message).toContain('tickets[3].id: Expected number, received string');
		expect(error.description).toContain('tickets[3].summary: Expected string, received number');
	});

	it('formats root and nested paths', () => {
		expect(formatIssuePath([])).toBe('(response)');
		expect(formatIssuePath(['a', 0, 'b', 2])).toBe('a[0].b[2]');
		expect(formatIssuePath([1])).toBe('[1]');
	});
});
