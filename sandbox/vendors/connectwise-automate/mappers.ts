import { clientOf } from '../../world/engine';
import { DAY, seededAgo, worldIso } from '../../world/clock';
import { clientName } from '../../world/names';
import type { Client, Device, Patch, Script, World } from '../../world/types';

/** `LabTech.Models.Client` (the spec types `Id` as a string). */
export function clientBody(client: Client) {
	return {
		Id: String(client.ids.automateClientId),
		Name: clientName(client, 'rmm'),
		Company: clientName(client, 'rmm'),
		City: ['Leeds', 'Bristol', 'London'][client.ids.automateClientId % 3],
		Country: 'United Kingdom',
		ExternalId: client.ids.connectwiseIdentifier,
		Comment: client.industry,
	};
}

/** `LabTech.Models.Computer` (`Id` typed string in the spec; sent as such). */
export function computerBody(world: World, device: Device) {
	const client = clientOf(world, device);
	const server = device.type !== 'workstation';
	const lastContact = device.online ? worldIso(world) : device.lastSeen;
	return {
		Id: String(device.ids.automateComputerId),
		ComputerName: device.hostname,
		FriendlyName: device.hostname,
		Client: { Id: String(client.ids.automateClientId), Name: clientName(client, 'rmm') },
		Location: { Id: client.ids.automateLocationId, Name: 'Main Office' },
		OperatingSystemName: `Microsoft ${device.os} x64`,
		OperatingSystemVersion: device.osBuild,
		DomainName: client.code,
		RemoteAgentVersion: '2025.5.102.0',
		RemoteAgentLastContact: lastContact,
		LastHeartbeat: lastContact,
		LocalIPAddress: device.ipAddress,
		GatewayIPAddress: device.ipAddress.replace(/\.\d+$/, '.1'),
		MACAddress: device.macAddress.replace(/:/g, '-'),
		LastUserName: device.lastLoggedOnUser,
		Type: server ? 'Server' : 'Workstation',
		Status: device.online ? 'Online' : 'Offline',
		IsRebootNeeded: false,
		IsMaintenanceModeEnabled: false,
		IsVirtualMachine: server,
		SerialNumber: device.serialNumber,
		TotalMemory: server ? 32768 : 16384,
		FreeMemory: server ? 14210 : 7310,
		CpuUsage: 6,
		DateAdded: seededAgo(world, 661 * DAY),
		WindowsUpdateDate: lastPatched(world, device) ?? seededAgo(world, 35 * DAY),
	};
}

export function lastPatched(world: World, device: Device): string | undefined {
	const dates = world.patches
		.filter((p) => p.deviceKey === device.key && p.installedAt)
		.map((p) => p.installedAt as string);
	return dates.sort().pop();
}

/** `LabTech.Models.Script`. */
export function scriptBody(world: World, script: Script) {
	return {
		Id: String(script.automateScriptId),
		Folder: { Id: String(folderId(script)), ParentId: '1', Name: script.category },
		Name: script.name,
		Comments: script.description,
		IsComputerScript: true,
		IsLocationScript: false,
		IsMaintenanceScript: false,
		IsFunctionScript: false,
		IsOffline: false,
		Version: 3,
		GUID: `0e5c${String(script.automateScriptId).padStart(4, '0')}-6a1b-4c2d-8e3f-${String(script.automateScriptId).padStart(12, '0')}`,
		Parameters: [],
		FullFolderPath: `MSP Scripts\\${script.category}`,
		UpdateDate: seededAgo(world, 84 * DAY),
		UpdatedBy: 'msp-admin',
	};
}

function folderId(script: Script): number {
	return { Security: 11, Patching: 12, Maintenance: 13, Testing: 14 }[script.category] ?? 15;
}

const SEVERITY: Record<Patch['severity'], string> = {
	critical: 'Critical',
	high: 'Important',
	medium: 'Moderate',
	low: 'Low',
	informational: '',
};
const CVSS: Record<Patch['severity'], number> = {
	critical: 9.8,
	high: 8.1,
	medium: 5.5,
	low: 3.1,
	informational: 0,
};
const CATEGORY: Record<Patch['category'], string> = {
	security: 'Security Updates',
	critical: 'Critical Updates',
	definition: 'Definition Updates',
	featurePack: 'Feature Packs',
	updateRollup: 'Update Rollups',
};

/**
 * Approval as Automate's patch policy sets it. [unverified] The `PolicyApproval` names are
 * not documented; Approved / Not Approved / Ignored are used.
 */
function approval(patch: Patch): { Id: number; Name: string } {
	if (patch.status === 'rejected') return { Id: 3, Name: 'Ignored' };
	if (patch.status === 'pending') return { Id: 2, Name: 'Not Approved' };
	return { Id: 1, Name: 'Approved' };
}

/** `LabTech.Models.ComputerMicrosoftUpdateData`: `InstallState` Installed / Missing / Failed. */
export function microsoftUpdate(device: Device, patch: Patch) {
	const installed = patch.status === 'installed';
	const failed = patch.status === 'failed';
	return {
		Category: CATEGORY[patch.category],
		ComputerId: device.ids.automateComputerId,
		...(patch.installedAt ? { InstallDate: patch.installedAt } : {}),
		InstallState: installed ? 'Installed' : failed ? 'Failed' : 'Missing',
		IsCompliant: installed,
		IsFailed: failed,
		IsInstalled: installed,
		IsNonCompliant: !installed,
		KnowledgeBaseId: Number(patch.kb.replace(/^KB/i, '')),
		MicrosoftUpdateId: patch.uuid,
		PolicyApproval: approval(patch),
		ReleaseDate: patch.releasedAt,
		Severity: SEVERITY[patch.severity],
		Title: `${patch.title} (${patch.kb})`,
		Cvss: patch.cves.length ? CVSS[patch.severity] : 0,
	};
}
