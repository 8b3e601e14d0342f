import type { IDataObject, INode } from 'n8n-workflow';
import type { z } from 'zod';

import type { Transport, VendorProfile } from '../../../shared';
import { collect, commonErrorMessage, pageNumberPages, parseVendorResponse } from '../../../shared';
import type {
	ArticleInput,
	DocumentationCompany,
	DocumentationProvider,
	PublishedArticle,
	PublishedTile,
	TileInput,
} from '../types';
import { SHADE_BY_STATUS, toArticle, toCompany, toTile } from './mappers';
import {
	HuduArticleListSchema,
	HuduArticleResponseSchema,
	HuduCompanyListSchema,
	HuduMagicDashListSchema,
	HuduMagicDashSchema,
	type HuduArticle,
	type HuduCompany,
} from './schemas';

/**
 * Page size asked for. Hudu pages at 25 by default and documents no maximum for `page_size`
 * [unverified]; 100 keeps pages small while the pager still stops on a short page.
 */
const PAGE_SIZE = 100;

/** Hudu answers errors as `{"error": "...", "details": ["..."]}`. */
function huduErrorMessage(body: unknown): string | undefined {
	if (body && typeof body === 'object' && typeof (body as IDataObject).error === 'string') {
		const { error, details } = body as { error: string; details?: unknown };
		const list = Array.isArray(details)
			? details.filter((d): d is string => typeof d === 'string')
			: [];
		return list.length ? `${error}: ${list.join('; ')}` : error;
	}
	return commonErrorMessage(body);
}

export const HUDU_PROFILE: VendorProfile = {
	vendor: 'Hudu',
	credentialType: 'mspHuduApi',
	baseUrl: (credentials) => `${String(credentials.baseUrl ?? '').replace(/\/+$/, '')}/api/v1`,
	errorMessage: (body) => huduErrorMessage(body),
	// "The API supports up to 300 requests per minute."
	rateLimits: [{ requestsPerWindow: 300, windowMs: 60_000 }],
};

export class HuduProvider implements DocumentationProvider {
	readonly name = 'Hudu';

	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
	) {}

	private parse<S extends z.ZodTypeAny>(schema: S, body: unknown, operation: string): z.output<S> {
		return parseVendorResponse(this.node, schema, body, { vendor: 'Hudu', operation });
	}

	private async companies(qs: IDataObject, operation: string): Promise<HuduCompany[]> {
		const pages = pageNumberPages(this.transport, {
			request: { method: 'GET', path: 'companies', qs, operation },
			items: (body) => this.parse(HuduCompanyListSchema, body, operation).companies,
			pageSize: PAGE_SIZE,
			pageParam: 'page',
			sizeParam: 'page_size',
		});
		return await collect(pages, { returnAll: true });
	}

	async findCompaniesByName(name: string): Promise<DocumentationCompany[]> {
		const wanted = name.trim().toLowerCase();
		const exact = (list: HuduCompany[]) =>
			list.filter((c) => c.name.trim().toLowerCase() === wanted && c.archived !== true);
		// `name` is an exact filter; `search` catches a different letter case.
		let found = exact(await this.companies({ name: name.trim() }, 'find company by name'));
		if (!found.length)
			found = exact(await this.companies({ search: name.trim() }, 'search company by name'));
		return found.map(toCompany);
	}

	async findCompaniesByIntegrationId(id: string): Promise<DocumentationCompany[]> {
		const found = await this.companies(
			{ id_in_integration: id.trim() },
			'find company by integration id',
		);
		return found.filter((c) => c.archived !== true).map(toCompany);
	}

	async searchCompanies(filter?: string): Promise<DocumentationCompany[]> {
		const qs: IDataObject = filter ? { search: filter } : {};
		return (await this.companies(qs, 'list companies'))
			.filter((c) => c.archived !== true)
			.map(toCompany);
	}

	private async existingArticle(
		companyId: string,
		title: string,
	): Promise<HuduArticle | undefined> {
		const operation = 'find report article';
		const pages = pageNumberPages(this.transport, {
			request: {
				method: 'GET',
				path: 'articles',
				qs: { company_id: companyId, name: title },
				operation,
			},
			items: (body) => this.parse(HuduArticleListSchema, body, operation).articles,
			pageSize: PAGE_SIZE,
			pageParam: 'page',
			sizeParam: 'page_size',
		});
		const articles = await collect(pages, { returnAll: true });
		// Oldest first: if duplicates were ever made by hand, the original is the one kept current.
		return articles
			.filter((a) => a.name === title && String(a.company_id) === companyId)
			.sort((a, b) => a.id - b.id)[0];
	}

	async upsertArticle(input: ArticleInput): Promise<PublishedArticle> {
		const existing = await this.existingArticle(input.company.id, input.title);
		if (existing) {
			const body = await this.transport.request({
				method: 'PUT',
				path: `articles/${existing.id}`,
				body: { article: { content: input.html } },
				operation: 'update report article',
			});
			return toArticle(
				this.parse(HuduArticleResponseSchema, body, 'update report article'),
				'updated',
			);
		}
		const body = await this.transport.request({
			method: 'POST',
			path: 'articles',
			body: {
				article: { name: input.title, content: input.html, company_id: Number(input.company.id) },
			},
			operation: 'create report article',
		});
		return toArticle(
			this.parse(HuduArticleResponseSchema, body, 'create report article'),
			'created',
		);
	}

	async upsertTile(input: TileInput): Promise<PublishedTile> {
		const operation = 'find report tile';
		const existing = this.parse(
			HuduMagicDashListSchema,
			await this.transport.request({
				method: 'GET',
				path: 'magic_dash',
				qs: { company_id: input.company.id, title: input.title },
				operation,
			}),
			operation,
		).find((tile) => tile.title === input.title);
		const body: IDataObject = {
			title: input.title,
			company_name: input.company.name,
			message: input.message,
			shade: SHADE_BY_STATUS[input.status],
			icon: 'fas fa-shield-alt',
		};
		// content and content_link are mutually exclusive on a tile: the tile links to the article.
		if (input.link) body.content_link = input.link;
		const tile = await this.transport.request({
			method: 'POST',
			path: 'magic_dash',
			body,
			operation: 'upsert report tile',
			// Create-or-update keyed on title + company_name: repeating it changes nothing more.
			idempotent: true,
		});
		return toTile(
			this.parse(HuduMagicDashSchema, tile, 'upsert report tile'),
			input.status,
			existing ? 'updated' : 'created',
		);
	}
}
