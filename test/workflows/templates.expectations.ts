import { readFileSync } from 'fs';
import { join, resolve } from 'path';

import type { World } from '../../sandbox';
import type { CwSlice } from '../../sandbox/vendors/connectwise-psa/data';
import type { HuduSlice } from '../../sandbox/vendors/hudu/store';

/**
 * What the shipped templates must leave behind in the sandbox, read from sandbox state only.
 * Shared by the workflows tier (in-process) and the e2e tier (real n8n).
 */
export const ROOT = resolve(__dirname, '..', '..');
export const loadTemplate = (name: 'patch-remediation' | 'threat-response') =>
	JSON.parse(readFileSync(join(ROOT, 'workflows', `${name}.json`), 'utf8')) as {
		name: string;
		nodes: Array<{
			name: string;
			type: string;
			parameters: Record<string, any>;
			credentials?: Record<string, { id?: string; name: string }>;
		}>;
		connections: Record<string, unknown>;
		[k: string]: unknown;
	};

export type Template = ReturnType<typeof loadTemplate>;

/**
 * The threat template with n8n's OpenAI Chat Model on MSP AI Triage's Model input, bound by name to the
 * `Sandbox OpenAI` credential (the sandbox's /openai/v1): what a user does in the editor.
 */
export function withChatModel(template: Template): Template {
	const model = {
		id: 'sandbox-openai-model',
		name: 'OpenAI Chat Model',
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.3,
		position: [1100, 640],
		parameters: { model: { __rl: true, mode: 'list', value: 'gpt-5-mini' }, options: {} },
		credentials: { openAiApi: { name: 'Sandbox OpenAI' } },
	};
	return {
		...template,
		name: `${template.name} (OpenAI model)`,
		nodes: [...template.nodes, model],
		connections: {
			...template.connections,
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'MSP AI Triage', type: 'ai_languageModel', index: 0 }]],
			},
		},
	};
}

const cw = (world: World) => world.vendors['connectwise-psa'] as CwSlice;
export const hudu = (world: World) => world.vendors.hudu as HuduSlice;

export function ticketsByRef(world: World, prefix: string) {
	return cw(world).tickets.filter((t) => t.externalXRef?.startsWith(prefix));
}
export const notesOf = (world: World, ticketId: number) =>
	cw(world).notes.filter((n) => n.ticketId === ticketId);
export const deviceByHost = (world: World, host: string) =>
	world.devices.find((d) => d.hostname === host)!;

/** Devices that had a critical or high November update not installed when the world was seeded. */
export function devicesNeedingPatches(seeded: World): string[] {
	const keys = new Set(
		seeded.patches
			.filter((p) => ['critical', 'high'].includes(p.severity) && p.status !== 'installed')
			.map((p) => p.deviceKey),
	);
	return seeded.devices.filter((d) => keys.has(d.key)).map((d) => d.hostname);
}

/** Per client: one article and one tile with this title. */
export function publishedOnce(world: World, articlePrefix: string, tileTitle: string) {
	return world.clients.map((client) => ({
		client: client.name,
		articles: hudu(world).articles.filter(
			(a) => a.company_id === client.ids.huduCompanyId && a.name.startsWith(articlePrefix),
		).length,
		tiles: hudu(world).magicDash.filter(
			(m) => m.company_id === client.ids.huduCompanyId && m.title === tileTitle,
		).length,
	}));
}

/** No ticket carries the same note twice: a retried write never duplicates. */
export function noDuplicateNotes(world: World, ticketIds: number[]) {
	for (const id of ticketIds) {
		const texts = notesOf(world, id).map((n) => n.text);
		expect(texts).toEqual([...new Set(texts)]);
	}
}

/**
 * The end state of patch remediation on the seeded world (clean or under faults): one ticket per device
 * that missed an update; the failing device, the server offline after its reboot and devices with an
 * unapproved update escalated and open with one escalation note; every other device patched, verified
 * and its ticket closed with one resolution note; one article and tile per client.
 */
