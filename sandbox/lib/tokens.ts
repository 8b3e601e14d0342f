import { randomBytes } from 'crypto';
import type { Request } from 'express';

import type { World } from '../world/types';

export interface IssuedToken {
	token: string;
	clientId: string;
	scope: string;
	expiresAt: number;
}

/**
 * Bearer tokens issued by a sandbox token endpoint (OAuth2 client credentials, Automate's
 * apitoken). Kept in the world's vendor slice so a reset revokes them like a fresh tenant would.
 */
export class TokenStore {
	constructor(
		private readonly world: () => World,
		private readonly slice: string,
	) {}

	issue(clientId: string, scope: string, ttlSeconds: number): IssuedToken {
		const issued: IssuedToken = {
			token: randomBytes(24).toString('base64url'),
			clientId,
			scope,
			expiresAt: Date.now() + ttlSeconds * 1000,
		};
		this.tokens().set(issued.token, issued);
		return issued;
	}

	/** The token of an `Authorization: Bearer` header, if it was issued here and has not expired. */
	fromRequest(req: Request): IssuedToken | undefined {
		const header = req.get('authorization') ?? '';
		const match = /^Bearer\s+(.+)$/i.exec(header.trim());
		if (!match) return undefined;
		const token = this.tokens().get(match[1]);
		if (!token || token.expiresAt <= Date.now()) return undefined;
		return token;
	}

	/** Expire every token now: lets tests prove a node refreshes after a 401. */
	expireAll(): void {
		for (const token of this.tokens().values()) token.expiresAt = 0;
	}

	private tokens(): Map<string, IssuedToken> {
		const world = this.world();
		const key = `${this.slice}:tokens`;
		let map = world.vendors[key] as Map<string, IssuedToken> | undefined;
		if (!map) {
			map = new Map();
			// Not enumerable: tokens are secrets and stay out of /_sandbox/state.
			Object.defineProperty(world.vendors, key, {
				value: map,
				enumerable: false,
				configurable: true,
			});
		}
		return map;
	}
}
