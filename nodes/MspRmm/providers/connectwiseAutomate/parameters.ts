/**
 * Script parameters as Automate's scheduled scripts take them: `ScheduledScript.Parameters` is one
 * string of `name=value` pairs, each ended by `|` (the reference's `subject=Text|`). A pair without
 * a name or without `=` would reach the script as something else, so it is refused before any
 * request; the last pair's `|` may be left out and is added.
 */

function pairs(parameters: string): string[] {
	// Values are kept as typed (spaces included); only empty segments between `|`s are dropped.
	return parameters.split('|').filter((pair) => pair.trim() !== '');
}

/** What is wrong with the text as Automate parameters, or undefined when every pair is `name=value`. */
export function parametersProblem(parameters: string): string | undefined {
	const bad = pairs(parameters).find((pair) => !/^[^=]*[^=\s][^=]*=/.test(pair));
	if (bad === undefined) return undefined;
	return `"${bad.trim()}" is not a name=value pair: Automate takes script parameters as name=value pairs, each ended by |, for example drive=C|verbose=1|`;
}

/** The text as `ScheduledScript.Parameters`: every pair ended by `|`; empty stays empty. */
export function scheduleParameters(parameters: string | undefined): string {
	return pairs(parameters ?? '')
		.map((pair) => `${pair}|`)
		.join('');
}
