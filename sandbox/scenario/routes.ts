import { Router, type Response } from 'express';

import type { World } from '../world/types';
import { addDevice, updateDevice } from './devices';
import { ScenarioError } from './errors';
import { injectThreat } from './threats';

/**
 * The scenario API under `/_sandbox`: inject a threat, enrol a device, change one. Fire drills and tests use
 * it to build the untidy estate a playbook has to survive before anyone trusts it.
 */
export function scenarioRoutes(world: () => World): Router {
	const router = Router();
	router.post('/threats', (req, res) => answer(res, 201, () => injectThreat(world(), req.body)));
	router.post('/devices', (req, res) => answer(res, 201, () => addDevice(world(), req.body)));
	router.patch('/devices/:device', (req, res) => {
		const client = req.query.client;
		if (client !== undefined && typeof client !== 'string') {
			sendScenarioError(
				res,
				new ScenarioError(400, 'client must be given once, as a client key, code or name', {
					field: 'client',
				}),
			);
			return;
		}
		answer(res, 200, () => updateDevice(world(), String(req.params.device), req.body, client));
	});
	return router;
}

function answer(res: Response, status: number, act: () => unknown): void {
	try {
		res.status(status).json(act());
	} catch (error) {
		if (!sendScenarioError(res, error)) throw error;
	}
}

/** Answers a scenario error with its status and body; false for anything else (a sandbox bug: let it surface). */
export function sendScenarioError(res: Response, error: unknown): boolean {
	if (!(error instanceof ScenarioError)) return false;
	res.status(error.status).json(error.body());
	return true;
}
