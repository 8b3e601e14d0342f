import type { Response } from 'express';

/** One entry of ConnectWise's `ValidationError` list. */
export interface CwValidationError {
	code: string;
	message: string;
	resource: string;
	field: string;
	details?: string | null;
}

/** ConnectWise's `ErrorResponseMessage`: `{code, message, errors}` (errors null when there are none). */
export function cwError(
	res: Response,
	status: number,
	code: string,
	message: string,
	errors: CwValidationError[] | null = null,
): void {
	res.status(status).json({ code, message, errors });
}

/** 400 InvalidObject with field errors, the shape ConnectWise uses for validation failures. */
export function invalidObject(res: Response, resource: string, errors: CwValidationError[]): void {
	cwError(res, 400, 'InvalidObject', `${resource} object is invalid`, errors);
}

export function notFound(res: Response, what: string, id: string): void {
	// The exact 404 wording is [unverified]; the code and shape follow ErrorResponseMessage.
	cwError(res, 404, 'NotFound', `${what} ID ${id} was not found.`);
}
