import { DAY, seededAgo } from '../../world/clock';

import { clientName } from '../../world/names';
import type { Client, World } from '../../world/types';

/**
 * IT Glue's own records: organizations (the neutral clients under IT Glue ids), flexible asset
 * types with their fields, and flexible assets. Attribute names are IT Glue's (kebab-case), so
 * `/_sandbox/state` shows them as the API does.
 */
export interface ItGlueOrganization {
	id: number;
	name: string;
	alert: string | null;
	description: string | null;
	'organization-type-id': number;
	'organization-type-name': string;
	'organization-status-id': number;
	'organization-status-name': string;
	primary: boolean;
	logo: string | null;
	'quick-notes': string | null;
	'short-name': string;
	'created-at': string;
	'updated-at': string;
	'parent-id': number | null;
	'ancestor-ids': number[];
}

export interface ItGlueFlexibleAssetField {
	id: number;
	'flexible-asset-type-id': number;
	order: number;
	name: string;
	kind: string;
	hint: string | null;
	decimals: number | null;
	'default-value': string | null;
	'tag-type': string | null;
	required: boolean;
	'use-for-title': boolean;
	expiration: boolean;
	'show-in-list': boolean;
	'name-key': string;
	'created-at': string;
	'updated-at': string;
}

export interface ItGlueFlexibleAssetType {
	id: number;
	name: string;
	description: string | null;
	icon: string | null;
	'show-in-menu': boolean;
	enabled: boolean;
	'created-at': string;
	'updated-at': string;
	fields: ItGlueFlexibleAssetField[];
}

export interface ItGlueFlexibleAsset {
	id: number;
	'organization-id': number;
	'flexible-asset-type-id': number;
	name: string;
	traits: Record<string, unknown>;
	restricted: boolean;
	'my-glue': boolean;
	archived: boolean;
	'created-at': string;
	'updated-at': string;
}

export interface ItGlueSlice {
	organizations: ItGlueOrganization[];
	flexibleAssetTypes: ItGlueFlexibleAssetType[];
	flexibleAssets: ItGlueFlexibleAsset[];
}

/** The key that works against the sandbox (the CLI prints it; n8nCredentials carries it). */
export const SANDBOX_API_KEY = 'ITG.sandbox0c4e2a9f71b8d3e5';

/** First organization id; the documented examples show seven-digit ids. */
const FIRST_ORGANIZATION_ID = 2812512;

export function itGlueSlice(world: World): ItGlueSlice {
	return world.vendors.itglue as ItGlueSlice;
}

/** The IT Glue organization id of a client of the estate. */
export function itGlueOrganizationId(world: World, client: Client): number {
	return FIRST_ORGANIZATION_ID + world.clients.indexOf(client);
}

/** A field's `name-key`: the name lower-cased and hyphenated. */
export function nameKey(name: string): string {
	return name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

function organizationOf(world: World, client: Client): ItGlueOrganization {
	const at = seededAgo(world, 300 * DAY);
	return {
		id: itGlueOrganizationId(world, client),
		name: clientName(client, 'documentation'),
		alert: null,
		description: client.industry,
		'organization-type-id': 1,
		'organization-type-name': 'Customer',
		'organization-status-id': 1,
		'organization-status-name': 'Active',
		primary: false,
		logo: null,
		'quick-notes': null,
		'short-name': client.code.toLowerCase(),
		'created-at': at,
		'updated-at': at,
		'parent-id': null,
		'ancestor-ids': [],
	};
}

/** One type an MSP already has, so a publish must pick its own type by name. */
function siteSummaryType(world: World): ItGlueFlexibleAssetType {
	const at = seededAgo(world, 400 * DAY);
	const field = (id: number, order: number, name: string, kind: string, title: boolean) => ({
		id,
		'flexible-asset-type-id': 101,
		order,
		name,
		kind,
		hint: null,
		decimals: null,
		'default-value': null,
		'tag-type': null,
		required: title,
		'use-for-title': title,
		expiration: false,
		'show-in-list': true,
		'name-key': nameKey(name),
		'created-at': at,
		'updated-at': at,
	});
	return {
		id: 101,
		name: 'Site Summary',
		description: 'One per office',
		icon: 'building',
		'show-in-menu': true,
		enabled: true,
		'created-at': at,
		'updated-at': at,
		fields: [field(1001, 1, 'Name', 'Text', true), field(1002, 2, 'Notes', 'Textbox', false)],
	};
}

export function seedItGlue(world: World): void {
	const slice: ItGlueSlice = { organizations: [], flexibleAssetTypes: [], flexibleAssets: [] };
	world.vendors.itglue = slice;
	for (const client of world.clients) slice.organizations.push(organizationOf(world, client));
	slice.flexibleAssetTypes.push(siteSummaryType(world));
	const first = slice.organizations[0];
	if (first) {
		const at = seededAgo(world, 200 * DAY);
		slice.flexibleAssets.push({
			id: 55501,
			'organization-id': first.id,
			'flexible-asset-type-id': 101,
			name: 'Head office',
			traits: { name: 'Head office', notes: '<p>Server room on the second floor.</p>' },
			restricted: false,
			'my-glue': false,
			archived: false,
			'created-at': at,
			'updated-at': at,
		});
	}
}
