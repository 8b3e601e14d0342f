import type { ChatMessage } from './prompt';

/**
 * The part of a LangChain chat model this node uses, duck-typed so the package carries no LangChain
 * dependency: n8n's chat-model sub-nodes supply a BaseChatModel whose `invoke` takes message tuples.
 */
export interface ChatModelLike {
	invoke(messages: ChatMessage[], options?: { signal?: AbortSignal }): Promise<unknown>;
}

export function isChatModel(value: unknown): value is ChatModelLike {
	return typeof (value as ChatModelLike | undefined)?.invoke === 'function';
}

/** n8n may hand over an array of connected models; the node takes at most one. */
export function pickModel(supplied: unknown): ChatModelLike | undefined {
	const candidate = Array.isArray(supplied) ? supplied[0] : supplied;
	return isChatModel(candidate) ? candidate : undefined;
}

type Part = { type?: string; text?: unknown };

/** Text of an AIMessage (string or content parts), or of a plain string answer from an LLM. */
export function answerText(answer: unknown): string {
	if (typeof answer === 'string') return answer;
	const content = (answer as { content?: unknown } | undefined)?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part: Part | string) =>
				typeof part === 'string'
					? part
					: typeof part?.text === 'string' && part.type !== 'reasoning'
						? part.text
						: '',
			)
			.join('');
	}
	return '';
}

/** The model name for the output: from the answer's metadata, else from the model's own settings. */
export function modelName(model: ChatModelLike, answer?: unknown): string | undefined {
	const meta = (answer as { response_metadata?: Record<string, unknown> } | undefined)
		?.response_metadata;
	const fromAnswer = meta?.model_name ?? meta?.model;
	if (typeof fromAnswer === 'string' && fromAnswer) return fromAnswer;
	const settings = model as unknown as Record<string, unknown>;
	for (const key of ['model', 'modelName', 'deploymentName']) {
		if (typeof settings[key] === 'string' && settings[key]) return settings[key] as string;
	}
	return undefined;
}

export class ModelTimeoutError extends Error {
	constructor(seconds: number) {
		super(`The model did not answer within ${seconds} seconds`);
	}
}

/**
 * Calls the model with a time limit. The signal is handed to the model (LangChain aborts the HTTP
 * call on it) and also raced here, for models that ignore it. AbortSignal.timeout does not keep the
 * process alive, unlike a timer.
 */
export async function invokeWithTimeout(
	model: ChatModelLike,
	messages: ChatMessage[],
	timeoutSeconds: number,
	cancel?: AbortSignal,
): Promise<unknown> {
	const timeout = AbortSignal.timeout(Math.max(1, timeoutSeconds * 1000));
	const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
	const aborted = new Promise<never>((_, reject) => {
		const fail = () =>
			reject(
				timeout.aborted
					? new ModelTimeoutError(timeoutSeconds)
					: new Error('The execution was cancelled'),
			);
		if (signal.aborted) fail();
		else signal.addEventListener('abort', fail, { once: true });
	});
	// A model that honours the signal rejects with its own abort error: report the timeout instead.
	const answer = model
		.invoke(messages, { signal })
		.then(
			undefined,
			async (error: unknown) =>
				await Promise.reject(timeout.aborted ? new ModelTimeoutError(timeoutSeconds) : error),
		);
	return await Promise.race([answer, aborted]);
}
