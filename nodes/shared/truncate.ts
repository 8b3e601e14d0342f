/**
 * Cuts text at `max` characters and says how much was cut, so a reader (a technician, a model) knows
 * the text is not whole. Never splits a surrogate pair.
 */
export function truncateText(text: string, max: number): string {
	if (text.length <= max) return text;
	const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
	return `${text.slice(0, end)}… [${text.length - end} more characters cut]`;
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}
