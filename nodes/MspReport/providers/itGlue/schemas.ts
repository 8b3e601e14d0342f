import { z } from 'zod';

/**
 * IT Glue answers in JSON:API: `{"data": {"id": "2", "type": "...", "attributes": {...}}}`, ids as
 * strings and attribute names in kebab-case. Only the attributes the provider reads are named;
 * everything else passes through under raw.
 */
const resource = <A extends z.ZodRawShape>(attributes: A) =>
	z
		.object({
			// Ids are strings in every documented example; a number is read as its digits.
			id: z.union([z.string(), z.number()]).transform(String),
			type: z.string(),
			attributes: z.object(attributes).passthrough(),
		})
		.passthrough();

export const ItGlueOrganizationSchema = resource({
	name: z.string(),
	'short-name': z.string().nullish(),
	'organization-status-name': z.string().nullish(),
});
export type ItGlueOrganization = z.infer<typeof ItGlueOrganizationSchema>;

export const ItGlueFlexibleAssetTypeSchema = resource({
	name: z.string(),
	'created-at': z.string().nullish(),
});
export type ItGlueFlexibleAssetType = z.infer<typeof ItGlueFlexibleAssetTypeSchema>;

export const ItGlueFlexibleAssetSchema = resource({
	name: z.string().nullish(),
	'organization-id': z.union([z.number(), z.string()]).nullish(),
	'flexible-asset-type-id': z.union([z.number(), z.string()]).nullish(),
	'resource-url': z.string().nullish(),
	archived: z.boolean().nullish(),
	'created-at': z.string().nullish(),
	/** Keyed by each field's `name-key`; a Textbox field holds HTML. */
	traits: z.record(z.unknown()).nullish(),
});
export type ItGlueFlexibleAsset = z.infer<typeof ItGlueFlexibleAssetSchema>;

/** `meta` of a list (kebab-case); `total-count` ends paging without asking for an empty page. */
const MetaSchema = z
	.object({ 'total-count': z.number().nullish(), 'next-page': z.number().nullish() })
	.passthrough()
	.nullish();

export const listOf = <S extends z.ZodTypeAny>(item: S) =>
	z.object({ data: z.array(item), meta: MetaSchema }).passthrough();

export const oneOf = <S extends z.ZodTypeAny>(item: S) =>
	z
		.object({ data: item })
		.passthrough()
		.transform((b) => b.data as z.output<S>);
