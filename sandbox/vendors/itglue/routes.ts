import { Router, type NextFunction, type Request, type Response } from 'express';

import { intParam } from '../../lib/paging';
import { worldIso } from '../../world/clock';
import { nextId } from '../../world/seed';
import type { VendorContext } from '../../vendor';
import {
	itGlueSlice,
	nameKey,
	SANDBOX_API_KEY,
	type ItGlueFlexibleAsset,
	type ItGlueFlexibleAssetField,
	type ItGlueFlexibleAssetType,
	type ItGlueOrganization,
} from './store';

/** "page[size]" default [unverified: commonly 50] and documented maximum (1000). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

type Body = Record<string, unknown>;

interface JsonApiError {
	status: number;
	title: string;
	detail?: string;
	source?: { pointer: string };
}

/**
 * The JSON:API `errors` array. `status` is a number, as in the real bodies quoted in
 * itglue/automation#38; `detail` and `source` only where there is one.
 */
export function itGlueError(
	res: Response,
	status: number,
	errors: Array<Omit<JsonApiError, 'status'>>,
): void {
	res
		.status(status)
		.type('application/vnd.api+json')
		.send(JSON.stringify({ errors: errors.map((e) => ({ status, ...e })) }));
}

function send(res: Response, status: number, body: unknown): void {
	res.status(status).type('application/vnd.api+json').send(JSON.stringify(body));
}

/** A wrong or missing key is answered 403 ("A wrong key returns HTTP 403"); the body is not documented. */
function requireApiKey(req: Request, res: Response, next: NextFunction): void {
	if (req.get('x-api-key') !== SANDBOX_API_KEY) {
		itGlueError(res, 403, [{ title: 'Forbidden' }]);
		return;
	}
	next();
}

