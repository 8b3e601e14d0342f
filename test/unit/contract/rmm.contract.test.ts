import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspDattoRmmApi } from '../../../credentials/MspDattoRmmApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import {
	AlertSchema,
	DeviceSchema,
	hostnameKeyOf,
	JobSchema,
	PatchSchema,
} from '../../../nodes/shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { expectNormalized, expectSameKeys, valuesOf } from './shape';

type Row = Record<string, unknown>;
type Provider = 'ninjaOne' | 'connectWiseAutomate' | 'dattoRmm';
type Resource = 'device' | 'patch' | 'job' | 'alert';

const CREDENTIAL: Record<Provider, string> = {
	ninjaOne: 'mspNinjaOneApi',
	connectWiseAutomate: 'mspConnectWiseAutomateApi',
	dattoRmm: 'mspDattoRmmApi',
};

/**
 * Fields one RMM cannot supply, as docs/nodes/rmm.md lists them ("Fields a provider does not
 * supply"). Anything else one RMM returns, the other must return too.
 */
const ABSENT: Record<Provider, Record<Resource, readonly string[]>> = {
	ninjaOne: {
		device: [],
		// NinjaOne reports no release date for OS patches.
		patch: ['releasedAt'],
		job: [],
		// NinjaOne alerts carry the organization id, not its name.
		alert: ['companyName'],
	},
	connectWiseAutomate: {
		device: [],
		patch: [],
		// Automate reports no exit code.
		job: ['exitCode'],
		alert: [],
	},
	dattoRmm: {
		// Datto RMM has no display name apart from the hostname.
		device: ['displayName'],
		// Datto RMM reports no install date per patch.
		patch: ['installedAt'],
		// Quick job results report Success/Failure per component, no exit code.
		job: ['exitCode'],
		alert: [],
	},
};

/** Script parameters in each RMM's own form. */
const SCRIPT_PARAMETERS: Record<Provider, string> = {
	ninjaOne: '-Drive C',
	connectWiseAutomate: 'drive=C|',
	dattoRmm: 'Drive=C',
};

const SCHEMA = { device: DeviceSchema, patch: PatchSchema, job: JobSchema, alert: AlertSchema };

/**
 * What an operation adds to the resource: the wait's outcome, and the name of the device the patch
 * list or script run was for, with its join key (the device itself is the Device resource).
 */
const OPERATION_FIELDS = ['timedOut', 'hostname', 'hostnameKey'];
const resourceOnly = (rows: Row[]) =>
	rows.map((row) =>
		Object.fromEntries(Object.entries(row).filter(([k]) => !OPERATION_FIELDS.includes(k))),
	);

const node = new MspRmm();
jest.setTimeout(60_000);

