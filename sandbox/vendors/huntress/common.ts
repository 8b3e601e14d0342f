import type { Request, Response } from 'express';

import type { Client, Device, Threat, World } from '../../world/types';

/**
 * API key pairs the sandbox accepts (HTTP Basic, key as user name, secret as password). The
 * account's default key only reads; isolation, resolution and remediation approval need a
 * user-based key with permissions. Static so the CLI's printed credentials survive resets.
 */
export const HUNTRESS_KEYS = {
	user: { apiKey: 'hk_sbx_user_5Tq8Wm2Lr7', apiSecret: 'sbx-huntress-user-secret-3Kd9Xv1Np6Zb4' },
	readOnly: {
		apiKey: 'hk_sbx_default_1Ab4Cd7Ef2',
		apiSecret: 'sbx-huntress-default-secret-8Gh2Jk5',
	},
} as const;

export const ACCOUNT = { id: 5, name: 'Contoso MSP', subdomain: 'contoso-msp' } as const;

/**
 * Huntress's error body is not documented; clients tolerate `{"errors":[…]}`, which the sandbox
 * sends with the status text and the reason.
 */
export function huntressError(res: Response, status: number, message: string): void {
	res.status(status).json({ errors: [message] });
}

/** `Authorization: Basic base64(key:secret)`; anything else is 401. */
export function authenticate(req: Request, res: Response, next: () => void): void {
	const match = /^Basic\s+(\S+)$/i.exec((req.get('authorization') ?? '').trim());
	const pair = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
	const key = Object.entries(HUNTRESS_KEYS).find(
		([, k]) => pair === `${k.apiKey}:${k.apiSecret}`,
	)?.[0];
	if (!key) return huntressError(res, 401, 'Unauthorized: invalid API key or secret');
	res.locals.huntressWriter = key === 'user';
	next();
}

/** Writes need a user-based key; the account's default key answers 403. */
export function requireWriter(_req: Request, res: Response, next: () => void): void {
	if (res.locals.huntressWriter !== true)
		return huntressError(
			res,
			403,
			'There was an issue with your API credential or permissions: this API key is read-only',
		);
	next();
}

/** The number a world key ends in: `device-12` -> 12. Keys are unique and never reused. */
const serial = (key: string) => Number(/(\d+)$/.exec(key)?.[1] ?? 0);

/**
 * Huntress ids are integers. The estate's records get theirs from their world key, so an id stays
 * the same while the world lives (whatever is added or removed) and is reproducible for a seed.
 */
export const HUNTRESS_IDS = {
	organization: (_world: World, client: Client) => 6 + serial(client.key),
	agent: (_world: World, device: Device) => 1000 + serial(device.key),
	incident: (_world: World, threat: Threat) => 40000 + serial(threat.key),
};

export function clientById(world: World, id: unknown): Client | undefined {
	return world.clients.find((c) => String(HUNTRESS_IDS.organization(world, c)) === String(id));
}

export function deviceById(world: World, id: unknown): Device | undefined {
	return world.devices.find((d) => String(HUNTRESS_IDS.agent(world, d)) === String(id));
}

export function threatById(world: World, id: unknown): Threat | undefined {
	return world.threats.find((t) => String(HUNTRESS_IDS.incident(world, t)) === String(id));
}

/** What only Huntress keeps: who approved or rejected an incident's remediations, and when. */
export interface HuntressSlice {
	decisions: Record<string, { decision: 'approved' | 'rejected'; at: string; comment?: string }>;
}

export function sliceOf(world: World): HuntressSlice {
	world.vendors.huntress ??= { decisions: {} } satisfies HuntressSlice;
	return world.vendors.huntress as HuntressSlice;
}
