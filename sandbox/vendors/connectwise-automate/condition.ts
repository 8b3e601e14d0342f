/**
 * Automate's `condition` query option: a SQL-like boolean expression over the record's fields,
 * e.g. `(Client.Id = 31) and (Status = 'Online') and (ComputerName like '%SRV%')`.
 * Operators: = eq != <> > >= < <= like contains in, `not` before in/like/contains, and/or,
 * parentheses; strings in single or double quotes, true/false, numbers, ISO dates.
 * Comparisons are case-insensitive like the SQL Server collation behind it.
 */
export class ConditionError extends Error {}

type Value = string | number | boolean | null | Value[];
type Node =
	| { kind: 'and' | 'or'; left: Node; right: Node }
	| { kind: 'cmp'; field: string; op: string; negate: boolean; value: Value };

const TOKEN =
	/\s*(?:(\()|(\))|(,)|('(?:[^']|'')*'|"(?:[^"]|"")*")|(>=|<=|!=|<>|=|>|<)|([A-Za-z_][\w.]*)|(-?\d[\w.:+-]*))/y;

function tokenize(text: string): string[] {
	const tokens: string[] = [];
	TOKEN.lastIndex = 0;
	let index = 0;
	while (index < text.length) {
		if (/^\s*$/.test(text.slice(index))) break;
		TOKEN.lastIndex = index;
		const match = TOKEN.exec(text);
		if (!match)
			throw new ConditionError(`Invalid condition near "${text.slice(index, index + 20)}"`);
		tokens.push(match[0].trim());
		index = TOKEN.lastIndex;
	}
	return tokens;
}

export function parseCondition(text: string): (record: unknown) => boolean {
	const tokens = tokenize(text);
	let pos = 0;
	const peek = () => tokens[pos];
	const take = () => tokens[pos++];
	const lower = () => peek()?.toLowerCase();

	const parseValue = (): Value => {
		const token = take();
		if (token === undefined) throw new ConditionError('Condition ends unexpectedly');
		if (token === '(') {
			const list: Value[] = [];
			while (peek() !== ')') {
				list.push(parseValue());
				if (peek() === ',') take();
				else if (peek() !== ')') throw new ConditionError('Expected , or ) in list');
			}
			take();
			return list;
		}
		if (/^'.*'$|^".*"$/s.test(token))
			return token.slice(1, -1).replace(/''/g, "'").replace(/""/g, '"');
		if (/^true$/i.test(token)) return true;
		if (/^false$/i.test(token)) return false;
		if (/^null$/i.test(token)) return null;
		if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
		return token;
	};

	const parseFactor = (): Node => {
		if (peek() === '(') {
			take();
			const inner = parseOr();
			if (take() !== ')') throw new ConditionError('Missing )');
			return inner;
		}
		const field = take();
		if (!field || !/^[A-Za-z_][\w.]*$/.test(field))
			throw new ConditionError(`Expected a field name, got "${field ?? ''}"`);
		let negate = false;
		if (lower() === 'not') {
			take();
			negate = true;
		}
		const op = take()?.toLowerCase();
		if (
			!op ||
			!['=', 'eq', '!=', '<>', '>', '>=', '<', '<=', 'like', 'contains', 'in'].includes(op)
		)
			throw new ConditionError(`Unknown operator "${op ?? ''}"`);
		if (negate && !['in', 'like', 'contains'].includes(op))
			throw new ConditionError('not is only allowed with in, like or contains');
		return { kind: 'cmp', field, op, negate, value: parseValue() };
	};
	const parseAnd = (): Node => {
		let node = parseFactor();
		while (lower() === 'and') {
			take();
			node = { kind: 'and', left: node, right: parseFactor() };
		}
		return node;
	};
	const parseOr = (): Node => {
		let node = parseAnd();
		while (lower() === 'or') {
			take();
			node = { kind: 'or', left: node, right: parseAnd() };
		}
		return node;
	};
	const tree = parseOr();
	if (pos < tokens.length) throw new ConditionError(`Unexpected "${tokens[pos]}" in condition`);
	return (record) => evaluate(tree, record);
}

function evaluate(node: Node, record: unknown): boolean {
	if (node.kind !== 'cmp') {
		return node.kind === 'and'
			? evaluate(node.left, record) && evaluate(node.right, record)
			: evaluate(node.left, record) || evaluate(node.right, record);
	}
	const actual = fieldValue(record, node.field);
	const result = compare(actual, node.op, node.value);
	return node.negate ? !result : result;
}

function fieldValue(record: unknown, path: string): unknown {
	let current: unknown = record;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object')
			throw new ConditionError(`Unknown field ${path}`);
		const key = Object.keys(current).find((k) => k.toLowerCase() === part.toLowerCase());
		if (key === undefined) throw new ConditionError(`Unknown field ${path}`);
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function compare(actual: unknown, op: string, expected: Value): boolean {
	if (op === 'in') return Array.isArray(expected) && expected.some((v) => equal(actual, v));
	if (op === 'like') return like(String(actual ?? ''), String(expected));
	if (op === 'contains')
		return String(actual ?? '')
			.toLowerCase()
			.includes(String(expected).toLowerCase());
	if (op === '=' || op === 'eq') return equal(actual, expected);
	if (op === '!=' || op === '<>') return !equal(actual, expected);
	const order = ordering(actual, expected);
	if (order === undefined) return false;
	return op === '>' ? order > 0 : op === '>=' ? order >= 0 : op === '<' ? order < 0 : order <= 0;
}

function equal(actual: unknown, expected: Value): boolean {
	if (expected === null) return actual === null || actual === undefined;
	if (typeof expected === 'boolean')
		return actual === expected || String(actual).toLowerCase() === String(expected);
	return String(actual ?? '').toLowerCase() === String(expected).toLowerCase();
}

function ordering(actual: unknown, expected: Value): number | undefined {
	if (actual === null || actual === undefined) return undefined;
	const a = Number(actual);
	const b = Number(expected);
	if (typeof expected === 'number' && Number.isFinite(a)) return a - b;
	const da = Date.parse(String(actual));
	const db = Date.parse(String(expected));
	if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
	return String(actual).localeCompare(String(expected), undefined, { sensitivity: 'base' });
}

function like(text: string, pattern: string): boolean {
	const regex = pattern
		.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		.replace(/%/g, '.*')
		.replace(/_/g, '.');
	return new RegExp(`^${regex}$`, 'is').test(text);
}
