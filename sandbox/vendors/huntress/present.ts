import { DAY, seededAgo } from '../../world/clock';
import { clientOf, isFinished } from '../../world/engine';
import { clientName } from '../../world/names';
import type { ContainmentState, Device, Severity, Threat, World } from '../../world/types';
import { ACCOUNT, HUNTRESS_IDS, sliceOf } from './common';

/** `firewall_status` for each containment state (values from the swagger's Agent model). */
export const FIREWALL_STATUS: Record<ContainmentState, string> = {
	released: 'Enabled',
	pendingIsolation: 'Pending Isolation',
	isolated: 'Isolated',
	pendingRelease: 'Pending Release',
};

/** Huntress rates incidents low, high or critical: medium reads as high, informational as low. */
export const SEVERITY: Record<Severity, string> = {
	critical: 'critical',
	high: 'high',
	medium: 'high',
	low: 'low',
	informational: 'low',
};

/** Huntress has no "in progress": a report stays `sent` until it is closed. */
export function incidentStatusOf(threat: Threat): string {
	return threat.status === 'resolved' ? 'closed' : 'sent';
}

export function organizationOf(world: World, client: World['clients'][number]) {
	const created = seededAgo(world, 400 * DAY);
	const devices = world.devices.filter((d) => d.clientKey === client.key);
	return {
		id: HUNTRESS_IDS.organization(world, client),
		account_id: ACCOUNT.id,
		name: clientName(client, 'edr'),
		key: client.code.toLowerCase(),
		agents_count: devices.length,
		incident_reports_count: world.threats.filter((t) => devices.some((d) => d.key === t.deviceKey))
			.length,
		logs_sources_count: 0,
		billable_identity_count: 0,
		sat_learner_count: 0,
		report_recipients: [`security@${client.code.toLowerCase()}.example`],
		microsoft_365_tenant_id: null,
		microsoft_365_users_count: 0,
		notify_emails: [`security@${client.code.toLowerCase()}.example`],
		created_at: created,
		updated_at: created,
	};
}

function tagsOf(device: Device): string[] {
	if (device.type === 'domainController') return ['Server', 'Domain Controller'];
	return device.type === 'server' ? ['Server'] : ['Workstation'];
}

export function agentOf(world: World, device: Device): Record<string, unknown> {
	const client = clientOf(world, device);
	const created = seededAgo(world, 300 * DAY);
	return {
		id: HUNTRESS_IDS.agent(world, device),
		account_id: ACCOUNT.id,
		organization_id: HUNTRESS_IDS.organization(world, client),
		hostname: device.hostname,
		domain_name: `${client.code.toLowerCase()}.local`,
		platform: 'windows',
		arch: 'x86_64',
		os: device.os,
		os_build_version: device.osBuild.split('.').pop() ?? device.osBuild,
		version: '0.14.12',
		version_number: 1412,
		edr_version: '0.3.20',
		ipv4_address: device.ipAddress,
		external_ip: '198.51.100.42',
		mac_addresses: [device.macAddress],
		serial_number: device.serialNumber,
		firewall_status: FIREWALL_STATUS[device.containment],
		defender_status: 'Healthy',
		defender_substatus: 'Up to date',
		defender_policy_status: 'Compliant',
		tamper_protection_configured: true,
		tamper_protection_actual: true,
		tags: tagsOf(device),
		last_callback_at: device.lastSeen,
		last_survey_at: device.lastSeen,
		created_at: created,
		updated_at: device.containmentChangedAt ?? created,
	};
}

/** The indicator types a detection of this scenario shows in Huntress. */
function indicatorTypesOf(threat: Threat): string[] {
	if (threat.scenario === 'ransomware') return ['ransomware_canaries', 'process_detections'];
	if (threat.scenario === 'serverCredentialTheft') return ['process_detections', 'footholds'];
	return ['process_detections'];
}

/**
 * The remediation Huntress proposes for a detection: quarantine the file, assisted (approval runs
 * it). It is completed once the estate shows the threat mitigated (by any product), approved while
 * an approval runs, cancelled once rejected, unapproved otherwise.
 */
export function remediationsOf(world: World, threat: Threat): Array<Record<string, unknown>> {
	const decision = sliceOf(world).decisions[threat.key];
	const done = [...threat.mitigations].reverse().find((m) => m.kind !== 'antivirusScan');
	const running = world.operations.some(
		(o) => o.vendor === 'huntress' && o.threatKey === threat.key && !isFinished(o),
	);
	const status =
		threat.mitigationStatus === 'mitigated'
			? 'completed'
			: decision?.decision === 'rejected'
				? 'cancelled'
				: decision?.decision === 'approved' || running
					? 'approved'
					: 'unapproved';
	const remediation: Record<string, unknown> = {
		id: HUNTRESS_IDS.incident(world, threat) * 10 + 1,
		type: 'assisted',
		action: 'Quarantine File',
		parameters: [{ name: 'path', description: threat.filePath }],
		status,
	};
	if (decision?.decision === 'approved') {
		remediation.approved_at = decision.at;
		remediation.approved_by = { id: 4242, name: 'n8n API user', email: 'api@contoso-msp.example' };
	}
	if (status === 'completed' && done) remediation.completed_at = done.at;
	return [remediation];
}

export function incidentOf(world: World, threat: Threat): Record<string, unknown> {
	const device = world.devices.find((d) => d.key === threat.deviceKey)!;
	const client = clientOf(world, device);
	const severity = SEVERITY[threat.severity];
	const status = incidentStatusOf(threat);
	const indicators = indicatorTypesOf(threat);
	const remediations = remediationsOf(world, threat);
	return {
		id: HUNTRESS_IDS.incident(world, threat),
		account_id: ACCOUNT.id,
		agent_id: HUNTRESS_IDS.agent(world, device),
		organization_id: HUNTRESS_IDS.organization(world, client),
		platform: 'windows',
		severity,
		status,
		status_updated_at: threat.updatedAt,
		sent_at: threat.detectedAt,
		closed_at: status === 'closed' ? threat.updatedAt : null,
		subject: `${severity.toUpperCase()} - Incident on ${device.hostname} (${clientName(client, 'edr')})`,
		summary: `Huntress detected ${threat.title} (${threat.classification}) on this host. We recommend the remediation steps below.`,
		body: `<p>${threat.processName} ran from ${threat.filePath}.</p>`,
		indicator_types: indicators,
		indicator_counts: Object.fromEntries(indicators.map((t) => [t, 1])),
		remediations: { total_count: remediations.length, has_more: false, items: remediations },
		updated_at: threat.updatedAt,
	};
}