export function assertPatchEndState(seeded: World, world: World, { rerun = false } = {}) {
	const tickets = ticketsByRef(world, 'patch:');
	const hosts = devicesNeedingPatches(seeded);
	expect(tickets).toHaveLength(hosts.length);
	expect(new Set(tickets.map((t) => t.externalXRef)).size).toBe(tickets.length);
	// Escalated: the device whose install fails, the server offline after its reboot, and every device
	// with a tracked update its patch policy has not approved (nothing installs it).
	const unapproved = (host: string) => {
		const key = deviceByHost(seeded, host).key;
		return seeded.patches.some(
			(p) =>
				p.deviceKey === key && ['critical', 'high'].includes(p.severity) && p.status === 'pending',
		);
	};
	const escalated = hosts.filter(
		(host) => ['NWL-WS03', 'HLL-SRV01'].includes(host) || unapproved(host),
	);
	expect(escalated.length).toBeLessThan(hosts.length);
	for (const host of hosts) {
		const device = deviceByHost(world, host);
		const ticket = tickets.find((t) =>
			t.externalXRef?.startsWith(`patch:${device.ids.ninjaDeviceId}:`),
		);
		expect({ host, closed: ticket?.closedFlag }).toEqual({
			host,
			closed: !escalated.includes(host),
		});
		const notes = notesOf(world, ticket!.id);
		if (escalated.includes(host)) {
			expect(ticket!.priorityId).toBe(1);
			expect(
				notes.filter((n) => n.internalAnalysisFlag && /not verified/.test(n.text)).length,
			).toBeGreaterThanOrEqual(1);
		} else {
			const open = world.patches.filter(
				(p) =>
					p.deviceKey === device.key &&
					['critical', 'high'].includes(p.severity) &&
					p.status !== 'installed',
			);
			expect({ host, open }).toEqual({ host, open: [] });
			expect(
				notes.filter((n) => n.resolutionFlag && /Installed and verified/.test(n.text)),
			).toHaveLength(1);
		}
	}
	// A rerun escalates a still-unpatched device again with the same note; a closed ticket is never touched again.
	noDuplicateNotes(
		world,
		tickets.filter((t) => !rerun || t.closedFlag).map((t) => t.id),
	);
	expect(
		publishedOnce(world, 'Patch compliance', 'Patch compliance').map((p) => [p.articles, p.tiles]),
	).toEqual([
		[1, 1],
		[1, 1],
		[1, 1],
	]);
	return tickets;
}

/**
 * The end state of a rules-only threat response run (clean or under faults): the ransomware host isolated once,
 * mitigated, cleaned once with exit code 0, released once, its ticket closed with the timeline; the server threat
 * ticketed and waiting for approval; the PUP and the admin tool ticketed for a technician; one article and tile per client.
 */
export function assertThreatEndState(world: World) {
	const threat = (scenario: string) => world.threats.find((t) => t.scenario === scenario)!;
	const ticketFor = (scenario: string) =>
		ticketsByRef(world, `edr-threat:${threat(scenario).sentinelOneThreatId}`);
	const ransomware = threat('ransomware');
	expect(ransomware.mitigationStatus).toBe('mitigated');
	expect(deviceByHost(world, 'BSD-WS02').containment).toBe('released');
	const ops = (kind: string) =>
		world.operations.filter((o) => o.kind === kind && o.deviceKey === ransomware.deviceKey);
	expect([ops('isolate').length, ops('release').length, ops('mitigation').length]).toEqual([
		1, 1, 1,
	]);
	expect(ops('script').map((o) => [o.status, o.exitCode])).toEqual([['succeeded', 0]]);
	expect(ticketFor('ransomware')).toEqual([expect.objectContaining({ closedFlag: true })]);
	expect(
		notesOf(world, ticketFor('ransomware')[0].id)
			.map((n) => n.text)
			.join('\n'),
	).toMatch(/Incident timeline[\s\S]*isolation: isolated[\s\S]*exit code 0[\s\S]*released/);
	expect(ticketFor('serverCredentialTheft')).toEqual([
		expect.objectContaining({ closedFlag: false }),
	]);
	expect(
		notesOf(world, ticketFor('serverCredentialTheft')[0].id).filter((n) =>
			/Approve: http\S+approved=true/.test(n.text),
		).length,
	).toBeGreaterThanOrEqual(1);
	expect(threat('serverCredentialTheft').mitigationStatus).toBe('notMitigated');
	for (const scenario of ['pup', 'falsePositiveAdminTool'])
		expect(ticketFor(scenario)).toEqual([expect.objectContaining({ closedFlag: false })]);
	expect(ticketsByRef(world, 'edr-threat:')).toHaveLength(4);
	noDuplicateNotes(world, [ticketFor('ransomware')[0].id]);
	expect(
		publishedOnce(world, 'Security incidents', 'Security incidents').map((p) => [
			p.articles,
			p.tiles,
		]),
	).toEqual([
		[1, 1],
		[1, 1],
		[1, 1],
	]);
}
