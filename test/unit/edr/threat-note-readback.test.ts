import type { InternalAxiosRequestConfig } from 'axios';

import type { EdrProvider } from '../../../nodes/MspEdr/providers/types';
import type { Threat } from '../../../sandbox/world/types';
import { LostAnswersSeen, lostAnswerSandbox } from '../helpers/lostAnswer';
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
		const isWrite = (config: InternalAxiosRequestConfig) =>
			String(config.method).toLowerCase() === WRITE[vendor].method &&
			WRITE[vendor].path.test(config.url ?? '');
		const lost = lostAnswerSandbox({ seed: 3, vendor, isWrite });

		const writes = (since: number) =>
			lost
				.sandbox()
				.requests.query({ vendor })
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
				const sandbox = lost.sandbox();
				const seen = new LostAnswersSeen();
				for (let attempt = 0; attempt < 80; attempt++) {
					sandbox.reset();
					sandbox.setFaults({ profile: 'none' });
					const threatOf = () =>
						sandbox.world().threats.find((t) => t.scenario === 'ransomware') as Threat;
					const edr = providerFor(sandbox, name);
					const id = threatIdIn(name, threatOf());
					const text = `Contained and cleaned by n8n, ticket ${1000 + attempt}`;

					lost.arm();
					await write(edr, id, text);

					expect(threatOf().notes.filter((n) => n.text === text)).toHaveLength(1);
					// A request that never reached the vendor is sent again once; one that did is not.
					seen.record(writes(0));
					if (seen.complete) break;
				}
				seen.expectBothSides();
			},
			120_000,
		);

		it('an update repeated after its read failed (Retry On Fail, a rerun) sets the status again but comments once', async () => {
			const sandbox = lost.sandbox();
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
			const sandbox = lost.sandbox();
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
				lost.arm();
				await providerFor(sandbox, name).addNote(threatIdIn(name, threat), text);
				expect(threat.notes.filter((n) => n.text === text)).toHaveLength(2);
				resent = writes(0).length === 2;
			}
			expect(resent).toBe(true);
		}, 120_000);
	},
);
