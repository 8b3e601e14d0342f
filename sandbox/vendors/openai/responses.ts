import { randomBytes } from 'crypto';
import type { Request, Response } from 'express';

import { sendError } from './errors';
import { answer, tokens, type ModelRequest, type OpenAiSlice, type PromptMessage } from './model';

type InputPart = { type?: string; text?: string };
type InputItem = { type?: string; role?: string; content?: string | InputPart[] };

function itemText(content: InputItem['content']): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
	return '';
}

/** `instructions` + `input` (a string, or message items with string or `input_text` parts). */
export function responsesMessages(body: Record<string, unknown>): PromptMessage[] {
	const messages: PromptMessage[] = [];
	if (typeof body.instructions === 'string')
		messages.push({ role: 'system', text: body.instructions });
	if (typeof body.input === 'string') messages.push({ role: 'user', text: body.input });
	else if (Array.isArray(body.input)) {
		for (const item of body.input as InputItem[]) {
			if (item && (item.type === undefined || item.type === 'message') && item.role) {
				messages.push({
					role: item.role === 'developer' ? 'system' : item.role,
					text: itemText(item.content),
				});
			}
		}
	}
	return messages;
}

type TextFormat = { type?: string; schema?: unknown; name?: string; strict?: boolean };

export function parseResponsesRequest(
	body: Record<string, unknown>,
	res: Response,
): ModelRequest | undefined {
	const messages = responsesMessages(body);
	const format = (body.text as { format?: TextFormat } | undefined)?.format;
	const jsonMode = format?.type === 'json_object';
	if (jsonMode && !messages.some((m) => /json/i.test(m.text))) {
		sendError(
			res,
			400,
			"Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
			'invalid_request_error',
			'input',
		);
		return undefined;
	}
	return { messages, jsonMode, schema: format?.type === 'json_schema' ? format.schema : undefined };
}

export function createResponse(
	req: Request,
	res: Response,
	slice: OpenAiSlice,
	model: string,
	request: ModelRequest,
): void {
	const body = req.body as Record<string, unknown>;
	const text = answer(slice, request);
	const inputTokens = tokens(request.messages.map((m) => m.text).join('\n'));
	const outputTokens = tokens(text);
	const message = {
		id: `msg_${randomBytes(24).toString('hex')}`,
		type: 'message',
		status: 'completed',
		role: 'assistant',
		content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
	};
	// `output_text` is not part of the HTTP body: OpenAI's SDKs derive it from `output[].content[].text`.
	const response = {
		id: `resp_${randomBytes(24).toString('hex')}`,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status: 'completed',
		background: false,
		error: null,
		incomplete_details: null,
		instructions: body.instructions ?? null,
		max_output_tokens: body.max_output_tokens ?? null,
		model,
		output: [message],
		parallel_tool_calls: body.parallel_tool_calls ?? true,
		previous_response_id: body.previous_response_id ?? null,
		reasoning: { effort: null, summary: null },
		service_tier: 'default',
		store: body.store ?? true,
		temperature: body.temperature ?? 1,
		text: {
			format: (body.text as { format?: TextFormat } | undefined)?.format ?? { type: 'text' },
		},
		tool_choice: body.tool_choice ?? 'auto',
		tools: body.tools ?? [],
		top_p: body.top_p ?? 1,
		truncation: body.truncation ?? 'disabled',
		usage: {
			input_tokens: inputTokens,
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: outputTokens,
			output_tokens_details: { reasoning_tokens: 0 },
			total_tokens: inputTokens + outputTokens,
		},
		user: body.user ?? null,
		metadata: body.metadata ?? {},
	};
	if (body.stream) streamResponse(res, response, message, text);
	else res.json(response);
}

/** The Responses API event stream: created, output item and text events, completed. */
function streamResponse(
	res: Response,
	response: Record<string, unknown>,
	message: Record<string, unknown>,
	text: string,
): void {
	res.status(200).set({
		'Content-Type': 'text/event-stream; charset=utf-8',
		'Cache-Control': 'no-cache',
		Connection: 'keep-alive',
	});
	let sequence = 0;
	const event = (type: string, data: Record<string, unknown>) =>
		res.write(
			`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`,
		);
	const pending = { ...response, status: 'in_progress', output: [], usage: null };
	const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
	const ids = { item_id: message.id, output_index: 0, content_index: 0 };
	event('response.created', { response: pending });
	event('response.in_progress', { response: pending });
	event('response.output_item.added', {
		output_index: 0,
		item: { ...message, status: 'in_progress', content: [] },
	});
	event('response.content_part.added', { ...ids, part });
	for (let i = 0; i < text.length; i += 64)
		event('response.output_text.delta', { ...ids, delta: text.slice(i, i + 64), logprobs: [] });
	event('response.output_text.done', { ...ids, text, logprobs: [] });
	event('response.content_part.done', { ...ids, part: { ...part, text } });
	event('response.output_item.done', { output_index: 0, item: message });
	event('response.completed', { response });
	res.end();
}
