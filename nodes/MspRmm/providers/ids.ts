/** What an id names, for messages: the RMM's own word is added by the provider. */
export type RmmIdKind = 'device' | 'company' | 'script' | 'alert' | 'run';

/**
 * NinjaOne (`int32` in its spec) and Automate (numeric database keys, typed string in its spec)
 * number devices, organizations/clients and scripts from 1. Only plain digits are taken: "A,B",
 * "0x1F", "1e3", "-5", "1.5" and "0" would otherwise reach a path or a filter as something else
 * (`Number("0x1F")` is 31, `Number("1e3")` is 1000).
 */
const MAX_ID = 2_147_483_647;

/** The id as a number when it is a positive whole number written in plain digits, else undefined. */
export function positiveWholeNumber(value: string): number | undefined {
	const text = String(value ?? '').trim();
	if (!/^[1-9][0-9]*$/.test(text)) return undefined;
	const id = Number(text);
	return id <= MAX_ID ? id : undefined;
}

/** "a positive whole number (1 to 2147483647), for example 1013" */
export function positiveWholeNumberRule(example: string): string {
	return `a positive whole number (1 to ${MAX_ID}), for example ${example}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a UUID (NinjaOne alert uids and job/series uids are). */
export function isUuid(value: string): boolean {
	return UUID.test(String(value ?? '').trim());
}
