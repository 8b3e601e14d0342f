import {
	ContainmentSchema,
	DeviceSchema,
	MitigationActionSchema,
	pollUntil,
	ThreatSchema,
} from '../../../nodes/shared';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Containment, Device, MitigationAction, Threat } from '../../../nodes/shared';
import type { EdrProviderName } from '../../../nodes/MspEdr/providers/types';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { HUNTRESS_IDS } from '../../../sandbox/vendors/huntress';
import { FALCON_IDS } from '../../../sandbox/vendors/crowdstrike';
import { MspCrowdStrikeApi } from '../../../credentials/MspCrowdStrikeApi.credentials';
import { createProvider } from '../../../nodes/MspEdr/providers';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { providerFor, threatIdIn } from '../edr/setup';
import { expectNormalized, expectSameKeys, valuesOf } from './shape';

/**
 * Fields one EDR cannot supply, as docs/nodes/edr.md lists them ("Fields a provider does not
 * supply"). Anything else one provider returns, the other must return too.
 */
const ABSENT: Record<EdrProviderName, Record<'threat' | 'device', readonly string[]>> = {
	sentinelOne: {
		threat: [],
		device: ['displayName'],
	},
	microsoftDefender: {
		// Alerts name the machine group, not its id; they carry no EDR confidence or device role.
		threat: ['companyId', 'edrConfidence', 'deviceType'],
		device: [],
	},
	huntress: {
		// An incident report is the SOC's write-up, not a process detection: no file, process, hash,
		// command line, user, signer, technique or EDR confidence, and no analyst verdict.
		threat: [
			'processName',
			'processPath',
			'sha1',
			'sha256',
			'verdict',
			'commandLine',
			'parentProcess',
			'user',
			'signer',
			'signed',
			'edrConfidence',
			'mitreTechniques',
		],
		// An agent has no display name and no online flag (only its last callback).
		device: ['displayName', 'online'],
	},
	crowdStrike: {
		// Alerts and hosts name the customer account (CID) without its name; Falcon alerts carry no
		// analyst verdict, no SHA-1 and no code-signing facts.
		threat: ['companyName', 'verdict', 'sha1', 'signer', 'signed'],
		device: ['displayName', 'companyName', 'online'],
	},
};

const NAMES: EdrProviderName[] = ['sentinelOne', 'microsoftDefender'];

/** Falcon logs in first (OAuth2 client credentials), so its credential type is loaded with it. */
function crowdStrikeProvider(sandbox: Sandbox) {
	const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspCrowdStrikeApi')!;
	const { ctx } = fakeExecuteContext({
		parameters: {},
		credentials: { mspCrowdStrikeApi: { ...entry.data } as ICredentialDataDecryptedObject },
		credentialTypes: [new MspCrowdStrikeApi()],
	});
	return createProvider('crowdStrike', ctx, ctx.getNode(), {
		pacer: null,
		pageSize: 7,
		sleep: async () => undefined,
	});
}
const fast = { timeoutMs: 5000, intervalMs: 1, sleep: async () => undefined };
const withoutRaw = <T extends { raw?: unknown }>(rows: T[]) =>
	rows.map(({ raw: _raw, ...rest }) => rest as Record<string, unknown>);

