import { z } from 'zod';

import { CompanyRefSchema, hostnameKeyOf, UtcTimestamp } from '../../../nodes/shared';

/**
 * Checks for the promise that a resource has one shape on every provider of a family: the same
 * keys (apart from the fields a provider cannot supply, which its node doc lists), the same value
 * domains, and acceptance by the one shared schema.
 */

type Row = Record<string, unknown>;

/** Keys that carry a value: an absent fact is absent, so `undefined` does not count. */
export function definedKeys(rows: Row[]): Set<string> {
	const keys = new Set<string>();
	for (const row of rows)
		for (const [key, value] of Object.entries(row))
			if (value !== undefined && key !== 'raw') keys.add(key);
	return keys;
}

/** The keys a schema (plain or refined) declares. */
export function schemaKeys(schema: z.ZodTypeAny): string[] {
	let inner: z.ZodTypeAny = schema;
	while (inner instanceof z.ZodEffects) inner = inner.innerType();
	return Object.keys((inner as z.AnyZodObject).shape);
}

const sorted = (keys: Iterable<string>) => [...keys].sort();

/**
 * Every row is accepted by the shared schema, carries only keys the schema declares, never the
 * text "undefined" and never null; timestamps, host keys and companies follow the shared rules.
 */
export function expectNormalized(schema: z.ZodTypeAny, rows: Row[], label: string): void {
	expect(rows.length).toBeGreaterThan(0);
	const declared = new Set(schemaKeys(schema));
	for (const row of rows) {
		const parsed = schema.safeParse(row);
		if (!parsed.success)
			throw new Error(`${label}: ${JSON.stringify(parsed.error.issues)} in ${JSON.stringify(row)}`);
		for (const [key, value] of Object.entries(row)) {
			if (key === 'raw') continue;
			expect({ key, declared: declared.has(key) }).toEqual({ key, declared: true });
			expect({ key, value }).not.toEqual({ key, value: null });
			expect({ key, value }).not.toEqual({ key, value: 'undefined' });
			if (/At$|^lastSeen$/.test(key) && value !== undefined)
				expect({ key, ok: UtcTimestamp.safeParse(value).success }).toEqual({ key, ok: true });
		}
		if (typeof row.hostname === 'string') {
			expect(row.hostnameKey).toBe(hostnameKeyOf(row.hostname));
			expect(row.hostnameKey).toBe(String(row.hostnameKey).toLowerCase());
		}
		if (!declared.has('company')) continue;
		if (row.company !== undefined) {
			expect(CompanyRefSchema.safeParse(row.company).success).toBe(true);
			const company = row.company as { id?: string; name?: string };
			// The old flat fields say the same as `company`, so either can be used for a join.
			expect(row.companyId).toBe(company.id);
			expect(row.companyName).toBe(company.name);
		} else {
			expect(row.companyId).toBeUndefined();
		}
	}
}

/**
 * Both providers' rows have the same keys once each side's documented absent fields are added;
 * a field documented as absent on a provider really is absent there.
 */
export function expectSameKeys(
	a: { label: string; rows: Row[]; absent: readonly string[] },
	b: { label: string; rows: Row[]; absent: readonly string[] },
): void {
	const keysA = definedKeys(a.rows);
	const keysB = definedKeys(b.rows);
	expect({ [a.label]: sorted(a.absent.filter((k) => keysA.has(k))) }).toEqual({ [a.label]: [] });
	expect({ [b.label]: sorted(b.absent.filter((k) => keysB.has(k))) }).toEqual({ [b.label]: [] });
	expect(sorted(new Set([...keysA, ...a.absent]))).toEqual(
		sorted(new Set([...keysB, ...b.absent])),
	);
}

/** The distinct values a field takes, for comparing enumerations across providers. */
export function valuesOf(rows: Row[], key: string): string[] {
	return sorted(
		new Set(
			rows
				.map((r) => r[key])
				.filter((v) => v !== undefined)
				.map(String),
		),
	);
}
