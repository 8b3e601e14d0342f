/**
 * The ConnectWise PSA `conditions` query language (Developer Guide, "Query Parameters"):
 * strings in double quotes (`\"` and `\\` escape a quote and a backslash inside), bare numbers,
 * true/false, null, datetimes in [brackets], operators = != < <= > >= contains like in, `not`
 * before contains/like/in, `and`/`or` with parentheses (and binds tighter), reference fields as
 * paths (`company/id`).
 */

export class ConditionError extends Error {}

type Value = string | number | boolean | null | Date | Value[];

type Node =
	| { kind: 'and' | 'or'; left: Node; right: Node }
	| { kind: 'cmp'; field: string; op: string; negate: boolean; value: Value };

type Token = { type: 'str' | 'num' | 'date' | 'word' | 'op' | 'punct'; text: string };

const OPERATORS = ['<=', '>=', '!=', '=', '<', '>'];

/**
 * The string literal opening at `start`: a backslash takes the next character as it is, so `\"` is a
 * quote inside the string and `\\` a backslash (the conditions syntax's escape). `end` is the index
 * of the closing quote.
 */
function stringLiteral(input: string, start: number): { text: string; end: number } {
	const quote = input[start];
	let text = '';
	for (let i = start + 1; i < input.length; i++) {
		const ch = input[i];
		if (ch === quote) return { text, end: i };
		if (ch === '\\') {
			if (i + 1 >= input.length) break;
			text += input[++i];
			continue;
		}
		text += ch;
	}
	throw new ConditionError(`Unterminated string starting at position ${start}`);
}

function tokenize(input: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < input.length) {
		const ch = input[i];
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		if (ch === '"' || ch === "'") {
			// The guide shows double quotes; its search-body example uses single quotes.
			const { text, end } = stringLiteral(input, i);
			tokens.push({ type: 'str', text });
			i = end + 1;
			continue;
		}
		if (ch === '[') {
			const end = input.indexOf(']', i + 1);
			if (end < 0) throw new ConditionError(`Unterminated date starting at position ${i}`);
			tokens.push({ type: 'date', text: input.slice(i + 1, end) });
			i = end + 1;
			continue;
		}
		if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ type: 'punct', text: ch });
			i++;
			continue;
		}
		const op = OPERATORS.find((o) => input.startsWith(o, i));
		if (op) {
			tokens.push({ type: 'op', text: op });
			i += op.length;
			continue;
		}
		const match = /^[A-Za-z0-9_/.\-:]+/.exec(input.slice(i));
		if (!match) throw new ConditionError(`Unexpected character '${ch}' at position ${i}`);
		const text = match[0];
		tokens.push({ type: /^-?\d+(\.\d+)?$/.test(text) ? 'num' : 'word', text });
		i += text.length;
	}
	return tokens;
}

class Parser {
	private pos = 0;
	constructor(private readonly tokens: Token[]) {}

	parse(): Node {
		const node = this.or();
		if (this.pos < this.tokens.length)
			throw new ConditionError(`Unexpected '${this.tokens[this.pos].text}'`);
		return node;
	}

	private peekWord(word: string): boolean {
		const token = this.tokens[this.pos];
		return token?.type === 'word' && token.text.toLowerCase() === word;
	}

	private or(): Node {
		let left = this.and();
		while (this.peekWord('or')) {
			this.pos++;
			left = { kind: 'or', left, right: this.and() };
		}
		return left;
	}

	private and(): Node {
		let left = this.factor();
		while (this.peekWord('and')) {
			this.pos++;
			left = { kind: 'and', left, right: this.factor() };
		}
		return left;
	}

	private factor(): Node {
		const token = this.tokens[this.pos];
		if (!token) throw new ConditionError('Condition ends unexpectedly');
		if (token.type === 'punct' && token.text === '(') {
			this.pos++;
			const inner = this.or();
			this.expect(')');
			return inner;
		}
		return this.comparison();
	}

	private expect(text: string): void {
		if (this.tokens[this.pos]?.text !== text) throw new ConditionError(`Expected '${text}'`);
		this.pos++;
	}

