import type { IDataObject, INode } from 'n8n-workflow';
import type { z } from 'zod';

import type { Transport, VendorProfile } from '../../../shared';
import {
	collect,
	commonErrorMessage,
	findOrCreateConverged,
	pageNumberPages,
	parseVendorResponse,
} from '../../../shared';
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
	type HuduMagicDash,
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

	/** The company's live articles with exactly this title, oldest first. */
	private async articlesTitled(companyId: string, title: string): Promise<HuduArticle[]> {
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
		return articles
			.filter((a) => a.name === title && String(a.company_id) === companyId)
			.sort((a, b) => a.id - b.id);
	}

	private async createArticle(input: ArticleInput): Promise<HuduArticle> {
		const operation = 'create report article';
		const body = await this.transport.request({
			method: 'POST',
			path: 'articles',
			body: {
				article: {
					name: input.title,
					content: bodyFor(input, undefined),
					company_id: Number(input.company.id),
				},
			},
			operation,
		});
		return this.parse(HuduArticleResponseSchema, body, operation);
	}

	private async updateArticle(id: number, html: string): Promise<HuduArticle> {
		const operation = 'update report article';
		const body = await this.transport.request({
			method: 'PUT',
			path: `articles/${id}`,
			body: { article: { content: html } },
			operation,
		});
		return this.parse(HuduArticleResponseSchema, body, operation);
	}

	/**
	 * Archived rather than deleted: an archived article can be restored, and deleting needs an API key
	 * with the destructive scope. A publish running at the same moment may archive it first, so a
	 * failed archive counts as done once the article is no longer listed; while it is, the archive is
	 * sent once more and its error, if any, is the one reported.
	 */
	private async archiveArticle(duplicate: HuduArticle, companyId: string): Promise<void> {
		const archive = async () =>
			await this.transport.request({
				method: 'PUT',
				path: `articles/${duplicate.id}/archive`,
				operation: 'archive duplicate report article',
				idempotent: true,
			});
		if (await archive().then(succeeded, failed)) return;
		const live = await this.articlesTitled(companyId, duplicate.name);
		if (live.some((a) => a.id === duplicate.id)) await archive();
	}

	/**
	 * One article per company and title. Two publishes at the same moment can both miss and both
	 * create; the one that created reads the title back, keeps the oldest article, archives the
	 * newer ones and writes its report into the kept one (see nodes/shared/converge.ts).
	 */
	async upsertArticle(input: ArticleInput): Promise<PublishedArticle> {
		const companyId = input.company.id;
		const result = await findOrCreateConverged<HuduArticle>({
			find: async () => (await this.articlesTitled(companyId, input.title))[0],
			create: async () => await this.createArticle(input),
			readBack: async () => await this.articlesTitled(companyId, input.title),
			retire: async (duplicate) => await this.archiveArticle(duplicate, companyId),
			age: (a) => ({ id: String(a.id), createdAt: a.created_at ?? undefined }),
		});
		if (result.created) return toArticle(result.record, 'created', result.duplicates);
		// Found, or a concurrent publish's article was kept: this run's report goes into it, built
		// from what that article holds now.
		const updated = await this.updateArticle(
			result.record.id,
			bodyFor(input, result.record.content ?? undefined),
		);
		return toArticle(updated, 'updated', result.duplicates);
	}

	/** The company's tiles with exactly this title, oldest first. */
	private async tilesTitled(companyId: string, title: string): Promise<HuduMagicDash[]> {
		const operation = 'find report tile';
		const tiles = this.parse(
			HuduMagicDashListSchema,
			await this.transport.request({
				method: 'GET',
				path: 'magic_dash',
				qs: { company_id: companyId, title },
				operation,
			}),
			operation,
		);
		return tiles.filter((t) => t.title === title).sort((a, b) => a.id - b.id);
	}

	/**
	 * A publish running at the same moment may delete it first: a failed delete counts as done once
	 * the tile is gone; while it is listed, the delete is sent once more and its error is reported.
	 */
	private async deleteTile(duplicate: HuduMagicDash, companyId: string): Promise<void> {
		const remove = async () =>
			await this.transport.request({
				method: 'DELETE',
				path: `magic_dash/${duplicate.id}`,
				operation: 'delete duplicate report tile',
				idempotent: true,
			});
		if (await remove().then(succeeded, failed)) return;
		const live = await this.tilesTitled(companyId, duplicate.title);
		if (live.some((t) => t.id === duplicate.id)) await remove();
	}

	/**
	 * Hudu's POST creates or updates the tile keyed on title and company name. Whether two POSTs at
	 * the same moment can still make two tiles is not documented [unverified], so a POST that created
	 * reads the title back like an article: the oldest tile stays, newer ones are deleted (tiles have
	 * no archive), and the POST is sent again so the kept tile shows this run's status.
	 */
	async upsertTile(input: TileInput): Promise<PublishedTile> {
		const body: IDataObject = {
			title: input.title,
			company_name: input.company.name,
			message: input.message,
			shade: SHADE_BY_STATUS[input.status],
			icon: 'fas fa-shield-alt',
		};
		// content and content_link are mutually exclusive on a tile: the tile links to the article.
		if (input.link) body.content_link = input.link;
		const post = async () =>
			this.parse(
				HuduMagicDashSchema,
				await this.transport.request({
					method: 'POST',
					path: 'magic_dash',
					body,
					operation: 'upsert report tile',
					// Create-or-update keyed on title + company_name: repeating it changes nothing more.
					idempotent: true,
				}),
				'upsert report tile',
			);
		const companyId = input.company.id;
		const result = await findOrCreateConverged<HuduMagicDash>({
			find: async () => (await this.tilesTitled(companyId, input.title))[0],
			create: post,
			readBack: async () => await this.tilesTitled(companyId, input.title),
			retire: async (duplicate) => await this.deleteTile(duplicate, companyId),
			age: (t) => ({ id: String(t.id) }),
		});
		const tile = result.created ? result.record : await post();
		return toTile(tile, input.status, result.created ? 'created' : 'updated', result.duplicates);
	}
}

function bodyFor(input: ArticleInput, current: string | undefined): string {
	return typeof input.html === 'function' ? input.html(current) : input.html;
}

const succeeded = (): boolean => true;
const failed = (): boolean => false;
