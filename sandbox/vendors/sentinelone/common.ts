import type { Request, Response } from 'express';

import type { Client } from '../../world/types';

/** API tokens the sandbox console accepts. Static so the CLI's printed credentials survive resets. */
export const S1_TOKENS = {
	admin: 'sbx-s1-admin-7Hq2Lm9Xv4Rt8Kp3Nw6Zy1Bc5Df0Gj',
	viewer: 'sbx-s1-viewer-3Fs8Jd2Kq7Lw1Mx6Nz9Pb4Rc0Tv5',
	expired: 'sbx-s1-expired-9Ab3Cd7Ef1Gh5Ij2Kl6Mn0Op4Qr8',
} as const;

export interface S1User {
	id: string;
	fullName: string;
	role: 'Admin' | 'Viewer';
}

const USERS: Record<string, S1User | 'expired'> = {
	[S1_TOKENS.admin]: { id: '1750000000000000101', fullName: 'n8n Service User', role: 'Admin' },
	[S1_TOKENS.viewer]: {
		id: '1750000000000000102',
		fullName: 'n8n Read-only Service User',
		role: 'Viewer',
	},
	[S1_TOKENS.expired]: 'expired',
};

export const ACCOUNT_NAME = 'Contoso MSP';
export const API_PREFIX = '/web/api/v2.1';

/** SentinelOne's error body: `{errors:[{code, detail, title}]}` with codes of the form HTTP*10000+n. */
export function s1Error(
	res: Response,
	status: number,
	title: string,
	detail: string | null = null,
	code = status * 10000 + 10,
): void {
	res.status(status).json({ errors: [{ code, detail, title }] });
}

export function validationError(res: Response, detail: string): void {
	s1Error(res, 400, 'Validation Error', detail, 4000010);
}

export function userOf(res: Response): S1User {
	return res.locals.s1User as S1User;
}

/** `Authorization: ApiToken <token>`; anything else is refused the way the console refuses it. */
export function authenticate(req: Request, res: Response, next: () => void): void {
	const match = /^ApiToken\s+(\S+)$/i.exec((req.get('authorization') ?? '').trim());
	const user = match ? USERS[match[1]] : undefined;
	if (!user) return s1Error(res, 401, 'Authentication Failed', null, 4010010);
	if (user === 'expired')
		return s1Error(res, 401, 'Authentication Failed', 'Token has expired', 4010010);
	res.locals.s1User = user;
	next();
}

/** Viewer tokens read; every action needs a role with write permissions. */
export function requireWriter(_req: Request, res: Response, next: () => void): void {
	if (userOf(res).role !== 'Admin')
		return s1Error(res, 403, 'Forbidden', 'Insufficient permissions', 4030010);
	next();
}

/** One default group per site, with an id derived from the site id. */
export function groupIdOf(client: Client): string {
	return String(BigInt(client.ids.sentinelOneSiteId) + 1n);
}

/** A filter value from a query string (comma-separated) or a JSON body (array or scalar). */
export function listOf(value: unknown): string[] | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (Array.isArray(value)) return value.map(String);
	return String(value)
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

export function boolOf(value: unknown): boolean | undefined {
	if (value === undefined || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	return String(value).toLowerCase() === 'true';
}
