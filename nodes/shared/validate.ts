import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import type { z } from 'zod';

const MAX_LISTED_ISSUES = 10;

/** `['tickets', 3, 'id']` -> `tickets[3].id` */
export function formatIssuePath(path: ReadonlyArray<string | number>): string {
	if (path.length === 0) return '(response)';
	return path.reduce<string>((text, part) => {
		if (typeof part === 'number') return `${text}[${part}]`;
		return text ? `${text}.${part}` : part;
	}, '');
}

export function describeZodIssues(issues: readonly z.ZodIssue[]): string[] {
	const lines = issues
		.slice(0, MAX_LISTED_ISSUES)
		.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
	if (issues.length > MAX_LISTED_ISSUES) {
		lines.push(`... and ${issues.length - MAX_LISTED_ISSUES} more`);
	}
	return lines;
}

/**
 * Checks a vendor response against the shape the provider relies on. A vendor
 * changing its payload must surface as a readable API error naming the field,
 * not as a `TypeError` deep inside a mapper.
 */
export function parseVendorResponse<S extends z.ZodTypeAny>(
	node: INode,
	schema: S,
	data: unknown,
	ctx: { vendor: string; operation: string },
): z.output<S> {
	const result = schema.safeParse(data);
	if (result.success) return result.data as z.output<S>;
	const issues = describeZodIssues(result.error.issues);
	const message = `${ctx.vendor} returned an unexpected response for "${ctx.operation}": ${issues[0]}`;
	const description =
		`The response did not match the expected shape (${issues.join('; ')}). ` +
		`The ${ctx.vendor} API may have changed or returned a partial record; ` +
		'please report this with the vendor and API version.';
	return throwApiError(node, message, description, issues);
}

function throwApiError(node: INode, message: string, description: string, issues: string[]): never {
	throw new NodeApiError(node, { message, issues } as JsonObject, { message, description });
}
