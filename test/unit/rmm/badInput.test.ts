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

	it('refuses Run As on Automate and an unknown run-as role on NinjaOne', async () => {
		const automate = context('connectWiseAutomate', 'mspConnectWiseAutomateApi', {
			resource: 'script',
			operation: 'run',
			device: { mode: 'id', value: '201' },
			script: { mode: 'id', value: '6001' },
			runAs: 'loggedonuser',
		});
		await expect(node.execute.call(automate.ctx)).rejects.toThrow(/Run As is not supported/);
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
