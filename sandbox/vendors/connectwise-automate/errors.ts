import type { Response } from 'express';

/**
 * Automate's error body as its API clients parse it: `{code, message, errors: [{message}]}`
 * (gavsto/AutomateAPI reads `code == "Unauthorized"` on an expired token). [unverified] The
 * exact body per status is not documented.
 */
export function automateError(
	res: Response,
	status: number,
	code: string,
	message: string,
	details: string[] = [],
): void {
	res.status(status).json({ code, message, errors: details.map((m) => ({ message: m })) });
}
