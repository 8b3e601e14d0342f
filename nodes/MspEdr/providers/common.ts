import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** The HTTP status of a NodeApiError from the transport, if it carries one. */
export function statusOf(error: unknown): number | undefined {
	const code = (error as { httpCode?: unknown } | undefined)?.httpCode;
	const parsed = typeof code === 'string' || typeof code === 'number' ? Number(code) : NaN;
	return Number.isFinite(parsed) ? parsed : undefined;
}

export function messageOf(error: unknown): string {
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	return `${typeof message === 'string' ? message : ''} ${typeof description === 'string' ? description : ''}`;
}

export function notFound(node: INode, what: string, value: string, hint: string): NodeOperationError {
	return new NodeOperationError(node, `No ${what} "${value}" was found`, { description: hint });
}

/** Hostnames compare without case and without a DNS suffix: "BSD-WS02" matches "bsd-ws02.bsd.local". */
export function sameHost(a: string, b: string): boolean {
	const short = (h: string) => h.trim().toLowerCase().split('.')[0];
	return a.trim().toLowerCase() === b.trim().toLowerCase() || (!b.includes('.') && short(a) === short(b)) || (!a.includes('.') && short(a) === short(b));
}

export function chunk<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** Lets NodeApiError and NodeOperationError through; anything else becomes a NodeApiError. */
export function rethrow(node: INode, error: unknown): never {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
	throw new NodeApiError(node, error as JsonObject);
}
