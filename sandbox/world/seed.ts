import { DAY, HOUR, MINUTE } from './clock';
import { createRng, type Rng } from './rng';
import type {
	Client,
	Device,
	DeviceType,
	Patch,
	ScaleOptions,
	Script,
	Severity,
	Threat,
	World,
} from './types';

/** The three clients of the default estate; more are generated for scale runs. */
const NAMED_CLIENTS = [
	{ name: 'Bright Smile Dental', code: 'BSD', industry: 'Dental practice' },
	{ name: 'Northwind Logistics', code: 'NWL', industry: 'Logistics' },
	{ name: 'Harper & Lowe LLP', code: 'HLL', industry: 'Law office' },
];

const FIRST_NAMES = [
	'amelia',
	'ben',
	'chloe',
	'daniel',
	'ella',
	'finn',
	'grace',
	'harry',
	'isla',
	'jack',
	'lily',
	'max',
];

/**
 * Monthly Windows updates: every device gets a selection of these. Release dates are ages before the world's
 * clock (last month's Patch Tuesday and this month's, plus a recent definition update); titles carry the
 * release month as Microsoft writes it ("2026-11 Cumulative Update ...").
 */
type CatalogEntry = Omit<
	Patch,
	'key' | 'deviceKey' | 'id' | 'uuid' | 'status' | 'installedAt' | 'releasedAt' | 'title'
> & {
	title: string;
	/** How long before the world's clock the update was released. */
	ageMs: number;
	/** Last month's cycle is mostly installed already; this month's is what the cycle has to deploy. */
	cycle: 'previous' | 'current';
	serverOnly?: boolean;
};
const PREVIOUS_CYCLE = 40 * DAY + 15 * HOUR;
const CURRENT_CYCLE = 13 * DAY + 15 * HOUR;
const UPDATE_CATALOG: CatalogEntry[] = [
	{
		kb: 'KB5044284',
		title: '{month} Cumulative Update for Windows 11 Version 24H2 for x64-based Systems',
		cves: ['CVE-2026-38102', 'CVE-2026-38113'],
		severity: 'critical',
		category: 'security',
		ageMs: PREVIOUS_CYCLE,
		cycle: 'previous',
	},
	{
		kb: 'KB5044033',
		title: '{month} Cumulative Update for .NET Framework 3.5 and 4.8.1',
		cves: ['CVE-2026-38091'],
		severity: 'high',
		category: 'security',
		ageMs: PREVIOUS_CYCLE,
		cycle: 'previous',
	},
	{
		kb: 'KB5043936',
		title: 'Windows Malicious Software Removal Tool x64 - v5.130',
		cves: [],
		severity: 'medium',
		category: 'updateRollup',
		ageMs: PREVIOUS_CYCLE,
		cycle: 'previous',
	},
	{
		kb: 'KB5045935',
		title: '{month} Cumulative Update for Windows 11 Version 24H2 for x64-based Systems',
		cves: ['CVE-2026-41001', 'CVE-2026-41022', 'CVE-2026-41037'],
		severity: 'critical',
		category: 'security',
		ageMs: CURRENT_CYCLE,
		cycle: 'current',
	},
	{
		kb: 'KB5045991',
		title: '{month} Security Update for Microsoft Office LTSC 2024',
		cves: ['CVE-2026-41110'],
		severity: 'high',
		category: 'security',
		ageMs: CURRENT_CYCLE,
		cycle: 'current',
	},
	{
		kb: 'KB2267602',
		title:
			'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.421.512.0)',
		cves: [],
		severity: 'low',
		category: 'definition',
		ageMs: 3 * DAY + 23 * HOUR,
		cycle: 'current',
	},
	{
		kb: 'KB5045934',
		title:
			'{month} Cumulative Update for Microsoft server operating system version 24H2 for x64-based Systems',
		cves: ['CVE-2026-41001', 'CVE-2026-41048'],
		severity: 'critical',
		category: 'security',
		ageMs: CURRENT_CYCLE,
		cycle: 'current',
		serverOnly: true,
	},
];

