import { readFileSync } from 'fs';
import { join, resolve } from 'path';

import type { Client, Device, Threat, World } from '../../sandbox';
import { slice as autotaskSlice } from '../../sandbox/vendors/autotask/data';
import type { CwSlice } from '../../sandbox/vendors/connectwise-psa/data';
import type { HaloSlice } from '../../sandbox/vendors/halopsa/data';
import { externalXRefOf } from '../../nodes/MspPsa/providers/connectwise/mappers';
import { FALCON_IDS } from '../../sandbox/vendors/crowdstrike';
import type { HuduSlice } from '../../sandbox/vendors/hudu/store';
import { deviceUid as dattoDeviceUid } from '../../sandbox/vendors/datto-rmm/mappers';
import { HUNTRESS_IDS } from '../../sandbox/vendors/huntress';
import { itGlueOrganizationId, itGlueSlice } from '../../sandbox/vendors/itglue/store';
import { externalIdOf } from '../../nodes/MspPsa/providers/autotask/mappers';

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
const halo = (world: World) => world.vendors.halopsa as HaloSlice;
export const hudu = (world: World) => world.vendors.hudu as HuduSlice;

/** A PSA ticket as the end-state checks read it, whichever PSA holds it. */
interface TicketView {
	id: number;
	ref: string;
	closed: boolean;
	/** At the escalation priority (1, the highest, in ConnectWise and Halo). */
	urgent: boolean;
}

interface NoteView {
	text: string;
	internal: boolean;
	resolution: boolean;
}

/** A report document as a client reads it in the documentation platform. */
interface DocumentView {
	name: string;
	content: string;
}

/** Where the templates publish their reports, and how that platform shows them per client. */
interface ReportPlatform {
	/** The platform as the MSP names it ("Hudu", "IT Glue"). */
	label: string;
	/** Node type name `mspReport` -> provider value and the sandbox credential's type and name. */
	provider: { provider: string; credential: string; name: string };
	/**
	 * The client's live documents whose name starts with the prefix. A duplicate that concurrent or retried runs
	 * converged on is archived, so it is not among them.
	 */
	documents(world: World, client: Client, prefix: string): DocumentView[];
	/**
	 * The client's status tiles with this title; undefined when the platform has no tiles (IT Glue: the report
	 * node skips them and sends nothing).
	 */
	tiles?(world: World, client: Client, title: string): number;
	/** The client's status tiles as a client sees them (title and message), where the platform has tiles. */
	tileMessages?(world: World, client: Client): Array<{ title: string; message: string }>;
}

const HUDU: ReportPlatform = {
	label: 'Hudu',
	provider: { provider: 'hudu', credential: 'mspHuduApi', name: 'Sandbox Hudu' },
	documents: (world, client, prefix) =>
		hudu(world)
			.articles.filter(
				(a) =>
					a.company_id === client.ids.huduCompanyId && a.name.startsWith(prefix) && !a.archived,
			)
			.map((a) => ({ name: a.name, content: a.content })),
	tiles: (world, client, title) =>
		hudu(world).magicDash.filter(
			(m) => m.company_id === client.ids.huduCompanyId && m.title === title,
		).length,
	tileMessages: (world, client) =>
		hudu(world)
			.magicDash.filter((m) => m.company_id === client.ids.huduCompanyId)
			.map((m) => ({ title: m.title, message: m.message })),
};

/** One MSP Report flexible asset per client and title, updated in place; IT Glue has no tiles. */
const IT_GLUE: ReportPlatform = {
	label: 'IT Glue',
	provider: { provider: 'itGlue', credential: 'mspItGlueApi', name: 'Sandbox IT Glue' },
	documents: (world, client, prefix) =>
		itGlueSlice(world)
			.flexibleAssets.filter(
				(a) =>
					a['organization-id'] === itGlueOrganizationId(world, client) &&
					a.name.startsWith(prefix) &&
					!a.archived,
			)
			.map((a) => ({ name: a.name, content: String(a.traits.report ?? '') })),
};

/**
 * The vendors a template runs on: which provider and credential each node family uses (what a builder picks in the
 * editor), and how each vendor records what the template did.
 */
