import type { AlertFacts, DeviceKind, EdrVerdict, Severity } from './types';

/**
 * Reads the facts the rules need from any alert shape: the normalized Threat, an RMM or PSA
 * alert mapped by expressions, or a vendor object under `raw`. Keys are matched by name at any
 * depth, top-level keys first, so a mapped field always wins over one found inside `raw`.
 */

const MAX_TEXT = 20_000;
const MAX_DEPTH = 6;

type Leaves = Map<string, unknown[]>;

/** Lower-cased key -> primitive values in breadth-first order. */
function leaves(alert: unknown): { byKey: Leaves; text: string } {
	const byKey: Leaves = new Map();
	const strings: string[] = [];
	let textLength = 0;
	let level: unknown[] = [alert];
	for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
		const next: unknown[] = [];
		for (const node of level) {
			if (!node || typeof node !== 'object') continue;
			const entries = Array.isArray(node)
				? node.map((v) => ['', v] as const)
				: Object.entries(node);
			for (const [key, value] of entries) {
				if (value !== null && typeof value === 'object') {
					next.push(value);
					continue;
				}
				if (value === undefined || value === null) continue;
				if (key) {
					const lower = key.toLowerCase();
					const list = byKey.get(lower);
					if (list) list.push(value);
					else byKey.set(lower, [value]);
				}
				if (typeof value === 'string' && textLength < MAX_TEXT) {
					strings.push(value);
					textLength += value.length + 1;
				}
			}
		}
		level = next;
	}
	return { byKey, text: strings.join('\n').slice(0, MAX_TEXT) };
}

function first(byKey: Leaves, keys: readonly string[]): string {
	for (const key of keys) {
		for (const value of byKey.get(key) ?? []) {
			if (
				value !== '' &&
				(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
			)
				return String(value);
		}
	}
	return '';
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
		commandLine: first(byKey, ['commandline', 'processcommandline', 'cmdline', 'command']),
		hashes: hashesOf(byKey),
		signed: signedOf(byKey, signer),
		signer,
		text,
	};
}
