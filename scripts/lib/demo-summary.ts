/**
 * The demo's summary: what the two templates did to the sandbox estate, explained in the MSP's
 * words. Everything is read from the run (n8n's run data of each template) and from the sandbox
 * world after it (tickets, notes, devices, patches, threats), through the readers of the stack the
 * templates ran on (its PSA's tickets and notes, its RMM's device ids, its EDR's threat ids, its
 * documentation platform's reports): no hostname or count is assumed, so the summary stays true
 * when the estate or the vendors change.
 */
import type { Device, Patch, Threat, World } from '../../sandbox';
import type { ExecuteResult } from '../../test/e2e/helpers/n8n';
import { DEFAULT_STACK, type Stack } from '../../test/workflows/templates.expectations';

/** What the summary reads of a run: n8n's run data and a node's output items. */
export type RunResult = Pick<ExecuteResult, 'run' | 'outputOf'>;

export interface DemoRuns<Run extends RunResult = RunResult> {
	patch: Run;
	threat: Run;
}

/** A PSA ticket as the stack's PSA records it. */
type Ticket = ReturnType<Stack['tickets']>[number];

type Json = Record<string, any>;

/** Why a patch ticket stayed open. The four named ones are what the template escalates for; "other" keeps the ticket note. */
export const ESCALATION_REASONS = [
	'not approved in the patch policy',
	'install failed',
	'device offline',
	'verification failed',
] as const;
type EscalationReason = (typeof ESCALATION_REASONS)[number] | 'other';

interface PatchEscalation {
	hostname: string;
	ticket: Ticket;
	reason: EscalationReason;
	/** The ticket's escalation note, shown for "other" so that no escalation goes unexplained. */
	note: string;
}

const ROUTES: Record<string, string> = {
	contain: 'Contain',
	needsApproval: 'Needs approval',
	investigate: 'Investigate',
	dismiss: 'Dismiss',
};
/** MSP AI Triage has one output per route, in this order. */
const ROUTE_OUTPUTS = ['contain', 'needsApproval', 'investigate', 'dismiss'];

/**
 * The summary of both runs on `stack` (the templates' own vendors unless said otherwise): tickets,
 * patching, threats, approvals and compliance as that stack's vendors record them.
 */
export function summaryLines(
	world: World,
	runs: DemoRuns,
	reports: string[],
	reportsFolder: string,
	stack: Stack = DEFAULT_STACK,
): string[] {
	const tickets = stack.tickets(world);
	const lines: string[] = ['', 'Summary', '======='];
	const patchTickets = tickets.filter((t) => t.ref.startsWith('patch:'));
	const threatTickets = tickets.filter((t) => t.ref.startsWith('edr-threat:'));
	const all = [...patchTickets, ...threatTickets];
	lines.push(
		`Tickets: ${all.length} created in ${psaName(stack)}, ${all.filter((t) => t.closed).length} closed, ${all.filter((t) => !t.closed).length} open`,
	);
	lines.push('', ...patchLines(world, runs.patch, patchTickets, stack));
	lines.push('', ...threatLines(world, runs.threat, threatTickets, stack));
	lines.push('', ...approvalLines(world, runs.threat, stack));
	lines.push('', ...complianceLines(world, stack));
	lines.push(
		reports.length
			? `HTML reports: ${reportsFolder}`
			: 'HTML reports: none were attached to the run output',
	);
	for (const report of reports) lines.push(`  ${report}`);
	return lines;
}

/** The PSA is the first vendor a stack's label names ("ConnectWise PSA", "Autotask PSA", "HaloPSA"). */
function psaName(stack: Stack): string {
	return stack.label.split(', ')[0];
}

// ---------------------------------------------------------------------------------------------
// Patch remediation

function patchLines(world: World, run: RunResult, tickets: Ticket[], stack: Stack): string[] {
	const closed = tickets.filter((t) => t.closed);
	const escalations = tickets
		.filter((t) => !t.closed)
		.map((t) => explainPatchTicket(world, run, t, stack));
	const lines = [
		`Patching: ${tickets.length} devices missed critical or high updates; ${closed.length} patched and verified (ticket closed), ${escalations.length} escalated (ticket left open for a technician):`,
	];
	for (const reason of ESCALATION_REASONS) {
		const hosts = escalations.filter((e) => e.reason === reason).map((e) => e.hostname);
		lines.push(...listLine(`  ${reason}: ${hosts.length}`, hosts));
	}
	for (const other of escalations.filter((e) => e.reason === 'other')) {
		lines.push(
			`  other: ${other.hostname} (ticket #${other.ticket.id}): ${other.note || 'no escalation note on the ticket'}`,
		);
	}
	return lines;
}

