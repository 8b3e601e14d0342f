/**
 * The part of the Falcon Query Language the sandbox understands: clauses joined with `+` (AND),
 * each `field:value`, `field:>=value` (also `>`, `<=`, `<`), `field:['a','b']` (any of) and
 * `field:*'pat*tern'` (wildcard). Strings are single-quoted with `\'` escapes; numbers are bare.
 */
export interface FqlClause {
	field: string;
	op: '=' | '>=' | '>' | '<=' | '<' | 'in' | 'like';
	values: string[];
}

function splitTop(text: string, separator: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quoted = false;
	let current = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted && ch === '\\') {
			current += ch + (text[i + 1] ?? '');
			i++;
			continue;
		}
		if (ch === "'") quoted = !quoted;
		else if (!quoted && ch === '[') depth++;
		else if (!quoted && ch === ']') depth--;
		if (!quoted && depth === 0 && ch === separator) {
			parts.push(current);
			current = '';
		} else current += ch;
	}
	parts.push(current);
	return parts;
}

function scalar(text: string): string | undefined {
	const t = text.trim();
	const quoted = /^'((?:[^'\\]|\\.)*)'$/.exec(t);
	if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
	return /^[\w.:-]+$/.test(t) ? t : undefined;
}

/** The clauses of a filter, or the message of Falcon's 400 for a filter it cannot read. */
export function parseFql(filter: string): FqlClause[] | string {
	const clauses: FqlClause[] = [];
	if (!filter.trim()) return clauses;
	for (const part of splitTop(filter.trim(), '+')) {
		const match = /^([a-z_.]+):(>=|<=|>|<|\*)?(.*)$/s.exec(part.trim());
		if (!match) return `Invalid filter: ${part}`;
		const [, field, prefix, rest] = match;
		if (rest.trim().startsWith('[')) {
			const inner = rest.trim().replace(/^\[|\]$/g, '');
			const values = splitTop(inner, ',').map(scalar);
			if (values.some((v) => v === undefined)) return `Invalid filter: ${part}`;
			clauses.push({ field, op: 'in', values: values as string[] });
			continue;
		}
		const value = scalar(rest);
		if (value === undefined) return `Invalid filter: ${part}`;
		const op = prefix === '*' ? 'like' : ((prefix ?? '=') as FqlClause['op']);
		clauses.push({ field, op, values: [value] });
	}
	return clauses;
}

/** Whether a record's value meets a clause; times and numbers compare as such, text without case. */
export function meets(value: unknown, clause: FqlClause): boolean {
	if (value === undefined || value === null) return false;
	const text = String(value);
	const [first] = clause.values;
	const compare = (a: string, b: string) => {
		const na = Number(a);
		const nb = Number(b);
		if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
		const ta = Date.parse(a);
		const tb = Date.parse(b);
		if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
		return a.localeCompare(b);
	};
	switch (clause.op) {
		case '=':
			return text.toLowerCase() === first.toLowerCase();
		case 'in':
			return clause.values.some((v) => v.toLowerCase() === text.toLowerCase());
		case 'like': {
			const pattern = first
				.split('*')
				.map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
				.join('.*');
			return new RegExp(`^${pattern}$`, 'i').test(text);
		}
		case '>=':
			return compare(text, first) >= 0;
		case '>':
			return compare(text, first) > 0;
		case '<=':
			return compare(text, first) <= 0;
		case '<':
			return compare(text, first) < 0;
	}
}