describe('EDR contract: one shape on SentinelOne, Microsoft Defender and Huntress', () => {
	let sandbox: Sandbox;
	const threats = {} as Record<EdrProviderName, Threat[]>;
	const devices = {} as Record<EdrProviderName, Device[]>;
	const containments = {} as Record<EdrProviderName, Containment[]>;
	const mitigations = {} as Record<EdrProviderName, MitigationAction[]>;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		sandbox.setTiming({ readsToFinish: 1, msToFinish: 60_000 });
		const world = sandbox.world();
		// One judged threat and one mitigated threat, so verdicts and mitigation states show on both.
		await providerFor(sandbox, 'sentinelOne').updateThreat(world.threats[1].sentinelOneThreatId, {
			verdict: 'falsePositive',
		});
		for (const name of NAMES) {
			const provider = providerFor(sandbox, name);
			const ransomware = world.threats.find((t) => t.scenario === 'ransomware')!;
			const started = await provider.mitigate({
				kind: name === 'sentinelOne' ? 'quarantine' : 'stopAndQuarantineFile',
				threat: await provider.getThreat(threatIdIn(name, ransomware)),
				comment: 'Contract test',
			});
			const done = await pollUntil({
				...fast,
				check: async () => {
					const action = await provider.readMitigation(started);
					return { done: action.status !== 'pending', value: action };
				},
			});
			mitigations[name] = [started, done.value];
		}
		for (const name of NAMES) {
			const provider = providerFor(sandbox, name);
			threats[name] = await provider.listThreats({ returnAll: true });
			const ids = world.devices.map((d) =>
				name === 'sentinelOne' ? d.ids.sentinelOneAgentId : d.ids.defenderMachineId,
			);
			devices[name] = (await provider.getDevices(ids.map((id) => ({ id })))).map((d) => {
				if (d instanceof Error) throw d;
				return d;
			});
			containments[name] = await Promise.all(
				devices[name].slice(0, 5).map(async (d) => await provider.getContainment(d.id)),
			);
		}
		// Huntress: its proposed remediations approved on the ransomware incident, then everything read.
		const huntress = providerFor(sandbox, 'huntress');
		const ransomware = world.threats.find((t) => t.scenario === 'ransomware')!;
		const started = await huntress.mitigate({
			kind: 'approveRemediations',
			threat: await huntress.getThreat(String(HUNTRESS_IDS.incident(world, ransomware))),
			comment: 'Contract test',
		});
		mitigations.huntress = [started, await huntress.readMitigation(started)];
		threats.huntress = await huntress.listThreats({ returnAll: true });
		devices.huntress = (
			await huntress.getDevices(
				world.devices.map((d) => ({ id: String(HUNTRESS_IDS.agent(world, d)) })),
			)
		).map((d) => {
			if (d instanceof Error) throw d;
			return d;
		});
		containments.huntress = await Promise.all(
			devices.huntress.slice(0, 5).map(async (d) => await huntress.getContainment(d.id)),
		);
		// CrowdStrike Falcon: no mitigation in this node; alerts, hosts and containment read.
		const falcon = crowdStrikeProvider(sandbox);
		threats.crowdStrike = await falcon.listThreats({ returnAll: true });
		devices.crowdStrike = (
			await falcon.getDevices(world.devices.map((d) => ({ id: FALCON_IDS.aid(d) })))
		).map((d) => {
			if (d instanceof Error) throw d;
			return d;
		});
		containments.crowdStrike = await falcon
			.getContainments(devices.crowdStrike.slice(0, 5))
			.then((rows) =>
				rows.map((c) => {
					if (c instanceof Error) throw c;
					return c;
				}),
			);
	});
	afterAll(async () => sandbox.stop());

	it.each(NAMES)(
		'%s: every threat, device, containment and mitigation passes the shared schema',
		(name) => {
			expectNormalized(ThreatSchema, withoutRaw(threats[name]), `${name} threat`);
			expectNormalized(DeviceSchema, withoutRaw(devices[name]), `${name} device`);
			expectNormalized(ContainmentSchema, withoutRaw(containments[name]), `${name} containment`);
			expectNormalized(MitigationActionSchema, withoutRaw(mitigations[name]), `${name} mitigation`);
		},
	);

	it('threats and devices have the same keys on both, apart from the documented absent fields', () => {
		for (const resource of ['threat', 'device'] as const) {
			const rows: Record<EdrProviderName, Array<{ raw?: unknown }>> = resource === 'threat'
				? threats
				: devices;
			expectSameKeys(
				{
					label: 'sentinelOne',
					rows: withoutRaw(rows.sentinelOne),
					absent: ABSENT.sentinelOne[resource],
				},
				{
					label: 'microsoftDefender',
					rows: withoutRaw(rows.microsoftDefender),
					absent: ABSENT.microsoftDefender[resource],
				},
			);
		}
	});

	it('enumerations use the same words: mitigation status, verdict, status', () => {
		for (const name of NAMES) {
			expect(valuesOf(threats[name], 'mitigationStatus')).toEqual(['mitigated', 'notMitigated']);
			expect(valuesOf(threats[name], 'verdict')).toEqual(['falsePositive']);
			expect(valuesOf(threats[name], 'status')).toEqual(valuesOf(threats.sentinelOne, 'status'));
			// An unjudged threat has no verdict at all.
			expect(threats[name].filter((t) => t.verdict === undefined).length).toBe(
				threats[name].length - 1,
			);
		}
	});

	it('the same threat reads the same on both: host key, detection time, status, verdict, mitigation', () => {
		const fields = ['hostnameKey', 'detectedAt', 'status', 'verdict', 'mitigationStatus', 'sha1'];
		for (const threat of sandbox.world().threats) {
			const [s1, mde] = NAMES.map((name) => {
				const found = threats[name].find((t) => t.id === threatIdIn(name, threat));
				if (!found) throw new Error(`${name} did not list ${threat.key}`);
				return Object.fromEntries(fields.map((f) => [f, (found as Record<string, unknown>)[f]]));
			});
			expect({ threat: threat.key, ...mde }).toEqual({ threat: threat.key, ...s1 });
		}
	});

	it('the same device has the same host key on both, and the hostname as each vendor shows it', () => {
		const world = sandbox.world();
		for (const device of world.devices) {
			const s1 = devices.sentinelOne.find((d) => d.id === device.ids.sentinelOneAgentId)!;
			const mde = devices.microsoftDefender.find((d) => d.id === device.ids.defenderMachineId)!;
			expect(mde.hostnameKey).toBe(s1.hostnameKey);
			expect(s1.hostnameKey).toBe(device.hostname.toLowerCase());
			// Each keeps its vendor's spelling: SentinelOne the computer name, Defender the first DNS label.
			expect(s1.hostname).toBe(device.hostname);
			expect(mde.hostname.toLowerCase()).toBe(device.hostname.toLowerCase());
		}
	});

	it('a device company is { id, name } from the site or machine group, the same one as before', () => {
		for (const name of NAMES)
			for (const device of devices[name]) {
				expect(device.company).toEqual({ id: device.companyId, name: device.companyName });
				expect(device.company?.id).toEqual(expect.any(String));
				expect(device.company?.name).toEqual(expect.any(String));
			}
		// A threat's company is its device's: the same site on SentinelOne, the same group name on Defender.
		for (const name of NAMES)
			for (const threat of threats[name]) {
				const device = devices[name].find((d) => d.id === threat.deviceId)!;
				expect(threat.company?.name).toBe(device.companyName);
				if (name === 'sentinelOne') expect(threat.company?.id).toBe(device.companyId);
			}
	});
	it('huntress: every threat, device, containment and mitigation passes the shared schema', () => {
		expectNormalized(ThreatSchema, withoutRaw(threats.huntress), 'huntress threat');
		expectNormalized(DeviceSchema, withoutRaw(devices.huntress), 'huntress device');
		expectNormalized(ContainmentSchema, withoutRaw(containments.huntress), 'huntress containment');
		expectNormalized(
			MitigationActionSchema,
			withoutRaw(mitigations.huntress),
			'huntress mitigation',
		);
	});

	it('huntress: threats and devices have the same keys as SentinelOne, apart from the documented absent fields', () => {
		for (const resource of ['threat', 'device'] as const) {
			const rows: Record<EdrProviderName, Array<{ raw?: unknown }>> = resource === 'threat'
				? threats
				: devices;
			expectSameKeys(
				{
					label: 'sentinelOne',
					rows: withoutRaw(rows.sentinelOne),
					absent: ABSENT.sentinelOne[resource],
				},
				{ label: 'huntress', rows: withoutRaw(rows.huntress), absent: ABSENT.huntress[resource] },
			);
		}
	});

	it('huntress: the same threat reads the same: host key, detection time, status, mitigation, company', () => {
		const world = sandbox.world();
		expect(valuesOf(threats.huntress, 'status')).toEqual(valuesOf(threats.sentinelOne, 'status'));
		expect(valuesOf(threats.huntress, 'mitigationStatus')).toEqual(['mitigated', 'notMitigated']);
		for (const threat of world.threats) {
			const s1 = threats.sentinelOne.find((t) => t.id === threatIdIn('sentinelOne', threat))!;
			const found = threats.huntress.find(
				(t) => t.id === String(HUNTRESS_IDS.incident(world, threat)),
			);
			if (!found) throw new Error(`huntress did not list ${threat.key}`);
			const pick = (t: Threat) => [
				t.hostnameKey,
				t.detectedAt,
				t.status,
				t.mitigationStatus,
				t.companyName,
			];
			expect({ threat: threat.key, facts: pick(found) }).toEqual({
				threat: threat.key,
				facts: pick(s1),
			});
			const device = devices.huntress.find((d) => d.id === found.deviceId)!;
			expect(found.company).toEqual(device.company);
		}
	});

	it('huntress: the same device has the same host key, and its organization as { id, name }', () => {
		const world = sandbox.world();
		for (const device of world.devices) {
			const found = devices.huntress.find(
				(d) => d.id === String(HUNTRESS_IDS.agent(world, device)),
			)!;
			const s1 = devices.sentinelOne.find((d) => d.id === device.ids.sentinelOneAgentId)!;
			expect(found.hostname).toBe(device.hostname);
			expect(found.hostnameKey).toBe(s1.hostnameKey);
			expect(found.companyName).toBe(s1.companyName);
			expect(found.company).toEqual({ id: expect.any(String), name: expect.any(String) });
		}
	});

	it('crowdStrike: every threat, device and containment passes the shared schema', () => {
		expectNormalized(ThreatSchema, withoutRaw(threats.crowdStrike), 'crowdStrike threat');
		expectNormalized(DeviceSchema, withoutRaw(devices.crowdStrike), 'crowdStrike device');
		expectNormalized(
			ContainmentSchema,
			withoutRaw(containments.crowdStrike),
			'crowdStrike containment',
		);
	});

	it('crowdStrike: threats and devices have the same keys as SentinelOne, apart from the documented absent fields', () => {
		for (const resource of ['threat', 'device'] as const) {
			const rows: Record<EdrProviderName, Array<{ raw?: unknown }>> = resource === 'threat'
				? threats
				: devices;
			expectSameKeys(
				{
					label: 'sentinelOne',
					rows: withoutRaw(rows.sentinelOne),
					absent: ABSENT.sentinelOne[resource],
				},
				{
					label: 'crowdStrike',
					rows: withoutRaw(rows.crowdStrike),
					absent: ABSENT.crowdStrike[resource],
				},
			);
		}
	});

	it('crowdStrike: the same threat and device read the same: host key, detection time, status, mitigation, CID', () => {
		const world = sandbox.world();
		expect(valuesOf(threats.crowdStrike, 'status')).toEqual(
			valuesOf(threats.sentinelOne, 'status'),
		);
		expect(valuesOf(threats.crowdStrike, 'mitigationStatus')).toEqual([
			'mitigated',
			'notMitigated',
		]);
		for (const threat of world.threats) {
			const s1 = threats.sentinelOne.find((t) => t.id === threatIdIn('sentinelOne', threat))!;
			const found = threats.crowdStrike.find((t) => t.id === FALCON_IDS.alert(world, threat));
			if (!found) throw new Error(`crowdStrike did not list ${threat.key}`);
			const pick = (t: Threat) => [
				t.hostnameKey,
				t.detectedAt,
				t.status,
				t.mitigationStatus,
				t.sha256,
			];
			expect({ threat: threat.key, facts: pick(found) }).toEqual({
				threat: threat.key,
				facts: pick(s1),
			});
			const device = devices.crowdStrike.find((d) => d.id === found.deviceId)!;
			expect(found.company).toEqual(device.company);
			expect(device.company).toEqual({ id: device.companyId });
		}
		for (const device of world.devices) {
			const falcon = devices.crowdStrike.find((d) => d.id === FALCON_IDS.aid(device))!;
			expect(falcon.hostnameKey).toBe(device.hostname.toLowerCase());
			expect(falcon.hostname).toBe(device.hostname);
		}
	});
});
