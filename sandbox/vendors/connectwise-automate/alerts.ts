import { clientOf } from '../../world/engine';
import { MINUTE, seededAgo, worldNow } from '../../world/clock';
import { clientName } from '../../world/names';
import type { Device, World } from '../../world/types';

import { slice, type AutomateAlert } from './slice';

/** Severity items as Automate numbers them [unverified: ids follow the older client enum order]. */
const SEVERITY = {
	informational: [1, 'Informational'],
	warning: [2, 'Warning'],
	error: [3, 'Error'],
	critical: [4, 'Critical'],
} as const;

const SEEDED: Array<{
	host: string;
	monitorId: number;
	monitorName: string;
	severity: keyof typeof SEVERITY;
	source: string;
	message: string;
	fieldName: string;
	ageMs: number;
}> = [
	{
		host: 'BSD-SRV01',
		monitorId: 812,
		monitorName: 'Disk - C: Free Space Low',
		severity: 'error',
		source: 'Remote Monitor',
		message: 'C: has 3% free (7.8 GB of 237.9 GB)',
		fieldName: 'C:',
		ageMs: 80 * MINUTE,
	},
	{
		host: 'NWL-SRV02',
		monitorId: 815,
		monitorName: 'CPU - Usage High',
		severity: 'warning',
		source: 'Remote Monitor',
		message: 'CPU usage above 90% for 15 minutes',
		fieldName: 'CPU',
		ageMs: 55 * MINUTE,
	},
	{
		host: 'HLL-WS04',
		monitorId: 820,
		monitorName: 'Service - Print Spooler',
		severity: 'warning',
		source: 'Internal Monitor',
		message: 'Service Spooler is stopped',
		fieldName: 'Spooler',
		ageMs: 168 * MINUTE,
	},
	{
		host: 'NWL-DC01',
		monitorId: 830,
		monitorName: 'EV - Failed Logons (4625)',
		severity: 'critical',
		source: 'Event Log',
		message: 'Event 4625 logged 57 times in 10 minutes: an account failed to log on',
		fieldName: 'Security',
		ageMs: 10 * MINUTE,
	},
];

export function seedAlerts(world: World): void {
	const alerts = slice(world).alerts;
	SEEDED.forEach((seed, index) => {
		const device = world.devices.find((d) => d.hostname === seed.host);
		if (!device) return;
		const [severityId, severityName] = SEVERITY[seed.severity];
		alerts.push({
			AlertId: 3301 + index,
			computerKey: device.key,
			monitorId: seed.monitorId,
			monitorName: seed.monitorName,
			severityId,
			severityName,
			source: seed.source,
			message: seed.message,
			fieldName: seed.fieldName,
			alertDate: seededAgo(world, seed.ageMs),
		});
	});
}

/** Offline agents raise the "Agent - Offline" internal monitor, as Automate's default monitors do. */
export function raiseOfflineAlerts(world: World): void {
	const alerts = slice(world).alerts;
	for (const device of world.devices) {
		if (device.online || alerts.some((a) => a.computerKey === device.key && a.monitorId === 900))
			continue;
		alerts.push({
			AlertId: 3400 + alerts.length,
			computerKey: device.key,
			monitorId: 900,
			monitorName: 'Agent - Offline',
			severityId: 4,
			severityName: 'Critical',
			source: 'Internal Monitor',
			message: `${device.hostname} agent has not checked in since ${device.lastSeen}`,
			fieldName: 'Agent',
			alertDate: device.lastSeen,
		});
	}
}

function age(world: World, from: string): string {
	const seconds = Math.max(0, Math.floor((worldNow(world) - Date.parse(from)) / 1000));
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** `Automate.Api.Domain.Contracts.Alerts.Alert`. */
export function alertBody(world: World, alert: AutomateAlert, device: Device) {
	const client = clientOf(world, device);
	return {
		AlertId: alert.AlertId,
		Client: { Id: client.ids.automateClientId, Name: clientName(client, 'rmm') },
		Computer: {
			Id: device.ids.automateComputerId,
			Name: device.hostname,
			ComputerStatus: device.online ? 'Online' : 'Offline',
		},
		Location: { Id: client.ids.automateLocationId, Name: 'Main Office' },
		Monitor: { Id: alert.monitorId, Name: alert.monitorName },
		AlertDate: alert.alertDate,
		Severity: { Id: alert.severityId, Name: alert.severityName },
		Source: alert.source,
		Message: alert.message,
		FieldName: alert.fieldName,
		AlertAge: age(world, alert.alertDate),
	};
}