export interface Stack {
	label: string;
	/** The sandbox vendor ids of its PSA, RMM and EDR (as the request log names them). */
	vendors: string[];
	/** Node type name (`mspPsa`...) -> provider value and the sandbox credential's type and name. */
	providers: Record<string, { provider: string; credential: string; name: string }>;
	tickets(world: World): TicketView[];
	notes(world: World, ticketId: number): NoteView[];
	/** The device id the RMM gives the template (it is part of the patch ticket's reference). */
	rmmDeviceId(device: Device): number | string;
	/**
	 * The threat id the EDR gives the template (it is the threat ticket's reference). Falcon's composite alert id names
	 * the device's customer account, so that stack needs the world.
	 */
	edrThreatId(threat: Threat, world?: World): string;
	/** What the incident timeline shows for the cleanup script: Automate reports no exit code. */
	cleanupInTimeline: RegExp;
	/**
	 * Whether rules alone send the server's credential theft to Needs approval. Defender alerts carry no malicious
	 * confidence label, so on Defender the rules send it to Investigate and nothing waits.
	 */
	serverThreatNeedsApproval: boolean;
	/**
	 * Whether the template can mitigate a threat through the EDR. CrowdStrike Falcon mitigates only through Real Time
	 * Response sessions, which MSP EDR does not run: Mitigate succeeds only on an alert Falcon's prevention policy
	 * already stopped, so on a detection-only ransomware alert the host is isolated and cleaned but never verified,
	 * and it stays isolated with its ticket escalated for a technician. The template never releases a host whose
	 * threat the EDR does not show mitigated.
	 */
	edrMitigates: boolean;
	/**
	 * Whether the EDR keeps an analyst verdict. Falcon alerts and Huntress incident reports have none, so the
	 * template resolves the threat without one (Resolve in EDR leaves out what the EDR cannot record).
	 */
	edrRecordsVerdict: boolean;
	/**
	 * What the MSP writes into the templates' clientMap for this stack: Defender has no client name, only machine
	 * groups ("BSD Endpoints"), so each group is mapped to its RMM client as an MSP does once in Configuration.
	 */
	clientMap?: Record<string, { rmmClient: string }>;
	/** Where the reports are published (Hudu unless said otherwise). */
	report: ReportPlatform;
	/** The reference as the PSA stores it: a PSA that limits the field's length keeps a shortened one. */
	storedRef(reference: string): string;
}

const EDR_TRIGGER_AND_NODE = (provider: string, credential: string, name: string) => ({
	mspEdr: { provider, credential, name },
	mspEdrTrigger: { provider, credential, name },
});

/** ConnectWise PSA, NinjaOne, SentinelOne and Hudu: the templates' defaults. */
export const DEFAULT_STACK: Stack = {
	label: 'ConnectWise PSA, NinjaOne, SentinelOne',
	vendors: ['connectwise-psa', 'ninjaone', 'sentinelone'],
	providers: {
		mspPsa: {
			provider: 'connectwise',
			credential: 'mspConnectWisePsaApi',
			name: 'Sandbox ConnectWise PSA',
		},
		mspRmm: { provider: 'ninjaOne', credential: 'mspNinjaOneApi', name: 'Sandbox NinjaOne' },
		...EDR_TRIGGER_AND_NODE('sentinelOne', 'mspSentinelOneApi', 'Sandbox SentinelOne'),
	},
	tickets: (world) =>
		cw(world).tickets.map((t) => ({
			id: t.id,
			ref: t.externalXRef ?? '',
			closed: t.closedFlag,
			urgent: t.priorityId === 1,
		})),
	notes: (world, ticketId) =>
		notesOf(world, ticketId).map((n) => ({
			text: n.text,
			internal: n.internalAnalysisFlag,
			resolution: n.resolutionFlag,
		})),
	rmmDeviceId: (device) => device.ids.ninjaDeviceId,
	edrThreatId: (threat) => threat.sentinelOneThreatId,
	cleanupInTimeline: /exit code 0/,
	serverThreatNeedsApproval: true,
	edrMitigates: true,
	edrRecordsVerdict: true,
	report: HUDU,
	storedRef: externalXRefOf,
};

