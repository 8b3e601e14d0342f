import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	IDisplayOptions,
} from 'n8n-workflow';

export const MAX_CONCURRENCY = 20;
/** The smallest Poll Interval the editor offers; 0 or less from an expression means this. */
const POLL_INTERVAL_UI_MIN_SECONDS = 1;
/**
 * n8n does not enforce `minValue` at run time, so an expression may ask for a shorter interval
 * (a test against a fast sandbox does); it is honoured down to this floor, never a busy loop.
 */
const POLL_INTERVAL_FLOOR_SECONDS = 0.1;

/** Options shared by every action node; nodes add their own fields next to these. */
export const commonOptionFields: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
		default: 4,
		description:
			'How many input items are processed at the same time. Requests are also paced to the vendor rate limit.',
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description:
			'Whether to return the first write request that would be sent instead of sending it. Lookups still run.',
	},
	{
		displayName: 'Include Raw',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: "Whether to include the vendor's original object under raw",
	},
];

/** Only for operations that wait for the vendor to finish: pass them as extra fields. */
export const waitOptionFields: INodeProperties[] = [
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: POLL_INTERVAL_UI_MIN_SECONDS },
		default: 10,
		description: 'How often to check progress while waiting for completion',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 300,
		description: 'How long to wait for completion before returning the last known state',
	},
];

/**
 * The wait fields of an operation that waits only when its Wait for Completion switch is on: shown
 * while the switch is on (or an expression), so a user never sets a timeout that cannot apply.
 */
export const waitOptionFieldsWhileWaiting: INodeProperties[] = waitOptionFields.map((field) => ({
	...field,
	displayOptions: { show: { '/waitForCompletion': [true] } },
}));

/**
 * The "Options" collection with the common fields, plus any node-specific ones (kept sorted).
 * Operations that wait add `waitOptionFields` to `extraFields`; the others do not show them.
 */
export function commonOptionsProperty(
	displayOptions?: IDisplayOptions,
	extraFields: INodeProperties[] = [],
	name = 'options',
): INodeProperties {
	const options = [...commonOptionFields, ...extraFields].sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	);
	return {
		displayName: 'Options',
		name,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		...(displayOptions ? { displayOptions } : {}),
		options,
	};
}

export interface CommonOptions {
	dryRun: boolean;
	includeRaw: boolean;
	concurrency: number;
	waitTimeoutSeconds: number;
	pollIntervalSeconds: number;
	waitTimeoutMs: number;
	pollIntervalMs: number;
}

function numberOr(value: unknown, fallback: number): number {
	const parsed = typeof value === 'string' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : fallback;
}

function pollIntervalOf(value: unknown): number {
	const seconds = numberOr(value, 10);
	return seconds > 0
		? Math.max(POLL_INTERVAL_FLOOR_SECONDS, seconds)
		: POLL_INTERVAL_UI_MIN_SECONDS;
}

/** Wait fields are read with their defaults whether or not the operation shows them. */
export function readCommonOptions(
	ctx: IExecuteFunctions,
	itemIndex: number,
	optionsParamName = 'options',
): CommonOptions {
	const raw = ctx.getNodeParameter(optionsParamName, itemIndex, {}) as IDataObject;
	const concurrency = Math.round(numberOr(raw.concurrency, 4));
	const waitTimeoutSeconds = Math.max(0, numberOr(raw.waitTimeout, 300));
	const pollIntervalSeconds = pollIntervalOf(raw.pollInterval);
	return {
		dryRun: raw.dryRun === true,
		includeRaw: raw.includeRaw === true,
		concurrency: Math.min(MAX_CONCURRENCY, Math.max(1, concurrency)),
		waitTimeoutSeconds,
		pollIntervalSeconds,
		waitTimeoutMs: waitTimeoutSeconds * 1000,
		pollIntervalMs: pollIntervalSeconds * 1000,
	};
}

/** Drops `raw` unless the user asked for it (also inside arrays). */
export function withRaw<T extends { raw?: unknown }>(normalized: T, includeRaw: boolean): T;
export function withRaw<T extends { raw?: unknown }>(normalized: T[], includeRaw: boolean): T[];
export function withRaw<T extends { raw?: unknown }>(
	normalized: T | T[],
	includeRaw: boolean,
): T | T[] {
	if (Array.isArray(normalized)) return normalized.map((entry) => withRaw(entry, includeRaw));
	if (includeRaw || !normalized || typeof normalized !== 'object' || !('raw' in normalized)) {
		return normalized;
	}
	const copy = { ...normalized };
	delete copy.raw;
	return copy;
}
