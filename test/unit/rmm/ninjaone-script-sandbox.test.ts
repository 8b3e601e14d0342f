import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { jobUid } from '../../../sandbox/vendors/ninjaone/activity';
import { fakeExecuteContext } from '../helpers/fakeContext';

/**
 * The node against the NinjaOne sandbox, which reads `newerThan`/`olderThan` as the spec words them:
 * the same script run twice on a device, the second run's job not listed yet when the node looks.
 * The first run's result must not come back as the second's.
 */
describe('MSP RMM NinjaOne: an earlier run’s result is not this run’s', () => {
	let sandbox: Sandbox;
	const node = new MspRmm();
	let credentials: ICredentialDataDecryptedObject;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset({ clients: 3, devicesPerClient: 10 });
		credentials = {
			...(sandbox.n8nCredentials().find((e) => e.type === 'mspNinjaOneApi')
				?.data as ICredentialDataDecryptedObject),
		};
	});

	function context(parameters: Record<string, unknown>, opts: { hideJobs?: boolean } = {}) {
		const made = fakeExecuteContext({
			parameters: {
				provider: 'ninjaOne',
				options: { pollInterval: 1, waitTimeout: 30 },
				...parameters,
			},
			credentials: { mspNinjaOneApi: credentials },
			credentialTypes: [new MspNinjaOneApi()],
		});
		if (opts.hideJobs) {
			// NinjaOne lists a new job late: the device's job list reads empty here.
			const send = made.ctx.helpers.httpRequestWithAuthentication;
			made.ctx.helpers.httpRequestWithAuthentication = (async (
				type: string,
				options: IHttpRequestOptions,
			) => {
				if (options.method === 'GET' && /\/v2\/device\/\d+\/jobs$/.test(String(options.url)))
					return { statusCode: 200, headers: {}, body: [] };
				return await send.call(made.ctx, type, options);
			}) as never;
		}
		return made;
	}

	const run = { resource: 'script', operation: 'run', device: { mode: 'id', value: '1001' } };
	const script = { mode: 'id', value: '105' };

	it('finds the second run by its activities after the watermark, never the first run’s', async () => {
		const first = context({ ...run, script, waitForCompletion: true });
		const [[one]] = await node.execute.call(first.ctx);
		expect(one.json).toMatchObject({ status: 'succeeded', timedOut: false });
		expect(one.json.id).toBe(jobUid(sandbox.world().operations[0]));

		// The second run's job is never listed: the node can only find it by its activities.
		const second = context({ ...run, script, waitForCompletion: true }, { hideJobs: true });
		const [[two]] = await node.execute.call(second.ctx);
		expect(two.json).toMatchObject({ status: 'succeeded', timedOut: false });
		expect(two.json.id).toBe(jobUid(sandbox.world().operations[1]));
		expect(two.json.id).not.toBe(one.json.id);
		const activityReads = second.requests.filter(
			(r) => /\/v2\/device\/1001\/activities$/.test(new URL(r.url).pathname) && !r.qs?.seriesUid,
		);
		// Read with the spec's meaning: `olderThan` = "newer than specified activity ID".
		expect(activityReads.some((r) => r.qs?.olderThan !== undefined)).toBe(true);
		expect(activityReads.every((r) => r.qs?.newerThan === undefined)).toBe(true);
	});

	it('while the second run has not started, reports it queued, not as the first run', async () => {
		const first = context({ ...run, script, waitForCompletion: true });
		const [[one]] = await node.execute.call(first.ctx);
		// Runs now need many reads to start: the second is still queued when the node looks.
		sandbox.setTiming({ readsToFinish: 50, msToFinish: 600_000 });
		const second = context({ ...run, script }, { hideJobs: true });
		const [[two]] = await node.execute.call(second.ctx);
		expect(two.json.id).not.toBe(one.json.id);
		expect(two.json.status).toMatch(/queued|running/);
		expect(two.json.output).toBeUndefined();
	});
});
