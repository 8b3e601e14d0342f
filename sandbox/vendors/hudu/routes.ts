import { worldIso } from '../../world/clock';
import { Router, type Request, type Response, type NextFunction } from 'express';

import { intParam } from '../../lib/paging';
import { nextId } from '../../world/seed';
import type { VendorContext } from '../../vendor';
import {
	articleSlug,
	huduSlice,
	SANDBOX_API_KEY,
	type HuduArticle,
	type HuduCompany,
	type HuduMagicDash,
} from './store';

/** Hudu pages lists at 25 unless `page_size` asks otherwise (API description: "25 results per page"). */
export const DEFAULT_PAGE_SIZE = 25;
/**
 * Largest `page_size` honoured. Hudu documents no maximum [unverified]; the HuduAPI PowerShell
 * module pages with 1000, so the sandbox honours up to that and clamps above it.
 */
export const MAX_PAGE_SIZE = 1000;

type Body = Record<string, unknown>;

/** Hudu's error body: `{"error": "...", "details": [...]}` (as quoted for 422 by the Hudu n8n node). */
export function huduError(res: Response, status: number, error: string, details?: string[]): void {
	res.status(status).json(details ? { error, details } : { error });
}

/**
 * Every request needs a valid `x-api-key`. Missing and wrong keys both get 401; the body text is
 * not published, so the sandbox answers with the status text in Hudu's error shape [unverified].
 */
function requireApiKey(req: Request, res: Response, next: NextFunction): void {
	const key = req.get('x-api-key');
	if (!key || key !== SANDBOX_API_KEY) {
		huduError(res, 401, 'Unauthorized');
		return;
	}
	next();
}

function page<T>(req: Request, items: T[]): T[] {
	const size = intParam(req.query.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
	const number = intParam(req.query.page, 1);
	return items.slice((number - 1) * size, number * size);
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	return undefined;
}

function intOrNull(value: unknown): number | null | undefined {
	if (value === null) return null;
	if (value === undefined || value === '') return undefined;
	const parsed = typeof value === 'number' ? value : Number(value);
	return Number.isInteger(parsed) ? parsed : NaN;
}

/** Rails wraps JSON params under the resource key; clients send either form. */
function unwrap(body: unknown, key: string): Body {
	const object = (body && typeof body === 'object' ? body : {}) as Body;
	const inner = object[key];
	return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Body) : object;
}

/** `updated_at` filter: exact time, or `start,end` with either side open. */
function inUpdatedRange(filter: string | undefined, updatedAt: string): boolean {
	if (!filter) return true;
	const at = Date.parse(updatedAt);
	if (!filter.includes(',')) return at === Date.parse(filter);
	const [start, end] = filter.split(',');
	if (start && at < Date.parse(start)) return false;
	if (end && at > Date.parse(end)) return false;
	return true;
}

