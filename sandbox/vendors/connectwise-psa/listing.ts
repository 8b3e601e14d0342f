import type { Request, Response } from 'express';

import { intParam } from '../../lib/paging';

import { compileConditions, ConditionError, resolvePath } from './conditions';
import { cwError } from './errors';

/** ConnectWise's documented page size default and cap (Developer Guide, Pagination). */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

type Row = Record<string, unknown>;

/** `lastUpdated` and friends live under `_info` but conditions may name them directly. */
function resolveWithInfo(record: Row, path: string) {
	const direct = resolvePath(record, path);
	if (direct.found) return direct;
	return resolvePath(record, `_info/${path}`);
}

function applyOrder(rows: Row[], orderBy: unknown): Row[] {
	if (typeof orderBy !== 'string' || !orderBy.trim()) return rows;
	const keys = orderBy.split(',').map((part) => {
		const [field, direction] = part.trim().split(/\s+/);
		return { field, desc: direction?.toLowerCase() === 'desc' };
	});
	return [...rows].sort((a, b) => {
		for (const { field, desc } of keys) {
			const x = resolveWithInfo(a, field).value as string | number;
			const y = resolveWithInfo(b, field).value as string | number;
			if (x === y) continue;
			const order =
				x === null || x === undefined ? -1 : y === null || y === undefined ? 1 : x < y ? -1 : 1;
			return desc ? -order : order;
		}
		return 0;
	});
}

/** The filtered, ordered rows of a list request, or undefined after sending a 400 for bad conditions. */
export function query(
	req: Request,
	res: Response,
	rows: Row[],
	conditions: unknown,
): Row[] | undefined {
	try {
		const matches = compileConditions(
			typeof conditions === 'string' ? conditions : undefined,
			resolveWithInfo,
		);
		return applyOrder(rows.filter(matches), req.query.orderBy);
	} catch (error) {
		if (!(error instanceof ConditionError)) throw error;
		// Exact wording of ConnectWise's condition errors is [unverified]; the shape is its ErrorResponseMessage.
		cwError(res, 400, 'InvalidObject', `Invalid conditions: ${error.message}`);
		return undefined;
	}
}

function pageUrl(self: URL, page: number, pageSize: number): string {
	const url = new URL(self.toString());
	url.searchParams.set('pageSize', String(pageSize));
	url.searchParams.set('page', String(page));
	return url.toString();
}

/** Sends one page as a bare JSON array with the RFC 5988 `Link` header ConnectWise uses for navigable paging. */
export function sendPage(req: Request, res: Response, sandboxUrl: string, rows: Row[]): void {
	const pageSize = intParam(req.query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
	const page = intParam(req.query.page, 1);
	const last = Math.max(1, Math.ceil(rows.length / pageSize));
	const self = new URL(`${sandboxUrl}${req.originalUrl}`);
	const links: string[] = [];
	if (page > 1) {
		links.push(`<${pageUrl(self, 1, pageSize)}>; rel="first"`);
		links.push(`<${pageUrl(self, Math.min(page - 1, last), pageSize)}>; rel="prev"`);
	}
	if (page < last) {
		links.push(`<${pageUrl(self, page + 1, pageSize)}>; rel="next"`);
		links.push(`<${pageUrl(self, last, pageSize)}>; rel="last"`);
	}
	if (links.length) res.set('Link', links.join(', '));
	res.json(rows.slice((page - 1) * pageSize, page * pageSize));
}