/** HaloPSA, ConnectWise Automate, Microsoft Defender for Endpoint and Hudu: the other provider of every family. */
export const OTHER_STACK: Stack = {
	label: 'HaloPSA, ConnectWise Automate, Microsoft Defender',
	vendors: ['halopsa', 'connectwise-automate', 'defender'],
	providers: {
		mspPsa: { provider: 'halo', credential: 'mspHaloPsaApi', name: 'Sandbox HaloPSA' },
		mspRmm: {
			provider: 'connectWiseAutomate',
			credential: 'mspConnectWiseAutomateApi',
			name: 'Sandbox ConnectWise Automate',
		},
		...EDR_TRIGGER_AND_NODE(
			'microsoftDefender',
			'mspMicrosoftDefenderApi',
			'Sandbox Microsoft Defender for Endpoint',
		),
	},
	tickets: (world) =>
		halo(world).tickets.map((t) => ({
			id: t.id,
			ref: t.third_party_id_string,
			closed: halo(world).statuses.find((s) => s.id === t.status_id)?.closed === true,
			urgent: t.priority_id === 1,
		})),
	notes: (world, ticketId) =>
		halo(world)
			.actions.filter((a) => a.ticket_id === ticketId)
			.map((a) => ({
				text: a.note,
				internal: a.hiddenfromuser,
				resolution: a.outcome === 'Resolution',
			})),
	rmmDeviceId: (device) => device.ids.automateComputerId,
	edrThreatId: (threat) => threat.defenderAlertId,
	cleanupInTimeline: /succeeded/,
	serverThreatNeedsApproval: false,
	edrMitigates: true,
	edrRecordsVerdict: true,
	clientMap: {
		'BSD Endpoints': { rmmClient: 'Bright Smile Dental' },
		'NWL Endpoints': { rmmClient: 'Northwind Logistics' },
		'HLL Endpoints': { rmmClient: 'Harper & Lowe LLP' },
	},
	report: HUDU,
	storedRef: (reference) => reference,
};

/** ConnectWise PSA, Datto RMM, SentinelOne and Hudu: the RMM swapped for Datto RMM (devices are named by uid). */
export const DATTO_STACK: Stack = {
	...DEFAULT_STACK,
	label: 'ConnectWise PSA, Datto RMM, SentinelOne',
	vendors: ['connectwise-psa', 'datto-rmm', 'sentinelone'],
	providers: {
		...DEFAULT_STACK.providers,
		mspRmm: { provider: 'dattoRmm', credential: 'mspDattoRmmApi', name: 'Sandbox Datto RMM' },
	},
	rmmDeviceId: (device) => dattoDeviceUid(device),
};

function worldFor(world: World | undefined): World {
	if (!world)
		throw new Error('This EDR derives its threat ids from the world: pass it to edrThreatId');
	return world;
}

const CONNECTWISE_NINJAONE = {
	mspPsa: DEFAULT_STACK.providers.mspPsa,
	mspRmm: DEFAULT_STACK.providers.mspRmm,
};

/** ConnectWise PSA, NinjaOne and Hudu with Huntress as the EDR (MSP EDR node and trigger). */
export const HUNTRESS_STACK: Stack = {
	...DEFAULT_STACK,
	label: 'ConnectWise PSA, NinjaOne, Huntress',
	vendors: ['connectwise-psa', 'ninjaone', 'huntress'],
	providers: {
		...CONNECTWISE_NINJAONE,
		...EDR_TRIGGER_AND_NODE('huntress', 'mspHuntressApi', 'Sandbox Huntress'),
	},
	edrThreatId: (threat, world) => String(HUNTRESS_IDS.incident(worldFor(world), threat)),
	// An incident report carries no confidence label (its SOC already judged it), so rules alone send the server's
	// credential theft to Investigate, as on Defender: nothing waits for approval.
	serverThreatNeedsApproval: false,
	// Mitigate quarantines by approving the Quarantine File remediation Huntress proposes; Huntress runs it.
	edrMitigates: true,
	edrRecordsVerdict: false,
};

