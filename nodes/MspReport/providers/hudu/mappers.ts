import type { DocumentationCompany, PublishedArticle, PublishedTile, TileStatus } from '../types';
import type { HuduArticle, HuduCompany, HuduMagicDash } from './schemas';

export function toCompany(company: HuduCompany): DocumentationCompany {
	return {
		id: String(company.id),
		name: company.name,
		url: company.full_url ?? undefined,
		raw: company,
	};
}

export function toArticle(
	article: HuduArticle,
	action: PublishedArticle['action'],
	duplicatesArchived: string[] = [],
): PublishedArticle {
	return {
		id: String(article.id),
		title: article.name,
		url: article.url ?? undefined,
		action,
		duplicatesArchived,
		raw: article,
	};
}

export function toTile(
	tile: HuduMagicDash,
	status: TileStatus,
	action: PublishedTile['action'],
	duplicatesDeleted: string[] = [],
): PublishedTile {
	return {
		id: String(tile.id),
		title: tile.title,
		message: tile.message ?? '',
		status,
		action,
		duplicatesDeleted,
		raw: tile,
	};
}

/** Magic Dash shades are Bootstrap contextual colours ("e.g., success, danger"). */
export const SHADE_BY_STATUS: Record<TileStatus, string> = {
	good: 'success',
	warning: 'warning',
	bad: 'danger',
	none: 'grey',
};
