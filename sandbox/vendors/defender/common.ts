import { createHash, randomUUID } from 'crypto';
import type { Request, Response } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { World } from '../../world/types';
import { DEFENDER_RESOURCES, findApp, TOKEN_SLICE } from '../microsoft-login/directory';
import type { DirectoryApp } from '../microsoft-login/directory';

export const API_BASE = 'https://api.securitycenter.microsoft.com/api';

/** Defender's error body (common-errors): `{error:{code, message, target}}`, target being a request id. */
export function mdeError(res: Response, status: number, code: string, message: string): void {
	res.status(status).json({ error: { code, message, target: randomUUID() } });
}

export function appOf(res: Response): DirectoryApp {
	return res.locals.mdeApp as DirectoryApp;
}

/**
 * Bearer tokens must come from the sandbox's Microsoft login, for the WindowsDefenderATP
 * resource, and not be expired. A Graph token (or any other audience) is refused.
 */
export function authenticator(world: () => World) {
	const tokens = new TokenStore(world, TOKEN_SLICE);
	return (req: Request, res: Response, next: () => void) => {
		const token = tokens.fromRequest(req);
		if (!token || !DEFENDER_RESOURCES.includes(token.scope))
			return mdeError(res, 401, 'Unauthorized', 'Unauthorized');
		const found = findApp(token.clientId);
		if (!found) return mdeError(res, 401, 'Unauthorized', 'Unauthorized');
		res.locals.mdeApp = found.app;
		next();
	};
}

/** Application permissions: any one of `roles` is enough. */
export function requireRole(...roles: string[]) {
	return (_req: Request, res: Response, next: () => void) => {
		if (roles.some((r) => appOf(res).roles.includes(r))) return next();
		mdeError(
			res,
			403,
			'Forbidden',
			`The application does not have any of the required application permissions (${roles.join(', ')}) to access the resource.`,
		);
	};
}

/** A stable GUID from any string (machine action ids of operations started outside Defender). */
export function guidFrom(seed: string): string {
	const h = createHash('sha1').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Records only Defender has: machine action details and alert classification. */
export interface DefenderSlice {
	actions: Record<
		string,
		{
			id: string;
			type: string;
			scope: string | null;
			comment: string;
			requestor: string;
			sha1?: string;
			scanType?: string;
		}
	>;
	alerts: Record<
		string,
		{
			classification?: string | null;
			determination?: string | null;
			assignedTo?: string | null;
			resolvedTime?: string | null;
		}
	>;
}

export function sliceOf(world: World): DefenderSlice {
	let slice = world.vendors.defender as DefenderSlice | undefined;
	if (!slice) {
		slice = { actions: {}, alerts: {} };
		world.vendors.defender = slice;
	}
	return slice;
}

/** `$top` (at most 10,000) and `$skip`; an error message for values Defender refuses. */
export function readPaging(req: Request): { top?: number; skip: number } | string {
	const top = req.query.$top;
	const skip = req.query.$skip;
	const parsedTop = top === undefined ? undefined : Number(top);
	const parsedSkip = skip === undefined ? 0 : Number(skip);
	if (
		parsedTop !== undefined &&
		(!Number.isInteger(parsedTop) || parsedTop < 0 || parsedTop > 10000)
	) {
		return `The limit of '10000' for Top query has been exceeded or the value is invalid: '${String(top)}'.`;
	}
	if (!Number.isInteger(parsedSkip) || parsedSkip < 0)
		return `Invalid value for $skip: '${String(skip)}'.`;
	return { top: parsedTop, skip: parsedSkip };
}
