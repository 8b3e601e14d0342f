import type {
	Containment,
	ContainmentState,
	Device,
	DeviceType,
	MitigationStatus,
	Severity,
	Threat,
	ThreatStatus,
} from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import { textOf } from '../common';
import type { HuntressAgent, HuntressIncident, HuntressRemediation } from './schemas';

/** Lower case letters only, so `Pending Isolation`, `pending_isolation` and `PendingIsolation` read alike. */
const word = (value: unknown) =>
	String(value ?? '')
		.toLowerCase()
		.replace(/[^a-z]/g, '');

/**
 * `agent.firewall_status` to a containment state. The swagger lists Disabled, Enabled, Pending
 * Isolation, Isolated and Pending Release; what a released agent shows afterwards is unverified,
 * so both Enabled and Disabled (and a plain "released") read as released. Anything else is unknown.
 */
const FIREWALL: Record<string, ContainmentState> = {
	isolated: 'isolated',
	pendingisolation: 'pendingIsolation',
	isolating: 'pendingIsolation',
	pendingrelease: 'pendingRelease',
	releasing: 'pendingRelease',
	enabled: 'released',
	disabled: 'released',
	released: 'released',
};

export function firewallStateOf(status: unknown): ContainmentState {
	return FIREWALL[word(status)] ?? 'unknown';
}

/** Huntress incident severities are low, high and critical; each is the same word here. */
const SEVERITY: Record<string, Severity> = { low: 'low', high: 'high', critical: 'critical' };

export function severityOf(value: unknown): Severity {
	return SEVERITY[word(value)] ?? 'low';
}

/** Huntress's `severity` filter for one normalized severity; medium and informational have none. */
export function huntressSeverityOf(severity: Severity): string | undefined {
	return severity === 'critical' || severity === 'high' || severity === 'low'
		? severity
		: undefined;
}

/**
 * Incident report status to the shared status: `sent` (the SOC reported it, the partner acts) is
 * new; `auto_remediating` is in progress; `closed`, `dismissed`, `partner_dismissed` and
 * `deleting` are resolved. An unknown word is new, so nothing is hidden from a poller.
 */
const STATUS: Record<string, ThreatStatus> = {
	sent: 'new',
	autoremediating: 'inProgress',
	closed: 'resolved',
	dismissed: 'resolved',
	partnerdismissed: 'resolved',
	deleting: 'resolved',
};

export function statusOf(value: unknown): ThreatStatus {
	return STATUS[word(value)] ?? 'new';
}

/** Huntress's `status` filter values for one normalized status. */
export const HUNTRESS_STATUSES: Record<ThreatStatus, string[]> = {
	new: ['sent'],
	inProgress: ['auto_remediating'],
	resolved: ['closed', 'dismissed', 'partner_dismissed', 'deleting'],
};

/**
 * Whether Huntress's proposed remediations took effect: a dismissed report needed none (marked as
 * benign); all completed is mitigated; some completed and some failed is partially mitigated;
 * anything still unapproved, approved or failed is not mitigated. No remediations says nothing.
 * An incident report lists its first 10 remediations only (`has_more`): those all completed say
 * nothing of the others, so the report is not called mitigated from them.
 */
export function mitigationStatusOf(
	status: unknown,
	remediations: HuntressRemediation[],
	hasMore = false,
): MitigationStatus | undefined {
	if (/dismissed$/.test(word(status))) return 'markedAsBenign';
	const states = remediations.map((r) => word(r.status)).filter((s) => s !== 'cancelled');
	if (!states.length) return undefined;
	if (states.every((s) => s === 'completed')) return hasMore ? undefined : 'mitigated';
	if (states.includes('completed') && states.includes('failed')) return 'partiallyMitigated';
	return 'notMitigated';
}

/** Windows Server, a `Server` tag or a domain controller OS name: a server; another platform workstation. */
export function roleOfAgent(agent: HuntressAgent | undefined): DeviceType | undefined {
	if (!agent) return undefined;
	const text = `${agent.os ?? ''} ${(agent.tags ?? []).join(' ')}`.toLowerCase();
	if (/domain controller/.test(text)) return 'domainController';
	if (/server/.test(text)) return 'server';
	return /windows|darwin|mac/.test(`${agent.platform ?? ''} ${agent.os ?? ''}`.toLowerCase())
		? 'workstation'
		: undefined;
}

/** What the threat mapper needs beside the incident: its agent and organization name, when read. */
export interface IncidentContext {
	agent?: HuntressAgent;
	organizationName?: string;
}

/**
 * An incident report as a threat. Huntress reports name the agent by id only, so the hostname comes
 * from the agent record; the classification is the indicator types ("footholds, process_detections");
 * the subject is the title. Triage facts such as a command line, user or technique are not fields
 * of an incident report (only of its HTML `body`), so they stay absent.
 */
export function toThreat(raw: HuntressIncident, context: IncidentContext = {}): Threat {
	const hostname = textOf(context.agent?.hostname);
	const company = companyRefOf(raw.organization_id, context.organizationName);
	const indicators = (raw.indicator_types ?? []).map((t) => t.trim()).filter(Boolean);
	return {
		id: raw.id,
		deviceId: raw.agent_id ?? undefined,
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		severity: severityOf(raw.severity),
		classification: indicators.length ? indicators.join(', ') : undefined,
		status: statusOf(raw.status),
		detectedAt: isoUtc(raw.sent_at),
		updatedAt: isoUtc(raw.updated_at) ?? isoUtc(raw.status_updated_at) ?? isoUtc(raw.sent_at),
		mitigationStatus: mitigationStatusOf(
			raw.status,
			raw.remediations?.items ?? [],
			raw.remediations?.has_more === true,
		),
		title: textOf(raw.subject),
		deviceType: roleOfAgent(context.agent),
		raw,
	};
}

export function toDevice(raw: HuntressAgent, organizationName?: string): Device {
	const company = companyRefOf(raw.organization_id, organizationName);
	return {
		id: raw.id,
		hostname: raw.hostname,
		hostnameKey: hostnameKeyOf(raw.hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: textOf(raw.os),
		type: roleOfAgent(raw),
		lastSeen: isoUtc(raw.last_callback_at),
		ipAddress: textOf(raw.ipv4_address),
		raw,
	};
}

export function toContainment(raw: HuntressAgent): Containment {
	return {
		deviceId: raw.id,
		state: firewallStateOf(raw.firewall_status),
		changedAt: isoUtc(raw.updated_at),
		raw,
	};
}