	private comparison(): Node {
		const field = this.tokens[this.pos++];
		if (field.type !== 'word')
			throw new ConditionError(`Expected a field name, got '${field.text}'`);
		let negate = false;
		if (this.peekWord('not')) {
			negate = true;
			this.pos++;
		}
		const opToken = this.tokens[this.pos++];
		if (!opToken) throw new ConditionError(`Missing operator after ${field.text}`);
		const op = opToken.text.toLowerCase();
		if (opToken.type === 'op' && !negate)
			return { kind: 'cmp', field: field.text, op, negate, value: this.value() };
		if (opToken.type === 'word' && (op === 'contains' || op === 'like'))
			return { kind: 'cmp', field: field.text, op, negate, value: this.value() };
		if (opToken.type === 'word' && op === 'in')
			return { kind: 'cmp', field: field.text, op, negate, value: this.list() };
		throw new ConditionError(`Unknown operator '${opToken.text}'`);
	}

	private list(): Value[] {
		this.expect('(');
		const values: Value[] = [this.value()];
		while (this.tokens[this.pos]?.text === ',') {
			this.pos++;
			values.push(this.value());
		}
		this.expect(')');
		return values;
	}

	private value(): Value {
		const token = this.tokens[this.pos++];
		if (!token) throw new ConditionError('Missing value');
		if (token.type === 'str') return token.text;
		if (token.type === 'num') return Number(token.text);
		if (token.type === 'date') {
			const date = new Date(token.text);
			if (Number.isNaN(date.getTime())) throw new ConditionError(`Invalid date [${token.text}]`);
			return date;
		}
		const word = token.text.toLowerCase();
		if (word === 'true' || word === 'false') return word === 'true';
		if (word === 'null') return null;
		throw new ConditionError(`Invalid value '${token.text}': strings need double quotes`);
	}
}

export type Resolver = (
	record: Record<string, unknown>,
	path: string,
) => { found: boolean; value: unknown };

/** Reads `a/b` paths case-insensitively, the way ConnectWise treats field names. */
export function resolvePath(
	record: Record<string, unknown>,
	path: string,
): { found: boolean; value: unknown } {
	let current: unknown = record;
	for (const part of path.split('/')) {
		if (current === null || current === undefined) return { found: true, value: null };
		if (typeof current !== 'object') return { found: false, value: undefined };
		const key = Object.keys(current).find((k) => k.toLowerCase() === part.toLowerCase());
		if (key === undefined) return { found: false, value: undefined };
		current = (current as Record<string, unknown>)[key];
	}
	return { found: true, value: current };
}

function likeToRegExp(pattern: string): RegExp {
	const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[%*]/g, '.*');
	return new RegExp(`^${escaped}$`, 'i');
}

function comparable(actual: unknown, expected: Value): [unknown, unknown] {
	if (expected instanceof Date) {
		const time = typeof actual === 'string' ? Date.parse(actual) : NaN;
		return [time, expected.getTime()];
	}
	if (typeof expected === 'string' && typeof actual === 'string')
		return [actual.toLowerCase(), expected.toLowerCase()];
	return [actual, expected];
}

function compare(actual: unknown, op: string, expected: Value): boolean {
	if (op === 'in') return (expected as Value[]).some((v) => compare(actual, '=', v));
	if (op === 'contains')
		return (
			typeof actual === 'string' && actual.toLowerCase().includes(String(expected).toLowerCase())
		);
	if (op === 'like')
		return typeof actual === 'string' && likeToRegExp(String(expected)).test(actual);
	if (expected === null)
		return op === '='
			? actual === null || actual === undefined
			: op === '!='
				? actual !== null && actual !== undefined
				: false;
	const [a, b] = comparable(actual, expected);
	switch (op) {
		case '=':
			return a === b;
		case '!=':
			return a !== b;
		case '<':
			return (a as number) < (b as number);
		case '<=':
			return (a as number) <= (b as number);
		case '>':
			return (a as number) > (b as number);
		case '>=':
			return (a as number) >= (b as number);
	}
	return false;
}

function evaluate(node: Node, record: Record<string, unknown>, resolve: Resolver): boolean {
	if (node.kind !== 'cmp') {
		const left = evaluate(node.left, record, resolve);
		return node.kind === 'and'
			? left && evaluate(node.right, record, resolve)
			: left || evaluate(node.right, record, resolve);
	}
	const { found, value } = resolve(record, node.field);
	if (!found) throw new ConditionError(`Unknown field: ${node.field}`);
	const result = compare(value, node.op, node.value);
	return node.negate ? !result : result;
}

/** Compiles a conditions string into a predicate; throws ConditionError on bad syntax or unknown fields. */
export function compileConditions(
	conditions: string | undefined,
	resolve: Resolver = resolvePath,
): (record: Record<string, unknown>) => boolean {
	if (!conditions || !conditions.trim()) return () => true;
	const tree = new Parser(tokenize(conditions)).parse();
	return (record) => evaluate(tree, record, resolve);
}
