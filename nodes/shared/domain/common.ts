import { z } from 'zod';

/** Normalized ids are strings: vendors mix numeric and string ids. */
export const Id = z.string().min(1);

/** ISO 8601 date-time in UTC, as normalized by the provider mappers. */
export const Timestamp = z.string().describe('ISO 8601 date-time (UTC)');

/**
 * The one timestamp form every provider's output uses: `Date.prototype.toISOString()`, UTC with
 * milliseconds and `Z` (2024-05-01T09:30:00.000Z). Vendors send offsets, 7-digit fractions or no
 * zone at all; the mappers convert with `isoUtc` so outputs compare and sort as text.
 */
export const UtcTimestamp = z
	.string()
	.regex(
		/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
		'must be ISO 8601 UTC, e.g. 2024-05-01T09:30:00.000Z',
	)
	.describe('ISO 8601 date-time in UTC with milliseconds and Z');

/**
 * A vendor date-time as `UtcTimestamp`. A value without a zone is read as UTC (the vendors that
 * omit it write UTC; Automate, which writes server-local time, converts before calling this).
 * Empty or unreadable values are absent, never an invalid date.
 */
export function isoUtc(value: unknown): string | undefined {
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const text = value.trim();
	const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) || !/T|\d \d/.test(text) ? text : `${text}Z`;
	const time = Date.parse(zoned);
	return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The join key of a hostname: lower case, without a DNS suffix or surrounding space. Vendors show
 * `BSD-WS02`, `bsd-ws02` or `bsd-ws02.bsd.local` for one machine; all three have the key `bsd-ws02`.
 */
export function hostnameKeyOf(hostname: string): string {
	return hostname.trim().split('.')[0].toLowerCase();
}

export const HostnameKey = z
	.string()
	.min(1)
	.regex(/^[^A-Z.\s]+$/, 'must be lower case, without a DNS suffix')
	.describe('The hostname in lower case without a DNS suffix, for joins across tools');

/** A record's `hostnameKey` must be its `hostname`'s key, and present whenever it has a hostname. */
export function checkHostnameKey(
	record: { hostname?: string; hostnameKey?: string },
	ctx: z.RefinementCtx,
): void {
	if (record.hostname === undefined) return;
	const expected = hostnameKeyOf(record.hostname);
	if (record.hostnameKey !== expected)
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['hostnameKey'],
			message: `must be "${expected}", the key of hostname "${record.hostname}"`,
		});
}

/**
 * The customer a record belongs to, from the vendor's own client object: PSA company or client,
 * RMM organization or client, EDR site or machine group. `name` is what the vendor shows; `id` is
 * absent only where the vendor names the group without its id (Defender alerts).
 */
export const CompanyRefSchema = z
	.object({
		id: Id.optional(),
		name: z.string().min(1).optional(),
	})
	.strict()
	.refine((company) => company.id !== undefined || company.name !== undefined, {
		message: 'a company needs an id or a name',
	});
export type CompanyRef = z.infer<typeof CompanyRefSchema>;

/** `{ id, name }` from a vendor's id and name, absent when the vendor gives neither. */
export function companyRefOf(id: unknown, name: unknown): CompanyRef | undefined {
	const ref: CompanyRef = {};
	if ((typeof id === 'string' && id.trim()) || (typeof id === 'number' && Number.isFinite(id)))
		ref.id = String(id);
	if (typeof name === 'string' && name.trim()) ref.name = name;
	return ref.id !== undefined || ref.name !== undefined ? ref : undefined;
}

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'informational']);
export type Severity = z.infer<typeof Severity>;

/** The vendor's own object, kept for users who need a field we do not normalize. */
export const Raw = z
	.unknown()
	.optional()
	.describe("The vendor's original object (present when Include Raw is on)");

/** Converts a vendor id (number or string) into the normalized string id. */
export const VendorId = z.union([z.string(), z.number()]).transform((value) => String(value));
