import { clientOf } from '../world/engine';
import { worldNow } from '../world/clock';
import { createRng } from '../world/rng';
import { makeThreat, type ThreatSeed } from '../world/seed';
import type { Severity, Threat, ThreatStatus, ThreatVerdict, World } from '../world/types';
import { invalid, flag, oneOf, readBody, text, type Body } from './errors';
import { clientRef, findDevice } from './lookup';
import { FALCON_IDS } from '../vendors/crowdstrike/common';
import { HUNTRESS_IDS } from '../vendors/huntress/common';

const FIELDS = [
	'device',
	'hostname',
	'client',
	'title',
	'classification',
	'severity',
	'confidence',
	'processName',
	'filePath',
	'commandLine',
	'sha1',
	'sha256',
	'signed',
	'signer',
	'mitreTechniques',
	'detectedAt',
	'verdict',
	'status',
] as const;

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];
const CONFIDENCE = ['malicious', 'suspicious'] as const;
const VERDICTS: readonly ThreatVerdict[] = [
	'undefined',
	'truePositive',
	'falsePositive',
	'suspicious',
];
const STATUSES: readonly ThreatStatus[] = ['new', 'inProgress', 'resolved'];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
/** Windows caps a command line at 32,767 characters; attacker text may use all of it. */
const MAX_COMMAND_LINE = 32_767;

/** What POST /_sandbox/threats takes: the device (by key, or hostname plus client) and the detection. */
export interface ThreatInjection {
	device?: string;
	hostname?: string;
	client?: string;
	title?: string;
	classification?: string;
	severity?: Severity;
	confidence?: 'malicious' | 'suspicious';
	processName?: string;
	filePath?: string;
	commandLine?: string;
	sha1?: string;
	sha256?: string;
	signed?: boolean;
	signer?: string;
	mitreTechniques?: string[];
	detectedAt?: string;
	verdict?: ThreatVerdict;
	status?: ThreatStatus;
}

/**
 * What POST /_sandbox/threats answers: the threat's key and its id at each EDR (Falcon's composite alert id, Huntress's
 * integer incident report id).
 */
export interface InjectedThreat {
	key: string;
	deviceKey: string;
	hostname: string;
	client: { key: string; code: string; name: string };
	ids: { sentinelOne: string; defender: string; crowdStrike: string; huntress: number };
}

/**
 * Adds a detection to the estate, as if the EDR had just raised it on the device. Both EDR vendors present it
 * from the world, so SentinelOne lists it under `/threats` and Defender under `/alerts`, each with its own id.
 * Text fields are stored byte for byte: a drill can put attacker text in a command line and see whether a
 * workflow quotes it safely.
 */
export function injectThreat(world: World, input: unknown): InjectedThreat {
	const body = readBody(input, FIELDS);
	// Every field is checked before the device is looked up, so a bad field is reported as such.
	const ref = deviceRef(body);
	const seed = threatSeed(world, body);
	const overrides = {
		sha1: text(body, 'sha1', {
			maxLength: 40,
			pattern: /^[0-9a-fA-F]{40}$/,
			hint: '40 hexadecimal characters',
		})?.toLowerCase(),
		sha256: text(body, 'sha256', {
			maxLength: 64,
			pattern: /^[0-9a-fA-F]{64}$/,
			hint: '64 hexadecimal characters',
		})?.toLowerCase(),
		verdict: oneOf(body, 'verdict', VERDICTS),
		status: oneOf(body, 'status', STATUSES),
	};
	const device = findDevice(world, ref);
	// Same id scheme as seeded threats; a per-world, per-sequence rng keeps drills reproducible for a seed.
	const rng = createRng(world.seed * 7_368_787 + (world.sequences.threat ?? 1) * 7919);
	const threat: Threat = makeThreat(world, device, seed, rng);
	if (overrides.sha1) threat.sha1 = overrides.sha1;
	if (overrides.sha256) threat.sha256 = overrides.sha256;
	if (overrides.verdict) threat.verdict = overrides.verdict;
	if (overrides.status) threat.status = overrides.status;
	world.threats.push(threat);
	return {
		key: threat.key,
		deviceKey: device.key,
		hostname: device.hostname,
		client: clientRef(clientOf(world, device)),
		ids: {
			sentinelOne: threat.sentinelOneThreatId,
			defender: threat.defenderAlertId,
			crowdStrike: FALCON_IDS.alert(world, threat),
			huntress: HUNTRESS_IDS.incident(world, threat),
		},
	};
}

