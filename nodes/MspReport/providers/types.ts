/** A client as the documentation platform knows it. */
export interface DocumentationCompany {
	id: string;
	name: string;
	url?: string;
	raw?: unknown;
}

export interface PublishedArticle {
	id: string;
	title: string;
	url?: string;
	action: 'created' | 'updated';
	/**
	 * Articles with the same title for the company that a publish running at the same moment created
	 * and this one archived, keeping the oldest (see nodes/shared/converge.ts).
	 */
	duplicatesArchived: string[];
	raw?: unknown;
}

export type TileStatus = 'good' | 'warning' | 'bad' | 'none';

export interface PublishedTile {
	id: string;
	title: string;
	message: string;
	status: TileStatus;
	/** 'skipped' where the platform has no status tile (see reason); nothing was written. */
	action: 'created' | 'updated' | 'skipped';
	/** Why no tile was written, when skipped. */
	reason?: string;
	/** Tiles with the same title for the company a concurrent publish created, deleted in favour of the oldest. */
	duplicatesDeleted: string[];
	raw?: unknown;
}

export interface ArticleInput {
	company: DocumentationCompany;
	title: string;
	/**
	 * The article body, or a function of the body of the article about to be updated (undefined when
	 * creating), so a report can carry forward what that article holds (see report/store.ts).
	 */
	html: string | ((current: string | undefined) => string);
}

export interface TileInput {
	company: DocumentationCompany;
	title: string;
	message: string;
	status: TileStatus;
	/** Where a click on the tile leads, e.g. the report article. */
	link?: string;
}

/**
 * Where reports are published: one article per client and period, one status tile per client.
 * Both upserts are idempotent: running a publish twice updates, never duplicates, and two publishes
 * running at the same moment converge on one article and one tile (the oldest is kept).
 */
export interface DocumentationProvider {
	readonly name: string;
	/** Companies whose name is exactly this one (case-insensitive). */
	findCompaniesByName(name: string): Promise<DocumentationCompany[]>;
	/** Companies linked to this id in a PSA/RMM integration. */
	findCompaniesByIntegrationId(id: string): Promise<DocumentationCompany[]>;
	/** Companies for a picker: all, or those matching a search text. */
	searchCompanies(filter?: string): Promise<DocumentationCompany[]>;
	upsertArticle(input: ArticleInput): Promise<PublishedArticle>;
	upsertTile(input: TileInput): Promise<PublishedTile>;
}