/** ConnectWise PSA, NinjaOne and Hudu with CrowdStrike Falcon as the EDR (MSP EDR node and trigger). */
export const CROWDSTRIKE_STACK: Stack = {
	...DEFAULT_STACK,
	label: 'ConnectWise PSA, NinjaOne, CrowdStrike Falcon',
	vendors: ['connectwise-psa', 'ninjaone', 'crowdstrike'],
	providers: {
		...CONNECTWISE_NINJAONE,
		...EDR_TRIGGER_AND_NODE('crowdStrike', 'mspCrowdStrikeApi', 'Sandbox CrowdStrike Falcon'),
	},
	edrThreatId: (threat, world) => FALCON_IDS.alert(worldFor(world), threat),
	// Falcon's confidence 100 reads as malicious, so the server's credential theft waits for approval as on SentinelOne.
	serverThreatNeedsApproval: true,
	edrMitigates: false,
	edrRecordsVerdict: false,
	// A Falcon host names its customer account (CID) only by id: each CID is mapped to its RMM client, as an MSP does
	// once in Configuration, so a hostname two clients share is looked up in the right one.
	clientMap: Object.fromEntries(
		[
			['client-1', 'Bright Smile Dental'],
			['client-2', 'Northwind Logistics'],
			['client-3', 'Harper & Lowe LLP'],
		].map(([key, rmmClient]) => [FALCON_IDS.cid({ key } as Client), { rmmClient }]),
	),
};

const autotask = (world: World) => autotaskSlice(world);

/**
 * The Kaseya stack: Autotask PSA, Datto RMM and IT Glue, with SentinelOne as the EDR. Autotask's ticket priority is a
 * tenant picklist; the sandbox tenant's 1 is Critical, so the templates' escalation priority 1 is the highest there too.
 */
export const KASEYA_STACK: Stack = {
	...DEFAULT_STACK,
	label: 'Autotask PSA, Datto RMM, SentinelOne, IT Glue',
	vendors: ['autotask', 'datto-rmm', 'sentinelone'],
	providers: {
		mspPsa: { provider: 'autotask', credential: 'mspAutotaskApi', name: 'Sandbox Autotask' },
		mspRmm: { provider: 'dattoRmm', credential: 'mspDattoRmmApi', name: 'Sandbox Datto RMM' },
		...EDR_TRIGGER_AND_NODE('sentinelOne', 'mspSentinelOneApi', 'Sandbox SentinelOne'),
	},
	tickets: (world) =>
		autotask(world).tickets.map((t) => ({
			id: t.id,
			ref: t.externalID ?? '',
			// 5 Complete: a system status, the same in every Autotask database.
			closed: t.status === 5,
			urgent: t.priority === 1,
		})),
	// Publish 2 is Internal Users Only. Autotask has no resolution flag on a note: closing writes the resolution
	// into the ticket's `resolution` field as well, so the note carrying that text is the resolution note.
	notes: (world, ticketId) => {
		const resolution = autotask(world)
			.tickets.find((t) => t.id === ticketId)
			?.resolution?.trim();
		return autotask(world)
			.notes.filter((n) => n.ticketID === ticketId)
			.map((n) => ({
				text: n.description,
				internal: n.publish === 2,
				resolution: !!resolution && n.description.trim() === resolution,
			}));
	},
	rmmDeviceId: (device) => dattoDeviceUid(device),
	// A Datto quick job reports each component's status, not its exit code.
	cleanupInTimeline: /succeeded, exit code not reported/,
	report: IT_GLUE,
	storedRef: externalIdOf,
};

/** A template switched to a stack's providers: pick the provider, pick its credential, nothing else. */
export function onStack(template: Template, stack: Stack): Template {
	const copy = JSON.parse(JSON.stringify(template)) as Template;
	const clientMap = copy.nodes
		.find((n) => n.name === 'Configuration')
		?.parameters.assignments?.assignments?.find((a: { name: string }) => a.name === 'clientMap');
	if (clientMap && stack.clientMap)
		clientMap.value = JSON.stringify({
			...JSON.parse(clientMap.value || '{}'),
			...stack.clientMap,
		});
	const providers = { ...stack.providers, mspReport: stack.report.provider };
	for (const node of copy.nodes) {
		const swap = providers[node.type.split('.')[1] as keyof typeof providers];
		// Only the nodes that talk to a vendor: MSP Report's evidence and report steps have no provider.
		if (!swap || node.parameters.provider === undefined) continue;
		node.parameters.provider = swap.provider;
		node.credentials = { [swap.credential]: { name: swap.name } };
	}
	return copy;
}

/**
 * Tickets whose reference starts with the prefix. ConnectWise keeps at most 100 characters of a reference and stores a
 * longer one shortened (`edr-threat:` and a Falcon alert id): a prefix that is a whole long reference matches that.
 */
