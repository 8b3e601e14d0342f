import type { InternalAxiosRequestConfig } from 'axios';

import * as contain from '../../../nodes/MspEdr/actions/containment/contain';
import { LostAnswersSeen, lostAnswerSandbox } from '../helpers/lostAnswer';
import { PROVIDERS, providerFor } from './setup';

/**
 * An isolation or release whose answer is lost (SentinelOne `POST /agents/actions/disconnect|connect`, Defender
 * `POST /machines/{id}/isolate|unisolate`): the sandbox's own faults strike that one request (a 5xx, a reset, a
 * timeout or a body cut short, before or after the vendor acted), every other request is answered. Whatever the
 * fault, the device is isolated (or released) by exactly one vendor action, and the result says this request did
 * it: the incident timeline must not read "already isolated" for a device the workflow isolated itself.
 */
const NODE = {
	id: 'n',
	name: 'MSP EDR',
	type: 'mspEdr',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
const WRITE: Record<string, Record<'isolate' | 'release', RegExp>> = {
	sentinelone: {
		isolate: /\/agents\/actions\/disconnect$/,
		release: /\/agents\/actions\/connect$/,
	},
	defender: { isolate: /\/machines\/[^/]+\/isolate$/, release: /\/machines\/[^/]+\/unisolate$/ },
};
const HOST = 'BSD-WS03';

describe.each(PROVIDERS)(
	'$label containment: read back before sending again',
	({ name, vendor }) => {
		let kind: 'isolate' | 'release' = 'isolate';
		const isWrite = (config: InternalAxiosRequestConfig) =>
			String(config.method).toLowerCase() === 'post' && WRITE[vendor][kind].test(config.url ?? '');
		const lost = lostAnswerSandbox({ seed: 3, vendor, isWrite });

		const run = async (k: 'isolate' | 'release') =>
			await contain.changeContainment(
				providerFor(lost.sandbox(), name),
				NODE,
				{ kind: k, sleep: async () => undefined },
				[
					{
						ref: { hostname: HOST },
						options: {
							comment: `Contract test (${k})`,
							wait: true,
							timeoutMs: 5000,
							intervalMs: 1,
							protection: { patterns: [], roles: [], override: false },
						},
					},
				],
			);

		it.each<'isolate' | 'release'>(['isolate', 'release'])(
			'%s: one vendor action whatever fault struck the request, reported as requested',
			async (k) => {
				const sandbox = lost.sandbox();
				const seen = new LostAnswersSeen();
				for (let attempt = 0; attempt < 80; attempt++) {
					sandbox.reset();
					sandbox.setFaults({ profile: 'none' });
					sandbox.setTiming({ readsToFinish: 1, msToFinish: 50 });
					kind = 'isolate';
					if (k === 'release') expect((await run('isolate'))[0]).toHaveProperty('containment');
					const since = sandbox.requests.query({}).length;
					kind = k;
					lost.arm();
					const [result] = await run(k);

					expect(result).toEqual({
						index: 0,
						containment: expect.objectContaining({
							state: k === 'isolate' ? 'isolated' : 'released',
							requested: true,
							alreadyInState: false,
						}),
					});
					expect(result).not.toHaveProperty('containment.alreadyIsolated');
					const device = sandbox.world().devices.find((d) => d.hostname === HOST)!;
					expect(device.containment).toBe(k === 'isolate' ? 'isolated' : 'released');
					expect(
						sandbox.world().operations.filter((o) => o.kind === k && o.deviceKey === device.key),
					).toHaveLength(1);
					// A request that never reached the vendor is sent again once; one that did is not.
					seen.record(
						sandbox.requests
							.query({ vendor })
							.slice(since)
							.filter((e) => e.method === 'POST' && WRITE[vendor][k].test(e.path)),
					);
					if (seen.complete) break;
				}
				seen.expectBothSides();
			},
			120_000,
		);
	},
);
