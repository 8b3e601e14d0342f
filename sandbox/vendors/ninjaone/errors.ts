import { randomUUID } from 'crypto';
import type { Response } from 'express';

/**
 * NinjaOne's error body as its API clients parse it: `{resultCode, errorMessage}`, plus an
 * `incidentId` [unverified: the exact 4xx body of /v2 is not documented].
 */
export function ninjaError(
	res: Response,
	status: number,
	resultCode: string,
	errorMessage: string,
): void {
	res.status(status).json({ resultCode, errorMessage, incidentId: randomUUID() });
}