const stackTickets = (world: World, stack: Stack, prefix: string) => {
	const stored = stack.storedRef(prefix);
	return stack.tickets(world).filter((t) => t.ref.startsWith(prefix) || t.ref === stored);
};

/** The tickets of one threat, by its exact reference as the stack's PSA stores it. */
export function threatTickets(world: World, stack: Stack, threatId: string) {
	const stored = stack.storedRef(`edr-threat:${threatId}`);
	return stack.tickets(world).filter((t) => t.ref === stored);
}

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

/**
 * Per client: the live articles (documents) whose name starts with the prefix and the tiles with this title, in the
 * stack's documentation platform. A platform without tiles counts none.
 */
export function publishedOnce(
	world: World,
	articlePrefix: string,
	tileTitle: string,
	stack: Stack = DEFAULT_STACK,
) {
	return world.clients.map((client) => ({
		client: client.name,
		articles: stack.report.documents(world, client, articlePrefix).length,
		tiles: stack.report.tiles?.(world, client, tileTitle) ?? 0,
	}));
}

/** What publishedOnce shows after a run: one article per client, and one tile where the platform has tiles. */
export const onePerClient = (world: World, stack: Stack = DEFAULT_STACK) =>
	world.clients.map(() => [1, stack.report.tiles ? 1 : 0]);

/** No ticket carries the same note twice: a retried write never duplicates. */
export function noDuplicateNotes(world: World, ticketIds: number[], stack: Stack = DEFAULT_STACK) {
	for (const id of ticketIds) {
		const texts = stack.notes(world, id).map((n) => n.text);
		expect(texts).toEqual([...new Set(texts)]);
	}
}

/**
 * The devices patch remediation escalates on the seeded world: the device whose install fails, the server
 * offline after its reboot, and every device with a tracked update its patch policy has not approved
 * (nothing installs it).
 */
export function patchEscalations(seeded: World): string[] {
	const unapproved = (host: string) => {
		const key = deviceByHost(seeded, host).key;
		return seeded.patches.some(
			(p) =>
				p.deviceKey === key && ['critical', 'high'].includes(p.severity) && p.status === 'pending',
		);
	};
	return devicesNeedingPatches(seeded).filter(
		(host) => ['NWL-WS03', 'HLL-SRV01'].includes(host) || unapproved(host),
	);
}

/**
 * The end state of patch remediation on the seeded world (clean or under faults): one ticket per device
 * that missed an update; the failing device, the server offline after its reboot and devices with an
 * unapproved update escalated and open with one escalation note; every other device patched, verified
 * and its ticket closed with one resolution note; one article and tile per client. `failed` names devices
 * a step failed for in the run: escalated and open, with an internal note matching the pattern (the step
 * and the vendor's message).
 */
export function assertPatchEndState(
	seeded: World,
	world: World,
	{
		stack = DEFAULT_STACK,
		failed = {},
	}: {
		/** After a rerun: the same end state, and still no note written twice. */
		rerun?: boolean;
		stack?: Stack;
		failed?: Record<string, RegExp>;
	} = {},
) {
	const tickets = stackTickets(world, stack, 'patch:');
	const hosts = devicesNeedingPatches(seeded);
	expect(tickets).toHaveLength(hosts.length);
	expect(new Set(tickets.map((t) => t.ref)).size).toBe(tickets.length);
	const escalated = patchEscalations(seeded);
	expect(escalated.length).toBeLessThan(hosts.length);
	for (const host of hosts) {
		const device = deviceByHost(world, host);
		const ticket = tickets.find((t) => t.ref.startsWith(`patch:${stack.rmmDeviceId(device)}:`));
		const notes = stack.notes(world, ticket!.id);
		if (failed[host]) {
			expect({ host, closed: ticket?.closed, urgent: ticket?.urgent }).toEqual({
				host,
				closed: false,
				urgent: true,
			});
			expect(notes.filter((n) => n.internal).map((n) => n.text)).toContainEqual(
				expect.stringMatching(failed[host]),
			);
			continue;
		}
		expect({ host, closed: ticket?.closed }).toEqual({ host, closed: !escalated.includes(host) });
		if (escalated.includes(host)) {
			expect(ticket!.urgent).toBe(true);
			expect(
				notes.filter((n) => n.internal && /not verified/.test(n.text)).length,
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
				notes.filter((n) => n.resolution && /Installed and verified/.test(n.text)),
			).toHaveLength(1);
		}
	}
	// A rerun that finds a device in the same state writes no second escalation note (the note is keyed by that
	// state); a closed ticket is never touched again.
	noDuplicateNotes(
		world,
		tickets.map((t) => t.id),
		stack,
	);
	expect(
		publishedOnce(world, 'Patch compliance', 'Patch compliance', stack).map((p) => [
			p.articles,
			p.tiles,
		]),
	).toEqual(onePerClient(world, stack));
}

