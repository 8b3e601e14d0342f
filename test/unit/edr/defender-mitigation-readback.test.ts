import type { InternalAxiosRequestConfig } from 'axios';

import type { MitigationKind } from '../../../nodes/MspEdr/providers/types';
import type { DefenderSlice } from '../../../sandbox/vendors/defender/common';
import { LostAnswersSeen, lostAnswerSandbox } from '../helpers/lostAnswer';
import { providerFor } from './setup';

/**
 * Microsoft Defender mitigations (machine actions StopAndQuarantineFile and runAntiVirusScan) whose answer
 * is lost: the sandbox's own faults strike that one request (a 5xx, a reset, a timeout or a body cut short,
 * before or after Defender created the action), every other request is answered. Whatever the fault, the
 * machine action exists exactly once, and the action the provider returns is that one.
 */
const VENDOR = 'defender';
const MITIGATION_PATH = /\/machines\/[^/]+\/(StopAndQuarantineFile|runAntiVirusScan)$/;
const isMitigationRequest = (config: InternalAxiosRequestConfig) =>
	String(config.method).toLowerCase() === 'post' && MITIGATION_PATH.test(config.url ?? '');

describe.each<{ kind: MitigationKind; type: string }>([
	{ kind: 'stopAndQuarantineFile', type: 'StopAndQuarantineFile' },
	{ kind: 'antivirusScan', type: 'RunAntiVirusScan' },
])('Microsoft Defender $kind: read back before sending again', ({ kind, type }) => {
	const lost = lostAnswerSandbox({ seed: 3, vendor: VENDOR, isWrite: isMitigationRequest });

	it('creates the machine action exactly once whatever fault struck the request, and returns that action', async () => {
		const sandbox = lost.sandbox();
		const seen = new LostAnswersSeen(/^(reset|timeout):/);
		for (let attempt = 0; attempt < 80; attempt++) {
			sandbox.reset();
			sandbox.setFaults({ profile: 'none' });
			sandbox.setTiming({ readsToFinish: 2, msToFinish: 600_000 });
			const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
			const edr = providerFor(sandbox, 'microsoftDefender');
			const threat = await edr.getThreat(ransomware.defenderAlertId);
			const comment = `Contain ransomware (${kind})`;

			lost.arm();
			const action = await edr.mitigate({ kind, threat, comment });

			// The sandbox's record: one action of this kind on the machine, one mitigation request applied.
			const world = sandbox.world();
			const actions = world.operations.filter(
				(o) =>
					o.kind === 'mitigation' && o.mitigation === kind && o.deviceKey === ransomware.deviceKey,
			);
			expect(actions).toHaveLength(1);
			const posts = sandbox.requests
				.query({ vendor: VENDOR })
				.filter((e) => e.method === 'POST' && MITIGATION_PATH.test(e.path));
			expect(posts.filter((e) => e.applied)).toHaveLength(1);
			// A request that never reached Defender is sent again once; one that did is not.
			seen.record(posts);

			// The action returned is the one Defender holds, with the comment and file sent, and it can be followed.
			const recorded = (world.vendors.defender as DefenderSlice).actions[actions[0].id];
			expect(recorded).toMatchObject({ type, comment });
			if (kind === 'stopAndQuarantineFile') expect(recorded.sha1).toBe(ransomware.sha1);
			expect(action).toMatchObject({
				id: recorded.id,
				threatId: ransomware.defenderAlertId,
				deviceId: threat.deviceId,
				action: kind,
			});
			let current = action;
			for (let read = 0; read < 4 && current.status === 'pending'; read++)
				current = await edr.readMitigation(current);
			expect(current).toMatchObject({ id: recorded.id, status: 'succeeded' });

			if (seen.complete) break;
		}
		seen.expectBothSides();
		expect(seen.has('malformed:after')).toBe(true);
	}, 120_000);

	it('does not take an earlier action of the same kind with another comment for this request', async () => {
		const sandbox = lost.sandbox();
		sandbox.reset();
		sandbox.setFaults({ profile: 'none' });
		const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
		const edr = providerFor(sandbox, 'microsoftDefender');
		const threat = await edr.getThreat(ransomware.defenderAlertId);
		// A moment earlier, the same action on the same machine and file by an analyst: another request.
		await edr.mitigate({ kind, threat, comment: 'Earlier analyst action' });

		let resent = false;
		const comments = ['Earlier analyst action'];
		for (let attempt = 0; attempt < 40 && !resent; attempt++) {
			const since = sandbox.requests.query({ vendor: VENDOR }).length;
			comments.push(`Request ${attempt}`);
			lost.arm();
			await edr.mitigate({ kind, threat, comment: comments[comments.length - 1] });
			const posts = sandbox.requests
				.query({ vendor: VENDOR })
				.slice(since)
				.filter((e) => e.method === 'POST' && MITIGATION_PATH.test(e.path));
			expect(posts.filter((e) => e.applied)).toHaveLength(1);
			resent = posts.length === 2;
		}
		// A request that never reached Defender was sent again although an action of that kind was there.
		expect(resent).toBe(true);
		const slice = sandbox.world().vendors.defender as DefenderSlice;
		const made = sandbox
			.world()
			.operations.filter(
				(o) =>
					o.kind === 'mitigation' && o.mitigation === kind && o.deviceKey === ransomware.deviceKey,
			)
			.map((o) => slice.actions[o.id].comment);
		// Every request made its action exactly once.
		expect(made).toEqual(comments);
	}, 120_000);
});
