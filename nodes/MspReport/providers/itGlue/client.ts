import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { itGlueBaseUrl } from '../../../../credentials/MspItGlueApi.credentials';
import type { Transport, VendorProfile } from '../../../shared';
import {
	collect,
	commonErrorMessage,
	findOrCreateConverged,
	olderFirst,
	oldestOf,
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
import {
	REPORT_TRAIT,
	REPORT_TYPE_FIELDS,
	REPORT_TYPE_NAME,
	reportOf,
	skippedTile,
	TITLE_TRAIT,
	titleOf,
	toArticle,
	toCompany,
} from './mappers';
import {
	ItGlueFlexibleAssetSchema,
	ItGlueFlexibleAssetTypeSchema,
	ItGlueOrganizationSchema,
	listOf,
	oneOf,
	type ItGlueFlexibleAsset,
	type ItGlueFlexibleAssetType,
	type ItGlueOrganization,
} from './schemas';

/** "Max `page[size]` is 1000": the fewest requests against the 3,000-per-5-minutes budget. */
const PAGE_SIZE = 1000;

/** Every request body is JSON:API; IT Glue answers 415 to another content type. */
const JSON_API = { 'Content-Type': 'application/vnd.api+json' };

/**
 * JSON:API errors: `{"errors":[{"status":422,"title":"…","detail":"…","source":{"pointer":"…"}}]}`.
 * Each entry's title, detail and pointer are kept as IT Glue wrote them.
 */
export function itGlueErrorMessage(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	if (!Array.isArray(errors)) return commonErrorMessage(body);
	const lines = errors
		.filter((e): e is IDataObject => !!e && typeof e === 'object')
		.map((e) => {
			const text = [e.title, e.detail].filter((t) => typeof t === 'string' && t).join(': ');
			const pointer = (e.source as IDataObject | undefined)?.pointer;
			return typeof pointer === 'string' && pointer ? `${text} (${pointer})` : text;
		})
		.filter(Boolean);
	return lines.length ? lines.join('; ') : commonErrorMessage(body);
}

export const IT_GLUE_PROFILE: VendorProfile = {
	vendor: 'IT Glue',
	credentialType: 'mspItGlueApi',
	baseUrl: (credentials) => itGlueBaseUrl(credentials),
	errorMessage: (body) => itGlueErrorMessage(body),
	// "a maximum of 3,000 requests within a 5-minute window"; more is answered 429.
	rateLimits: [{ requestsPerWindow: 3000, windowMs: 300_000 }],
};

const totalCount = (body: unknown): number | undefined => {
	const count = (body as { meta?: { 'total-count'?: unknown } } | undefined)?.meta?.['total-count'];
	return typeof count === 'number' ? count : undefined;
};

const ageOf = (record: { id: string; attributes: { 'created-at'?: string | null } }) => ({
	id: record.id,
	createdAt: record.attributes['created-at'] ?? undefined,
});

/**
 * IT Glue keeps each client's report as a flexible asset of the "MSP Report" type in the client's
 * organization. Flexible assets are the per-client record IT Glue documents create, update, archive
 * and list calls for; documents are not (their create and list calls are not in the API reference).
 */
export class ItGlueProvider implements DocumentationProvider {
	readonly name = 'IT Glue';

	/** The report type, looked up (or created) once per execution. */
	private reportType?: Promise<ItGlueFlexibleAssetType>;

	constructor(
		private readonly transport: Transport,
		private readonly node: INode,
	) {}

	private parse<S extends z.ZodTypeAny>(schema: S, body: unknown, operation: string): z.output<S> {
		return parseVendorResponse(this.node, schema, body, { vendor: 'IT Glue', operation });
	}

	private async list<S extends z.ZodTypeAny>(
		path: string,
		qs: IDataObject,
		schema: S,
		operation: string,
	): Promise<Array<z.output<S>>> {
		const pages = pageNumberPages(this.transport, {
			request: { method: 'GET', path, qs, operation },
			items: (body) => this.parse(listOf(schema), body, operation).data as Array<z.output<S>>,
			pageSize: PAGE_SIZE,
			pageParam: 'page[number]',
			sizeParam: 'page[size]',
			total: totalCount,
		});
		return await collect(pages, { returnAll: true });
	}

	private async organizations(qs: IDataObject, operation: string): Promise<ItGlueOrganization[]> {
		return await this.list('organizations', qs, ItGlueOrganizationSchema, operation);
	}

	async findCompaniesByName(name: string): Promise<DocumentationCompany[]> {
		const wanted = name.trim().toLowerCase();
		const exact = (list: ItGlueOrganization[]) =>
			list.filter((o) => o.attributes.name.trim().toLowerCase() === wanted);
		// `filter[name]` is an exact match; whether it ignores letter case is not documented
		// [unverified], so a miss is retried over the whole list.
		let found = exact(
			await this.organizations({ 'filter[name]': name.trim() }, 'find organization by name'),
		);
		if (!found.length)
			found = exact(await this.organizations({ sort: 'name' }, 'list organizations'));
		return found.map(toCompany);
	}

	findCompaniesByIntegrationId(): Promise<DocumentationCompany[]> {
		// IT Glue filters organizations by PSA id only together with the PSA type
		// (`filter[psa_integration_type]`), which the locator does not carry.
		throw new NodeOperationError(
			this.node,
			'Company "By Integration ID" is not available for IT Glue',
			{ description: 'Allowed for IT Glue: By Name, By ID or From List' },
		);
	}

	async searchCompanies(filter?: string): Promise<DocumentationCompany[]> {
		const text = filter?.trim().toLowerCase();
		// No documented search parameter: the list is read whole (1,000 a page) and filtered here.
		const all = await this.organizations({ sort: 'name' }, 'list organizations');
		return all
			.filter((o) => !text || o.attributes.name.toLowerCase().includes(text))
			.map(toCompany);
	}

	private async reportTypes(): Promise<ItGlueFlexibleAssetType[]> {
		const found = await this.list(
			'flexible_asset_types',
			{ 'filter[name]': REPORT_TYPE_NAME },
			ItGlueFlexibleAssetTypeSchema,
			'find report asset type',
		);
		return found.filter((t) => t.attributes.name === REPORT_TYPE_NAME);
	}

	private async createReportType(): Promise<ItGlueFlexibleAssetType> {
		const operation = 'create report asset type';
		const body = await this.transport.request({
			method: 'POST',
			path: 'flexible_asset_types',
			headers: JSON_API,
			body: {
				data: {
					type: 'flexible_asset_types',
					attributes: {
						name: REPORT_TYPE_NAME,
						description: 'Client reports published by the MSP Report node',
						icon: 'file-text',
						'show-in-menu': true,
						fields: REPORT_TYPE_FIELDS,
					},
				},
			},
			operation,
		});
		return this.parse(oneOf(ItGlueFlexibleAssetTypeSchema), body, operation);
	}

	/**
	 * The "MSP Report" type, created with its two fields when the account has none. Two first
	 * publishes at the same moment can each create one: both then use the oldest. The API documents
	 * no delete for a type, so the newer, empty one stays; every later publish picks the oldest too.
	 */
	private async reportTypeId(): Promise<string> {
		this.reportType ??= findOrCreateConverged<ItGlueFlexibleAssetType>({
			find: async () => oldestOf(await this.reportTypes(), ageOf),
			create: async () => await this.createReportType(),
			readBack: async () => await this.reportTypes(),
			retire: async () => {},
			age: ageOf,
		}).then((r) => r.record);
		// A failed lookup is not kept: the next item asks again.
		this.reportType.catch(() => (this.reportType = undefined));
		return (await this.reportType).id;
	}

	/** The organization's live report assets with exactly this title, oldest first. */
	private async assetsTitled(
		typeId: string,
		organizationId: string,
		title: string,
	): Promise<ItGlueFlexibleAsset[]> {
		const assets = await this.list(
			'flexible_assets',
			{
				// Kebab-case here, unlike every other list endpoint's filters, as documented.
				'filter[flexible-asset-type-id]': typeId,
				'filter[organization-id]': organizationId,
				'filter[name]': title,
			},
			ItGlueFlexibleAssetSchema,
			'find report asset',
		);
		return assets
			.filter(
				(a) =>
					titleOf(a) === title &&
					String(a.attributes['organization-id']) === organizationId &&
					a.attributes.archived !== true,
			)
			.sort((a, b) => olderFirst(ageOf(a), ageOf(b)));
	}

	private async writeAsset(
		method: 'POST' | 'PATCH',
		path: string,
		attributes: IDataObject,
		operation: string,
	): Promise<ItGlueFlexibleAsset> {
		const body = await this.transport.request({
			method,
			path,
			headers: JSON_API,
			body: { data: { type: 'flexible_assets', attributes } },
			operation,
		});
		return this.parse(oneOf(ItGlueFlexibleAssetSchema), body, operation);
	}

	/**
	 * Every trait is sent on each write: a PATCH may clear the traits it omits [unverified; two
	 * community clients say so, one does not].
	 */
	private traits(title: string, html: string): IDataObject {
		return { [TITLE_TRAIT]: title, [REPORT_TRAIT]: html };
	}

	/**
	 * Archived rather than deleted: an archived asset can be restored. A publish running at the same
	 * moment may archive it first, so a failed archive counts as done once the asset is no longer
	 * listed; while it is, the archive is sent once more and its error, if any, is the one reported.
	 */
	private async archiveAsset(
		duplicate: ItGlueFlexibleAsset,
		typeId: string,
		organizationId: string,
	): Promise<void> {
		const archive = async () =>
			await this.transport.request({
				method: 'PATCH',
				path: `flexible_assets/${duplicate.id}`,
				headers: JSON_API,
				body: { data: { type: 'flexible_assets', attributes: { archived: true } } },
				operation: 'archive duplicate report asset',
				idempotent: true,
			});
		if (await archive().then(succeeded, failed)) return;
		const live = await this.assetsTitled(typeId, organizationId, titleOf(duplicate));
		if (live.some((a) => a.id === duplicate.id)) await archive();
	}

	/**
	 * One report asset per organization and title. Two publishes at the same moment can both miss
	 * and both create; the one that created reads the title back, keeps the oldest asset, archives
	 * the newer ones and writes its report into the kept one (see nodes/shared/converge.ts).
	 */
	async upsertArticle(input: ArticleInput): Promise<PublishedArticle> {
		const organizationId = input.company.id;
		const typeId = await this.reportTypeId();
		const titled = async () => await this.assetsTitled(typeId, organizationId, input.title);
		const result = await findOrCreateConverged<ItGlueFlexibleAsset>({
			find: async () => (await titled())[0],
			create: async () =>
				await this.writeAsset(
					'POST',
					'flexible_assets',
					{
						'organization-id': Number(organizationId),
						'flexible-asset-type-id': Number(typeId),
						traits: this.traits(input.title, bodyFor(input, undefined)),
					},
					'create report asset',
				),
			readBack: titled,
			retire: async (duplicate) => await this.archiveAsset(duplicate, typeId, organizationId),
			age: ageOf,
		});
		if (result.created) return toArticle(result.record, 'created', result.duplicates);
		// Found, or a concurrent publish's asset was kept: this run's report goes into it, built from
		// what that asset holds now.
		const updated = await this.writeAsset(
			'PATCH',
			`flexible_assets/${result.record.id}`,
			{ traits: this.traits(input.title, bodyFor(input, reportOf(result.record))) },
			'update report asset',
		);
		return toArticle(updated, 'updated', result.duplicates);
	}

	/** See skippedTile: nothing is sent. */
	upsertTile(input: TileInput): Promise<PublishedTile> {
		return Promise.resolve(skippedTile(input));
	}
}

function bodyFor(input: ArticleInput, current: string | undefined): string {
	return typeof input.html === 'function' ? input.html(current) : input.html;
}

const succeeded = (): boolean => true;
const failed = (): boolean => false;
