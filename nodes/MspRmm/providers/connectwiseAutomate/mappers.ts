import type { Alert, Device, Job, Patch, PatchStatus, Severity } from '../../../shared';
import { companyRefOf, hostnameKeyOf } from '../../../shared';
import type { z } from 'zod';
import type { AlertSchema, Computer, MicrosoftUpdate, ScriptHistoryRow } from './schemas';
import { automateIso } from './time';

/** Reads an Automate date as ISO in UTC (see `time.ts`); the provider gives the server's offset. */
export type DateReader = (value: string | null | undefined) => string | undefined;

/** Dates that name their zone, and zone-less ones as UTC: for callers that know no better. */
const asUtc: DateReader = (value) => automateIso(value, 0);

/**
 * Automate's `Type` is Server or Workstation (the OS name says it when `Type` is missing). Its
 * REST API has no domain-controller role or flag on a computer, so a domain controller cannot be
 * told from any other server: it is `server`. Protect domain controllers on Automate by name.
 */
function computerType(raw: Computer): Device['type'] {
	if (raw.Type && /server/i.test(raw.Type)) return 'server';
	if (raw.Type && /workstation/i.test(raw.Type)) return 'workstation';
	const os = raw.OperatingSystemName ?? '';
	if (/server/i.test(os)) return 'server';
	if (/windows|mac ?os|os x|linux|ubuntu|debian|red hat|centos/i.test(os)) return 'workstation';
	return undefined;
}

export function toDevice(raw: Computer, at: DateReader = asUtc): Device {
	const company = companyRefOf(raw.Client?.Id, raw.Client?.Name);
	return {
		id: raw.Id,
		hostname: raw.ComputerName,
		hostnameKey: hostnameKeyOf(raw.ComputerName),
		displayName: raw.FriendlyName ?? undefined,
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: raw.OperatingSystemName ?? undefined,
		type: computerType(raw),
		online: raw.Status ? /^online$/i.test(raw.Status) : undefined,
		lastSeen: at(raw.RemoteAgentLastContact),
		ipAddress: raw.LocalIPAddress ?? undefined,
		raw,
	};
}

const SEVERITY: Record<string, Severity> = {
	critical: 'critical',
	important: 'high',
	moderate: 'medium',
	low: 'low',
};

/**
 * Status from `InstallState` and the patch policy's approval. [unverified] Approval names are
 * not documented: "Approved"/"Approve" is approved; "Ignored", "Ignore", "Rejected", "Denied" are
 * rejected; anything else (Not Approved, Not Set) is pending. Automate reports no CVE ids.
 */
function status(raw: MicrosoftUpdate): PatchStatus {
	if (raw.IsInstalled || /^installed$/i.test(raw.InstallState ?? '')) return 'installed';
	if (raw.IsFailed || /^failed$/i.test(raw.InstallState ?? '')) return 'failed';
	const approval = (raw.PolicyApproval?.Name ?? '').toLowerCase();
	if (/^(ignored?|rejected?|denied|deny)$/.test(approval)) return 'rejected';
	if (/^approved?$/.test(approval)) return 'approved';
	return 'pending';
}

export function toPatch(raw: MicrosoftUpdate, deviceId: string, at: DateReader = asUtc): Patch {
	const kb = raw.KnowledgeBaseId
		? `KB${String(raw.KnowledgeBaseId).replace(/^KB/i, '')}`
		: undefined;
	const state = status(raw);
	return {
		id: raw.MicrosoftUpdateId ?? `${deviceId}:${kb ?? raw.Title}`,
		deviceId,
		title: raw.Title ?? kb ?? 'Microsoft update',
		kb,
		severity:
			SEVERITY[(raw.Severity ?? '').toLowerCase()] ??
			(raw.Severity === '' ? 'informational' : undefined),
		status: state,
		releasedAt: at(raw.ReleaseDate),
		installedAt: state === 'installed' ? at(raw.InstallDate) : undefined,
		raw,
	};
}

const ALERT_SEVERITY: Record<string, Severity> = {
	critical: 'critical',
	error: 'high',
	warning: 'medium',
	informational: 'informational',
	information: 'informational',
};

export function toAlert(raw: z.infer<typeof AlertSchema>, at: DateReader = asUtc): Alert {
	const hostname = raw.Computer?.Name;
	const company = companyRefOf(raw.Client?.Id, raw.Client?.Name);
	return {
		id: raw.AlertId,
		deviceId: raw.Computer?.Id,
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		severity: ALERT_SEVERITY[(raw.Severity?.Name ?? '').toLowerCase()] ?? 'medium',
		message: raw.Message ?? raw.Monitor?.Name ?? 'Alert',
		category: raw.Monitor?.Name ?? raw.Source ?? undefined,
		createdAt: at(raw.AlertDate),
		resolved: false,
		raw,
	};
}

/**
 * A ScriptHistory row as a script run. Automate has no exit code: the state is Success or
 * Failure, and [unverified] the script's log is its `DiagnosticMessage`.
 */
export function historyJob(
	runId: string,
	deviceId: string,
	row: ScriptHistoryRow,
	startedAt: string | undefined,
	at: DateReader = asUtc,
): Job {
	const completed = /^completed$/i.test(row.Status ?? '');
	return {
		id: runId,
		deviceId,
		kind: 'script',
		name: row.Name,
		status: !completed ? 'running' : /^success$/i.test(row.State ?? '') ? 'succeeded' : 'failed',
		startedAt,
		finishedAt: completed ? at(row.HistoryDate) : undefined,
		output: completed ? (row.DiagnosticMessage ?? undefined) : undefined,
		raw: row,
	};
}