/** Every payload must be `application/vnd.api+json`; anything else is 415. */
function requireJsonApi(req: Request, res: Response, next: NextFunction): void {
	if ((req.method === 'POST' || req.method === 'PATCH') && !req.is('application/vnd.api+json')) {
		itGlueError(res, 415, [{ title: 'Unsupported Media Type' }]);
		return;
	}
	next();
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Rails accepts attribute names in kebab-case (the examples) and snake_case (the params tables). */
function attr(attributes: Body, kebab: string): unknown {
	return attributes[kebab] ?? attributes[kebab.replace(/-/g, '_')];
}

function dataOf(body: unknown): { type: unknown; attributes: Body } | undefined {
	const data = (body as Body | undefined)?.data as Body | undefined;
	if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
	const attributes = data.attributes;
	if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return undefined;
	return { type: data.type, attributes: attributes as Body };
}

/** `page[number]` (1-based) and `page[size]`; `meta` as documented (kebab-case). */
function paged<T>(req: Request, items: T[]): { page: T[]; meta: Body } {
	const q = req.query;
	const size = intParam(q['page[size]'], DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
	const number = intParam(q['page[number]'], 1);
	const totalPages = Math.max(1, Math.ceil(items.length / size));
	const filters: Body = {};
	for (const [key, value] of Object.entries(q)) {
		const match = /^filter\[(.+)\]$/.exec(key);
		if (match) filters[match[1]] = value;
	}
	return {
		page: items.slice((number - 1) * size, number * size),
		meta: {
			'current-page': number,
			'next-page': number < totalPages ? number + 1 : null,
			'prev-page': number > 1 ? number - 1 : null,
			'total-pages': totalPages,
			'total-count': items.length,
			filters,
		},
	};
}

const resource = (type: string, record: { id: number }, attributes: Body) => ({
	id: String(record.id),
	type,
	attributes,
});

export function itGlueRouter(ctx: VendorContext): Router {
	const router = Router();
	const slice = () => itGlueSlice(ctx.world());
	const now = () => worldIso(ctx.world());
	const organizationById = (id: unknown) =>
		slice().organizations.find((o) => String(o.id) === String(id));

	const organizationView = (o: ItGlueOrganization) => {
		const { id: _id, ...attributes } = o;
		return resource('organizations', o, attributes);
	};
	const typeView = (t: ItGlueFlexibleAssetType) => {
		const { id: _id, fields: _fields, enabled: _enabled, ...attributes } = t;
		return resource('flexible-asset-types', t, attributes);
	};
	const assetView = (a: ItGlueFlexibleAsset) => {
		const organization = organizationById(a['organization-id']);
		const type = slice().flexibleAssetTypes.find((t) => t.id === a['flexible-asset-type-id']);
		return resource('flexible-assets', a, {
			'organization-id': a['organization-id'],
			'organization-name': organization?.name ?? null,
			'resource-url': `${ctx.baseUrl()}/${a['organization-id']}/assets/${a['flexible-asset-type-id']}-${nameKey(type?.name ?? 'asset')}/records/${a.id}`,
			restricted: a.restricted,
			'my-glue': a['my-glue'],
			'flexible-asset-type-id': a['flexible-asset-type-id'],
			'flexible-asset-type-name': type?.name ?? null,
			name: a.name,
			traits: a.traits,
			archived: a.archived,
			'created-at': a['created-at'],
			'updated-at': a['updated-at'],
		});
	};

	router.use(requireApiKey, requireJsonApi);

	router.get('/organizations', (req, res) => {
		const name = str(req.query['filter[name]']);
		const id = str(req.query['filter[id]']);
		let list = slice().organizations.filter(
			(o) => (!name || o.name === name) && (!id || id.split(',').includes(String(o.id))),
		);
		if (req.query.sort === 'name') list = [...list].sort((a, b) => a.name.localeCompare(b.name));
		const { page, meta } = paged(req, list);
		send(res, 200, { data: page.map(organizationView), meta });
	});

	router.get('/organizations/:id', (req, res) => {
		const organization = organizationById(req.params.id);
		if (!organization) return itGlueError(res, 404, [{ title: 'Record not found' }]);
		send(res, 200, { data: organizationView(organization) });
	});

	router.get('/flexible_asset_types', (req, res) => {
		const name = str(req.query['filter[name]']);
		const list = slice().flexibleAssetTypes.filter((t) => !name || t.name === name);
		const { page, meta } = paged(req, list);
		send(res, 200, { data: page.map(typeView), meta });
	});

	router.post('/flexible_asset_types', (req, res) => {
		const data = dataOf(req.body);
		if (!data || (data.type !== 'flexible_asset_types' && data.type !== 'flexible-asset-types'))
			return itGlueError(res, 400, [
				{ title: 'Bad Request', detail: 'data[type] must be flexible_asset_types' },
			]);
		const name = str(data.attributes.name);
		const fields = data.attributes.fields;
		if (!name)
			return itGlueError(res, 422, [
				{
					title: 'Unprocessable Entity',
					detail: "can't be blank",
					source: { pointer: '/data/attributes/name' },
				},
			]);
		// "each flexible asset type must have at least one field and at least one field with show_in_list set to true"
		if (
			!Array.isArray(fields) ||
			fields.length === 0 ||
			!fields.some((f) => attr(f as Body, 'show-in-list') === true)
		)
			return itGlueError(res, 422, [
				{
					title: 'Unprocessable Entity',
					detail: 'needs at least one field, and one with show_in_list',
					source: { pointer: '/data/attributes/fields' },
				},
			]);
		const at = now();
		const id = nextId(ctx.world(), 'itglueFlexibleAssetType', 102);
		const type: ItGlueFlexibleAssetType = {
			id,
			name,
			description: str(data.attributes.description) ?? null,
			icon: str(data.attributes.icon) ?? null,
			'show-in-menu': attr(data.attributes, 'show-in-menu') !== false,
			enabled: true,
			'created-at': at,
			'updated-at': at,
			fields: (fields as Body[]).map(
				(f, index): ItGlueFlexibleAssetField => ({
					id: nextId(ctx.world(), 'itglueFlexibleAssetField', 1003),
					'flexible-asset-type-id': id,
					order: Number(f.order ?? index + 1),
					name: String(f.name ?? ''),
					kind: String(f.kind ?? 'Text'),
					hint: str(f.hint) ?? null,
					decimals: null,
					'default-value': null,
					'tag-type': null,
					required: f.required === true,
					'use-for-title': attr(f, 'use-for-title') === true,
					expiration: false,
					'show-in-list': attr(f, 'show-in-list') === true,
					'name-key': nameKey(String(f.name ?? '')),
					'created-at': at,
					'updated-at': at,
				}),
			),
		};
		slice().flexibleAssetTypes.push(type);
		send(res, 201, { data: typeView(type) });
	});

	/** Trait keys must be the type's field name-keys; required fields need a value. */
	const traitErrors = (
		type: ItGlueFlexibleAssetType,
		traits: Body,
	): Array<Omit<JsonApiError, 'status'>> => {
		const keys = new Set(type.fields.map((f) => f['name-key']));
		const unknown = Object.keys(traits)
			.filter((k) => !keys.has(k))
			.map((k) => ({
				title: 'Unprocessable Entity',
				detail: `${k} is not a field of ${type.name}`,
				source: { pointer: `/data/attributes/traits/${k}` },
			}));
		const missing = type.fields
			.filter(
				(f) => f.required && (traits[f['name-key']] === undefined || traits[f['name-key']] === ''),
			)
			.map((f) => ({
				title: 'Unprocessable Entity',
				detail: "can't be blank",
				source: { pointer: `/data/attributes/traits/${f['name-key']}` },
			}));
		return [...unknown, ...missing];
	};
	const titleFor = (type: ItGlueFlexibleAssetType, traits: Body) =>
		type.fields
			.filter((f) => f['use-for-title'])
			.map((f) => String(traits[f['name-key']] ?? ''))
			.join(' ');

	router.get('/flexible_assets', (req, res) => {
		const typeId = str(req.query['filter[flexible-asset-type-id]']);
		// "List all flexible assets for a specific flexible asset type ID": the type filter is required.
		if (!typeId)
			return itGlueError(res, 400, [
				{ title: 'Bad Request', detail: 'filter[flexible-asset-type-id] is required' },
			]);
		const organizationId = str(req.query['filter[organization-id]']);
		const name = str(req.query['filter[name]']);
		const list = slice().flexibleAssets.filter(
			(a) =>
				String(a['flexible-asset-type-id']) === typeId &&
				(!organizationId || String(a['organization-id']) === organizationId) &&
				(!name || a.name === name),
		);
		const { page, meta } = paged(req, list);
		send(res, 200, { data: page.map(assetView), meta });
	});

	router.get('/flexible_assets/:id', (req, res) => {
		const asset = slice().flexibleAssets.find((a) => String(a.id) === req.params.id);
		if (!asset) return itGlueError(res, 404, [{ title: 'Record not found' }]);
		send(res, 200, { data: assetView(asset) });
	});

	const createAsset = (req: Request, res: Response, nestedOrganization?: string) => {
		const data = dataOf(req.body);
		if (!data || (data.type !== 'flexible_assets' && data.type !== 'flexible-assets'))
			return itGlueError(res, 400, [
				{ title: 'Bad Request', detail: 'data[type] must be flexible_assets' },
			]);
		const organization = organizationById(
			nestedOrganization ?? attr(data.attributes, 'organization-id'),
		);
		// As quoted from a real answer (itglue/automation#38).
		if (!organization)
			return itGlueError(res, 422, [
				{
					title: 'Valid organization_id is required',
					source: { pointer: 'data/attributes/organization_id' },
				},
			]);
		const type = slice().flexibleAssetTypes.find(
			(t) => String(t.id) === String(attr(data.attributes, 'flexible-asset-type-id')),
		);
		if (!type)
			return itGlueError(res, 422, [
				{
					title: 'Unprocessable Entity',
					detail: 'must exist',
					source: { pointer: '/data/attributes/flexible-asset-type' },
				},
			]);
		const traits = (data.attributes.traits ?? {}) as Body;
		const errors = traitErrors(type, traits);
		if (errors.length) return itGlueError(res, 422, errors);
		const at = now();
		const asset: ItGlueFlexibleAsset = {
			id: nextId(ctx.world(), 'itglueFlexibleAsset', 55502),
			'organization-id': organization.id,
			'flexible-asset-type-id': type.id,
			name: titleFor(type, traits),
			traits: { ...traits },
			restricted: false,
			'my-glue': false,
			archived: attr(data.attributes, 'archived') === true,
			'created-at': at,
			'updated-at': at,
		};
		slice().flexibleAssets.push(asset);
		send(res, 201, { data: assetView(asset) });
	};
	router.post('/flexible_assets', (req, res) => createAsset(req, res));
	router.post('/organizations/:organizationId/relationships/flexible_assets', (req, res) =>
		createAsset(req, res, req.params.organizationId),
	);

	router.patch('/flexible_assets/:id', (req, res) => {
		const asset = slice().flexibleAssets.find((a) => String(a.id) === req.params.id);
		if (!asset) return itGlueError(res, 404, [{ title: 'Record not found' }]);
		const data = dataOf(req.body);
		if (!data || (data.type !== 'flexible_assets' && data.type !== 'flexible-assets'))
			return itGlueError(res, 400, [
				{ title: 'Bad Request', detail: 'data[type] must be flexible_assets' },
			]);
		const type = slice().flexibleAssetTypes.find((t) => t.id === asset['flexible-asset-type-id'])!;
		const traits = data.attributes.traits as Body | undefined;
		if (traits !== undefined) {
			const errors = traitErrors(type, traits);
			if (errors.length) return itGlueError(res, 422, errors);
			// The defensive reading of the docs: the trait set sent replaces the stored one, so
			// omitted traits are cleared.
			asset.traits = { ...traits };
			asset.name = titleFor(type, traits);
		}
		const archived = attr(data.attributes, 'archived');
		if (typeof archived === 'boolean') asset.archived = archived;
		asset['updated-at'] = now();
		send(res, 200, { data: assetView(asset) });
	});

	router.delete('/flexible_assets/:id', (req, res) => {
		const list = slice().flexibleAssets;
		const index = list.findIndex((a) => String(a.id) === req.params.id);
		if (index < 0) return itGlueError(res, 404, [{ title: 'Record not found' }]);
		const [removed] = list.splice(index, 1);
		send(res, 200, { data: assetView(removed) });
	});

	return router;
}