const SCRIPTS: Array<Omit<Script, 'key' | 'ninjaScriptId' | 'automateScriptId'>> = [
	{
		name: 'Remove Malicious Persistence',
		description:
			'Removes scheduled tasks, Run keys and services created by a detected threat, then clears temp folders.',
		language: 'powershell',
		category: 'Security',
		output:
			'Scanning persistence on {{hostname}}\nRemoved scheduled task \\Microsoft\\Windows\\UpdateOrchestrator\\InvoiceSync\nRemoved HKCU Run key "invoice_viewer"\nCleared 412 files from temp folders\nParameters: {{params}}\nCleanup completed',
		exitCode: 0,
	},
	{
		name: 'Collect Triage Package',
		description:
			'Collects running processes, autoruns, recent event logs and network connections into a zip for the incident record.',
		language: 'powershell',
		category: 'Security',
		output:
			'Collected 214 processes, 96 autoruns, 5000 events and 38 connections on {{hostname}}\nPackage: C:\\ProgramData\\MSP\\triage-{{hostname}}.zip',
		exitCode: 0,
	},
	{
		name: 'Restart Windows Update Services',
		description:
			'Stops wuauserv and bits, clears SoftwareDistribution and starts the services again.',
		language: 'powershell',
		category: 'Patching',
		output:
			'wuauserv stopped\nbits stopped\nSoftwareDistribution cleared\nServices started on {{hostname}}',
		exitCode: 0,
	},
	{
		name: 'Reboot If Pending',
		description: 'Reboots the device only when Windows reports a pending reboot.',
		language: 'powershell',
		category: 'Maintenance',
		output: 'No reboot pending on {{hostname}}',
		exitCode: 0,
	},
	{
		name: 'Check Disk Space',
		description: 'Reports free space per volume and fails when the system drive is below 10%.',
		language: 'powershell',
		category: 'Maintenance',
		output: 'C: 38.2 GB free of 237.9 GB (16%) on {{hostname}}',
		exitCode: 0,
	},
	{
		name: 'Fail On Purpose',
		description: 'Exits with code 1: used to prove failure handling in workflows.',
		language: 'cmd',
		category: 'Testing',
		output: 'Simulated failure on {{hostname}}',
		exitCode: 1,
	},
];

/** The part of a threat a scenario describes; ids, hashes and state are filled in by makeThreat. */
export type ThreatSeed = Omit<
	Threat,
	| 'key'
	| 'deviceKey'
	| 'sentinelOneThreatId'
	| 'defenderAlertId'
	| 'sha1'
	| 'sha256'
	| 'updatedAt'
	| 'status'
	| 'verdict'
	| 'mitigationStatus'
	| 'mitigations'
	| 'notes'
>;

export const DEFAULT_SCALE: ScaleOptions = { clients: 3, devicesPerClient: 10, threats: 0 };

/**
 * A fresh estate generated from `seed`, with every timestamp relative to `now` (default: this moment): the same seed
 * and `now` give the same world. The world then ages in real time from `now` (see clock.ts).
 */
export function seedWorld(
	seed = 1,
	scale: Partial<ScaleOptions> = {},
	scenario = 'default',
	now = Date.now(),
): World {
	const rng = createRng(seed);
	const size = { ...DEFAULT_SCALE, ...scale };
	const world: World = {
		seed,
		scenario,
		createdAt: new Date(now).toISOString(),
		clockOffsetMs: now - Date.now(),
		clients: [],
		devices: [],
		patches: [],
		threats: [],
		scripts: [],
		operations: [],
		vendors: {},
		sequences: {},
		scale: size,
	};
	for (let c = 0; c < size.clients; c++) world.clients.push(makeClient(c, rng));
	for (const client of world.clients) {
		for (let d = 0; d < size.devicesPerClient; d++)
			world.devices.push(makeDevice(world, client, d, size.devicesPerClient, rng, now));
	}
	for (const device of world.devices) addPatches(world, device, rng, now);
	SCRIPTS.forEach((script, index) => {
		world.scripts.push({
			...script,
			key: `script-${index + 1}`,
			ninjaScriptId: 101 + index,
			automateScriptId: 6001 + index,
		});
	});
	addScenarioThreats(world, rng, now);
	for (let t = 0; t < size.threats; t++) addGeneratedThreat(world, rng, t, now);
	markScenarioDevices(world);
	return world;
}

