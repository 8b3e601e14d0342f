import { Router } from 'express';

import type { VendorContext } from '../../vendor';
import { mdeError, requireRole } from './common';
import { alertOf, fileOf } from './present';

const HASH = /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/**
 * Files: `GET /api/files/{id}` (Sha1 or Sha256) and `GET /api/files/{id}/alerts`. The File entity is where
 * Defender reports a detected file's signer; alerts only carry the process evidence.
 */
export function filesRouter(ctx: VendorContext): Router {
	const router = Router();
	router.get('/api/files/:id', requireRole('File.Read.All'), (req, res) => {
		const id = String(req.params.id);
		if (!HASH.test(id))
			return mdeError(
				res,
				400,
				'InvalidHashValue',
				`Hash value ${id} is invalid. Only Sha1 or Sha256 are supported.`,
			);
		const file = fileOf(ctx.world(), id);
		if (!file) return mdeError(res, 404, 'ResourceNotFound', `File ${id} was not found`);
		res.json({ '@odata.context': `${ctx.baseUrl()}/api/$metadata#Files/$entity`, ...file });
	});
	router.get(
		'/api/files/:id/alerts',
		requireRole('Alert.Read.All', 'Alert.ReadWrite.All'),
		(req, res) => {
			const id = String(req.params.id);
			if (!HASH.test(id))
				return mdeError(
					res,
					400,
					'InvalidHashValue',
					`Hash value ${id} is invalid. Only Sha1 or Sha256 are supported.`,
				);
			const world = ctx.world();
			const key = id.toLowerCase();
			const threats = world.threats.filter((t) => t.sha1 === key || t.sha256 === key);
			res.json({
				'@odata.context': `${ctx.baseUrl()}/api/$metadata#Alerts`,
				value: threats.map((t) => alertOf(world, t, false)),
			});
		},
	);
	return router;
}
