/**
 * Text as the rules compare it: what a human would read, whatever the attacker did to hide it.
 * Alert text is lower-cased, accents and look-alike letters are folded to plain Latin, invisible
 * characters and shell escapes are removed, whitespace (new lines included, so text split across
 * fields reads as one sentence) is collapsed, and encoded payloads (base64, PowerShell's UTF-16
 * -EncodedCommand, %XX and \xNN escapes) are decoded and appended. The result is only ever matched
 * against, never shown.
 */

/** Cyrillic and Greek letters that render like Latin ones (Unicode's confusables for these scripts). */
const LOOK_ALIKES: Record<string, string> = {
	а: 'a',
	в: 'b',
	е: 'e',
	ё: 'e',
	к: 'k',
	м: 'm',
	н: 'h',
	о: 'o',
	р: 'p',
	с: 'c',
	т: 't',
	у: 'y',
	х: 'x',
	ѕ: 's',
	і: 'i',
	ї: 'i',
	ј: 'j',
	ԁ: 'd',
	ԛ: 'q',
	ԝ: 'w',
	һ: 'h',
	ӏ: 'l',
	ь: 'b',
	г: 'r',
	п: 'n',
	и: 'u',
	л: 'n',
	ц: 'u',
	ш: 'w',
	щ: 'w',
	я: 'r',
	ү: 'y',
	ҝ: 'k',
	α: 'a',
	β: 'b',
	γ: 'y',
	δ: 'd',
	ε: 'e',
	ζ: 'z',
	η: 'n',
	ι: 'i',
	κ: 'k',
	μ: 'u',
	ν: 'v',
	ο: 'o',
	ρ: 'p',
	σ: 'o',
	ς: 'c',
	τ: 't',
	υ: 'u',
	χ: 'x',
	ω: 'w',
	ϲ: 'c',
	ϳ: 'j',
	ɑ: 'a',
	ɡ: 'g',
	ɩ: 'i',
	ɪ: 'i',
	ʀ: 'r',
	ᴀ: 'a',
	ᴄ: 'c',
	ᴅ: 'd',
	ᴇ: 'e',
	ᴋ: 'k',
	ᴍ: 'm',
	ᴏ: 'o',
	ᴘ: 'p',
	ᴛ: 't',
	ᴜ: 'u',
	ᴠ: 'v',
	ᴡ: 'w',
	ᴢ: 'z',
	ı: 'i',
	ł: 'l',
	ø: 'o',
	đ: 'd',
	ß: 'ss',
	æ: 'ae',
	œ: 'oe',
	// Capitals fold before lower-casing: Greek Ν lower-cases to ν, which reads as v, not n.
	А: 'a',
	В: 'b',
	Е: 'e',
	К: 'k',
	М: 'm',
	Н: 'h',
	О: 'o',
	Р: 'p',
	С: 'c',
	Т: 't',
	Х: 'x',
	Ү: 'y',
	Ѕ: 's',
	І: 'i',
	Ј: 'j',
	Ԛ: 'q',
	Ԝ: 'w',
	Α: 'a',
	Β: 'b',
	Ε: 'e',
	Ζ: 'z',
	Η: 'h',
	Ι: 'i',
	Κ: 'k',
	Μ: 'm',
	Ν: 'n',
	Ο: 'o',
	Ρ: 'p',
	Τ: 't',
	Υ: 'y',
	Χ: 'x',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'g');

/** Format characters (zero-width spaces and joiners, direction marks, BOM) and combining marks. */
const INVISIBLE = /[\p{Cf}\p{M}\u115f\u1160\u3164\uffa0]/gu;
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;

