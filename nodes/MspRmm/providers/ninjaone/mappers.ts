import type { Alert, Device, Job, JobStatus, Patch, PatchStatus, Severity } from '../../../shared';
import { companyRefOf, hostnameKeyOf } from '../../../shared';
import type { NinjaActivity, NinjaDevice, NinjaPatch, NinjaAlertSchema } from './schemas';
import type { z } from 'zod';

/** NinjaOne timestamps are epoch seconds (doubles); values above 1e12 are treated as milliseconds. */
export function isoFromEpoch(value: number | undefined): string | undefined {
	if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
	return new Date(value > 1e12 ? value : value * 1000).toISOString();
}

/** Node classes of servers (hypervisor hosts included). */
export const NINJA_SERVER_CLASSES = [
	'WINDOWS_SERVER',
	'LINUX_SERVER',
	'MAC_SERVER',
	'VMWARE_VM_HOST',
	'HYPERV_VMM_HOST',
];
/** Node classes of workstations (desktops and laptops). */
export const NINJA_WORKSTATION_CLASSES = ['WINDOWS_WORKSTATION', 'LINUX_WORKSTATION', 'MAC'];

/**
 * A device role (`NodeRole` of `GET /v2/roles`) that marks domain controllers. Role names and ids
 * are the tenant's own (custom roles sit under a parent role such as "Windows Server"), so the
 * role or one of its parents must be named for it: "Domain Controller(s)" or "DC(s)".
 */
const DC_ROLE_NAME = /domain[\s_-]*controllers?|^\s*dcs?\s*$/i;

export function domainControllerRoleIds(
	roles: Array<{ id: number; name?: string; nodeRoleParentId?: number | null }>,
): Set<number> {
	const byId = new Map(roles.map((r) => [r.id, r]));
	const ids = new Set<number>();
	for (const role of roles) {
		const seen = new Set<number>();
		for (let r: (typeof roles)[number] | undefined = role; r && !seen.has(r.id); ) {
			seen.add(r.id);
			if (DC_ROLE_NAME.test(r.name ?? '')) {
				ids.add(role.id);
				break;
			}
			r = r.nodeRoleParentId == null ? undefined : byId.get(r.nodeRoleParentId);
		}
	}
	return ids;
}

/** Whether the device's class is a server class with a role (`nodeRoleId`) that may make it a domain controller. */
export function mayBeDomainController(raw: NinjaDevice): boolean {
	return (
		raw.nodeClass !== undefined &&
		NINJA_SERVER_CLASSES.includes(raw.nodeClass) &&
		typeof raw.nodeRoleId === 'number'
	);
}

/**
 * NinjaOne's node class says server or workstation; it has no domain-controller class. A server
 * whose device role is one of `dcRoleIds` (see `domainControllerRoleIds`) is a domain controller.
 * Other classes (network devices, mobiles, VM guests seen through a host, cloud monitors) are
 * neither, so `type` is left out for them.
 */
function deviceType(raw: NinjaDevice, dcRoleIds: ReadonlySet<number>): Device['type'] {
	if (!raw.nodeClass) return undefined;
	if (NINJA_SERVER_CLASSES.includes(raw.nodeClass))
		return mayBeDomainController(raw) && dcRoleIds.has(raw.nodeRoleId as number)
			? 'domainController'
			: 'server';
	if (NINJA_WORKSTATION_CLASSES.includes(raw.nodeClass)) return 'workstation';
	return undefined;
}

export function toDevice(raw: NinjaDevice, dcRoleIds: ReadonlySet<number> = new Set()): Device {
	const hostname = raw.systemName ?? raw.dnsName ?? raw.displayName ?? String(raw.id);
	const company = companyRefOf(raw.organizationId, raw.references?.organization?.name);
	return {
		id: String(raw.id),
		hostname,
		hostnameKey: hostnameKeyOf(hostname),
		displayName: raw.displayName,
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: raw.os?.name,
		type: deviceType(raw, dcRoleIds),
		online: raw.offline === undefined ? undefined : !raw.offline,
		lastSeen: isoFromEpoch(raw.lastContact),
		ipAddress: raw.ipAddresses?.[0],
		raw,
	};
}