function makeClient(index: number, rng: Rng): Client {
	const named = NAMED_CLIENTS[index];
	const code = named?.code ?? `C${String(index + 1).padStart(3, '0')}`;
	const name = named?.name ?? `Client ${String(index + 1).padStart(3, '0')} Ltd`;
	return {
		key: `client-${index + 1}`,
		name,
		code,
		industry:
			named?.industry ??
			rng.pick(['Accounting', 'Manufacturing', 'Retail', 'Healthcare', 'Construction']),
		ids: {
			connectwiseCompanyId: 250 + index,
			connectwiseIdentifier: name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20),
			haloClientId: 12 + index,
			ninjaOrganizationId: 1 + index,
			automateClientId: 31 + index,
			automateLocationId: 101 + index,
			sentinelOneSiteId: `1${String(800000000000000000 + index * 7919).slice(1)}`,
			sentinelOneAccountId: '1700000000000000001',
			defenderMachineGroup: `${code} Endpoints`,
			huduCompanyId: 5 + index,
		},
	};
}

function deviceTypeAt(index: number, perClient: number): DeviceType {
	if (index === perClient - 1) return 'domainController';
	if (index >= perClient - 3) return 'server';
	return 'workstation';
}

function makeDevice(
	world: World,
	client: Client,
	index: number,
	perClient: number,
	rng: Rng,
	now: number,
): Device {
	const type = deviceTypeAt(index, perClient);
	const serverNumber = type === 'server' ? index - (perClient - 3) + 1 : 1;
	const hostname =
		type === 'domainController'
			? `${client.code}-DC01`
			: type === 'server'
				? `${client.code}-SRV${String(serverNumber).padStart(2, '0')}`
				: `${client.code}-WS${String(index + 1).padStart(2, '0')}`;
	const isServer = type !== 'workstation';
	return buildDevice(
		world,
		client,
		{
			hostname,
			type,
			ipAddress: `10.${10 + world.clients.indexOf(client)}.${isServer ? 0 : 1}.${10 + index}`,
		},
		rng,
		now,
	);
}

/** What makes one device: the seed derives it from the estate's pattern, a scenario takes it from the caller. */
export interface DeviceSpec {
	hostname: string;
	type: DeviceType;
	ipAddress: string;
	/** Default: Windows 11 Pro for workstations, Windows Server 2025 Standard otherwise. */
	os?: string;
	osBuild?: string;
}

/**
 * A device of `client` with fresh ids in every vendor. The device sequence continues across seeding and
 * later additions (`world.sequences.device`), so every vendor id stays unique for the life of the world.
 */
export function buildDevice(
	world: World,
	client: Client,
	spec: DeviceSpec,
	rng: Rng,
	now: number,
): Device {
	const sequence = nextId(world, 'device', 0);
	const isServer = spec.type !== 'workstation';
	const lastSeen = new Date(now - rng.int(1, 20) * MINUTE).toISOString();
	return {
		key: `device-${sequence + 1}`,
		clientKey: client.key,
		hostname: spec.hostname,
		type: spec.type,
		os: spec.os ?? (isServer ? 'Windows Server 2025 Standard' : 'Windows 11 Pro'),
		osBuild: spec.osBuild ?? (isServer ? '10.0.26100.2314' : '10.0.26100.2161'),
		serialNumber: `${isServer ? 'CZ' : '5CG'}${rng.digits(7)}`,
		ipAddress: spec.ipAddress,
		macAddress: Array.from({ length: 6 }, () => rng.hex(2))
			.join(':')
			.toUpperCase(),
		lastLoggedOnUser: isServer
			? 'Administrator'
			: `${client.code.toLowerCase()}\\${rng.pick(FIRST_NAMES)}`,
		online: true,
		lastSeen,
		containment: 'released',
		ids: {
			ninjaDeviceId: 1001 + sequence,
			automateComputerId: 201 + sequence,
			sentinelOneAgentId: String(1900000000000000000n + BigInt(sequence * 104729)),
			sentinelOneAgentUuid: `${rng.hex(8)}${rng.hex(8)}${rng.hex(8)}${rng.hex(8)}`,
			defenderMachineId: rng.hex(40),
			huduAssetId: 7001 + sequence,
			connectwiseConfigurationId: 3001 + sequence,
			haloAssetId: 401 + sequence,
		},
	};
}

