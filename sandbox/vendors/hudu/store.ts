import { DAY, seededAgo } from '../../world/clock';
import { createHash } from 'crypto';

import { clientName } from '../../world/names';
import { nextId } from '../../world/seed';
import type { Client, World } from '../../world/types';

/**
 * Hudu's own records: companies (mirroring the neutral clients under their Hudu ids), knowledge
 * base articles and Magic Dash tiles. Plain JSON so `/_sandbox/state` shows them as they are.
 */
export interface HuduCompanyIntegration {
	id: number;
	integrator_id: number;
	integrator_name: string;
	sync_id: number;
	identifier: string;
	name: string;
	potential_company_id: number | null;
	company_id: number;
	company_name: string;
}

export interface HuduCompany {
	id: number;
	slug: string;
	name: string;
	nickname: string | null;
	company_type: string;
	address_line_1: string;
	address_line_2: string | null;
	city: string;
	state: string;
	zip: string;
	country_name: string | null;
	phone_number: string;
	fax_number: string;
	website: string;
	id_number: string;
	parent_company_id: number | null;
	parent_company_name: string | null;
	notes: string | null;
	archived: boolean;
	object_type: 'Company';
	created_at: string;
	updated_at: string;
	integrations: HuduCompanyIntegration[];
}

export interface HuduArticle {
	id: number;
	slug: string;
	name: string;
	content: string;
	company_id: number | null;
	folder_id: number | null;
	draft: boolean;
	enable_sharing: boolean;
	archived: boolean;
	created_at: string;
	updated_at: string;
}

export interface HuduMagicDash {
	id: number;
	title: string;
	message: string;
	shade: string | null;
	content: string | null;
	content_link: string | null;
	icon: string | null;
	image_url: string | null;
	company_id: number;
	company_name: string;
	position: number;
}

export interface HuduSlice {
	companies: HuduCompany[];
	articles: HuduArticle[];
	magicDash: HuduMagicDash[];
}

/** The key that works against the sandbox (the CLI prints it; n8nCredentials carries it). */
export const SANDBOX_API_KEY = 'sandbox-hudu-key-7c1f42e9a0b3';

export function huduSlice(world: World): HuduSlice {
	return world.vendors.hudu as HuduSlice;
}

export function slugify(text: string): string {
	return text
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/** Hudu article slugs carry a short suffix so two articles with one name stay distinct. */
export function articleSlug(name: string, id: number): string {
	const suffix = createHash('sha1').update(`article-${id}`).digest('hex').slice(0, 12);
	return `${slugify(name) || 'article'}-${suffix}`;
}

function integrations(client: Client, companyId: number): HuduCompanyIntegration[] {
	// The PSA and RMM integrations Hudu syncs a company from: `id_in_integration` matches `identifier`, and
	// `name` is the company's name in that integration, which may differ from Hudu's own.
	const entries: Array<[number, string, string, string]> = [
		[1, 'cw_manage', String(client.ids.connectwiseCompanyId), clientName(client, 'psa')],
		[2, 'halo', String(client.ids.haloClientId), clientName(client, 'psa')],
		[3, 'ninja', String(client.ids.ninjaOrganizationId), clientName(client, 'rmm')],
		[4, 'cw_automate', String(client.ids.automateClientId), clientName(client, 'rmm')],
	];
	return entries.map(([integratorId, integrator, identifier, name], index) => ({
		id: companyId * 10 + index + 1,
		integrator_id: integratorId,
		integrator_name: integrator,
		sync_id: Number(identifier),
		identifier,
		name,
		potential_company_id: null,
		company_id: companyId,
		company_name: clientName(client, 'documentation'),
	}));
}

function companyOf(world: World, client: Client, index: number): HuduCompany {
	const id = client.ids.huduCompanyId;
	const name = clientName(client, 'documentation');
	const domain = `${slugify(name).replace(/-/g, '')}.example`;
	return {
		id,
		slug: `${slugify(name)}-${createHash('sha1').update(client.key).digest('hex').slice(0, 8)}`,
		name,
		nickname: client.code,
		company_type: 'Customer',
		address_line_1: `${10 + index * 7} Harbour Street`,
		address_line_2: null,
		city: 'Bristol',
		state: 'England',
		zip: `BS${index + 1} 4QA`,
		country_name: 'United Kingdom',
		phone_number: `+44 117 496 0${String(100 + index)}`,
		fax_number: '',
		website: `https://www.${domain}`,
		id_number: client.ids.connectwiseIdentifier,
		parent_company_id: null,
		parent_company_name: null,
		notes: `${client.industry}. Managed for five years.`,
		archived: false,
		object_type: 'Company',
		created_at: seededAgo(world, 267 * DAY),
		updated_at: seededAgo(world, 267 * DAY),
		integrations: integrations(client, id),
	};
}

function seedArticle(
	world: World,
	name: string,
	content: string,
	companyId: number | null,
): HuduArticle {
	const id = nextId(world, 'huduArticle', 301);
	return {
		id,
		slug: articleSlug(name, id),
		name,
		content,
		company_id: companyId,
		folder_id: null,
		draft: false,
		enable_sharing: false,
		archived: false,
		created_at: seededAgo(world, 267 * DAY),
		updated_at: seededAgo(world, 267 * DAY),
	};
}

export function seedHudu(world: World): void {
	const slice: HuduSlice = { companies: [], articles: [], magicDash: [] };
	world.vendors.hudu = slice;
	world.clients.forEach((client, index) => slice.companies.push(companyOf(world, client, index)));
	slice.articles.push(
		seedArticle(
			world,
			'Patch management policy',
			'<h2>Scope</h2><p>Critical and high security updates are installed within 14 days of release.</p>',
			null,
		),
	);
	for (const company of slice.companies) {
		slice.articles.push(
			seedArticle(
				world,
				'Onboarding checklist',
				`<h2>${company.name}</h2><ul><li>RMM agent deployed</li><li>EDR agent deployed</li><li>Backups verified</li></ul>`,
				company.id,
			),
			seedArticle(
				world,
				'Backup and restore runbook',
				'<p>Nightly image backups at 01:00; monthly restore test.</p>',
				company.id,
			),
		);
	}
	// One tile already there, as a PSA integration would leave it: publishing must not touch it.
	const first = slice.companies[0];
	if (first) {
		slice.magicDash.push({
			id: nextId(world, 'huduMagicDash', 41),
			title: 'Backups',
			message: 'Last backup succeeded',
			shade: 'success',
			content: null,
			content_link: null,
			icon: 'fas fa-database',
			image_url: null,
			company_id: first.id,
			company_name: first.name,
			position: 0,
		});
	}
}
