import axios, { type InternalAxiosRequestConfig } from 'axios';

import type { EdrProvider } from '../../../nodes/MspEdr/providers/types';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { Threat } from '../../../sandbox/world/types';
import { PROVIDERS, providerFor, threatIdIn } from './setup';

/**
 * A threat note or comment whose answer is lost (SentinelOne `POST /threats/notes`; Defender `PATCH /alerts/{id}`,
 * which appends its `comment` every time): the sandbox's own faults strike that one request (a 5xx, a reset, a
 * timeout or a body cut short, before or after the vendor wrote the note), every other request is answered.
 * Whatever the fault, the threat carries the note exactly once: a lost answer is read back before the note is sent again.
 */
const WRITE: Record<string, { method: string; path: RegExp }> = {
	sentinelone: { method: 'post', path: /\/threats\/notes$/ },
	defender: { method: 'patch', path: /\/api\/alerts\/[^/]+$/ },
};

describe.each(PROVIDERS)(
	'$label threat notes: read back before sending again',
	({ name, vendor }) => {
		let sandbox: Sandbox;
		const interceptors: { request?: number; response?: number } = {};
		const isWrite = (config: InternalAxiosRequestConfig) =>
			String(config.method).toLowerCase() === WRITE[vendor].method &&
			WRITE[vendor].path.test(config.url ?? '');
		/** Set before each write: the next note request is hit by a fault, the ones after it are not. */
		let armed = false;

		beforeAll(async () => {
			sandbox = await startSandbox({ port: 0, seed: 3 });
			interceptors.request = axios.interceptors.request.use((config) => {
				if (armed && isWrite(config)) {
					armed = false;
					sandbox.setFaults({
						profile: 'chaos',
						rate: 1,
						vendors: [vendor],
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
					if (isWrite(response.config)) off();
					return response;
				},
				(error: { config?: InternalAxiosRequestConfig }) => {
					if (error.config && isWrite(error.config)) off();
					throw error;
				},
			);
		});
		afterAll(async () => {
			axios.interceptors.request.eject(interceptors.request!);
			axios.interceptors.response.eject(interceptors.response!);
			await sandbox.stop();
		});

		const writes = (since: number) =>
			sandbox.requests
				.query({ vendor })
				.slice(since)
				.filter(
					(e) => e.method.toLowerCase() === WRITE[vendor].method && WRITE[vendor].path.test(e.path),
				);

		it.each<{
			call: string;
			write: (edr: EdrProvider, id: string, text: string) => Promise<unknown>;
		}>([
			{ call: 'addNote', write: async (edr, id, text) => await edr.addNote(id, text) },
			{
				call: 'updateThreat (resolve as true positive with a comment)',
				write: async (edr, id, text) =>
					await edr.updateThreat(id, {
						status: 'resolved',
						verdict: 'truePositive',
						comment: text,
					}),
			},
		])(
			'$call writes the note exactly once whatever fault struck the request',
			async ({ write }) => {
				const seen = new Set<string>();
				for (let attempt = 0; attempt < 80; attempt++) {
					sandbox.reset();
					sandbox.setFaults({ profile: 'none' });
					const threatOf = () =>
						sandbox.world().threats.find((t) => t.scenario === 'ransomware') as Threat;
					const edr = providerFor(sandbox, name);
					const id = threatIdIn(name, threatOf());
					const text = `Contained and cleaned by n8n, ticket ${1000 + attempt}`;

					armed = true;
					await write(edr, id, text);

					expect(threatOf().notes.filter((n) => n.text === text)).toHaveLength(1);
					const sent = writes(0);
					const first = sent[0];
					// A request that never reached the vendor is sent again once; one that did is not.
					expect(sent).toHaveLength(first.applied ? 1 : 2);
					if (first.fault && first.fault !== 'slow')
						seen.add(`${first.fault}:${first.applied ? 'after' : 'before'}`);
					if (
						['serverError:before', 'serverError:after', 'malformed:after'].every((w) =>
							seen.has(w),
						) &&
						[...seen].some((s) => /^(reset|timeout):after/.test(s))
					)
						break;
				}
				// Both sides of a lost answer were exercised: the request never arrived, and it arrived but its answer did not.
				expect([...seen].some((s) => s.endsWith(':before'))).toBe(true);
				expect([...seen].some((s) => s.endsWith(':after'))).toBe(true);
			},
			120_000,
		);

		it('an update repeated after its read failed (Retry On Fail, a rerun) sets the status again but comments once', async () => {
			sandbox.reset();
			sandbox.setFaults({ profile: 'none' });
			const threat = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
			const edr = providerFor(sandbox, name);
			const id = threatIdIn(name, threat);
			const text = 'Contained and cleaned by n8n, ticket 1443';
			await edr.updateThreat(id, { status: 'inProgress', comment: text });
			const again = await edr.updateThreat(id, {
				status: 'resolved',
				verdict: 'truePositive',
				comment: text,
			});
			expect(again).toMatchObject({ status: 'resolved', verdict: 'truePositive' });
			expect(threat.notes.map((n) => n.text)).toEqual([text]);
			// Another comment is still added.
			await edr.updateThreat(id, { comment: 'Reviewed by the SOC' });
			expect(threat.notes.map((n) => n.text)).toEqual([text, 'Reviewed by the SOC']);
		});

		it('sends a note again when the lost request never arrived, even with the same text from an hour before', async () => {
			const text = 'Isolated by n8n';
			let resent = false;
			for (let attempt = 0; attempt < 40 && !resent; attempt++) {
				sandbox.reset();
				sandbox.setFaults({ profile: 'none' });
				const threat = sandbox.world().threats.find((t) => t.scenario === 'ransomware')!;
				// The same text written by an analyst an hour earlier: another note, not this request's.
				threat.notes.push({
					id: 'earlier-note',
					text,
					at: new Date(Date.now() - 3_600_000).toISOString(),
					author: 'Analyst',
				});
				armed = true;
				await providerFor(sandbox, name).addNote(threatIdIn(name, threat), text);
				expect(threat.notes.filter((n) => n.text === text)).toHaveLength(2);
				resent = writes(0).length === 2;
			}
			expect(resent).toBe(true);
		}, 120_000);
	},
);