/** Runs long enough to hide a sentence or a command; shorter ones are ids and words. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]+/;
const MIN_BASE64_RUN = 16;
const HEX_ONLY = /^[A-Fa-f0-9]+$/;
const MAX_DECODED_RUNS = 20;
const MAX_DECODED_LENGTH = 64_000;

/** Folds one piece of text (no decoding). */
function fold(text: string): string {
	let out = text;
	if (NON_ASCII.test(out)) {
		out = out
			.normalize('NFKD')
			.replace(INVISIBLE, '')
			.replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c])
			.toLowerCase()
			.replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]);
	} else {
		out = out.toLowerCase();
	}
	return (
		out
			// cmd's caret escape (p^o^w^e^r^s^h^e^l^l) and PowerShell's backtick escape (i`e`x).
			.replace(/[\^`]/g, '')
			// String pieces glued back together: 'Down'+'loadString', "Invoke-"+"Expression".
			.replace(/["']\s*\+\s*["']/g, '')
			// Empty quotes inside a word: p""owershell.
			.replace(/(\w)(?:""|'')(\w)/g, '$1$2')
			.replace(/\s+/g, ' ')
	);
}

function printableShare(text: string): number {
	if (!text.length) return 0;
	let printable = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (
			(code >= 0x20 && code < 0x7f) ||
			code === 0x0a ||
			code === 0x0d ||
			code === 0x09 ||
			code >= 0xa0
		)
			printable++;
	}
	return printable / text.length;
}

/** Base64 as text: UTF-16LE (PowerShell -EncodedCommand) or UTF-8, when it reads as text at all. */
function decodeBase64(run: string): string | undefined {
	if (HEX_ONLY.test(run) || run.replace(/=+$/, '').length % 4 === 1) return undefined;
	const bytes = Buffer.from(run, 'base64');
	if (bytes.length < 8) return undefined;
	let zeros = 0;
	for (let i = 1; i < bytes.length; i += 2) if (bytes[i] === 0) zeros++;
	const utf16 = zeros >= bytes.length / 4;
	const decoded = bytes.toString(utf16 ? 'utf16le' : 'utf8');
	return printableShare(decoded) >= 0.9 ? decoded : undefined;
}

function decodeEscapes(text: string): string | undefined {
	if (!/%[0-9a-f]{2}|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/i.test(text)) return undefined;
	return text
		.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
		.replace(/\\x([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
		.replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Payloads hidden in the text, decoded: two levels, so base64 inside decoded base64 is read too. */
function hiddenPayloads(text: string, depth = 0): string[] {
	const found: string[] = [];
	let budget = MAX_DECODED_LENGTH;
	const escaped = decodeEscapes(text);
	if (escaped) found.push(escaped);
	// Splitting on what base64 cannot contain is one linear pass; a {16,} regex re-scans every word.
	const runs = text.split(NOT_BASE64).filter((run) => run.length >= MIN_BASE64_RUN);
	for (const run of runs.slice(0, MAX_DECODED_RUNS)) {
		if (budget <= 0) break;
		const decoded = decodeBase64(run.slice(0, budget * 2));
		if (!decoded) continue;
		budget -= decoded.length;
		found.push(decoded);
		if (depth < 1) found.push(...hiddenPayloads(decoded, depth + 1));
	}
	return found;
}

/** The text the rules match against: folded, with every hidden payload decoded and appended. */
export function normalizeText(text: string): string {
	const visible = NON_ASCII.test(text) ? text.normalize('NFKC').replace(INVISIBLE, '') : text;
	const parts = [visible, ...hiddenPayloads(visible)];
	return parts.map(fold).join(' \n ');
}

/** Letters only: catches words spelt out with spaces, dots or digits between the letters (i.g.n.o.r.e, 1gn0re). */
export function lettersOnly(normalized: string): string {
	// A table walk: a regex replace with a callback per digit is several times slower on id-heavy alerts.
	const out = new Uint8Array(normalized.length);
	let length = 0;
	for (let i = 0; i < normalized.length; i++) {
		const code = normalized.charCodeAt(i);
		const letter = code < 128 ? LETTER[code] : 0;
		if (letter) out[length++] = letter;
	}
	return Buffer.from(out.buffer, 0, length).toString('latin1');
}

/** ASCII code -> the letter it reads as (a-z as themselves, digits and signs that stand in for letters), else 0. */
const LETTER = (() => {
	const table = new Uint8Array(128);
	for (let code = 97; code <= 122; code++) table[code] = code;
	const leet: Record<string, string> = {
		0: 'o',
		1: 'i',
		3: 'e',
		4: 'a',
		5: 's',
		7: 't',
		8: 'b',
		'@': 'a',
		$: 's',
	};
	for (const [sign, letter] of Object.entries(leet))
		table[sign.charCodeAt(0)] = letter.charCodeAt(0);
	return table;
})();