/**
 * Why one patch ticket was escalated, from what the run saw: the install result of "Apply Approved
 * Patches" for the device, the state the install left its patches in, and whether the device came
 * back online. The ticket's own note is kept for anything that fits none of the reasons.
 */
function explainPatchTicket(
	world: World,
	run: RunResult,
	ticket: Ticket,
	stack: Stack,
): PatchEscalation {
	// The ticket reference is patch:<RMM device id>:<cycle>, the id as the stack's RMM names the device.
	const device = world.devices.find((d) => ticket.ref.startsWith(`patch:${stack.rmmDeviceId(d)}:`));
	const note = escalationNote(world, ticket, stack);
	const hostname = device?.hostname ?? `RMM device ${ticket.ref.split(':')[1] || '?'}`;
	const install = device ? installResultFor(run, device) : undefined;
	if (!device || !install) return { hostname, ticket, reason: 'other', note };
	const tracked = trackedPatches(world, device, install.kbs);
	return { hostname, ticket, reason: escalationReason(install.result, device, tracked), note };
}

function escalationReason(install: Json, device: Device, tracked: Patch[]): EscalationReason {
	if (install.error) return 'install failed';
	if (install.status === 'skipped' && install.reason === 'offline') return 'device offline';
	if ((install.failed ?? []).length || tracked.some((p) => p.status === 'failed'))
		return 'install failed';
	// The template reads the device back after the install: offline then means it did not return from the reboot.
	if (!device.online) return 'device offline';
	const notInstalled = tracked.filter((p) => p.status !== 'installed');
	// What is left is what the patch policy never approved: the RMM only installs approved updates.
	if (
		notInstalled.length &&
		notInstalled.every((p) => p.status === 'pending' || p.status === 'rejected')
	)
		return 'not approved in the patch policy';
	if (install.status === 'skipped' && install.reason === 'noApprovedPatches')
		return 'not approved in the patch policy';
	// The RMM reported the install, but the read-back does not show every tracked update, or the wait ran out.
	if (install.timedOut || notInstalled.length || install.status !== 'succeeded')
		return 'verification failed';
	// Installed, online and still open: none of the template's reasons; the summary shows the ticket note.
	return 'other';
}

/** The device's item of "Apply Approved Patches", with the KBs "Patch Job" tracked for it. */
function installResultFor(
	run: RunResult,
	device: Device,
): { result: Json; kbs: string[] } | undefined {
	const runData = run.run?.data?.resultData?.runData ?? {};
	const items: Json[] = runData['Apply Approved Patches']?.[0]?.data?.main?.[0] ?? [];
	for (let index = 0; index < items.length; index++) {
		// Error items (Continue On Fail) carry no hostname: the paired "Patch Job" item names the device.
		const job = ancestorJson(runData, 'Apply Approved Patches', index, 'Patch Job');
		const hostname = items[index].json?.hostname ?? job?.hostname;
		if (hostname === device.hostname)
			return { result: items[index].json ?? {}, kbs: (job?.kbs as string[] | undefined) ?? [] };
	}
	return undefined;
}

/** The patches the run tracked for the device (its configured severities), as the install left them. */
function trackedPatches(world: World, device: Device, kbs: string[]): Patch[] {
	const patches = world.patches.filter((p) => p.deviceKey === device.key);
	return kbs.length
		? patches.filter((p) => kbs.includes(p.kb))
		: patches.filter((p) => p.status !== 'installed');
}

/** The first line of the note the template wrote when it escalated (it starts with the reason). */
function escalationNote(world: World, ticket: Ticket, stack: Stack): string {
	const text =
		stack
			.notes(world, ticket.id)
			.map((n) => n.text)
			.find((t) => /not verified/i.test(t)) ?? '';
	return text.split('\n')[0];
}

/**
 * Follows n8n's pairedItem links back from an item of `node` to the item of `target` it came
 * from, through each node's recorded source: the same lineage n8n's `$('Node').item` uses.
 */
