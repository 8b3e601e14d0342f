import type { InternalAxiosRequestConfig } from 'axios';

import { MspConnectWiseAutomateApi } from '../../../credentials/MspConnectWiseAutomateApi.credentials';
import { rmmProvider } from '../../../nodes/MspRmm/providers';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { LostAnswersSeen, lostAnswerSandbox } from '../helpers/lostAnswer';

/**
 * ConnectWise Automate script runs (`POST Computers/{id}/ScheduledScripts`) whose answer is lost: the
 * sandbox's own faults strike that one request (a 5xx, a reset, a timeout or a body cut short, before or
 * after Automate scheduled the run), every other request is answered. Whatever the fault, the script runs
 * exactly once on the computer, and the run the provider returns can be followed to its end.
 */
const VENDOR = 'connectwise-automate';
const isScheduleRequest = (config: InternalAxiosRequestConfig) =>
	String(config.method).toLowerCase() === 'post' && /\/ScheduledScripts$/.test(config.url ?? '');

describe('ConnectWise Automate script run: read back before sending again', () => {
	// Faults on for the first schedule request only, off again as soon as its outcome is known.
	const lost = lostAnswerSandbox({ seed: 5, vendor: VENDOR, isWrite: isScheduleRequest });

	function provider() {
		const credentials = lost
			.sandbox()
			.n8nCredentials()
			.find((c) => c.type === 'mspConnectWiseAutomateApi')!.data as Record<string, string>;
		const { ctx } = fakeExecuteContext({
			parameters: {},
			credentials: { mspConnectWiseAutomateApi: { ...credentials } },
			credentialTypes: [new MspConnectWiseAutomateApi()],
		});
		return rmmProvider(ctx, 'connectWiseAutomate', { pacer: null, sleep: async () => undefined });
	}

	it('runs the script exactly once whatever fault struck the schedule request, and the run can be followed', async () => {
		const sandbox = lost.sandbox();
		const seen = new LostAnswersSeen(/^(reset|timeout):/);
		for (let attempt = 0; attempt < 80; attempt++) {
			sandbox.reset();
			sandbox.setFaults({ profile: 'none' });
			sandbox.setTiming({ readsToFinish: 2, msToFinish: 600_000 });
			const world = sandbox.world();
			const device = world.devices.find((d) => d.hostname === 'BSD-WS01')!;
			const script = world.scripts[0];
			const rmm = provider();
			lost.arm();

			const job = await rmm.runScript({
				deviceId: String(device.ids.automateComputerId),
				scriptId: String(script.automateScriptId),
			});

			// The sandbox's record: one run of this script on this computer, one schedule request applied.
			const runs = sandbox
				.world()
				.operations.filter((o) => o.kind === 'script' && o.deviceKey === device.key);
			expect(runs.map((o) => o.scriptKey)).toEqual([script.key]);
			const posts = sandbox.requests
				.query({ vendor: VENDOR })
				.filter((e) => e.method === 'POST' && e.path.endsWith('/ScheduledScripts'));
			expect(posts.filter((e) => e.applied)).toHaveLength(1);
			// A request that never reached Automate is sent again once; one that did is not.
			const first = seen.record(posts);
			if (first.fault && first.fault !== 'slow' && first.applied) {
				// Found by the read-back: followed by script and time, since Automate never gave its schedule id.
				expect(job.id).toMatch(new RegExp(`^script-${script.automateScriptId}-at-`));
			}
			expect(job).toMatchObject({
				deviceId: String(device.ids.automateComputerId),
				kind: 'script',
			});

			// The run the provider returned is the one the sandbox ran, through to its end.
			let status = job.status;
			for (let read = 0; read < 4 && !['succeeded', 'failed'].includes(status); read++)
				status = (await rmm.getScriptRun(String(device.ids.automateComputerId), job.id)).status;
			expect(status).toBe(sandbox.world().operations.find((o) => o === runs[0])!.status);
			expect(['succeeded', 'failed']).toContain(status);

			if (seen.complete) break;
		}
		seen.expectBothSides();
		expect(seen.has('malformed:after')).toBe(true);
	}, 120_000);
});
