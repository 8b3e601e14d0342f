import type { Response } from 'express';

/**
 * Halo's error bodies vary and are not in its spec. Validation failures come back as 400 keyed
 * by the field path of the posted array (`{"[0].summary": "..."}`, as n8n's HaloPSA node parses
 * them); a missing record as 404 with a message. Exact wording is [unverified].
 */
export function fieldErrors(res: Response, errors: Record<string, string>): void {
	res.status(400).json(errors);
}

export function notFound(res: Response, what: string, id: string): void {
	res
		.status(404)
		.json({ ClassName: 'HaloNotFoundException', Message: `${what} ${id} was not found.` });
}
