import { MINUTE } from '../../world/clock';
import type { Device, World } from '../../world/types';
import { clientOf } from '../../world/engine';
import { clientName } from '../../world/names';
import { deviceUid, siteUid } from './mappers';
import { dattoUid, slice, type DattoAlertRecord } from './slice';

/** Monitors triggered in the seeded estate: the same conditions the other RMMs show. */
const SEEDED: Array<{
	host: string;
	priority: string;
	diagnostics: string;
	context: Record<string, unknown>;
	agoMs: number;
}> = [
	{
		host: 'BSD-SRV01',
		priority: 'High',
		diagnostics: 'C: free space below 10% (7.8 GB of 237.9 GB free)',
		context: { '@class': 'perf_disk_usage_ctx', diskName: 'C:', percentage: 90.2 },
		agoMs: 80 * MINUTE,
	},
	{
		host: 'NWL-SRV02',
		priority: 'Moderate',
		diagnostics: 'CPU utilization above 90% for 15 minutes',
		context: { '@class': 'perf_resource_usage_ctx', type: 'CPU', percentage: 93.4 },
		agoMs: 55 * MINUTE,
	},
	{
		host: 'HLL-WS04',
		priority: 'Low',
		diagnostics: 'Service Print Spooler (Spooler) changed state to Stopped',
		context: { '@class': 'srvc_status_ctx', serviceName: 'Spooler', status: 'STOPPED' },
		agoMs: 168 * MINUTE,
	},
	{
		host: 'NWL-DC01',
		priority: 'Critical',
		diagnostics: 'Event 4625 logged 57 times in 10 minutes: an account failed to log on',
		context: { '@class': 'eventlog_ctx', logName: 'Security', code: 4625, count: 57 },
		agoMs: 10 * MINUTE,
	},
];

export function seedAlerts(world: World): void {
	const alerts = slice(world).alerts;
	const created = Date.parse(world.createdAt);
	for (const seeded of SEEDED) {
		const device = world.devices.find((d) => d.hostname === seeded.host);
		if (!device) continue;
		alerts.push({
			uid: dattoUid('alert', seeded.host, String(seeded.context['@class'])),
			deviceKey: device.key,
			priority: seeded.priority,
			diagnostics: seeded.diagnostics,
			context: seeded.context,
			timestamp: created - seeded.agoMs,
			resolved: false,
		});
	}
}

/** A device that went offline raises the online/offline status monitor, as Datto's default policy does. */
export function raiseOfflineAlerts(world: World): void {
	const alerts = slice(world).alerts;
	for (const device of world.devices) {
		const ctx = 'online_offline_status_ctx';
		if (
			device.online ||
			alerts.some((a) => a.deviceKey === device.key && a.context['@class'] === ctx)
		)
			continue;
		alerts.push({
			uid: dattoUid('alert', device.hostname, ctx, device.lastSeen),
			deviceKey: device.key,
			priority: 'High',
			diagnostics: `${device.hostname} is offline`,
			context: { '@class': ctx, previousStatus: 'online', currentStatus: 'offline' },
			timestamp: Date.parse(device.lastSeen),
			resolved: false,
		});
	}
}

export function alertBody(world: World, alert: DattoAlertRecord, device: Device) {
	const client = clientOf(world, device);
	return {
		alertUid: alert.uid,
		priority: alert.priority,
		diagnostics: alert.diagnostics,
		resolved: alert.resolved,
		...(alert.resolvedOn ? { resolvedBy: 'API', resolvedOn: alert.resolvedOn } : {}),
		muted: false,
		timestamp: alert.timestamp,
		alertMonitorInfo: { sendsEmails: true, createsTicket: false },
		alertContext: alert.context,
		alertSourceInfo: {
			deviceUid: deviceUid(device),
			deviceName: device.hostname,
			siteUid: siteUid(client),
			siteName: clientName(client, 'rmm'),
		},
		responseActions: [],
		autoresolveMins: 60,
	};
}
