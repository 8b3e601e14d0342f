import {
	commonErrorMessage,
	fieldErrors,
	parseLinkHeader,
	parseRetryAfter,
} from '../../../nodes/shared';

describe('commonErrorMessage', () => {
	it.each([
		[{ message: 'Company ID already in use.', errors: [] }, 'Company ID already in use.'],
		[
			{ error: { code: 'ResourceNotFound', message: 'Machine 1 was not found' } },
			'Machine 1 was not found',
		],
		[
			{ errors: ['Zone information could not be determined'] },
			'Zone information could not be determined',
		],
		[
			{ errors: [{ code: 4010010, detail: null, title: 'Authentication Failed' }] },
			'Authentication Failed',
		],
		[{ errors: [{ code: 400, message: 'Invalid policy ID' }] }, 'Invalid policy ID'],
		[{ error: 'invalid_grant', error_description: 'Bad credentials' }, 'Bad credentials'],
		[{ title: 'Unauthorized', detail: 'Invalid credentials' }, 'Unauthorized: Invalid credentials'],
		[{ resultCode: 'Client app not exist' }, 'Client app not exist'],
		[{ errors: { summary: ["can't be blank"] } }, "summary: can't be blank"],
		[
			'Rate Limit Reached - 300 Requests per rolling 5 minute window',
			'Rate Limit Reached - 300 Requests per rolling 5 minute window',
		],
		['"Unable to contact the agent"', 'Unable to contact the agent'],
		['{"message":"json in text"}', 'json in text'],
		[{ data: [] }, undefined],
	])('reads %j', (body, expected) => {
		expect(commonErrorMessage(body)).toBe(expected);
	});
});

describe('fieldErrors', () => {
	it('reads JSON:API pointers, field maps and details lists', () => {
		expect(
			fieldErrors({
				errors: [
					{ status: '422', detail: 'is required', source: { pointer: '/data/attributes/name' } },
				],
			}),
		).toEqual(['/data/attributes/name: is required']);
		expect(fieldErrors({ errors: { summary: ['is too long'] } })).toEqual(['summary: is too long']);
		expect(
			fieldErrors({ error: 'Invalid custom fields', details: ['Invalid field names: 361'] }),
		).toEqual(['Invalid field names: 361']);
	});
});

describe('header parsing', () => {
	it('parses Link headers', () => {
		expect(
			parseLinkHeader('<https://a/x?page=2>; rel="next", <https://a/x?page=7>; rel="last"'),
		).toEqual({
			next: 'https://a/x?page=2',
			last: 'https://a/x?page=7',
		});
		expect(parseLinkHeader(undefined)).toEqual({});
	});

	it('parses Retry-After seconds and dates', () => {
		const now = Date.UTC(2026, 0, 1);
		expect(parseRetryAfter('30', now)).toBe(30000);
		expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
		expect(parseRetryAfter('garbage', now)).toBeUndefined();
	});
});