/** The Windows updates a device of its type gets, released relative to `now` (the world's generation instant). */
export function addPatches(world: World, device: Device, rng: Rng, now: number): void {
	const isServer = device.type !== 'workstation';
	for (const entry of UPDATE_CATALOG) {
		if (entry.serverOnly && !isServer) continue;
		if (!entry.serverOnly && isServer && entry.kb === 'KB5045935') continue;
		const { serverOnly: _serverOnly, ageMs, cycle, title, ...update } = entry;
		const released = now - ageMs;
		const status =
			cycle === 'previous'
				? rng.chance(0.85)
					? 'installed'
					: 'approved'
				: update.category === 'definition'
					? 'installed'
					: rng.chance(0.7)
						? 'approved'
						: 'pending';
		const id = nextId(world, 'patch', 88001);
		// Installed a few days after release, and never later than an hour ago.
		const installedAt = Math.min(released + rng.int(2, 6) * DAY, now - HOUR);
		world.patches.push({
			...update,
			title: title.replace('{month}', new Date(released).toISOString().slice(0, 7)),
			releasedAt: new Date(released).toISOString(),
			key: `patch-${id}`,
			id,
			uuid: uuidFrom(rng),
			deviceKey: device.key,
			status,
			installedAt: status === 'installed' ? new Date(installedAt).toISOString() : undefined,
		});
	}
}

/** The named scenarios the templates are built around (see docs/sandbox.md). */
function markScenarioDevices(world: World): void {
	const byHost = (host: string) => world.devices.find((d) => d.hostname === host);
	const failing = byHost('NWL-WS03');
	if (failing) failing.failsPatchInstall = true;
	const offline = byHost('HLL-SRV01');
	if (offline) offline.staysOfflineAfterReboot = true;
	// Every November cumulative update on the named devices is approved so the scenario is visible.
	for (const device of [failing, offline]) {
		if (!device) continue;
		for (const patch of world.patches) {
			if (patch.deviceKey === device.key && patch.status === 'pending') patch.status = 'approved';
		}
	}
}