/**
 * Devices a step of patch remediation failed for in the latest run: the ticket is open and its latest internal note
 * names one of the template's continue-on-fail steps (`<step> failed: <vendor message>`). Under a fault profile a
 * request can fail on every attempt; the device is then escalated with that reason and the next run handles it again.
 */
export function patchStepFailures(
	world: World,
	stack: Stack = DEFAULT_STACK,
): Record<string, RegExp> {
	const steps = loadTemplate('patch-remediation')
		.nodes.filter((n) => (n as { onError?: string }).onError)
		.map((n) => n.name);
	const stepFailed = new RegExp(`(?:^|: )(?:${steps.join('|')}) failed: `);
	const failed: Record<string, RegExp> = {};
	for (const ticket of stackTickets(world, stack, 'patch:')) {
		if (ticket.closed) continue;
		const latest = stack
			.notes(world, ticket.id)
			.filter((n) => n.internal)
			.at(-1);
		if (!latest || !stepFailed.test(latest.text)) continue;
		const device = world.devices.find((d) =>
			ticket.ref.startsWith(`patch:${stack.rmmDeviceId(d)}:`),
		);
		if (device) failed[device.hostname] = stepFailed;
	}
	return failed;
}

/**
 * Runs patch remediation at least `minRuns` times and on until a run leaves no step failure (at most `maxRuns`),
 * checking the end state after every run: each device is done as on a clean run, or escalated naming the step that
 * failed for it, and nothing is duplicated. Returns the number of runs.
 */
export async function runPatchUntilSettled(
	runOnce: () => Promise<{ error?: unknown }>,
	seeded: World,
	world: () => World,
	{
		stack = DEFAULT_STACK,
		minRuns = 1,
		maxRuns = 3,
	}: { stack?: Stack; minRuns?: number; maxRuns?: number } = {},
): Promise<number> {
	for (let runs = 1; ; runs++) {
		expect((await runOnce()).error).toBeUndefined();
		const failed = patchStepFailures(world(), stack);
		assertPatchEndState(seeded, world(), { stack, rerun: runs > 1, failed });
		if (runs >= minRuns && !Object.keys(failed).length) return runs;
		if (runs >= maxRuns)
			throw new Error(
				`Patch remediation still failed a step after ${runs} runs for ${Object.keys(failed).join(', ')}`,
			);
	}
}

/**
 * Runs threat response at least `minRuns` times and on until the end state holds (at most `maxRuns`). A run may
 * leave the ransomware uncontained only when a step failed for it on every attempt and the incident ticket says so
 * (`Automation stopped at "<step>": ...`, or a timeline step `failed: ...`); the next run finishes it. Returns the
 * number of runs.
 */
export async function runThreatUntilSettled(
	runOnce: () => Promise<{ error?: unknown }>,
	world: () => World,
	{
		stack = DEFAULT_STACK,
		minRuns = 1,
		maxRuns = 3,
	}: { stack?: Stack; minRuns?: number; maxRuns?: number } = {},
): Promise<number> {
	const stepFailed = /Automation stopped at "[^"]+": |\bfailed: /;
	for (let runs = 1; ; runs++) {
		expect((await runOnce()).error).toBeUndefined();
		if (runs < minRuns) continue;
		try {
			assertThreatEndState(world(), { stack });
			return runs;
		} catch (error) {
			const ransomware = world().threats.find((t) => t.scenario === 'ransomware')!;
			const [ticket] = stackTickets(
				world(),
				stack,
				`edr-threat:${stack.edrThreatId(ransomware, world())}`,
			);
			const reported =
				ticket &&
				!ticket.closed &&
				stack.notes(world(), ticket.id).some((n) => stepFailed.test(n.text));
			if (runs >= maxRuns || !reported) throw error;
		}
	}
}

