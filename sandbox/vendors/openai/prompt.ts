/**
 * Reading a prompt the way the sandbox model needs it: the JSON objects embedded in the
 * message texts (the alert, and a JSON Schema when the caller put one in the prompt).
 */

/** Every top-level JSON object that parses, in order of appearance. */
export function jsonObjectsIn(text: string): Array<Record<string, unknown>> {
	const found: Array<Record<string, unknown>> = [];
	let index = 0;
	while (index < text.length) {
		const start = text.indexOf('{', index);
		if (start < 0) break;
		const end = matchingBrace(text, start);
		if (end < 0) {
			index = start + 1;
			continue;
		}
		const parsed = tryParse(text.slice(start, end + 1));
		if (parsed) {
			found.push(parsed);
			index = end + 1;
		} else {
			index = start + 1;
		}
	}
	return found;
}

function tryParse(candidate: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(candidate) as unknown;
		return value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings. */
function matchingBrace(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
			continue;
		}
		if (ch === '"') inString = true;
		else if (ch === '{') depth++;
		else if (ch === '}') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

export function isJsonSchema(value: Record<string, unknown>): boolean {
	return (
		typeof value.properties === 'object' &&
		value.properties !== null &&
		(value.type === 'object' || value.type === undefined || '$schema' in value)
	);
}

/** Keys that mark an object as an alert or threat record rather than a schema or an example. */
const ALERT_KEYS =
	/^(severity|classification|hostname|host|devicename|computername|processname|commandline|sha256|sha1|verdict|confidencelevel|threatname|title|alerttype|detectionsource)$/i;

/** The object with the most alert-like keys (nested records count), if any looks like an alert. */
export function findAlert(
	objects: Array<Record<string, unknown>>,
): Record<string, unknown> | undefined {
	let best: Record<string, unknown> | undefined;
	let bestScore = 0;
	for (const object of objects) {
		if (isJsonSchema(object)) continue;
		const score = Object.keys(flatten(object)).filter((key) => ALERT_KEYS.test(key)).length;
		if (score > bestScore) {
			best = object;
			bestScore = score;
		}
	}
	return best;
}

/** Lower-cased leaf key -> first primitive value found, depth first; arrays of primitives are joined. */
export function flatten(
	value: unknown,
	into: Record<string, unknown> = {},
	depth = 0,
): Record<string, unknown> {
	if (!value || typeof value !== 'object' || depth > 6) return into;
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		const lower = key.toLowerCase();
		if (entry !== null && typeof entry === 'object' && !Array.isArray(entry))
			flatten(entry, into, depth + 1);
		else if (Array.isArray(entry)) {
			if (entry.every((e) => typeof e !== 'object')) into[lower] ??= entry.join(' ');
			else entry.forEach((e) => flatten(e, into, depth + 1));
		} else if (!(lower in into)) into[lower] = entry;
	}
	return into;
}

/** `Key: value` lines, for prompts that describe the alert in prose instead of JSON. */
export function keyValueLines(text: string): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*[-*]?\s*([A-Za-z][A-Za-z0-9 _-]{1,40})\s*[:=]\s*(.+?)\s*$/.exec(line);
		if (match) out[match[1].replace(/[\s_-]+/g, '').toLowerCase()] ??= match[2];
	}
	return out;
}
