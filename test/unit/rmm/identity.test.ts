import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { DeviceAnswer } from '../../../sandbox/scenario/devices';
import type { World } from '../../../sandbox/world/types';
import { fakeExecuteContext } from '../helpers/fakeContext';

/**
 * Device identity for the threat-response join: the same hostname at two clients, the Client option
 * of Get by Hostname, domain controllers told from servers where the RMM says so, and ids of the
 * wrong shape refused before anything is sent.
 */
type Case = {
	provider: string;
	credentialType: string;
	vendor: string;
	/** The RMM's id of a device the scenario API answered. */
	idOf: (answer: DeviceAnswer) => string;
	/** The RMM's organization/client id of a sandbox client (by code). */
	clientId: (world: World, code: string) => string;
	/** What a domain controller is in this RMM. */
	dcType: 'domainController' | 'server';
	devicePath: RegExp;
};

const CASES: Case[] = [
	{
		provider: 'ninjaOne',
		credentialType: 'mspNinjaOneApi',
		vendor: 'ninjaone',
		idOf: (a) => String(a.ids.ninjaOne.deviceId),
		clientId: (w, code) => String(w.clients.find((c) => c.code === code)!.ids.ninjaOrganizationId),
		// NinjaOne: a WINDOWS_SERVER whose device role (nodeRoleId, named in GET /v2/roles) is "Domain Controller".
		dcType: 'domainController',
		devicePath: /\/v2\/device\//,
	},
	{
		provider: 'connectWiseAutomate',
		credentialType: 'mspConnectWiseAutomateApi',
		vendor: 'connectwise-automate',
		idOf: (a) => String(a.ids.automate.computerId),
		clientId: (w, code) => String(w.clients.find((c) => c.code === code)!.ids.automateClientId),
		// Automate's Computer has Type Server/Workstation and no role: a domain controller is a server.
		dcType: 'server',
		devicePath: /\/Computers/,
	},
];

const node = new MspRmm();

