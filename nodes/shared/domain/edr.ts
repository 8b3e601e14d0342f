import { z } from 'zod';

import {
	checkHostnameKey,
	CompanyRefSchema,
	HostnameKey,
	Id,
	Raw,
	Severity,
	UtcTimestamp,
} from './common';
import { DeviceType } from './rmm';

export const ThreatStatus = z.enum(['new', 'inProgress', 'resolved']);
export type ThreatStatus = z.infer<typeof ThreatStatus>;

/** The analyst's verdict. A threat nobody has judged yet has no `verdict` at all. */
export const Verdict = z.enum(['truePositive', 'falsePositive', 'suspicious']);
export type Verdict = z.infer<typeof Verdict>;

/**
 * Whether the EDR's mitigation took effect, in the same words on every EDR: `mitigated` (blocked,
 * quarantined, killed or remediated), `notMitigated` (still active, or a mitigation still pending),
 * `partiallyMitigated` (some actions failed) and `markedAsBenign` (an analyst said nothing needs doing).
 */
export const MitigationStatus = z.enum([
	'notMitigated',
	'partiallyMitigated',
	'mitigated',
	'markedAsBenign',
]);
export type MitigationStatus = z.infer<typeof MitigationStatus>;

/** The EDR's own confidence in a detection, before any analyst looked at it. */
export const EdrConfidence = z.enum(['malicious', 'suspicious']);
export type EdrConfidence = z.infer<typeof EdrConfidence>;

/** A MITRE ATT&CK technique id: T1059 or a sub-technique such as T1059.001. */
export const MitreTechniqueId = z.string().regex(/^T\d{4}(\.\d{3})?$/);

export const ThreatSchema = z
	.object({
		id: Id,
		deviceId: Id.optional(),
		hostname: z.string().optional().describe('The device name as the EDR shows it'),
		hostnameKey: HostnameKey.optional(),
		companyId: Id.optional().describe('Id of the site or machine group (same as company.id)'),
		companyName: z
			.string()
			.optional()
			.describe('Name of the site or machine group (same as company.name)'),
		company: CompanyRefSchema.optional().describe('The site or machine group the device is in'),
		severity: Severity,
		classification: z.string().optional().describe('Malware family or detection category'),
		processName: z.string().optional(),
		processPath: z.string().optional(),
		sha256: z.string().optional(),
		sha1: z.string().optional(),
		verdict: Verdict.optional(),
		status: ThreatStatus,
		detectedAt: UtcTimestamp.optional(),
		updatedAt: UtcTimestamp.optional().describe(
			"When the vendor last created or changed the record, on the vendor's clock",
		),
		mitigationStatus: MitigationStatus.optional(),
		title: z
			.string()
			.optional()
			.describe('What the EDR called the detection, as its console shows it'),
		commandLine: z
			.string()
			.optional()
			.describe('Command line of the detected process as the sensor saw it, byte for byte'),
		parentProcess: z
			.string()
			.optional()
			.describe('Image name of the process that started or created the detected one'),
		user: z
			.string()
			.optional()
			.describe('Account the detected process ran as, DOMAIN\\user when the EDR gives a domain'),
		signer: z
			.string()
			.optional()
			.describe("Publisher of the detected file's code-signing certificate"),
		signed: z
			.boolean()
			.optional()
			.describe('Whether the detected file carries a valid code signature, when the EDR says'),
		md5: z.string().optional(),
		edrConfidence: EdrConfidence.optional().describe(
			"The EDR's own confidence (malicious or suspicious), independent of any analyst verdict",
		),
		mitreTechniques: z
			.array(MitreTechniqueId)
			.optional()
			.describe('MITRE ATT&CK technique ids the EDR matched, e.g. T1059.001; absent when none'),
		deviceType: DeviceType.optional().describe(
			'Role of the affected device as the EDR reports it on the detection; absent when it does not',
		),
		raw: Raw,
	})
	.superRefine(checkHostnameKey);
export type Threat = z.infer<typeof ThreatSchema>;

export const ContainmentState = z.enum([
	'isolated',
	'pendingIsolation',
	'released',
	'pendingRelease',
	'unknown',
]);
export type ContainmentState = z.infer<typeof ContainmentState>;

export const ContainmentSchema = z.object({
	deviceId: Id,
	state: ContainmentState,
	changedAt: UtcTimestamp.optional(),
	actionId: Id.optional().describe('Vendor action id to follow the request'),
	alreadyInState: z
		.boolean()
		.optional()
		.describe('True when the device was already in the requested state and nothing was sent'),
	raw: Raw,
});
export type Containment = z.infer<typeof ContainmentSchema>;

export const MitigationActionSchema = z.object({
	id: Id.optional(),
	threatId: Id.optional(),
	deviceId: Id.optional(),
	action: z.string().describe('kill, quarantine, remediate, rollback, …'),
	status: z.enum(['pending', 'succeeded', 'failed']),
	requestedAt: UtcTimestamp.optional(),
	completedAt: UtcTimestamp.optional(),
	raw: Raw,
});
export type MitigationAction = z.infer<typeof MitigationActionSchema>;