function deviceRef(body: Body): { device?: string; hostname?: string; client?: string } {
	const device = text(body, 'device', { maxLength: 100 });
	const hostname = text(body, 'hostname', { maxLength: 255 });
	const client = text(body, 'client', { maxLength: 200 });
	if (device === undefined && hostname === undefined)
		throw invalid(
			'device',
			'or hostname is required: the device key (e.g. device-12) or its hostname (plus client when several clients use it)',
		);
	if (device !== undefined && hostname !== undefined)
		throw invalid('device', 'and hostname were both given: choose the device by one of them');
	return { device, hostname, client };
}

/** The detection itself; what the drill leaves out gets a plausible default. */
function threatSeed(world: World, body: Body): ThreatSeed {
	const filePathGiven = text(body, 'filePath', { maxLength: 1024 });
	const processName =
		text(body, 'processName', {
			maxLength: 260,
			pattern: /^[^\\/]+$/,
			hint: 'a file name without a folder (e.g. rundll32.exe)',
		}) ??
		baseName(filePathGiven) ??
		'payload.exe';
	const filePath = filePathGiven ?? `C:\\Users\\Public\\${processName}`;
	const signer = text(body, 'signer', { maxLength: 200 });
	const signed = flag(body, 'signed') ?? signer !== undefined;
	if (signer !== undefined && !signed)
		throw invalid('signer', 'needs signed: true (an unsigned file has no signer)');
	const detectedAt = instant(world, body);
	return {
		title: text(body, 'title', { maxLength: 500 }) ?? `Suspicious activity by ${processName}`,
		classification: text(body, 'classification', { maxLength: 100 }) ?? 'Malware',
		severity: oneOf(body, 'severity', SEVERITIES) ?? 'high',
		confidence: oneOf(body, 'confidence', CONFIDENCE) ?? 'malicious',
		processName,
		filePath,
		signed,
		signer,
		commandLine:
			text(body, 'commandLine', { maxLength: MAX_COMMAND_LINE, allowEmpty: true }) ??
			`"${filePath}"`,
		mitreTechniques: techniques(body),
		detectedAt,
		scenario: 'injected',
	};
}

function baseName(path: string | undefined): string | undefined {
	if (path === undefined) return undefined;
	const name = path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
	return name || undefined;
}

function techniques(body: Body): string[] {
	const value = body.mitreTechniques;
	if (value === undefined) return [];
	if (!Array.isArray(value))
		throw invalid(
			'mitreTechniques',
			`must be an array of MITRE ATT&CK technique ids (e.g. ["T1003.001"]), got ${JSON.stringify(value)}`,
		);
	const bad = value.find((t) => typeof t !== 'string' || !TECHNIQUE.test(t));
	if (bad !== undefined)
		throw invalid(
			'mitreTechniques',
			`must hold MITRE ATT&CK technique ids like T1003 or T1003.001, got ${JSON.stringify(bad)}`,
		);
	return [...new Set(value as string[])];
}

/** Detection time: ISO 8601 with a time zone, not after sandbox now (default: sandbox now). */
function instant(world: World, body: Body): string {
	const now = worldNow(world);
	const value = text(body, 'detectedAt', {
		maxLength: 40,
		pattern: ISO_INSTANT,
		hint: 'an ISO 8601 date-time with a time zone (e.g. 2026-11-12T09:30:00Z)',
	});
	if (value === undefined) return new Date(now).toISOString();
	const at = Date.parse(value);
	if (Number.isNaN(at))
		throw invalid('detectedAt', `is not a valid date-time: ${JSON.stringify(value)}`);
	if (at > now)
		throw invalid(
			'detectedAt',
			`must not be after sandbox now (${new Date(now).toISOString()}), got ${value}`,
		);
	return new Date(at).toISOString();
}
