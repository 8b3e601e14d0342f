import type { Response } from 'express';

import { worldNow } from '../../world/clock';
import type { World } from '../../world/types';

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	409: 'Conflict',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/**
 * Datto RMM's `ErrorResponse` (Build 235): `{timestamp (epoch ms), status, error, path}`, plus a
 * Spring-style `message` [unverified: the spec's examples carry none; Datto's help shows messages
 * such as "Device was not found."].
 */
export function dattoError(
	res: Response,
	status: number,
	path: string,
	message?: string,
	world?: World,
): void {
	res.status(status).json({
		timestamp: world ? worldNow(world) : Date.now(),
		status,
		error: REASONS[status] ?? 'Error',
		...(message ? { message } : {}),
		path,
	});
}
