import type { DryRunRequest } from './types';

/**
 * Thrown instead of sending the first write of a dry run. Reads before it are
 * sent, so lookups (find company, resolve device) still shape the request.
 * Not an n8n error on purpose: `runPerItem` turns it into a normal output item.
 */
export class DryRunStop extends Error {
	readonly isDryRunStop = true;

	readonly request: DryRunRequest;

	constructor(request: DryRunRequest) {
		super(`Dry run: "${request.operation}" was not sent`);
		this.name = 'DryRunStop';
		this.request = request;
	}
}

/**
 * Finds a DryRunStop even when a caller wrapped it in an n8n error, and across
 * duplicate copies of this module (checked by marker, not only instanceof).
 */
export function findDryRunStop(error: unknown): DryRunStop | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		if (current instanceof DryRunStop) return current;
		const candidate = current as { isDryRunStop?: unknown; request?: unknown; cause?: unknown };
		if (candidate.isDryRunStop === true && candidate.request) return candidate as DryRunStop;
		current = candidate.cause;
	}
	return undefined;
}
