import axios, { type InternalAxiosRequestConfig } from 'axios';

import type { MitigationKind } from '../../../nodes/MspEdr/providers/types';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { DefenderSlice } from '../../../sandbox/vendors/defender/common';
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
	let sandbox: Sandbox;
	const interceptors: { request?: number; response?: number } = {};
	/** Set before each run: the next mitigation request is hit by a fault, the ones after it are not. */
	let armed = false;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, seed: 3 });
		interceptors.request = axios.interceptors.request.use((config) => {
			if (armed && isMitigationRequest(config)) {
				armed = false;
				sandbox.setFaults({
					profile: 'chaos',
					rate: 1,
					vendors: [VENDOR],
					timeoutMs: 30,
					slowMs: 10,
					throttleWindowScale: 1e-6,
				});
			}
			return config;
		});
		const off = () => sandbox.setFaults({ profile: 'none' });
		interceptors.response = axios.interceptors.response.use(
			(response) => {
				if (isMitigationRequest(response.config)) off();
				return response;
			},
			(error: { config?: InternalAxiosRequestConfig }) => {
				if (error.config && isMitigationRequest(error.config)) off();
				throw error;
			},
		);
	});
	afterAll(async () => {
		axios.interceptors.request.eject(interceptors.request!);
		axios.interceptors.response.eject(interceptors.response!);
		await sandbox.stop();
	});

	it('creates the machine action exactly once whatever fault struck the request, and returns that action', async () => {
		const seen = new Set<string>();
		for (let attempt = 0; attempt < 80; attempt++) {
			sandbox.reset();
			sandbox.setFaults({ profile: 'none' });
			sandbox.setTiming({ readsToFinish: 2, msToFinish: 600_000 });
			const ransomware = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
			const edr = providerFor(sandbox, 'microsoftDefender');
			const threat = await edr.getThreat(ransomware.defenderAlertId);
			const comment = `Contain ransomware (${kind})`;

			armed = true;
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
			const first = posts[0];
			// A request that never reached Defender is sent again once; one that did is not.
			expect(posts).toHaveLength(first.applied ? 1 : 2);
			if (first.fault && first.fault !== 'slow')
				seen.add(`${first.fault}:${first.applied ? 'after' : 'before'}`);

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

			if (
				['serverError:before', 'serverError:after', 'malformed:after'].every((w) => seen.has(w)) &&
				[...seen].some((s) => /^(reset|timeout):/.test(s))
			)
				break;
		}
		// Both sides of a lost answer were exercised: the request never arrived, and it arrived but its answer did not.
		expect([...seen].some((s) => s.endsWith(':before'))).toBe(true);
		expect([...seen].some((s) => s.endsWith(':after'))).toBe(true);
		expect(seen.has('malformed:after')).toBe(true);
	}, 120_000);

	it('does not take an earlier action of the same kind with another comment for this request', async () => {
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
			armed = true;
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