function addScenarioThreats(world: World, rng: Rng, now: number): void {
	const host = (name: string) => world.devices.find((d) => d.hostname === name);
	const ago = (ms: number) => new Date(now - ms).toISOString();
	const scenarios: Array<{ host: string; threat: ThreatSeed }> = [
		{
			host: 'BSD-WS02',
			threat: {
				title: 'Ransomware behaviour: mass file encryption by invoice_viewer.exe',
				classification: 'Ransomware',
				severity: 'critical',
				confidence: 'malicious',
				processName: 'invoice_viewer.exe',
				filePath: 'C:\\Users\\chloe\\AppData\\Local\\Temp\\invoice_viewer.exe',
				signed: false,
				commandLine:
					'"C:\\Users\\chloe\\AppData\\Local\\Temp\\invoice_viewer.exe" --silent --encrypt C:\\Users',
				mitreTechniques: ['T1486', 'T1490', 'T1059.001'],
				detectedAt: ago(17 * MINUTE + 50_000),
				scenario: 'ransomware',
			},
		},
		{
			host: 'NWL-WS05',
			threat: {
				title: 'Potentially unwanted application: BrowserAssistant adware',
				classification: 'PUA',
				severity: 'low',
				confidence: 'suspicious',
				processName: 'browserassistant.exe',
				filePath: 'C:\\Program Files (x86)\\BrowserAssistant\\browserassistant.exe',
				signed: true,
				signer: 'Lavasoft Software Canada Inc.',
				commandLine: '"C:\\Program Files (x86)\\BrowserAssistant\\browserassistant.exe" /update',
				mitreTechniques: [],
				detectedAt: ago(HOUR + 45 * MINUTE),
				scenario: 'pup',
			},
		},
		{
			host: 'HLL-WS01',
			threat: {
				title: 'Remote execution tool launched: PsExec64.exe',
				classification: 'Hacktool',
				severity: 'medium',
				confidence: 'suspicious',
				processName: 'PsExec64.exe',
				filePath: 'C:\\Tools\\Sysinternals\\PsExec64.exe',
				signed: true,
				signer: 'Microsoft Corporation',
				commandLine: 'PsExec64.exe \\\\HLL-SRV02 -s cmd /c "gpupdate /force"',
				mitreTechniques: ['T1569.002'],
				detectedAt: ago(2 * HOUR + 56 * MINUTE + 16_000),
				scenario: 'falsePositiveAdminTool',
			},
		},
		{
			host: 'NWL-SRV01',
			threat: {
				title: 'Credential theft: LSASS memory dumped by rundll32.exe (comsvcs MiniDump)',
				classification: 'Malware',
				severity: 'high',
				confidence: 'malicious',
				processName: 'rundll32.exe',
				filePath: 'C:\\Windows\\System32\\rundll32.exe',
				signed: true,
				signer: 'Microsoft Windows',
				commandLine:
					'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\ProgramData\\lsass.dmp full',
				mitreTechniques: ['T1003.001', 'T1218.011'],
				detectedAt: ago(4 * MINUTE + 29_000),
				scenario: 'serverCredentialTheft',
			},
		},
	];
	for (const { host: name, threat } of scenarios) {
		const device = host(name);
		if (device) world.threats.push(makeThreat(world, device, threat, rng));
	}
}

function addGeneratedThreat(world: World, rng: Rng, index: number, now: number): void {
	const device = world.devices[rng.int(0, world.devices.length - 1)];
	const severity = rng.pick<Severity>([
		'critical',
		'high',
		'medium',
		'low',
		'low',
		'informational',
	]);
	const name = rng.pick([
		'svchost32.exe',
		'updater_tool.exe',
		'chromesetup.exe',
		'powershell.exe',
		'wscript.exe',
	]);
	world.threats.push(
		makeThreat(
			world,
			device,
			{
				title: `Suspicious activity by ${name}`,
				classification: rng.pick(['Trojan', 'PUA', 'Malware', 'Hacktool', 'Generic.Suspicious']),
				severity,
				confidence: rng.chance(0.5) ? 'malicious' : 'suspicious',
				processName: name,
				filePath: `C:\\Users\\Public\\${name}`,
				signed: false,
				commandLine: `C:\\Users\\Public\\${name} -k netsvcs`,
				mitreTechniques: ['T1059'],
				detectedAt: new Date(now - (index + 1) * 97_000).toISOString(),
				scenario: 'generated',
			},
			rng,
		),
	);
}

export function makeThreat(world: World, device: Device, threat: ThreatSeed, rng: Rng): Threat {
	const sequence = nextId(world, 'threat', 1);
	return {
		...threat,
		key: `threat-${sequence}`,
		deviceKey: device.key,
		sentinelOneThreatId: String(2100000000000000000n + BigInt(sequence * 7717)),
		defenderAlertId: `da${rng.digits(18)}_${rng.digits(10)}`,
		sha1: rng.hex(40),
		sha256: rng.hex(64),
		updatedAt: threat.detectedAt,
		status: 'new',
		verdict: 'undefined',
		mitigationStatus: 'notMitigated',
		mitigations: [],
		notes: [],
	};
}

export function nextId(world: World, sequence: string, start: number): number {
	const value = world.sequences[sequence] ?? start;
	world.sequences[sequence] = value + 1;
	return value;
}

function uuidFrom(rng: Rng): string {
	const h = rng.hex(32);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
