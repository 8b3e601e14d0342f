import type { Request } from 'express';

import { ConditionError, parseCondition } from './condition';

/**
 * [unverified] Automate documents no default or maximum page size; clients ask for up to 1000.
 * The sandbox caps a page at 500 without saying so, as a server with a lower maximum would: a
 * client that stops on a short page loses rows, one that pages until an empty array (the
 * reference's rule) does not.
 */
const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class ListError extends Error {}

/**
 * A list option, sent either bare (`page`, as Automate's clients do) or with the spec's
 * `options.` prefix (`options.page`); names are matched case-insensitively like ASP.NET binding.
 */
function option(req: Request, name: string): string | undefined {
	for (const [key, value] of Object.entries(req.query)) {
		const bare = key.toLowerCase().replace(/^options\./, '');
		if (bare === name.toLowerCase() && typeof value === 'string') return value;
	}
	return undefined;
}

/**
 * Automate's list options over plain JSON rows: `condition`, `orderBy` ("Field asc|desc"),
 * `ids`, `page` (1-based) and `pageSize` (at most `MAX_PAGE_SIZE`). The answer is a plain array
 * without a total; a client pages until it gets an empty array.
 */
export function listPage<T extends Record<string, unknown>>(req: Request, rows: T[]): T[] {
	let result = rows;
	const condition = option(req, 'condition');
	if (condition) {
		try {
			const test = parseCondition(condition);
			result = result.filter((row) => test(row));
		} catch (error) {
			if (error instanceof ConditionError) throw new ListError(error.message);
			throw error;
		}
	}
	const ids = option(req, 'ids');
	if (ids) {
		const wanted = ids.split(',').map((v) => v.trim());
		result = result.filter((row) => wanted.includes(String(row.Id ?? row.AlertId)));
	}
	result = ordered(
		result,
		option(req, 'orderBy') ?? option(req, 'orderBy.name'),
		option(req, 'orderBy.type'),
	);
	const page = positive(option(req, 'page'), 1, 'page');
	const size = Math.min(
		positive(option(req, 'pageSize'), DEFAULT_PAGE_SIZE, 'pageSize'),
		MAX_PAGE_SIZE,
	);
	return result.slice((page - 1) * size, page * size);
}

function positive(value: string | undefined, fallback: number, name: string): number {
	if (value === undefined || value === '') return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 1)
		throw new ListError(`The value '${value}' is not valid for ${name}.`);
	return parsed;
}

function ordered<T extends Record<string, unknown>>(
	rows: T[],
	orderBy: string | undefined,
	orderType?: string,
): T[] {
	if (!orderBy) return rows;
	const [field, direction = orderType ?? 'asc'] = orderBy.trim().split(/\s+/);
	const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
	const key = (row: T) => {
		const actual = Object.keys(row).find((k) => k.toLowerCase() === field.toLowerCase());
		if (actual === undefined) throw new ListError(`Unknown field ${field} in orderBy`);
		return row[actual];
	};
	return [...rows].sort((a, b) => {
		const x = key(a);
		const y = key(b);
		const nx = Number(x);
		const ny = Number(y);
		if (Number.isFinite(nx) && Number.isFinite(ny)) return (nx - ny) * sign;
		return String(x ?? '').localeCompare(String(y ?? '')) * sign;
	});
}
