import { truncateText } from '../../shared/truncate';

import type { AlertFacts, DeviceKind, EdrVerdict, Severity } from './types';

/**
 * Reads the facts the rules need from any alert shape: the normalized Threat, an RMM or PSA
 * alert mapped by expressions, or a vendor object under `raw`. Keys are matched by name at any
 * depth, top-level keys first, so a mapped field always wins over one found inside `raw`.
 */

const MAX_TEXT = 20_000;
const MAX_DEPTH = 6;
/** Per fact; a command line gets Windows' own limit (32,767 characters). */
const MAX_FACT = 2_000;
const MAX_COMMAND_LINE = 32_768;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

type Leaves = Map<string, unknown[]>;

/** Dates, numbers, ids and hashes: no words to read, so the pattern rules skip them. */
const WORDLESS = /^[\d\s:.,+\-TZ/]*$|^[A-Fa-f0-9-]{16,}$/;

/** Keys a vendor would use; anything else (spaces, sentences) is text an attacker chose, scanned with the values. */
const PLAIN_KEY = /^[A-Za-z0-9_.@$-]{1,40}$/;

/**
 * Key -> its lower-case form, or undefined for a key that is text rather than a name. Alert keys come
 * from a small vocabulary, so this is computed once per key, not per alert; the cap keeps keys an
 * attacker invents from growing it without bound.
 */
const KEY_FORMS = new Map<string, string | undefined>();
const MAX_KEY_FORMS = 4_096;

function keyForm(key: string): string | undefined {
	if (KEY_FORMS.has(key)) return KEY_FORMS.get(key);
	const form = PLAIN_KEY.test(key) ? key.toLowerCase() : undefined;
	if (KEY_FORMS.size < MAX_KEY_FORMS) KEY_FORMS.set(key, form);
	return form;
}

function record(byKey: Leaves, lower: string, value: unknown): void {
	const list = byKey.get(lower);
	if (list) list.push(value);
	else byKey.set(lower, [value]);
}

/** Lower-cased key -> primitive values in breadth-first order; a list of values keeps its key. */
function leaves(alert: unknown): { byKey: Leaves; text: string } {
	const byKey: Leaves = new Map();
	const strings: string[] = [];
	let textLength = 0;
	const keep = (value: string) => {
		if (textLength >= MAX_TEXT || WORDLESS.test(value)) return;
		strings.push(value);
		textLength += value.length + 1;
	};
	const visit = (lower: string | undefined, value: unknown, next: Level) => {
		if (value === undefined || value === null) return;
		if (typeof value === 'object') {
			next.push([Array.isArray(value) ? lower : undefined, value]);
			return;
		}
		if (lower) record(byKey, lower, value);
		if (typeof value === 'string') keep(value);
	};
	let level: Level = [[undefined, alert]];
	for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
		const next: Level = [];
		for (const [parentKey, node] of level) {
			if (!node || typeof node !== 'object') continue;
			if (Array.isArray(node)) {
				for (const value of node) visit(parentKey, value, next);
				continue;
			}
			for (const key in node) {
				if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
				const lower = keyForm(key);
				if (lower === undefined) keep(key);
				visit(lower, (node as Record<string, unknown>)[key], next);
			}
		}
		level = next;
	}
	return { byKey, text: strings.join('\n').slice(0, MAX_TEXT) };
}

type Level = Array<[key: string | undefined, node: unknown]>;

/**
 * Every string of a value in the order JSON shows them (keys that are text included), up to `max`
 * characters: what a model reading the serialized alert reads, for the rules to scan too.
 */
export function alertText(value: unknown, max: number): string {
	const strings: string[] = [];
	let length = 0;
	const walk = (node: unknown, depth: number): void => {
		if (length >= max || depth > MAX_DEPTH * 2) return;
		if (typeof node === 'string') {
			strings.push(node);
			length += node.length + 1;
		} else if (Array.isArray(node)) {
			for (const entry of node) walk(entry, depth + 1);
		} else if (node && typeof node === 'object') {
			for (const [key, entry] of Object.entries(node)) {
				if (keyForm(key) === undefined) walk(key, depth + 1);
				walk(entry, depth + 1);
			}
		}
	};
	walk(value, 0);
	return strings.join('\n').slice(0, max);
}

/** The first value under any of `keys`, cut at `max` characters (a 10 MB title stays a title). */
function first(byKey: Leaves, keys: readonly string[], max = MAX_FACT): string {
	for (const key of keys) {
		for (const value of byKey.get(key) ?? []) {
			if (
				value !== '' &&
				(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
			)
				return truncateText(String(value), max);
		}
	}
	return '';
}

function all(byKey: Leaves, keys: readonly string[]): string[] {
	const found = new Set<string>();
	for (const key of keys)
		for (const value of byKey.get(key) ?? []) if (typeof value === 'string') found.add(value);
	return [...found];
}

const SEVERITY_WORDS: Record<string, Severity> = {
	critical: 'critical',
	crit: 'critical',
	high: 'high',
	medium: 'medium',
	moderate: 'medium',
	med: 'medium',
	low: 'low',
	informational: 'informational',
	information: 'informational',
	info: 'informational',
	none: 'informational',
};

export function normalizeSeverity(value: unknown): Severity | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) {
		// 1..5 scales (informational..critical), the common numeric convention.
		const index = Math.min(5, Math.max(1, Math.round(value))) - 1;
		return (['informational', 'low', 'medium', 'high', 'critical'] as const)[index];
	}
	if (typeof value !== 'string') return undefined;
	if (/^\d+$/.test(value.trim())) return normalizeSeverity(Number(value));
	return SEVERITY_WORDS[value.trim().toLowerCase()];
}