export function huduRouter(ctx: VendorContext): Router {
	const router = Router();
	const slice = () => huduSlice(ctx.world());
	const now = () => worldIso(ctx.world());

	const companyView = (company: HuduCompany) => {
		const url = `/c/${company.slug}`;
		return {
			...company,
			url,
			full_url: `${ctx.baseUrl()}${url}`,
			passwords_url: `${ctx.baseUrl()}${url}/passwords`,
			knowledge_base_url: `${ctx.baseUrl()}/kb/${company.slug}`,
		};
	};
	const articleView = (article: HuduArticle) => {
		const { archived: _archived, ...fields } = article;
		return {
			...fields,
			url: `${ctx.baseUrl()}/kba/${article.slug}`,
			share_url: article.enable_sharing ? `${ctx.baseUrl()}/shared_article/${article.slug}` : null,
			object_type: 'Article',
			public_photos: [] as string[],
		};
	};

	router.use('/api/v1', requireApiKey);

	router.get('/api/v1/companies', (req, res) => {
		const q = req.query;
		const name = str(q.name);
		const search = str(q.search)?.toLowerCase();
		const integrationId = str(q.id_in_integration);
		const slug = str(q.slug);
		const idNumber = str(q.id_number);
		const companies = slice().companies.filter(
			(c) =>
				(!name || c.name === name) &&
				(!slug || c.slug === slug) &&
				(!idNumber || c.id_number === idNumber) &&
				(!search ||
					[c.name, c.nickname ?? '', c.website, c.id_number].some((v) =>
						v.toLowerCase().includes(search),
					)) &&
				(!integrationId ||
					c.integrations.some(
						(i) => i.identifier === integrationId || String(i.sync_id) === integrationId,
					)) &&
				inUpdatedRange(str(q.updated_at), c.updated_at),
		);
		res.json({ companies: page(req, companies).map(companyView) });
	});

	router.get('/api/v1/companies/:id', (req, res) => {
		const company = slice().companies.find((c) => String(c.id) === req.params.id);
		if (!company) return huduError(res, 404, 'Not Found');
		res.json({ company: companyView(company) });
	});

	router.get('/api/v1/articles', (req, res) => {
		const q = req.query;
		const name = str(q.name);
		const companyId = str(q.company_id);
		const draft = bool(q.draft);
		const sharing = bool(q.enable_sharing);
		const slug = str(q.slug);
		const search = str(q.search)?.toLowerCase();
		const articles = slice().articles.filter(
			(a) =>
				!a.archived &&
				(!name || a.name === name) &&
				(!companyId || String(a.company_id) === companyId) &&
				(draft === undefined || a.draft === draft) &&
				(sharing === undefined || a.enable_sharing === sharing) &&
				(!slug || a.slug === slug) &&
				(!search ||
					a.name.toLowerCase().includes(search) ||
					a.content.toLowerCase().includes(search)) &&
				inUpdatedRange(str(q.updated_at), a.updated_at),
		);
		res.json({ articles: page(req, articles).map(articleView) });
	});

	router.get('/api/v1/articles/:id', (req, res) => {
		const article = slice().articles.find((a) => String(a.id) === req.params.id);
		if (!article) return huduError(res, 404, 'Not Found');
		res.json({ article: articleView(article) });
	});

	/** Field checks shared by create and update; returns Hudu's 422 details. */
	const articleProblems = (fields: Body, creating: boolean): string[] => {
		const problems: string[] = [];
		if (creating || 'name' in fields) {
			if (typeof fields.name !== 'string' || !fields.name.trim())
				problems.push("Name can't be blank");
		}
		if ('content' in fields && fields.content !== null && typeof fields.content !== 'string')
			problems.push('Content must be a string');
		const companyId = intOrNull(fields.company_id);
		if (
			companyId !== undefined &&
			companyId !== null &&
			!slice().companies.some((c) => c.id === companyId)
		) {
			problems.push('Company must exist');
		}
		const folderId = intOrNull(fields.folder_id);
		if (folderId !== undefined && folderId !== null && folderId !== 0)
			problems.push('Folder must exist');
		return problems;
	};

	const applyArticle = (article: HuduArticle, fields: Body) => {
		if (typeof fields.name === 'string') article.name = fields.name.trim();
		if (typeof fields.content === 'string') article.content = fields.content;
		const companyId = intOrNull(fields.company_id);
		if (companyId !== undefined) article.company_id = companyId;
		const sharing = bool(fields.enable_sharing);
		if (sharing !== undefined) article.enable_sharing = sharing;
		const draft = bool(fields.draft);
		if (draft !== undefined) article.draft = draft;
		article.updated_at = now();
	};

	router.post('/api/v1/articles', (req, res) => {
		const fields = unwrap(req.body, 'article');
		const problems = articleProblems(fields, true);
		if (problems.length) return huduError(res, 422, 'Unable to process request', problems);
		const id = nextId(ctx.world(), 'huduArticle', 301);
		const article: HuduArticle = {
			id,
			slug:
				typeof fields.slug === 'string' && fields.slug
					? fields.slug
					: articleSlug(String(fields.name), id),
			name: '',
			content: '',
			company_id: null,
			folder_id: null,
			draft: false,
			enable_sharing: false,
			archived: false,
			created_at: now(),
			updated_at: now(),
		};
		applyArticle(article, fields);
		slice().articles.push(article);
		// The spec types this 200 as a bare Article; the wrapper matches GET/PUT [unverified].
		res.status(200).json({ article: articleView(article) });
	});

	router.put('/api/v1/articles/:id', (req, res) => {
		const article = slice().articles.find((a) => String(a.id) === req.params.id);
		if (!article) return huduError(res, 404, 'Not Found');
		const fields = unwrap(req.body, 'article');
		const problems = articleProblems(fields, false);
		if (problems.length) return huduError(res, 422, 'Unable to process request', problems);
		applyArticle(article, fields);
		res.json({ article: articleView(article) });
	});

	/**
	 * `PUT /articles/{id}/archive` -> 200 `{article}`: the article leaves the lists and stays readable
	 * by id. Archiving an archived article again answers 200 as well [unverified: Hudu may answer 422].
	 */
	router.put('/api/v1/articles/:id/archive', (req, res) => {
		const article = slice().articles.find((a) => String(a.id) === req.params.id);
		if (!article) return huduError(res, 404, 'Not Found');
		article.archived = true;
		article.updated_at = now();
		res.json({ article: articleView(article) });
	});

	router.get('/api/v1/magic_dash', (req, res) => {
		const title = str(req.query.title);
		const companyId = str(req.query.company_id);
		const items = slice().magicDash.filter(
			(m) => (!title || m.title === title) && (!companyId || String(m.company_id) === companyId),
		);
		// A bare array, as the spec documents for this list.
		res.json(page(req, items));
	});

	router.post('/api/v1/magic_dash', (req, res) => {
		const fields = unwrap(req.body, 'magic_dash_item');
		const problems: string[] = [];
		for (const key of ['title', 'message', 'company_name']) {
			if (typeof fields[key] !== 'string' || !(fields[key] as string).trim())
				problems.push(`${key} can't be blank`);
		}
		if (problems.length) return huduError(res, 422, 'Unable to process request', problems);
		// company_name must name an existing company exactly [unverified: Hudu's wording for a miss].
		const company = slice().companies.find((c) => c.name === fields.company_name);
		if (!company)
			return huduError(res, 422, 'Unable to process request', [
				`No company named '${String(fields.company_name)}'`,
			]);
		const text = (key: string) =>
			typeof fields[key] === 'string' && fields[key] !== '' ? (fields[key] as string) : null;
		let item = slice().magicDash.find(
			(m) => m.title === fields.title && m.company_id === company.id,
		);
		if (!item) {
			item = {
				id: nextId(ctx.world(), 'huduMagicDash', 41),
				title: String(fields.title),
				message: '',
				shade: null,
				content: null,
				content_link: null,
				icon: null,
				image_url: null,
				company_id: company.id,
				company_name: company.name,
				position: slice().magicDash.filter((m) => m.company_id === company.id).length,
			};
			slice().magicDash.push(item);
		}
		// Create or update replaces the tile's attributes with what was sent.
		Object.assign<HuduMagicDash, Partial<HuduMagicDash>>(item, {
			message: String(fields.message),
			shade: text('shade'),
			content: text('content'),
			content_link: text('content_link'),
			icon: text('icon'),
			image_url: text('image_url'),
		});
		res.status(201).json(item);
	});

	router.delete('/api/v1/magic_dash', (req, res) => {
		const fields = unwrap(req.body, 'magic_dash_item');
		const title = str(fields.title) ?? str(req.query.title);
		const companyName = str(fields.company_name) ?? str(req.query.company_name);
		if (!title || !companyName)
			return huduError(res, 422, 'Unable to process request', [
				'title and company_name are required',
			]);
		const index = slice().magicDash.findIndex(
			(m) => m.title === title && m.company_name === companyName,
		);
		if (index < 0) return huduError(res, 404, 'Not Found');
		slice().magicDash.splice(index, 1);
		res.status(204).end();
	});

	router.delete('/api/v1/magic_dash/:id', (req, res) => {
		const index = slice().magicDash.findIndex((m) => String(m.id) === req.params.id);
		if (index < 0) return huduError(res, 404, 'Not Found');
		slice().magicDash.splice(index, 1);
		res.status(204).end();
	});

	router.use('/api/v1', (_req, res) => huduError(res, 404, 'Not Found'));
	return router;
}