function ancestorJson(
	runData: Json,
	node: string,
	index: number,
	target: string,
): Json | undefined {
	let current = node;
	let output = 0;
	let runIndex = 0;
	let item = index;
	for (let hop = 0; hop < 100; hop++) {
		const task = runData[current]?.[runIndex];
		const entry = task?.data?.main?.[output]?.[item];
		if (!entry) return undefined;
		if (current === target) return entry.json;
		const paired = Array.isArray(entry.pairedItem)
			? entry.pairedItem[0]
			: typeof entry.pairedItem === 'number'
				? { item: entry.pairedItem }
				: entry.pairedItem;
		const source = task.source?.[paired?.input ?? 0];
		if (!paired || !source?.previousNode) return undefined;
		current = source.previousNode;
		output = source.previousNodeOutput ?? 0;
		runIndex = source.previousNodeRun ?? 0;
		item = paired.item;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Threat response

interface TriagedThreat {
	threatId: string;
	hostname: string;
	route: string;
	source: string;
}

function threatLines(world: World, run: RunResult, tickets: Ticket[], stack: Stack): string[] {
	const triaged = triagedThreats(run);
	const awaiting = new Set(
		awaitingApproval(run).map((a) => String(a.reference ?? a.alert?.threat?.id)),
	);
	const escalated = new Set(run.outputOf('Unresolved Record').map((r) => String(r.reference)));
	const rows = triaged.map((t) => {
		const threat = worldThreat(world, t.threatId, stack);
		const ticket = tickets.find((k) => k.ref === stack.storedRef(`edr-threat:${t.threatId}`));
		const device = threat ? world.devices.find((d) => d.key === threat.deviceKey) : undefined;
		return {
			cells: [
				t.hostname,
				`${ROUTES[t.route] ?? t.route} (${t.source})`,
				threatOutcome(t, threat, device, ticket, awaiting, escalated),
			],
			title: threat?.title ?? t.threatId,
		};
	});
	const lines = [
		`Threats: ${triaged.length} triaged by MSP AI Triage (guardrail rules, with the sandbox's model connected through n8n's OpenAI Chat Model):`,
	];
	// The detection goes on its own line under the host: titles are long and the outcome matters most.
	const [header, ...body] = table([
		['host', 'route (decided by)', 'outcome'],
		...rows.map((r) => r.cells),
	]);
	const indent = ' '.repeat(Math.max(...rows.map((r) => r.cells[0].length), 4) + 2);
	if (rows.length) lines.push(`  ${header}`);
	body.forEach((line, i) => lines.push(`  ${line}`, `  ${indent}${rows[i].title}`));
	const counts = Object.entries(ROUTES).map(
		([route, label]) => `${label} ${triaged.filter((t) => t.route === route).length}`,
	);
	lines.push(`  routes: ${counts.join(', ')}`);
	// A threat the run never triaged is named too, so nothing in the EDR is left unexplained.
	const seen = new Set(triaged.map((t) => t.threatId));
	for (const threat of world.threats.filter((t) => !seen.has(stack.edrThreatId(t, world)))) {
		lines.push(
			`  not triaged in this run: ${hostOf(world, threat)} ${threat.title} (status ${threat.status})`,
		);
	}
	return lines;
}

/** Every item MSP AI Triage routed, from its four outputs. */
function triagedThreats(run: RunResult): TriagedThreat[] {
	return ROUTE_OUTPUTS.flatMap((route, output) =>
		run.outputOf('MSP AI Triage', output).map((item: Json) => ({
			threatId: String(item.threat?.id),
			hostname: String(item.hostname ?? item.threat?.hostname ?? '?'),
			route: String(item.triage?.route ?? route),
			source: String(item.triage?.source ?? 'rules'),
		})),
	);
}

/** The end state of one threat, read from the EDR, the device and the ticket after the run. */
function threatOutcome(
	triaged: TriagedThreat,
	threat: Threat | undefined,
	device: Device | undefined,
	ticket: Ticket | undefined,
	awaiting: Set<string>,
	escalated: Set<string>,
): string {
	const ticketText = ticket
		? `ticket #${ticket.id} ${ticket.closed ? 'closed' : 'open'}`
		: 'no ticket';
	if (awaiting.has(triaged.threatId)) return `awaiting approval, ${ticketText}`;
	if (threat?.verdict === 'falsePositive')
		return `dismissed: false positive in the EDR, ${ticketText}`;
	if (
		escalated.has(triaged.threatId) ||
		(triaged.route === 'contain' && device?.containment === 'isolated')
	) {
		return `containment not verified: device kept isolated, ${ticketText} and escalated`;
	}
	if (threat?.mitigationStatus === 'mitigated' && ticket?.closed)
		return `contained: isolated, quarantined, cleaned, released; ${ticketText}`;
	if (ticket && !ticket.closed) return `${ticketText} for a technician`;
	return `${ticketText}; EDR status ${threat?.status ?? 'unknown'}, mitigation ${threat?.mitigationStatus ?? 'unknown'}`;
}

/** The threats whose approval was requested in this run: each has its own ticket and form link. */
function awaitingApproval(run: RunResult): Json[] {
	return run.outputOf('Approval Pending Record');
}

/** One block per approval: what it approves and the form link its ticket note carries. */
function approvalLines(world: World, run: RunResult, stack: Stack): string[] {
	const pending = awaitingApproval(run);
	if (!pending.length) return ['Approvals pending: none'];
	const lines = [
		`Approvals pending: ${pending.length} (one form per threat; answering one contains only that threat)`,
	];
	for (const item of pending) {
		// The threat's ticket, by its reference: the ticket number the run recorded is not the id everywhere
		// (Autotask numbers tickets T20261201.0001).
		const ticketId =
			stack
				.tickets(world)
				.find((t) => t.ref === stack.storedRef(`edr-threat:${String(item.reference)}`))?.id ??
			Number(item.ticketReference);
		const threat = worldThreat(world, String(item.reference), stack);
		const note =
			stack
				.notes(world, ticketId)
				.map((n) => n.text)
				.find((t) => t.includes('Approve or reject')) ?? '';
		const link =
			/Approve or reject[^:]*: (\S+)/.exec(note)?.[1] ??
			`(no form link in the notes of ticket #${ticketId})`;
		lines.push(
			`  ${String(item.device)}: containment of "${threat?.title ?? item.reference}" (ticket #${ticketId})`,
		);
		lines.push(`    Approve or reject: ${link}`);
	}
	lines.push(
		'  The form answers while the workflow is active in a running n8n: `npm run demo -- --ui`, then activate it.',
	);
	return lines;
}

function worldThreat(world: World, id: string, stack: Stack): Threat | undefined {
	return world.threats.find((t) => stack.edrThreatId(t, world) === id);
}

function hostOf(world: World, threat: Threat): string {
	return world.devices.find((d) => d.key === threat.deviceKey)?.hostname ?? '?';
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** The report titles the templates publish, one document per client each. */
const REPORT_TITLES = ['Patch compliance', 'Security incidents'];

/**
 * Per client, what its documentation platform shows: the status tiles where the platform has them
 * (Hudu), else the headline of each published report (an IT Glue report asset leads with it).
 */
function complianceLines(world: World, stack: Stack): string[] {
	const { report } = stack;
	if (report.tileMessages) {
		const lines = [`Compliance per client (${report.label} tiles):`];
		for (const client of world.clients) {
			const tiles = report.tileMessages(world, client);
			lines.push(
				`  ${client.name}: ${tiles.map((t) => `${t.title}: ${t.message}`).join(' | ') || 'no tile'}`,
			);
		}
		return lines;
	}
	const lines = [`Compliance per client (${report.label} reports; ${report.label} has no tiles):`];
	for (const client of world.clients) {
		const documents = REPORT_TITLES.flatMap((title) =>
			report
				.documents(world, client, title)
				.map((d, _, all) => `${all.length > 1 ? d.name : title}: ${reportHeadline(d.content)}`),
		);
		lines.push(`  ${client.name}: ${documents.join(' | ') || 'no report'}`);
	}
	return lines;
}

/** "Device compliance 96%": the figure a published report leads with (a paragraph of a label and its value). */
function reportHeadline(html: string): string {
	if (/No activity in period/i.test(html)) return 'no activity in the period';
	const match = /<p[^>]*>([^<]+):\s*<strong[^>]*>([^<]+)<\/strong>\s*<\/p>/.exec(html);
	return match ? `${match[1].trim()} ${match[2].trim()}` : 'published (no headline figure)';
}

// ---------------------------------------------------------------------------------------------
// Layout

/** "label  a, b, c" wrapped at about 110 columns, continuation lines indented under the first host. */
function listLine(label: string, hosts: string[], width = 110): string[] {
	if (!hosts.length) return [`${label}`];
	const indent = ' '.repeat(label.length + 2);
	const lines: string[] = [];
	let line = `${label}  `;
	hosts.forEach((host, i) => {
		const text = host + (i < hosts.length - 1 ? ',' : '');
		if (line.length + text.length > width && line.trim().length > label.trim().length) {
			lines.push(line.trimEnd());
			line = indent;
		}
		line += `${text} `;
	});
	lines.push(line.trimEnd());
	return lines;
}

function table(rows: string[][]): string[] {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
	return rows.map((r) =>
		r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '),
	);
}
