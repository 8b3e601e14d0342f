import { z } from 'zod';

/** The Hudu fields the provider reads; everything else passes through under raw. */
export const HuduCompanySchema = z
	.object({
		id: z.number(),
		name: z.string(),
		full_url: z.string().nullish(),
		archived: z.boolean().nullish(),
	})
	.passthrough();
export type HuduCompany = z.infer<typeof HuduCompanySchema>;

export const HuduCompanyListSchema = z.object({ companies: z.array(HuduCompanySchema) });

export const HuduArticleSchema = z
	.object({
		id: z.number(),
		name: z.string(),
		url: z.string().nullish(),
		company_id: z.number().nullish(),
		created_at: z.string().nullish(),
		/** "The HTML content of the article." */
		content: z.string().nullish(),
	})
	.passthrough();
export type HuduArticle = z.infer<typeof HuduArticleSchema>;

export const HuduArticleListSchema = z.object({ articles: z.array(HuduArticleSchema) });

/**
 * Create returns the article; the spec types it bare while GET/PUT wrap it in `article`
 * [unverified which one Hudu sends], so both are accepted.
 */
export const HuduArticleResponseSchema = z.union([
	z.object({ article: HuduArticleSchema }).transform((b) => b.article),
	HuduArticleSchema,
]);

export const HuduMagicDashSchema = z
	.object({
		id: z.number(),
		title: z.string(),
		message: z.string().nullish(),
		company_id: z.number(),
		company_name: z.string().nullish(),
		shade: z.string().nullish(),
	})
	.passthrough();
export type HuduMagicDash = z.infer<typeof HuduMagicDashSchema>;

/** Magic Dash lists are a bare array. */
export const HuduMagicDashListSchema = z.array(HuduMagicDashSchema);
