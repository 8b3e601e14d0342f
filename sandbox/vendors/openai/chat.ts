import { randomBytes } from 'crypto';
import type { Request, Response } from 'express';

import { missingParameter, sendError } from './errors';
import { answer, tokens, type ModelRequest, type OpenAiSlice, type PromptMessage } from './model';

type ContentPart = { type?: string; text?: string };
type ChatMessage = { role?: string; content?: string | ContentPart[] | null };

function contentText(content: ChatMessage['content']): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
	return '';
}

export function chatMessages(messages: ChatMessage[]): PromptMessage[] {
	return messages.map((m) => ({
		role: m.role === 'developer' ? 'system' : String(m.role ?? 'user'),
		text: contentText(m.content),
	}));
}

/** The `ModelRequest` of a chat completions body, or undefined after answering a 400. */
export function parseChatRequest(
	body: Record<string, unknown>,
	res: Response,
): ModelRequest | undefined {
	if (!Array.isArray(body.messages)) {
		missingParameter(res, 'messages');
		return undefined;
	}
	const messages = chatMessages(body.messages as ChatMessage[]);
	const format = body.response_format as
		| { type?: string; json_schema?: { schema?: unknown } }
		| undefined;
	const jsonMode = format?.type === 'json_object';
	if (jsonMode && !messages.some((m) => /json/i.test(m.text))) {
		sendError(
			res,
			400,
			"'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
			'invalid_request_error',
			'messages',
		);
		return undefined;
	}
	return {
		messages,
		jsonMode,
		schema: format?.type === 'json_schema' ? format.json_schema?.schema : undefined,
	};
}

const id = (prefix: string, bytes: number) =>
	`${prefix}${randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x')}`;

export function chatCompletion(
	req: Request,
	res: Response,
	slice: OpenAiSlice,
	model: string,
	request: ModelRequest,
): void {
	const content = answer(slice, request);
	const promptTokens = tokens(request.messages.map((m) => m.text).join('\n'));
	const completionTokens = tokens(content);
	const base = {
		id: id('chatcmpl-', 22),
		created: Math.floor(Date.now() / 1000),
		model,
		service_tier: 'default',
		system_fingerprint: `fp_${randomBytes(5).toString('hex')}`,
	};
	const usage = {
		prompt_tokens: promptTokens,
		completion_tokens: completionTokens,
		total_tokens: promptTokens + completionTokens,
		prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
		completion_tokens_details: {
			reasoning_tokens: 0,
			audio_tokens: 0,
			accepted_prediction_tokens: 0,
			rejected_prediction_tokens: 0,
		},
	};
	const body = req.body as { stream?: boolean; stream_options?: { include_usage?: boolean } };
	if (body.stream) {
		streamChat(res, base, content, body.stream_options?.include_usage ? usage : undefined);
		return;
	}
	res.json({
		...base,
		object: 'chat.completion',
		choices: [
			{
				index: 0,
				message: { role: 'assistant', content, refusal: null, annotations: [] },
				logprobs: null,
				finish_reason: 'stop',
			},
		],
		usage,
	});
}

/** Server-sent `chat.completion.chunk` events ending with `data: [DONE]`, as the API streams. */
function streamChat(
	res: Response,
	base: Record<string, unknown>,
	content: string,
	usage?: Record<string, unknown>,
): void {
	res.status(200).set({
		'Content-Type': 'text/event-stream; charset=utf-8',
		'Cache-Control': 'no-cache',
		Connection: 'keep-alive',
	});
	const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
		res.write(
			`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`,
		);
	chunk([
		{
			index: 0,
			delta: { role: 'assistant', content: '', refusal: null },
			logprobs: null,
			finish_reason: null,
		},
	]);
	for (let i = 0; i < content.length; i += 64)
		chunk([
			{
				index: 0,
				delta: { content: content.slice(i, i + 64) },
				logprobs: null,
				finish_reason: null,
			},
		]);
	chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
	if (usage) chunk([], { usage });
	res.end('data: [DONE]\n\n');
}
