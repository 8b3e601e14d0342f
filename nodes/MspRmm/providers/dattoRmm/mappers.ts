import type {
	Alert,
	Device,
	DeviceType,
	Job,
	JobStatus,
	Patch,
	PatchStatus,
	Severity,
} from '../../../shared';
import { companyRefOf, hostnameKeyOf, isoUtc } from '../../../shared';
import type { DattoAlert, DattoDevice, DattoJob, DattoJobResults, DattoPatch } from './schemas';

/**
 * A Datto timestamp as ISO UTC: epoch milliseconds on the wire (every observed response), or the
 * date-time string the spec declares. Absent when empty or unreadable.
 */
export function isoFromDatto(value: unknown): string | undefined {
	if (typeof value === 'number')
		return Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : undefined;
	if (typeof value === 'string' && /^\d{10,}$/.test(value.trim()))
		return new Date(Number(value.trim())).toISOString();
	return isoUtc(value);
}

const text = (value: string | null | undefined): string | undefined =>
	typeof value === 'string' && value.trim() ? value : undefined;

/**
 * `deviceType.category` (Desktop, Laptop, Server, ...) says server or workstation. Datto reports no
 * server role, so a domain controller is a `server` here.
 */
function deviceType(raw: DattoDevice): DeviceType | undefined {
	const category = raw.deviceType?.category?.toLowerCase();
	if (!category) return undefined;
	return category.includes('server') ? 'server' : 'workstation';
}

/** A site is the MSP's client in Datto RMM: `company` is the site (uid and name). */
export function toDevice(raw: DattoDevice): Device {
	const hostname = text(raw.hostname) ?? raw.uid;
	const company = companyRefOf(raw.siteUid, raw.siteName);
	return {
		id: raw.uid,
		hostname,
		hostnameKey: hostnameKeyOf(hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		os: text(raw.operatingSystem),
		type: deviceType(raw),
		online: raw.online ?? undefined,
		lastSeen: isoFromDatto(raw.lastSeen),
		ipAddress: text(raw.intIpAddress),
		raw,
	};
}

/** Build 235's `installStatus`; Datto reports install errors per device, not per patch. */
export const DATTO_INSTALL_STATUS: Record<string, PatchStatus> = {
	INSTALLED: 'installed',
	APPROVED_PENDING: 'approved',
	NOT_APPROVED: 'pending',
};

const PATCH_SEVERITY: Record<string, Severity> = {
	CRITICAL: 'critical',
	IMPORTANT: 'high',
	MODERATE: 'medium',
	LOW: 'low',
};

/** "5034441" or "KB5034441" as "KB5034441". */
function kbOf(value: string | null | undefined): string | undefined {
	const kb = text(value)?.trim();
	if (!kb) return undefined;
	return /^kb/i.test(kb) ? `KB${kb.slice(2)}` : `KB${kb}`;
}

export function toPatch(raw: DattoPatch, deviceId: string): Patch | undefined {
	const status = DATTO_INSTALL_STATUS[String(raw.installStatus ?? '').toUpperCase()];
	if (!status) return undefined;
	return {
		id: raw.patchId,
		deviceId,
		title: text(raw.title) ?? raw.patchId,
		kb: kbOf(raw.kbArticleId),
		severity: PATCH_SEVERITY[String(raw.severity ?? '').toUpperCase()],
		status,
		releasedAt: isoFromDatto(raw.releaseDate),
		raw,
	};
}

const ALERT_SEVERITY: Record<string, Severity> = {
	CRITICAL: 'critical',
	HIGH: 'high',
	MODERATE: 'medium',
	LOW: 'low',
	INFORMATION: 'informational',
};

export function toAlert(raw: DattoAlert): Alert {
	const source = raw.alertSourceInfo ?? undefined;
	const hostname = text(source?.deviceName);
	const company = companyRefOf(source?.siteUid, source?.siteName);
	return {
		id: raw.alertUid,
		deviceId: text(source?.deviceUid),
		hostname,
		hostnameKey: hostname === undefined ? undefined : hostnameKeyOf(hostname),
		companyId: company?.id,
		companyName: company?.name,
		company,
		severity: ALERT_SEVERITY[String(raw.priority ?? '').toUpperCase()] ?? 'medium',
		message: text(raw.diagnostics) ?? text(raw.alertContext?.['@class']) ?? 'Alert',
		category: text(raw.alertContext?.['@class']),
		createdAt: isoFromDatto(raw.timestamp),
		resolved: raw.resolved ?? undefined,
		raw,
	};
}

/** `jobDeploymentStatus` of the device's job results. */
const DEPLOYMENT_STATUS: Record<string, JobStatus> = {
	Pending: 'queued',
	Running: 'running',
	Success: 'succeeded',
	// The component ran; warnings are in its output.
	Warning: 'succeeded',
	Failure: 'failed',
	Retired: 'failed',
	Expired: 'timedOut',
};

/** The job as a script run before its results are in: `active` (queued or running) or `completed`. */
export function jobRun(job: DattoJob, deviceId: string): Job {
	return {
		id: job.uid,
		deviceId,
		kind: 'script',
		name: text(job.name),
		status: job.status === 'completed' ? 'succeeded' : 'queued',
		startedAt: isoFromDatto(job.dateCreated),
		raw: job,
	};
}

/** The job with the device's results and, once finished, the components' stdout and stderr. */
export function resultRun(
	job: DattoJob,
	deviceId: string,
	results: DattoJobResults,
	output: string | undefined,
): Job {
	const status = DEPLOYMENT_STATUS[String(results.jobDeploymentStatus ?? '')] ?? 'running';
	const finished = status !== 'queued' && status !== 'running';
	return {
		id: job.uid,
		deviceId,
		kind: 'script',
		name: text(job.name),
		status,
		startedAt: isoFromDatto(job.dateCreated),
		finishedAt: finished ? isoFromDatto(results.ranOn) : undefined,
		output,
		raw: { job, results },
	};
}
