import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspDattoRmmApi } from '../../../credentials/MspDattoRmmApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Device, type Sandbox, type Script } from '../../../sandbox';
import { deviceUid } from '../../../sandbox/vendors/datto-rmm/mappers';
import { fakeExecuteContext } from '../helpers/fakeContext';

/**
 * Run Script with Skip If Run Since, on every RMM against the sandbox: a workflow that lost its own record of a
 * run (a ticket note that could not be written) finds the run in the RMM instead of starting the script again.
 */
const RMMS: Array<{
	provider: string;
	credential: string;
	type: ICredentialType;
	device: (device: Device) => string;
	/** The script's id, or undefined to take it from Script > Get Many by name. */
	script: (script: Script) => string | undefined;
}> = [
	{
		provider: 'ninjaOne',
		credential: 'mspNinjaOneApi',
		type: new MspNinjaOneApi(),
		device: (d) => String(d.ids.ninjaDeviceId),
		script: (s) => String(s.ninjaScriptId),
	},
	{
		provider: 'connectWiseAutomate',
		credential: 'mspConnectWiseAutomateApi',
		type: new MspConnectWiseAutomateApi(),
		device: (d) => String(d.ids.automateComputerId),
		script: (s) => String(s.automateScriptId),
	},
	{
		provider: 'dattoRmm',
		credential: 'mspDattoRmmApi',
		type: new MspDattoRmmApi(),
		device: (d) => deviceUid(d),
		script: () => undefined,
	},
];

describe.each(RMMS)('MSP RMM $provider: Run Script with Skip If Run Since', (rmm) => {
	let sandbox: Sandbox;
	const node = new MspRmm();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 1, msToFinish: 600_000 } });
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.reset());

	async function execute(parameters: Record<string, unknown>) {
		const credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === rmm.credential)
				?.data as ICredentialDataDecryptedObject),
		};
		const { ctx } = fakeExecuteContext({
			node: { name: 'MSP RMM', type: 'n8n-nodes-msp-orchestration.mspRmm' },
			parameters: {
				provider: rmm.provider,
				options: { pollInterval: 1, waitTimeout: 30 },
				...parameters,
			},
			credentials: { [rmm.credential]: credentials },
			credentialTypes: [rmm.type],
		});
		const [out] = await node.execute.call(ctx);
		return out.map((o) => o.json as IDataObject);
	}

	const host = () => sandbox.world().devices.find((d) => d.hostname === 'BSD-WS02')!;
	const cleanup = () =>
		sandbox.world().scripts.find((s) => s.name === 'Remove Malicious Persistence')!;
	async function scriptId() {
		const known = rmm.script(cleanup());
		if (known) return known;
		const [listed] = await execute({
			resource: 'script',
			operation: 'list',
			nameFilter: cleanup().name,
		});
		return String(listed.id);
	}
	const runs = () =>
		sandbox.world().operations.filter((o) => o.kind === 'script' && o.deviceKey === host().key);
	const runScript = async (since: string) =>
		(
			await execute({
				resource: 'script',
				operation: 'run',
				device: { mode: 'id', value: rmm.device(host()) },
				script: { mode: 'id', value: await scriptId() },
				skipIfRunSince: since,
			})
		)[0];

	it('starts the script once; a later run given the same time returns that run, which Get Result follows', async () => {
		const since = new Date(Date.now() - 60_000).toISOString();
		const first = await runScript(since);
		expect(first.alreadyRan).toBeUndefined();
		expect(runs()).toHaveLength(1);

		const again = await runScript(since);
		expect(again).toMatchObject({ alreadyRan: true });
		expect(runs()).toHaveLength(1);
		const [result] = await execute({
			resource: 'script',
			operation: 'getResult',
			device: { mode: 'id', value: rmm.device(host()) },
			runId: String(again.id),
		});
		expect(result).toMatchObject({ status: 'succeeded' });
	});

	it('a run from before the time does not count: the script starts again', async () => {
		await runScript(new Date(Date.now() - 60_000).toISOString());
		const later = await runScript(new Date(Date.now() + 3_600_000).toISOString());
		expect(later.alreadyRan).toBeUndefined();
		expect(runs()).toHaveLength(2);
	});

	it("a run on another client's device of the same hostname does not count: the script starts on this one", async () => {
		const since = new Date(Date.now() - 60_000).toISOString();
		const twin = sandbox.addDevice({ hostname: 'BSD-WS02', client: 'NWL' }).device;
		const other = sandbox.world().devices.find((d) => d.key === twin.key)!;
		const [elsewhere] = await execute({
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: rmm.device(other) },
			script: { mode: 'id', value: await scriptId() },
		});
		expect(elsewhere.alreadyRan).toBeUndefined();

		const here = await runScript(since);
		expect(here.alreadyRan).toBeUndefined();
		expect(runs()).toHaveLength(1);
	});

	it('refuses a value that is not a time before anything is sent', async () => {
		await expect(runScript('when the ticket opened')).rejects.toThrow(
			/Skip If Run Since "when the ticket opened" is not a time/,
		);
		expect(runs()).toHaveLength(0);
	});
});