const PATCH_STATUS: Record<string, PatchStatus> = {
	MANUAL: 'pending',
	PENDING: 'pending',
	APPROVED: 'approved',
	FAILED: 'failed',
	REJECTED: 'rejected',
	INSTALLED: 'installed',
};
export const NINJA_PATCH_STATUS: Record<PatchStatus, string> = {
	pending: 'MANUAL',
	approved: 'APPROVED',
	failed: 'FAILED',
	rejected: 'REJECTED',
	installed: 'INSTALLED',
};
const PATCH_SEVERITY: Record<string, Severity> = {
	CRITICAL: 'critical',
	IMPORTANT: 'high',
	MODERATE: 'medium',
	OPTIONAL: 'low',
};

/**
 * NinjaOne reports no CVE ids for OS patches: `cves` stays empty. Nor does it report a release
 * date: `OSPatch`/`DeviceOSPatch` carry `installedAt` and, in the reports, `timestamp`, which the
 * spec defines as when the data was collected or updated, not when the patch was published, so
 * `releasedAt` stays absent rather than carrying a date with another meaning.
 */
export function toPatch(raw: NinjaPatch, deviceId: string | undefined): Patch {
	const kb = raw.kbNumber ?? /\b(KB\d{6,8})\b/i.exec(raw.name ?? '')?.[1];
	return {
		id: raw.id,
		deviceId: deviceId ?? String(raw.deviceId ?? ''),
		title: raw.name ?? kb ?? raw.id,
		kb: kb?.toUpperCase(),
		severity: PATCH_SEVERITY[String(raw.severity).toUpperCase()],
		status: PATCH_STATUS[String(raw.status).toUpperCase()] ?? 'pending',
		installedAt:
			raw.status?.toUpperCase() === 'INSTALLED' ? isoFromEpoch(raw.installedAt) : undefined,
		raw,
	};
}

const ALERT_SEVERITY: Record<string, Severity> = {
	CRITICAL: 'critical',
	MAJOR: 'high',
	MODERATE: 'medium',
	MINOR: 'low',
	NONE: 'informational',
};

export function toAlert(raw: z.infer<typeof NinjaAlertSchema>): Alert {
	const hostname = raw.device?.systemName;
	const company = companyRefOf(raw.device?.organizationId, undefined);
	return {
		id: raw.uid,
		deviceId: raw.deviceId === undefined ? undefined : String(raw.deviceId),
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		company,
		severity: ALERT_SEVERITY[String(raw.severity).toUpperCase()] ?? 'medium',
		message: raw.message ?? raw.subject ?? raw.sourceName ?? raw.sourceType ?? 'Alert',
		category: raw.sourceType,
		createdAt: isoFromEpoch(raw.createTime),
		resolved: false,
		raw,
	};
}

const JOB_STATUS: Record<string, JobStatus> = {
	START_REQUESTED: 'queued',
	TRIGGERED: 'queued',
	STARTED: 'running',
	IN_PROCESS: 'running',
	WAITING_FOR_USER_RESPONSE: 'running',
};

export function runningJob(
	uid: string,
	deviceId: string,
	name: string | undefined,
	jobStatus: string | undefined,
	createdAt: string | undefined,
	raw: unknown,
): Job {
	return {
		id: uid,
		deviceId,
		kind: 'script',
		name,
		status: JOB_STATUS[String(jobStatus)] ?? 'running',
		startedAt: createdAt,
		raw,
	};
}

/**
 * A finished script run from its completed SCRIPTING activity. [unverified] NinjaOne documents
 * no stdout endpoint; the result is read from `data.message.params` (`exitCode`, `output`) when
 * present, else the activity message is the output.
 */
export function finishedJob(
	deviceId: string,
	activity: NinjaActivity,
	startedAt: string | undefined,
): Job {
	const params = ((activity.data?.message as { params?: Record<string, unknown> } | undefined)
		?.params ?? {}) as Record<string, unknown>;
	const exitCode = typeof params.exitCode === 'number' ? params.exitCode : undefined;
	const output = typeof params.output === 'string' ? params.output : activity.message;
	return {
		id: activity.seriesUid ?? String(activity.id),
		deviceId,
		kind: 'script',
		name: activity.sourceName,
		status: activity.activityResult === 'SUCCESS' ? 'succeeded' : 'failed',
		startedAt,
		finishedAt: isoFromEpoch(activity.activityTime),
		exitCode,
		output,
		raw: activity,
	};
}
