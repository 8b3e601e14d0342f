import type { Response } from 'express';

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function sendError(
	res: Response,
	status: number,
	message: string,
	type: string,
	param: string | null = null,
	code: string | null = null,
): void {
	res.status(status).json({ error: { message, type, param, code } });
}

export function missingKey(res: Response): void {
	sendError(
		res,
		401,
		"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
		'invalid_request_error',
	);
}

/** OpenAI echoes a masked key: the first characters and the last four. */
export function incorrectKey(res: Response, key: string): void {
	const masked =
		key.length > 8
			? `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`
			: '****';
	sendError(
		res,
		401,
		`Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
		'invalid_request_error',
		null,
		'invalid_api_key',
	);
}

export function mismatchedOrganization(res: Response): void {
	sendError(
		res,
		401,
		'OpenAI-Organization header should match organization for API key.',
		'invalid_request_error',
		null,
		'mismatched_organization',
	);
}

export function missingParameter(res: Response, param: string): void {
	sendError(
		res,
		400,
		`Missing required parameter: '${param}'.`,
		'invalid_request_error',
		param,
		'missing_required_parameter',
	);
}

export function modelNotFound(res: Response, model: string): void {
	sendError(
		res,
		404,
		`The model \`${model}\` does not exist or you do not have access to it.`,
		'invalid_request_error',
		null,
		'model_not_found',
	);
}

export function serverError(res: Response, status: number): void {
	if (status === 503)
		sendError(
			res,
			503,
			'The engine is currently overloaded, please try again later.',
			'server_error',
		);
	else
		sendError(
			res,
			status,
			'The server had an error while processing your request. Sorry about that!',
			'server_error',
		);
}

/** OpenAI's reset headers are durations such as `120ms`, `1.5s` or `6m0s`. */
export function resetDuration(ms: number): string {
	const rounded = Math.max(1, Math.ceil(ms));
	if (rounded < 1000) return `${rounded}ms`;
	if (rounded < 60_000) return `${Number((rounded / 1000).toFixed(3))}s`;
	const minutes = Math.floor(rounded / 60_000);
	return `${minutes}m${Number(((rounded - minutes * 60_000) / 1000).toFixed(3))}s`;
}