describe('RMM contract: one shape on NinjaOne, ConnectWise Automate and Datto RMM', () => {
	let sandbox: Sandbox;
	const out = {} as Record<Provider, Record<Resource, Row[]>>;
	const operationRows = {} as Record<Provider, Row[]>;

	async function run(provider: Provider, parameters: Record<string, unknown>): Promise<Row[]> {
		const credentials = sandbox.n8nCredentials().find((e) => e.type === CREDENTIAL[provider])
			?.data as ICredentialDataDecryptedObject;
		const { ctx } = fakeExecuteContext({
			node: { name: 'MSP RMM', type: 'n8n-nodes-msp-orchestration.mspRmm' },
			parameters: { provider, options: { pollInterval: 1, waitTimeout: 30 }, ...parameters },
			credentials: { [CREDENTIAL[provider]]: { ...credentials } },
			credentialTypes: [
				new MspNinjaOneApi(),
				new MspConnectWiseAutomateApi(),
				new MspDattoRmmApi(),
			],
		});
		const [output] = await node.execute.call(ctx);
		return output.map((o) => o.json as IDataObject);
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 600_000 } });
		const byHost = (value: string) => ({ mode: 'hostname', value });
		for (const provider of ['ninjaOne', 'connectWiseAutomate', 'dattoRmm'] as Provider[]) {
			const searched = await run(provider, {
				resource: 'device',
				operation: 'search',
				returnAll: true,
			});
			const one = await run(provider, {
				resource: 'device',
				operation: 'get',
				device: { mode: 'id', value: String(searched[0].id) },
			});
			const named = await run(provider, {
				resource: 'device',
				operation: 'getByHostname',
				hostname: 'nwl-ws03',
			});
			const patches = await run(provider, {
				resource: 'patch',
				operation: 'list',
				device: byHost('NWL-WS03'),
				statuses: ['pending', 'approved', 'installed', 'failed'],
			});
			const fleet = await run(provider, {
				resource: 'patch',
				operation: 'listFleet',
				statuses: ['approved', 'pending', 'failed'],
				returnAll: true,
			});
			const scripts = await run(provider, {
				resource: 'script',
				operation: 'list',
				nameFilter: 'disk',
			});
			const job = await run(provider, {
				resource: 'script',
				operation: 'run',
				device: byHost('BSD-WS01'),
				script: { mode: 'id', value: String(scripts[0].id) },
				parameters: SCRIPT_PARAMETERS[provider],
				waitForCompletion: true,
			});
			const alerts = await run(provider, { resource: 'alert', operation: 'list' });
			operationRows[provider] = [...patches, ...job];
			out[provider] = {
				device: [...searched, ...one, ...named],
				patch: resourceOnly([...patches, ...fleet]),
				job: resourceOnly(job),
				alert: alerts,
			};
		}
	});
	afterAll(async () => sandbox.stop());

	const resources = Object.keys(SCHEMA) as Resource[];

	it.each(['ninjaOne', 'connectWiseAutomate', 'dattoRmm'] as Provider[])(
		'%s: every device, patch, script run and alert passes the shared schema',
		(provider) => {
			for (const resource of resources)
				expectNormalized(SCHEMA[resource], out[provider][resource], `${provider} ${resource}`);
		},
	);

	it.each(['ninjaOne', 'connectWiseAutomate', 'dattoRmm'] as Provider[])(
		'%s: a patch list and a script run name their device with its join key, as device records do',
		(provider) => {
			for (const row of operationRows[provider])
				expect({ hostname: row.hostname, hostnameKey: row.hostnameKey }).toEqual({
					hostname: expect.any(String),
					hostnameKey: hostnameKeyOf(String(row.hostname)),
				});
		},
	);

	it.each(resources)('%s: the same keys on both, apart from the documented absent fields', (r) => {
		expectSameKeys(
			{ label: 'ninjaOne', rows: out.ninjaOne[r], absent: ABSENT.ninjaOne[r] },
			{
				label: 'connectWiseAutomate',
				rows: out.connectWiseAutomate[r],
				absent: ABSENT.connectWiseAutomate[r],
			},
		);
	});

	it.each(resources)(
		'%s: Datto RMM has the same keys as NinjaOne, apart from the documented absent fields',
		(r) => {
			expectSameKeys(
				{ label: 'dattoRmm', rows: out.dattoRmm[r], absent: ABSENT.dattoRmm[r] },
				{ label: 'ninjaOne', rows: out.ninjaOne[r], absent: ABSENT.ninjaOne[r] },
			);
		},
	);

	it('Datto RMM reads the same estate: host keys, sites as companies, patch states, job status', () => {
		const world = sandbox.world();
		const devices = out.dattoRmm.device;
		expect(valuesOf(devices, 'hostnameKey')).toEqual(
			[...new Set(world.devices.map((d) => d.hostname.toLowerCase()))].sort(),
		);
		for (const device of devices) {
			expect(device.company).toEqual({ id: device.companyId, name: device.companyName });
			expect(device.companyName).toEqual(expect.any(String));
		}
		expect(out.dattoRmm.job.map((j) => j.status)).toEqual(['succeeded']);
		// Datto reports no server role: domain controllers are servers.
		expect(valuesOf(devices, 'type')).toEqual(
			valuesOf(out.ninjaOne.device, 'type').filter((t) => t !== 'domainController'),
		);
		// Datto keeps install failures per device, not per patch: no patch reads `failed`.
		expect(valuesOf(out.dattoRmm.patch, 'status')).toEqual(
			valuesOf(out.ninjaOne.patch, 'status').filter((s) => s !== 'failed' && s !== 'rejected'),
		);
		expect(valuesOf(out.dattoRmm.alert, 'hostnameKey')).toEqual(
			valuesOf(out.ninjaOne.alert, 'hostnameKey'),
		);
	});

	it('the same estate reads the same: host keys, device roles, patch states, job status', () => {
		const world = sandbox.world();
		for (const provider of ['ninjaOne', 'connectWiseAutomate'] as Provider[]) {
			const devices = out[provider].device;
			expect(valuesOf(devices, 'hostnameKey')).toEqual(
				[...new Set(world.devices.map((d) => d.hostname.toLowerCase()))].sort(),
			);
			for (const device of devices) {
				expect(device.company).toEqual({ id: device.companyId, name: device.companyName });
				expect(device.companyName).toEqual(expect.any(String));
			}
			expect(out[provider].job.map((j) => j.status)).toEqual(['succeeded']);
		}
		expect(valuesOf(out.connectWiseAutomate.device, 'type')).toEqual(
			valuesOf(out.ninjaOne.device, 'type').filter((t) => t !== 'domainController'),
		);
		expect(valuesOf(out.connectWiseAutomate.patch, 'status')).toEqual(
			valuesOf(out.ninjaOne.patch, 'status'),
		);
		expect(valuesOf(out.connectWiseAutomate.alert, 'hostnameKey')).toEqual(
			valuesOf(out.ninjaOne.alert, 'hostnameKey'),
		);
	});
});
