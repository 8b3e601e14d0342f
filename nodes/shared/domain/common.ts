import { z } from 'zod';

/** Normalized ids are strings: vendors mix numeric and string ids. */
export const Id = z.string().min(1);

/** ISO 8601 date-time in UTC, as normalized by the provider mappers. */
export const Timestamp = z.string().describe('ISO 8601 date-time (UTC)');

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'informational']);
export type Severity = z.infer<typeof Severity>;

/** The vendor's own object, kept for users who need a field we do not normalize. */
export const Raw = z
	.unknown()
	.optional()
	.describe("The vendor's original object (present when Include Raw is on)");

/** Converts a vendor id (number or string) into the normalized string id. */
export const VendorId = z.union([z.string(), z.number()]).transform((value) => String(value));
