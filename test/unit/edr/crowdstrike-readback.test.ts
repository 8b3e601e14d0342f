import type { InternalAxiosRequestConfig } from 'axios';
import type { INode } from 'n8n-workflow';

import { MspCrowdStrikeApi } from '../../../credentials/MspCrowdStrikeApi.credentials';
import * as contain from '../../../nodes/MspEdr/actions/containment/contain';
import { createProvider } from '../../../nodes/MspEdr/providers';
import type { Sandbox } from '../../../sandbox';
import { FALCON_IDS } from '../../../sandbox/vendors/crowdstrike';
import type { Threat } from '../../../sandbox/world/types';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { LostAnswersSeen, lostAnswerSandbox } from '../helpers/lostAnswer';

/**
 * A Falcon write whose answer is lost (`POST /devices/entities/devices-actions/v2`, `PATCH /alerts/entities/alerts/v3`
 * with `append_comment`): the sandbox's own faults strike that one request (a 5xx, a reset, a timeout or a body cut
 * short, before or after Falcon acted), every other request is answered. Whatever the fault, the host is contained by
 * exactly one action and the alert carries the comment exactly once.
 */
const NODE = {
	id: 'n',
	name: 'MSP EDR',
	type: 'mspEdr',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as INode;

function falcon(sandbox: Sandbox) {
	const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspCrowdStrikeApi')!;
	const { ctx } = fakeExecuteContext({
		parameters: {},
		credentials: { mspCrowdStrikeApi: { ...entry.data } as never },
		credentialTypes: [new MspCrowdStrikeApi()],
	});
	return createProvider('crowdStrike', ctx, NODE, { pacer: null, sleep: async () => undefined });
}

describe('CrowdStrike Falcon: read back before sending again', () => {
	let write: RegExp = /\/devices\/entities\/devices-actions\/v2/;
	let method = 'post';
	const isWrite = (config: InternalAxiosRequestConfig) =>
		String(config.method).toLowerCase() === method && write.test(config.url ?? '');
	const lost = lostAnswerSandbox({ seed: 3, vendor: 'crowdstrike', isWrite });
	const writes = (sandbox: Sandbox, since: number) =>
		sandbox.requests
			.query({ vendor: 'crowdstrike' })
			.slice(since)
			.filter((e) => e.method.toLowerCase() === method && write.test(e.path));

	it.each<'isolate' | 'release'>(['isolate', 'release'])(
		'%s: one Falcon action whatever fault struck the request, reported as requested',
		async (kind) => {
			const sandbox = lost.sandbox();
			const seen = new LostAnswersSeen();
			const run = async (k: 'isolate' | 'release') =>
				await contain.changeContainment(
					falcon(sandbox),
					NODE,
					{ kind: k, sleep: async () => undefined },
					[
						{
							ref: { hostname: 'BSD-WS03' },
							options: {
								comment: `Read-back test (${k})`,
								wait: true,
								timeoutMs: 5000,
								intervalMs: 1,
								protection: { patterns: [], roles: [], override: false },
							},
						},
					],
				);
			[write, method] = [/\/devices\/entities\/devices-actions\/v2/, 'post'];
			for (let attempt = 0; attempt < 80; attempt++) {
				sandbox.reset();
				sandbox.setFaults({ profile: 'none' });
				sandbox.setTiming({ readsToFinish: 1, msToFinish: 50 });
				if (kind === 'release') expect((await run('isolate'))[0]).toHaveProperty('containment');
				const since = sandbox.requests.query({}).length;
				lost.arm();
				const [result] = await run(kind);
				expect(result).toEqual({
					index: 0,
					containment: expect.objectContaining({
						state: kind === 'isolate' ? 'isolated' : 'released',
						requested: true,
						alreadyInState: false,
					}),
				});
				const device = sandbox.world().devices.find((d) => d.hostname === 'BSD-WS03')!;
				expect(
					sandbox.world().operations.filter((o) => o.kind === kind && o.deviceKey === device.key),
				).toHaveLength(1);
				seen.record(
					writes(sandbox, since).filter(
						(e) => e.query.action_name === (kind === 'isolate' ? 'contain' : 'lift_containment'),
					),
				);
				if (seen.complete) break;
			}
			seen.expectBothSides();
		},
		120_000,
	);

	it('a comment is appended exactly once whatever fault struck the request', async () => {
		const sandbox = lost.sandbox();
		const seen = new LostAnswersSeen();
		[write, method] = [/\/alerts\/entities\/alerts\/v3$/, 'patch'];
		for (let attempt = 0; attempt < 80; attempt++) {
			sandbox.reset();
			sandbox.setFaults({ profile: 'none' });
			const threatOf = () =>
				sandbox.world().threats.find((t) => t.scenario === 'ransomware') as Threat;
			const id = FALCON_IDS.alert(sandbox.world(), threatOf());
			const text = `Contained and cleaned by n8n, ticket ${1000 + attempt}`;
			lost.arm();
			await falcon(sandbox).addNote(id, text);
			expect(threatOf().notes.filter((n) => n.text === text)).toHaveLength(1);
			seen.record(writes(sandbox, 0));
			if (seen.complete) break;
		}
		seen.expectBothSides();
	}, 120_000);
});