export function normalizeVerdict(value: string): EdrVerdict {
	const v = value.toLowerCase().replace(/[^a-z]/g, '');
	if (v === 'truepositive' || v === 'malicious' || v === 'confirmed') return 'truePositive';
	if (v === 'falsepositive' || v === 'benign' || v === 'benignpositive') return 'falsePositive';
	if (v === 'suspicious') return 'suspicious';
	return '';
}

function deviceKindOf(type: string, os: string): DeviceKind {
	const t = type.toLowerCase().replace(/[^a-z]/g, '');
	if (t === 'domaincontroller' || t === 'dc') return 'domainController';
	if (t.includes('server')) return 'server';
	if (/desktop|laptop|workstation|pc|endpoint/.test(t)) return 'workstation';
	// "Windows Server 2022" and similar: the operating system says what the box is.
	if (/\bserver\b/i.test(os)) return 'server';
	return t || os ? 'workstation' : '';
}

function signedOf(byKey: Leaves, signer: string): boolean {
	for (const key of [
		'signed',
		'issigned',
		'isvalidcertificate',
		'signaturevalid',
		'signaturestatus',
	]) {
		const values = byKey.get(key);
		if (!values?.length) continue;
		const value = values[0];
		if (typeof value === 'boolean') return value;
		return /^(true|signed|valid|yes)$/i.test(String(value));
	}
	return signer !== '';
}

const HASH_KEYS = [
	'sha256',
	'sha1',
	'md5',
	'filehash',
	'hash',
	'filesha256',
	'filesha1',
	'contenthash',
	'sha-256',
];
const HASH = /^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$/;

function hashesOf(byKey: Leaves): string[] {
	const found = new Set<string>();
	for (const key of HASH_KEYS) {
		for (const value of byKey.get(key) ?? []) {
			const lower = String(value).trim().toLowerCase();
			if (HASH.test(lower)) found.add(lower);
		}
	}
	return [...found];
}

function basename(path: string): string {
	const parts = path.split(/[\\/]/);
	return parts[parts.length - 1] ?? '';
}

export function extractFacts(alert: unknown): AlertFacts {
	const { byKey, text } = leaves(alert);
	const classification = first(byKey, [
		'classification',
		'category',
		'threatclassification',
		'threattype',
		'alerttype',
		'detectiontype',
	]);
	// Some products put the analyst verdict in `classification` (TruePositive/FalsePositive).
	const classificationVerdict = normalizeVerdict(classification);
	const signer = first(byKey, [
		'signer',
		'publisher',
		'publishername',
		'signername',
		'signedby',
		'certificatesubject',
	]);
	const processPath = first(byKey, [
		'processpath',
		'filepath',
		'imagepath',
		'path',
		'filepathname',
	]);
	const confidence = first(byKey, ['confidencelevel', 'edrconfidence', 'confidence']).toLowerCase();
	return {
		id: first(byKey, ['id', 'threatid', 'alertid', 'incidentid']),
		hostname: first(byKey, [
			'hostname',
			'host',
			'devicename',
			'computername',
			'computerdnsname',
			'endpointname',
			'machinename',
			'agentcomputername',
		]),
		deviceKind: deviceKindOf(
			first(byKey, [
				'devicetype',
				'devicerole',
				'machinetype',
				'agentmachinetype',
				'nodeclass',
				'assettype',
				'role',
			]),
			first(byKey, ['os', 'osname', 'operatingsystem', 'osplatform', 'ostype']),
		),
		severity: normalizeSeverity(
			first(byKey, ['severity', 'priority', 'risklevel', 'threatseverity']) || undefined,
		),
		classification: classificationVerdict ? '' : classification,
		title: first(byKey, ['title', 'threatname', 'name', 'alertname', 'description', 'summary']),
		verdict:
			normalizeVerdict(
				first(byKey, ['verdict', 'analystverdict', 'determination', 'incidentstatus']),
			) || classificationVerdict,
		edrConfidence: confidence === 'malicious' || confidence === 'suspicious' ? confidence : '',
		processName:
			first(byKey, ['processname', 'filename', 'imagename', 'originalfilename']) ||
			basename(processPath),
		commandLine: first(
			byKey,
			['commandline', 'processcommandline', 'commandlinearguments', 'cmdline', 'command'],
			MAX_COMMAND_LINE,
		),
		parentProcess: first(byKey, [
			'parentprocess',
			'parentprocessname',
			'parentprocessfilename',
			'originatorprocess',
		]),
		user: first(byKey, ['user', 'username', 'processuser', 'accountname']),
		filePath: processPath,
		mitreTechniques: all(byKey, ['mitretechniques', 'techniques', 'technique', 'name']).filter(
			(value) => TECHNIQUE.test(value),
		),
		hashes: hashesOf(byKey),
		signed: signedOf(byKey, signer),
		signer,
		text,
	};
}
