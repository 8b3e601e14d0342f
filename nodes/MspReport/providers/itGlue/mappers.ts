import type { DocumentationCompany, PublishedArticle, PublishedTile, TileInput } from '../types';
import type { ItGlueFlexibleAsset, ItGlueOrganization } from './schemas';

/** The flexible asset type the reports are kept in, created on first publish when missing. */
export const REPORT_TYPE_NAME = 'MSP Report';

/**
 * Its fields. IT Glue keys a trait by the field's `name-key`, the name lower-cased and hyphenated,
 * so "Title" is `title` and "Report" is `report`. The title field names the asset.
 */
export const TITLE_TRAIT = 'title';
export const REPORT_TRAIT = 'report';

export const REPORT_TYPE_FIELDS = [
	{
		order: 1,
		name: 'Title',
		kind: 'Text',
		required: true,
		'show-in-list': true,
		'use-for-title': true,
	},
	{
		order: 2,
		name: 'Report',
		kind: 'Textbox',
		required: false,
		'show-in-list': false,
		hint: 'Written by the MSP Report node; the evidence records at the end are read back on the next publish',
	},
];

export function toCompany(organization: ItGlueOrganization): DocumentationCompany {
	return { id: organization.id, name: organization.attributes.name, raw: organization };
}

export function titleOf(asset: ItGlueFlexibleAsset): string {
	const trait = asset.attributes.traits?.[TITLE_TRAIT];
	return typeof trait === 'string' ? trait : (asset.attributes.name ?? '');
}

export function reportOf(asset: ItGlueFlexibleAsset): string | undefined {
	const trait = asset.attributes.traits?.[REPORT_TRAIT];
	return typeof trait === 'string' ? trait : undefined;
}

export function toArticle(
	asset: ItGlueFlexibleAsset,
	action: PublishedArticle['action'],
	duplicatesArchived: string[] = [],
): PublishedArticle {
	return {
		id: asset.id,
		title: titleOf(asset),
		url: asset.attributes['resource-url'] ?? undefined,
		action,
		duplicatesArchived,
		raw: asset,
	};
}

/**
 * IT Glue has no client dashboard tile or status widget in its API (the documented resources are
 * records: organizations, configurations, flexible assets, passwords...). The status is shown in the
 * report itself; the tile is reported as skipped.
 */
export function skippedTile(input: TileInput): PublishedTile {
	return {
		id: '',
		title: input.title,
		message: input.message,
		status: input.status,
		action: 'skipped',
		reason: 'IT Glue has no status tile: the status is in the report asset, no tile was written',
		duplicatesDeleted: [],
	};
}
