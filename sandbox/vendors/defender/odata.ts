/**
 * The slice of OData `$filter` Defender for Endpoint documents: comparisons (eq, ne, gt, ge, lt, le)
 * joined with and/or, parentheses, and startswith(property,'text'). Property names are matched
 * case-insensitively against the entity's filterable list; string values compare case-sensitively.
 */
export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

export class ODataError extends Error {}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

export function parseFilter(text: string, filterable: string[]): Predicate {
	const tokens = tokenize(text);
	let pos = 0;
	const peek = () => tokens[pos];
	const take = () => tokens[pos++];
	const expectPunct = (p: string) => {
		const t = take();
		if (!t || t.kind !== 'punct' || t.text !== p)
			throw new ODataError(`Syntax error: '${p}' expected at position ${pos} in '${text}'.`);
	};
	const property = (name: string): string => {
		const found = filterable.find((f) => f.toLowerCase() === name.toLowerCase());
		if (!found)
			throw new ODataError(
				`The query specified in the URI is not valid. The property '${name}' cannot be used in the $filter query option.`,
			);
		return found;
	};
	const literal = (): unknown => {
		const t = take();
		if (!t) throw new ODataError(`Syntax error: a value is expected at the end of '${text}'.`);
		if (t.kind === 'string') return t.text;
		if (t.text === 'null') return null;
		if (t.text === 'true' || t.text === 'false') return t.text === 'true';
		if (/^-?\d+(\.\d+)?$/.test(t.text)) return Number(t.text);
		if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(t.text)) return new Date(t.text);
		throw new ODataError(`Syntax error at position ${pos} in '${text}'.`);
	};
	const comparison = (): Predicate => {
		const first = take();
		if (!first) throw new ODataError(`Syntax error: unexpected end of '${text}'.`);
		if (first.kind === 'punct' && first.text === '(') {
			const inner = orExpr();
			expectPunct(')');
			return inner;
		}
		if (
			first.kind === 'word' &&
			first.text.toLowerCase() === 'startswith' &&
			peek()?.text === '('
		) {
			take();
			const prop = property(take()?.text ?? '');
			expectPunct(',');
			const value = literal();
			expectPunct(')');
			return (row) =>
				typeof row[prop] === 'string' &&
				typeof value === 'string' &&
				(row[prop] as string).startsWith(value);
		}
		if (first.kind !== 'word')
			throw new ODataError(`Syntax error at position ${pos} in '${text}'.`);
		const prop = property(first.text);
		const op = take()?.text.toLowerCase();
		if (!op || !['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op))
			throw new ODataError(`Syntax error: operator expected after '${first.text}'.`);
		const value = literal();
		return (row) => compare(row[prop], op, value);
	};
	const andExpr = (): Predicate => {
		let left = comparison();
		while (peek()?.kind === 'word' && peek().text.toLowerCase() === 'and') {
			take();
			const right = comparison();
			const l = left;
			left = (row) => l(row) && right(row);
		}
		return left;
	};
	const orExpr = (): Predicate => {
		let left = andExpr();
		while (peek()?.kind === 'word' && peek().text.toLowerCase() === 'or') {
			take();
			const right = andExpr();
			const l = left;
			left = (row) => l(row) || right(row);
		}
		return left;
	};
	const predicate = orExpr();
	if (pos < tokens.length) throw new ODataError(`Syntax error at position ${pos} in '${text}'.`);
	return predicate;
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
	let a: unknown = actual;
	let b: unknown = expected;
	if (expected instanceof Date) {
		if (actual === null || actual === undefined) return op === 'ne';
		a = Date.parse(String(actual));
		b = expected.getTime();
	}
	if (Array.isArray(a)) return op === 'eq' ? a.includes(b) : op === 'ne' ? !a.includes(b) : false;
	switch (op) {
		case 'eq':
			return a === b;
		case 'ne':
			return a !== b;
		case 'gt':
			return (a as number) > (b as number);
		case 'ge':
			return (a as number) >= (b as number);
		case 'lt':
			return (a as number) < (b as number);
		default:
			return (a as number) <= (b as number);
	}
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
		} else if (c === '(' || c === ')' || c === ',') {
			tokens.push({ kind: 'punct', text: c });
			i++;
		} else if (c === "'") {
			let value = '';
			i++;
			for (;;) {
				if (i >= text.length) throw new ODataError(`Unterminated string literal in '${text}'.`);
				if (text[i] === "'" && text[i + 1] === "'") {
					value += "'";
					i += 2;
				} else if (text[i] === "'") {
					i++;
					break;
				} else {
					value += text[i++];
				}
			}
			tokens.push({ kind: 'string', text: value });
		} else {
			let word = '';
			while (i < text.length && !/[\s(),']/.test(text[i])) word += text[i++];
			tokens.push({ kind: 'word', text: word });
		}
	}
	return tokens;
}
