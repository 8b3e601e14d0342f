/**
 * Autotask's query language (REST Basic Query Calls): `{"filter": [...], "MaxRecords": n}` where a
 * condition is `{op, field, value, udf?}` and a group `{op: "and"|"or", items: [...]}`. Field names
 * and string comparisons are case-insensitive; a bad filter is refused with Autotask's error body.
 */
type Json = Record<string, unknown>;

export class QueryError extends Error {}

const COMPARE = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte'];
const TEXT = ['beginswith', 'endswith', 'contains'];
const LIST = ['in', 'notin'];
const EXIST = ['exist', 'notexist'];

function fieldOf(record: Json, field: string): unknown {
	const key = Object.keys(record).find((k) => k.toLowerCase() === field.toLowerCase());
	return key === undefined ? undefined : record[key];
}

function norm(value: unknown): unknown {
	if (typeof value === 'string') {
		const time = /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : NaN;
		return Number.isNaN(time) ? value.toLowerCase() : time;
	}
	return value;
}

function compare(a: unknown, b: unknown): number {
	const x = norm(a);
	const y = norm(b);
	if (typeof x === 'number' && typeof y === 'string' && y.trim() !== '' && !Number.isNaN(Number(y)))
		return x - Number(y);
	if (typeof x === 'number' && typeof y === 'number') return x - y;
	return String(x).localeCompare(String(y));
}

export type Predicate = (record: Json) => boolean;

export function compileFilter(filter: unknown): Predicate {
	if (!Array.isArray(filter) || filter.length === 0)
		throw new QueryError('A query requires at least one filter condition.');
	const parts = filter.map(compileItem);
	return (record) => parts.every((p) => p(record));
}

function compileItem(item: unknown): Predicate {
	if (!item || typeof item !== 'object') throw new QueryError('Invalid filter item.');
	const { op, field, value, items, udf } = item as Json;
	const operator = String(op ?? '').toLowerCase();
	if (operator === 'and' || operator === 'or') {
		if (!Array.isArray(items) || !items.length)
			throw new QueryError(`The ${operator} operator requires items.`);
		const parts = items.map(compileItem);
		return operator === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
	}
	if (typeof field !== 'string' || !field)
		throw new QueryError(`Filter item with op ${String(op)} has no field.`);
	const read = (r: Json) =>
		udf === true
			? ((
					fieldOf(r, 'userDefinedFields') as Array<{ name: string; value: unknown }> | undefined
				)?.find((u) => u.name.toLowerCase() === field.toLowerCase())?.value ?? null)
			: fieldOf(r, field);
	if (EXIST.includes(operator))
		return operator === 'exist'
			? (r) => read(r) !== null && read(r) !== undefined && read(r) !== ''
			: (r) => read(r) === null || read(r) === undefined || read(r) === '';
	if (LIST.includes(operator)) {
		if (!Array.isArray(value)) throw new QueryError(`The ${op} operator requires an array value.`);
		const test = (r: Json) => value.some((v) => read(r) != null && compare(read(r), v) === 0);
		return operator === 'in' ? test : (r) => !test(r);
	}
	if (TEXT.includes(operator)) {
		const needle = String(value ?? '').toLowerCase();
		return (r) => {
			const text = read(r);
			if (typeof text !== 'string') return false;
			const hay = text.toLowerCase();
			if (operator === 'contains') return hay.includes(needle);
			return operator === 'beginswith' ? hay.startsWith(needle) : hay.endsWith(needle);
		};
	}
	if (!COMPARE.includes(operator)) throw new QueryError(`Unknown filter operator: ${String(op)}`);
	return (r) => {
		const actual = read(r);
		if (operator === 'noteq')
			return actual === null || actual === undefined || compare(actual, value) !== 0;
		if (actual === null || actual === undefined) return false;
		const c = compare(actual, value);
		if (operator === 'eq') return c === 0;
		if (operator === 'gt') return c > 0;
		if (operator === 'gte') return c >= 0;
		if (operator === 'lt') return c < 0;
		return c <= 0;
	};
}
