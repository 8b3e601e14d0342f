import { MINUTE, seededAgo } from '../../world/clock';
import type { Device, World } from '../../world/types';
import { deviceSummary, epochSeconds, stableUuid } from './mappers';
import { slice, type NinjaAlert } from './slice';

/** Monitoring conditions that are triggered in the seeded estate. */
const SEEDED: Array<
	Omit<NinjaAlert, 'uid' | 'deviceKey' | 'sourceConfigUid' | 'createTime' | 'updateTime'> & {
		host: string;
		createdAgoMs: number;
		updatedAgoMs: number;
	}
> = [
	{
		host: 'BSD-SRV01',
		sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE',
		sourceName: 'Disk space < 10%',
		subject: 'Disk',
		conditionName: 'Disk Free Space',
		message: 'C: free space below 10% (7.8 GB of 237.9 GB free)',
		severity: 'MAJOR',
		priority: 'HIGH',
		conditionHealthStatus: 'UNHEALTHY',
		createdAgoMs: 80 * MINUTE,
		updatedAgoMs: 20 * MINUTE,
	},
	{
		host: 'NWL-SRV02',
		sourceType: 'CONDITION_AGENT_CPU',
		sourceName: 'CPU > 90% for 15 min',
		subject: 'CPU',
		conditionName: 'CPU',
		message: 'CPU utilization above 90% for 15 minutes',
		severity: 'MODERATE',
		priority: 'MEDIUM',
		conditionHealthStatus: 'NEEDS_ATTENTION',
		createdAgoMs: 55 * MINUTE,
		updatedAgoMs: 40 * MINUTE,
	},
	{
		host: 'HLL-WS04',
		sourceType: 'CONDITION_WINDOWS_SERVICE_STATE_CHANGED',
		sourceName: 'Print Spooler stopped',
		subject: 'Windows Service',
		conditionName: 'Windows Service',
		message: 'Service Print Spooler (Spooler) changed state to Stopped',
		severity: 'MINOR',
		priority: 'LOW',
		conditionHealthStatus: 'NEEDS_ATTENTION',
		createdAgoMs: 168 * MINUTE,
		updatedAgoMs: 168 * MINUTE,
	},
	{
		host: 'NWL-DC01',
		sourceType: 'CONDITION_WINDOWS_EVENT_LOG_TRIGGERED',
		sourceName: 'Failed logons (4625)',
		subject: 'Event Log',
		conditionName: 'Windows Event',
		message: 'Event 4625 logged 57 times in 10 minutes: an account failed to log on',
		severity: 'CRITICAL',
		priority: 'HIGH',
		conditionHealthStatus: 'UNHEALTHY',
		createdAgoMs: 10 * MINUTE,
		updatedAgoMs: 2 * MINUTE,
	},
];

export function seedAlerts(world: World): void {
	const alerts = slice(world).alerts;
	for (const { host, createdAgoMs, updatedAgoMs, ...alert } of SEEDED) {
		const device = world.devices.find((d) => d.hostname === host);
		if (!device) continue;
		alerts.push({
			...alert,
			createTime: seededAgo(world, createdAgoMs),
			updateTime: seededAgo(world, updatedAgoMs),
			deviceKey: device.key,
			uid: stableUuid('ninja-alert', host, alert.sourceType),
			sourceConfigUid: stableUuid('ninja-condition', alert.sourceType),
		});
	}
}

/** A device that went offline triggers the agent offline condition, as NinjaOne's default policy does. */
export function raiseOfflineAlerts(world: World): void {
	const alerts = slice(world).alerts;
	for (const device of world.devices) {
		if (
			device.online ||
			alerts.some((a) => a.deviceKey === device.key && a.sourceType === 'AGENT_OFFLINE')
		)
			continue;
		const at = device.lastSeen;
		alerts.push({
			uid: stableUuid('ninja-alert', device.hostname, 'AGENT_OFFLINE', at),
			deviceKey: device.key,
			sourceType: 'AGENT_OFFLINE',
			sourceConfigUid: stableUuid('ninja-condition', 'AGENT_OFFLINE'),
			sourceName: 'Device offline',
			subject: 'Agent',
			conditionName: 'Device Down',
			message: `${device.hostname} has not contacted NinjaOne since ${at}`,
			severity: 'CRITICAL',
			priority: 'HIGH',
			conditionHealthStatus: 'UNHEALTHY',
			createTime: at,
			updateTime: at,
		});
	}
}

export function alertBody(world: World, alert: NinjaAlert, device: Device) {
	return {
		uid: alert.uid,
		deviceId: device.ids.ninjaDeviceId,
		message: alert.message,
		createTime: epochSeconds(alert.createTime),
		updateTime: epochSeconds(alert.updateTime),
		sourceType: alert.sourceType,
		sourceConfigUid: alert.sourceConfigUid,
		sourceName: alert.sourceName,
		subject: alert.subject,
		data: {},
		device: deviceSummary(world, device),
		priority: alert.priority,
		severity: alert.severity,
		conditionName: alert.conditionName,
		conditionHealthStatus: alert.conditionHealthStatus,
		useGlobalHealthStatus: true,
	};
}
