import { createHash, randomUUID } from 'crypto';
import type { Request, Response } from 'express';

import { TokenStore } from '../../lib/tokens';
import type { Client, Device, Threat, World } from '../../world/types';

export const TOKEN_SLICE = 'crowdstrike';
/** Falcon tokens live 30 minutes; the token answer says 1799 seconds. */
export const TOKEN_TTL_SECONDS = 1799;
/** 6,000 requests a minute per customer account (CID), shared by every API client. */
export const RATE_LIMIT = 6000;

/**
 * API clients the sandbox cloud accepts. The analyst client has Alerts and Hosts read and write;
 * the read-only one only reads. Static so the CLI's printed credentials survive resets.
 */
export const FALCON_CLIENTS = {
	analyst: {
		clientId: 'sbxfalcon0analyst0client0id000001',
		clientSecret: 'sbx-falcon-analyst-secret-6Rt2Vw9Lq4Mz8Hn1',
		writes: true,
	},
	readOnly: {
		clientId: 'sbxfalcon0readonly0client0id00002',
		clientSecret: 'sbx-falcon-readonly-secret-3Pk7Xc5Jd2Ns9Bf4',
		writes: false,
	},
} as const;

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Falcon ids of the estate's records, derived from their keys: a CID per client (the MSSP child
 * account), a 32-hex agent id (AID) per device, and a composite alert id per threat
 * (`<cid>:ind:<aid>:<n>-<n>-<n>`). Stable while the world lives and reproducible for a seed.
 */
export const FALCON_IDS = {
	cid: (client: Client) => hex(`falcon-cid:${client.key}`).slice(0, 32),
	aid: (device: Device) => hex(`falcon-aid:${device.key}`).slice(0, 32),
	alert: (world: World, threat: Threat) => {
		const device = world.devices.find((d) => d.key === threat.deviceKey)!;
		const client = world.clients.find((c) => c.key === device.clientKey)!;
		const digits = BigInt(`0x${hex(`falcon-alert:${threat.key}`).slice(0, 24)}`).toString();
		const tail = `${digits.slice(0, 11)}-${digits.slice(11, 16)}-${digits.slice(16, 25)}`;
		return `${FALCON_IDS.cid(client)}:ind:${FALCON_IDS.aid(device)}:${tail}`;
	},
};

export function meta(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { query_time: 0.012, powered_by: 'sandbox', trace_id: randomUUID(), ...extra };
}

/** Falcon's envelope with its `errors` array: `{meta, errors:[{code, message}], resources:[]}`. */
export function falconError(res: Response, status: number, message: string): void {
	res.status(status).json({ meta: meta(), errors: [{ code: status, message }], resources: [] });
}

/** `Authorization: Bearer` with a token from this cloud's `/oauth2/token` that has not expired. */
export function authenticator(world: () => World) {
	const tokens = new TokenStore(world, TOKEN_SLICE);
	return (req: Request, res: Response, next: () => void) => {
		const token = tokens.fromRequest(req);
		const client = Object.values(FALCON_CLIENTS).find((c) => c.clientId === token?.clientId);
		if (!token || !client) return falconError(res, 401, 'access denied, invalid bearer token');
		res.locals.falconWrites = client.writes;
		next();
	};
}

/** Writes need the Alerts or Hosts write scope. */
export function requireWriter(_req: Request, res: Response, next: () => void): void {
	if (res.locals.falconWrites !== true)
		return falconError(res, 403, 'access denied, authorization failed');
	next();
}

/** A whole number query parameter within [min, max], or the 400 message. */
export function intOf(
	value: unknown,
	fallback: number,
	max: number,
	name: string,
): number | string {
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0 || n > max)
		return `${name} must be an integer between 0 and ${max}, got ${String(value)}`;
	return n;
}