/** The approval form's link for one threat, as the approval request note carries it. */
export const approvalLink = (threatId: string) =>
	new RegExp(`http\\S+/form/msp-threat-approval\\?threat=${encodeURIComponent(threatId)}(\\s|$)`);

/**
 * The end state of a rules-only threat response run (clean or under faults): the ransomware host isolated once,
 * mitigated, cleaned once with exit code 0, released once, its ticket closed with the timeline; the server threat
 * ticketed and waiting for approval; the PUP and the admin tool ticketed for a technician; one article and tile per client.
 */
export function assertThreatEndState(
	world: World,
	{ stack = DEFAULT_STACK }: { stack?: Stack } = {},
) {
	const threat = (scenario: string) => world.threats.find((t) => t.scenario === scenario)!;
	const ticketFor = (scenario: string) =>
		stackTickets(world, stack, `edr-threat:${stack.edrThreatId(threat(scenario), world)}`);
	const notesText = (scenario: string) =>
		stack.notes(world, ticketFor(scenario)[0].id).map((n) => n.text);
	const ransomware = threat('ransomware');
	const ops = (kind: string) =>
		world.operations.filter((o) => o.kind === kind && o.deviceKey === ransomware.deviceKey);
	// Also after a run that stopped at any step: the rerun reads the threat's mitigation from the EDR and the
	// cleanup's RMM run from its keyed ticket note, so neither is repeated.
	expect(ops('script').map((o) => [o.status, o.exitCode])).toEqual([['succeeded', 0]]);
	if (stack.edrMitigates) {
		expect(ransomware.mitigationStatus).toBe('mitigated');
		expect(deviceByHost(world, 'BSD-WS02').containment).toBe('released');
		expect([ops('isolate').length, ops('release').length]).toEqual([1, 1]);
		expect(ops('mitigation')).toHaveLength(1);
		expect(ticketFor('ransomware')).toEqual([expect.objectContaining({ closed: true })]);
		// In order: isolated, cleaned up (as the RMM reports a script), released.
		const timeline = new RegExp(
			`Incident timeline[\\s\\S]*isolation: isolated[\\s\\S]*${stack.cleanupInTimeline.source}[\\s\\S]*verified clean: releasing`,
		);
		expect(notesText('ransomware').join('\n')).toMatch(timeline);
		// The resolution says what the RMM reported: an exit code where it reports one, never an invented "exited 0".
		const resolution = stack
			.notes(world, ticketFor('ransomware')[0].id)
			.filter((n) => n.resolution)
			.map((n) => n.text)
			.join('\n');
		expect(resolution).toMatch(
			/exit code 0/.test(notesText('ransomware').join('\n'))
				? /the cleanup script exited 0;/
				: /the cleanup script succeeded \(this RMM reports no exit code\);/,
		);
	} else {
		// Isolated once and cleaned once, but the EDR shows the threat unmitigated: never released, the ticket open at
		// the escalation priority with the timeline saying which step failed.
		expect(ransomware.mitigationStatus).toBe('notMitigated');
		expect(deviceByHost(world, 'BSD-WS02').containment).toBe('isolated');
		expect([ops('isolate').length, ops('release').length, ops('mitigation').length]).toEqual([
			1, 0, 0,
		]);
		expect(ticketFor('ransomware')).toEqual([
			expect.objectContaining({ closed: false, urgent: true }),
		]);
		const escalation = new RegExp(
			`Containment NOT verified: the device stays isolated[\\s\\S]*isolation: isolated[\\s\\S]*mitigation[^\\n]*: failed: [\\s\\S]*${stack.cleanupInTimeline.source}`,
		);
		expect(notesText('ransomware').filter((text) => escalation.test(text))).toHaveLength(1);
		expect(notesText('ransomware').join('\n')).not.toMatch(/verified clean: releasing/);
	}
	expect(ticketFor('serverCredentialTheft')).toEqual([expect.objectContaining({ closed: false })]);
	// One approval request per threat, its link naming that threat: a form, so following the link approves nothing.
	const approvalLinks = notesText('serverCredentialTheft').filter((text) =>
		approvalLink(stack.edrThreatId(threat('serverCredentialTheft'), world)).test(text),
	);
	expect(approvalLinks).toHaveLength(stack.serverThreatNeedsApproval ? 1 : 0);
	expect(threat('serverCredentialTheft').mitigationStatus).toBe('notMitigated');
	for (const scenario of ['pup', 'falsePositiveAdminTool'])
		expect(ticketFor(scenario)).toEqual([expect.objectContaining({ closed: false })]);
	expect(stackTickets(world, stack, 'edr-threat:')).toHaveLength(4);
	noDuplicateNotes(
		world,
		['ransomware', 'serverCredentialTheft', 'pup', 'falsePositiveAdminTool'].map(
			(scenario) => ticketFor(scenario)[0].id,
		),
		stack,
	);
	expect(
		publishedOnce(world, 'Security incidents', 'Security incidents', stack).map((p) => [
			p.articles,
			p.tiles,
		]),
	).toEqual(onePerClient(world, stack));
	assertThreatEdrAndReport(world, stack);
}