describe.each(CASES)('MSP RMM device identity: $provider', (c) => {
	let sandbox: Sandbox;
	let credentials: ICredentialDataDecryptedObject;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset({ clients: 3, devicesPerClient: 10 });
		credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === c.credentialType)
				?.data as ICredentialDataDecryptedObject),
		};
	});

	async function run(
		parameters: Record<string, unknown> | ((i: number) => Record<string, unknown>),
		items = 1,
	) {
		const { ctx, requests } = fakeExecuteContext({
			items: Array.from({ length: items }, (_, i) => ({ index: i })),
			parameters: (name, i) =>
				({
					provider: c.provider,
					options: {},
					...(typeof parameters === 'function' ? parameters(i) : parameters),
				})[name],
			credentials: { [c.credentialType]: credentials },
			credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
		});
		const [output] = await node.execute.call(ctx);
		return { json: output.map((o) => o.json), output, requests };
	}
	const byHostname = (hostname: string, client?: string) =>
		run({
			resource: 'device',
			operation: 'getByHostname',
			hostname,
			options: client === undefined ? {} : { client },
		});

	describe('the same hostname at two clients', () => {
		let twin: DeviceAnswer;
		let original: IDataObject;
		beforeEach(async () => {
			original = (await byHostname('NWL-WS03')).json[0];
			// Bright Smile Dental enrols a PC with Northwind's hostname: both RMMs now have two NWL-WS03.
			twin = sandbox.addDevice({ hostname: 'NWL-WS03', client: 'BSD' });
		});

		it('without Client: an error listing both, with client, id and last seen, and how to choose', async () => {
			const error = (await byHostname('nwl-ws03').catch((e: unknown) => e)) as {
				message: string;
				description: string;
			};
			expect(error.message).toMatch(/has 2 devices with hostname "nwl-ws03"/);
			for (const [id, client] of [
				[original.id, 'Northwind Logistics'],
				[c.idOf(twin), 'Bright Smile Dental'],
			])
				expect(error.message).toMatch(
					new RegExp(
						`NWL-WS03 \\(id ${String(id)}, client ${client} \\(\\d+\\), online, last seen \\d{4}-`,
					),
				);
			expect(error.description).toMatch(/Client/);
			expect(error.description).toMatch(/by its ID/);
		});

		it('with Client (name, any case, or id): the device of that client, item by item', async () => {
			const bsd = c.clientId(sandbox.world(), 'BSD');
			const clients = ['bright smile DENTAL', 'Northwind Logistics', bsd];
			const { json, requests } = await run(
				(i) => ({
					resource: 'device',
					operation: 'getByHostname',
					hostname: 'NWL-WS03',
					options: { client: clients[i] },
				}),
				3,
			);
			expect(json.map((d) => [d.id, d.companyId, d.companyName])).toEqual([
				[c.idOf(twin), bsd, 'Bright Smile Dental'],
				[original.id, c.clientId(sandbox.world(), 'NWL'), 'Northwind Logistics'],
				[c.idOf(twin), bsd, 'Bright Smile Dental'],
			]);
			// Reads only: the organization/client list and the hostname lookup.
			expect(requests.every((r) => r.method === 'GET')).toBe(true);
		});

		it('with a Client where it does not exist: not found there, naming the clients that have it', async () => {
			await expect(byHostname('NWL-WS03', 'Harper & Lowe LLP')).rejects.toThrow(
				/no device with hostname "NWL-WS03" in Harper & Lowe LLP \(id \d+\); it exists in (Northwind Logistics \(id \d+\), Bright Smile Dental|Bright Smile Dental \(id \d+\), Northwind Logistics) \(id \d+\)$/,
			);
			await expect(byHostname('NOPE-01', 'Harper & Lowe LLP')).rejects.toThrow(
				/no device with hostname "NOPE-01" in Harper & Lowe LLP \(id \d+\); no other client has one either/,
			);
			await expect(byHostname('NWL-WS03', 'Nope Corp')).rejects.toThrow(
				/has no client named "Nope Corp"/,
			);
		});
	});

	it('a Client name that several organizations share is an error listing them', async () => {
		// A tenant where Harper & Lowe is (also) called Northwind Logistics in the RMM.
		sandbox.reset({
			clients: 3,
			devicesPerClient: 10,
			variations: { clientNames: { HLL: { rmm: 'Northwind Logistics' } } },
		});
		const world = sandbox.world();
		const attempt = byHostname('NWL-WS03', 'northwind logistics');
		await expect(attempt).rejects.toThrow(
			new RegExp(
				`Client "northwind logistics" matches 2 .* clients: Northwind Logistics \\(id ${c.clientId(world, 'NWL')}\\); Northwind Logistics \\(id ${c.clientId(world, 'HLL')}\\)`,
			),
		);
		await expect(attempt).rejects.toMatchObject({ description: expect.stringMatching(/ID/) });
		// By id the same client is unambiguous.
		const { json } = await byHostname('NWL-WS03', c.clientId(world, 'NWL'));
		expect(json[0]).toMatchObject({ hostname: 'NWL-WS03', companyId: c.clientId(world, 'NWL') });
	});

	it('normalizes types: workstation, server and domain controller as the RMM reports them', async () => {
		// A server promoted to domain controller, with a name that does not say so.
		const promoted = sandbox.updateDevice('HLL-SRV02', { type: 'domainController' });
		const { json } = await run(
			(i) => ({
				resource: 'device',
				operation: 'getByHostname',
				hostname: ['NWL-WS01', 'NWL-SRV01', 'NWL-DC01', 'HLL-SRV02'][i],
			}),
			4,
		);
		expect(json.map((d) => [d.hostname, d.type])).toEqual([
			['NWL-WS01', 'workstation'],
			['NWL-SRV01', 'server'],
			['NWL-DC01', c.dcType],
			['HLL-SRV02', c.dcType],
		]);
		const detail = await run({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: c.idOf(promoted) },
		});
		expect(detail.json[0]).toMatchObject({ hostname: 'HLL-SRV02', type: c.dcType });

		// Search for servers includes domain controllers, each with its own type.
		const servers = await run({
			resource: 'device',
			operation: 'search',
			company: { mode: 'id', value: c.clientId(sandbox.world(), 'HLL') },
			deviceType: 'server',
			returnAll: true,
		});
		expect(Object.fromEntries(servers.json.map((d) => [d.hostname as string, d.type]))).toEqual({
			'HLL-SRV01': 'server',
			'HLL-SRV02': c.dcType,
			'HLL-DC01': c.dcType,
		});
		if (c.provider === 'ninjaOne') {
			// The device roles are read once per execution, whatever the number of servers.
			expect(
				servers.requests.filter((r) => new URL(r.url).pathname.endsWith('/v2/roles')),
			).toHaveLength(1);
		}
	});

	describe('ids of the wrong shape are refused before any request', () => {
		const BAD = ['A,B', '0x1F', '1e3', '-5', '1.5', '0', '12 13'];

		it.each(BAD)('device id %p', async (bad) => {
			sandbox.requests.clear();
			const attempts = [
				{ resource: 'device', operation: 'get', device: { mode: 'id', value: bad } },
				{ resource: 'patch', operation: 'list', device: { mode: 'list', value: bad } },
				{ resource: 'patch', operation: 'apply', device: { mode: 'id', value: bad } },
				{
					resource: 'script',
					operation: 'run',
					device: { mode: 'id', value: bad },
					script: { mode: 'id', value: '101' },
				},
				{ resource: 'alert', operation: 'list', deviceId: bad },
			];
			for (const parameters of attempts) {
				const { ctx, requests } = fakeExecuteContext({
					parameters: { provider: c.provider, options: {}, ...parameters },
					credentials: { [c.credentialType]: credentials },
					credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
				});
				const error = (await node.execute.call(ctx).catch((e: unknown) => e)) as Error;
				expect(error.message).toBe(
					`Device ID "${bad}" is not valid for ${c.provider === 'ninjaOne' ? 'NinjaOne' : 'ConnectWise Automate'}: ` +
						`${c.provider === 'ninjaOne' ? 'a NinjaOne device' : 'an Automate computer'} ID is a positive whole number (1 to 2147483647), for example ${c.provider === 'ninjaOne' ? '1013' : '213'}`,
				);
				expect(requests).toEqual([]);
			}
			expect(sandbox.requests.query({ vendor: c.vendor })).toEqual([]);
		});

		it('organization and script ids too', async () => {
			sandbox.requests.clear();
			await expect(
				run({
					resource: 'device',
					operation: 'search',
					company: { mode: 'id', value: '2,3' },
					returnAll: true,
				}),
			).rejects.toThrow(/^Organization ID "2,3" is not valid for .*: .* positive whole number/);
			await expect(
				run({
					resource: 'device',
					operation: 'search',
					company: { mode: 'id', value: '0x2' },
					hostname: 'SRV',
					returnAll: true,
				}),
			).rejects.toThrow(/^Organization ID "0x2" is not valid/);
			await expect(
				run({
					resource: 'script',
					operation: 'run',
					device: { mode: 'id', value: '1013' },
					script: { mode: 'id', value: '1e2' },
				}),
			).rejects.toThrow(
				/^Script ID "1e2" is not valid for .*: .* script ID is a positive whole number/,
			);
			expect(sandbox.requests.query({ vendor: c.vendor })).toEqual([]);
		});
	});

	it('a valid id still reaches the vendor', async () => {
		const device = sandbox.world().devices.find((d) => d.hostname === 'BSD-WS01')!;
		const id = c.provider === 'ninjaOne' ? device.ids.ninjaDeviceId : device.ids.automateComputerId;
		const { json, requests } = await run({
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: ` ${id} ` },
		});
		expect(json[0]).toMatchObject({ id: String(id), hostname: 'BSD-WS01', type: 'workstation' });
		expect(requests.some((r) => c.devicePath.test(new URL(r.url).pathname))).toBe(true);
	});
});
