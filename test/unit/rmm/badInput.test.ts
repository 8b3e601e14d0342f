import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { fakeExecuteContext } from '../helpers/fakeContext';

describe('MSP RMM: bad input and vendor errors', () => {
	let sandbox: Sandbox;
	const node = new MspRmm();

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset({ clients: 3, devicesPerClient: 10 }));

	function context(
		provider: string,
		type: string,
		parameters: Record<string, unknown>,
		data?: ICredentialDataDecryptedObject,
	) {
		const credentials = data ?? {
			...(sandbox.n8nCredentials().find((e) => e.type === type)
				?.data as ICredentialDataDecryptedObject),
		};
		return fakeExecuteContext({
			parameters: { provider, options: {}, ...parameters },
			credentials: { [type]: credentials },
			credentialTypes: [new MspNinjaOneApi(), new MspConnectWiseAutomateApi()],
		});
	}

	it('rejects a non-numeric device id before any request', async () => {
		const { ctx, requests } = context('ninjaOne', 'mspNinjaOneApi', {
			resource: 'device',
			operation: 'get',
			device: { mode: 'id', value: 'abc' },
		});
		await expect(node.execute.call(ctx)).rejects.toThrow(
			/Device ID "abc" is not valid for NinjaOne/,
		);
		expect(requests).toHaveLength(0);
	});

	it.each([
		[
			'a NinjaOne run id that is neither a job uid nor a Run Script id',
			'ninjaOne',
			{
				resource: 'script',
				operation: 'getResult',
				device: { mode: 'id', value: '1001' },
				runId: '88812',
			},
			/Run ID "88812" is not valid for NinjaOne/,
		],
		[
			'an Automate run id in exponent form',
			'connectWiseAutomate',
			{
				resource: 'script',
				operation: 'waitForCompletion',
				device: { mode: 'id', value: '201' },
				runId: '1e3',
			},
			/Run ID "1e3" is not valid for ConnectWise Automate/,
		],
		[
			'a NinjaOne alert id that is not a uid',
			'ninjaOne',
			{ resource: 'alert', operation: 'reset', alertId: '12' },
			/Alert ID "12" is not valid for NinjaOne: a NinjaOne alert ID is the alert uid/,
		],
		[
			'an alert list device id with a sign',
			'connectWiseAutomate',
			{ resource: 'alert', operation: 'list', deviceId: '-5' },
			/Device ID "-5" is not valid for ConnectWise Automate/,
		],
		[
			'a KB that is not one',
			'ninjaOne',
			{
				resource: 'patch',
				operation: 'waitForCompletion',
				device: { mode: 'id', value: '1001' },
				kbs: 'KB5045935,latest',
			},
			/Patch KBs has invalid value\(s\) latest/,
		],
		[
			'Automate parameters that are not name=value pairs',
			'connectWiseAutomate',
			{
				resource: 'script',
				operation: 'run',
				device: { mode: 'id', value: '201' },
				script: { mode: 'id', value: '6001' },
				parameters: '-Drive C',
			},
			/Parameters are not valid for ConnectWise Automate: "-Drive C" is not a name=value pair/,
		],
		[
			'a saved-credential Run As without a credential id',
			'ninjaOne',
			{
				resource: 'script',
				operation: 'run',
				device: { mode: 'id', value: '1001' },
				script: { mode: 'id', value: '105' },
				runAs: 'credential',
				runAsCredential: '0x1A',
			},
			/Run As Credential ID "0x1A" is not valid/,
		],
		[
			'a fleet limit of zero',
			'connectWiseAutomate',
			{ resource: 'patch', operation: 'listFleet', returnAll: false, limit: 0 },
			/Limit must be a whole number of at least 1, got 0/,
		],
		[
			'a fractional search limit',
			'ninjaOne',
			{ resource: 'device', operation: 'search', returnAll: false, limit: 2.5 },
			/Limit must be a whole number of at least 1, got 2.5/,
		],
		[
			'a script id with a decimal point',
			'ninjaOne',
			{
				resource: 'script',
				operation: 'run',
				device: { mode: 'id', value: '1001' },
				script: { mode: 'id', value: '105.0' },
			},
			/Script ID "105.0" is not valid for NinjaOne/,
		],
	])('refuses %s before any request', async (_label, provider, parameters, message) => {
		const type = provider === 'ninjaOne' ? 'mspNinjaOneApi' : 'mspConnectWiseAutomateApi';
		sandbox.requests.clear();
		const { ctx, requests } = context(provider, type, parameters);
		await expect(node.execute.call(ctx)).rejects.toThrow(message);
		expect(requests).toHaveLength(0);
		expect(
			sandbox.requests.query({
				vendor: provider === 'ninjaOne' ? 'ninjaone' : 'connectwise-automate',
			}),
		).toEqual([]);
	});

	it('rejects unknown patch statuses, a bad limit and an empty hostname with the allowed values', async () => {
		const statuses = context('connectWiseAutomate', 'mspConnectWiseAutomateApi', {
			resource: 'patch',
			operation: 'list',
			device: { mode: 'id', value: '201' },
			statuses: ['missing'],
		});
		await expect(node.execute.call(statuses.ctx)).rejects.toThrow(
			/Statuses has unknown value\(s\) missing/,
		);
		const limit = context('ninjaOne', 'mspNinjaOneApi', {
			resource: 'device',
			operation: 'search',
			returnAll: false,
			limit: 0,
		});
		await expect(node.execute.call(limit.ctx)).rejects.toThrow(/Limit must be a whole number/);
		const host = context('ninjaOne', 'mspNinjaOneApi', {
			resource: 'device',
			operation: 'getByHostname',
			hostname: ' ',
		});
		await expect(node.execute.call(host.ctx)).rejects.toThrow(/Hostname is empty/);
	});

	it('maps NinjaOne\u2019s 400 "not applicable" to a clear message', async () => {
		// The device is online when the node checks it and offline when NinjaOne receives the apply.
		const device = sandbox.world().devices.find((d) => d.hostname === 'NWL-WS03')!;
		const { ctx } = context('ninjaOne', 'mspNinjaOneApi', {
			resource: 'patch',
			operation: 'apply',
			device: { mode: 'id', value: '1013' },
		});
		const original = ctx.helpers.httpRequestWithAuthentication;
		ctx.helpers.httpRequestWithAuthentication = (async (
			type: string,
			options: { method?: string },
		) => {
			if (options.method === 'POST') device.online = false;
			return await original.call(ctx, type, options as never);
		}) as never;
		await expect(node.execute.call(ctx)).rejects.toThrow(
			/NinjaOne cannot apply patches on device 1013: the device is not applicable/,
		);
	});

	it('never sends Run As to Automate (its editor has none) and refuses an unknown run-as role on NinjaOne', async () => {
		// A value left from NinjaOne is not read for Automate, which runs scripts as the agent.
		const automate = context('connectWiseAutomate', 'mspConnectWiseAutomateApi', {
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: '201' },
			script: { mode: 'id', value: '6001' },
			runAs: 'loggedonuser',
		});
		const [out] = await node.execute.call(automate.ctx);
		expect(out[0].json).toMatchObject({ status: 'queued', kind: 'script' });
		const schedule = automate.requests.find((r) => r.method === 'POST');
		expect(JSON.stringify(schedule?.body)).not.toMatch(/loggedonuser/);
		const ninja = context('ninjaOne', 'mspNinjaOneApi', {
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: '1001' },
			script: { mode: 'id', value: '101' },
			runAs: 'root',
		});
		await expect(node.execute.call(ninja.ctx)).rejects.toThrow(/Run As "root" is not allowed/);
	});

	it('keeps the vendor message of a failed login and never shows the secret', async () => {
		const data = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspNinjaOneApi')
				?.data as ICredentialDataDecryptedObject),
			clientSecret: 'wrong-secret-value',
		};
		const { ctx } = context(
			'ninjaOne',
			'mspNinjaOneApi',
			{ resource: 'alert', operation: 'list' },
			data,
		);
		const error = await node.execute.call(ctx).catch((e: Error) => e);
		expect(String((error as Error).message)).toMatch(
			/NinjaOne login failed: Bad client credentials/,
		);
		expect(JSON.stringify(error)).not.toContain('wrong-secret-value');
		const automate = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspConnectWiseAutomateApi')
				?.data as ICredentialDataDecryptedObject),
			clientId: 'not-registered',
		};
		const second = context(
			'connectWiseAutomate',
			'mspConnectWiseAutomateApi',
			{ resource: 'alert', operation: 'list' },
			automate,
		);
		await expect(node.execute.call(second.ctx)).rejects.toThrow(/ClientId/);
	});

	it('logs in again after the token expired (401) and goes on', async () => {
		const data = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspNinjaOneApi')
				?.data as ICredentialDataDecryptedObject),
		};
		const first = context(
			'ninjaOne',
			'mspNinjaOneApi',
			{ resource: 'alert', operation: 'list' },
			data,
		);
		await node.execute.call(first.ctx);
		const token = data.accessToken;
		(sandbox.world().vendors['ninjaone:tokens'] as Map<string, { expiresAt: number }>).forEach(
			(t) => (t.expiresAt = 0),
		);
		const second = context(
			'ninjaOne',
			'mspNinjaOneApi',
			{ resource: 'alert', operation: 'list' },
			data,
		);
		const [out] = await node.execute.call(second.ctx);
		expect(out.length).toBeGreaterThan(0);
		expect(data.accessToken).not.toBe(token);
	});
});