/**
 * What the EDR console and Hudu show after threat response: the ransomware resolved as a true positive, no threat
 * carrying the same note or comment twice, no device but the ransomware host isolated, and no Security incidents
 * article calling a verified incident unverified (a rerun reports it from the EDR's resolved threats).
 */
export function assertThreatEdrAndReport(world: World, stack: Stack = DEFAULT_STACK) {
	const ransomware = world.threats.find((t) => t.scenario === 'ransomware')!;
	// An EDR without an analyst verdict resolves the threat without one; a threat the template could not mitigate
	// stays open in the EDR for the technician.
	expect({ status: ransomware.status, verdict: ransomware.verdict }).toEqual({
		status: stack.edrMitigates ? 'resolved' : 'new',
		verdict: stack.edrMitigates && stack.edrRecordsVerdict ? 'truePositive' : 'undefined',
	});
	for (const threat of world.threats) {
		const texts = threat.notes.map((n) => n.text);
		expect({ threat: threat.scenario, notes: texts }).toEqual({
			threat: threat.scenario,
			notes: [...new Set(texts)],
		});
	}
	expect(
		world.operations
			.filter((o) => o.kind === 'isolate' && o.deviceKey !== ransomware.deviceKey)
			.map((o) => deviceHost(world, o.deviceKey)),
	).toEqual([]);
	const articles = world.clients.flatMap((client) =>
		stack.report.documents(world, client, 'Security incidents'),
	);
	expect(articles.filter((a) => /never verified/i.test(a.content)).map((a) => a.name)).toEqual([]);
}

const deviceHost = (world: World, key: string) =>
	world.devices.find((d) => d.key === key)?.hostname ?? key;

/**
 * The threat template with a chat-model node of the given type on MSP AI Triage's Model input: a test-only model
 * (registered through the run's `nodeTypes`) in the place where a user connects OpenAI, Anthropic or Ollama.
 */
export function withModelNode(
	template: Template,
	model: { type: string; name?: string; parameters?: Record<string, unknown> },
): Template {
	const name = model.name ?? 'Chat Model';
	const node = {
		id: 'test-chat-model',
		name,
		type: model.type,
		typeVersion: 1,
		position: [1500, 640],
		parameters: model.parameters ?? {},
	};
	return {
		...template,
		name: `${template.name} (${name})`,
		nodes: [...template.nodes, node],
		connections: {
			...template.connections,
			[name]: {
				ai_languageModel: [[{ node: 'MSP AI Triage', type: 'ai_languageModel', index: 0 }]],
			},
		},
	};
}

/**
 * Everything a technician reads on a PSA ticket, whichever PSA holds it: the summary, the description (ConnectWise
 * keeps it as the ticket's first note, Halo as `details`, Autotask as `description`) and every note.
 */
export function ticketText(world: World, stack: Stack, ticketId: number): string {
	const notes = stack.notes(world, ticketId).map((n) => n.text);
	if (stack.providers.mspPsa.provider === 'halo') {
		const ticket = halo(world).tickets.find((t) => t.id === ticketId);
		return [ticket?.summary ?? '', ticket?.details ?? '', ...notes].join('\n');
	}
	if (stack.providers.mspPsa.provider === 'autotask') {
		const ticket = autotask(world).tickets.find((t) => t.id === ticketId);
		return [ticket?.title ?? '', ticket?.description ?? '', ...notes].join('\n');
	}
	const ticket = cw(world).tickets.find((t) => t.id === ticketId);
	return [ticket?.summary ?? '', ...notes].join('\n');
}
