import { randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { startSandbox, type Sandbox, type World } from '../../sandbox';
import {
	deviceByHost,
	devicesNeedingPatches,
	loadTemplate,
	notesOf,
	patchEscalations,
	publishedOnce,
	ticketsByRef,
	type Template,
} from '../workflows/templates.expectations';

import { openForm, submitForm } from './helpers/form';
import { freePort, N8nInstance, n8nWithPackage, type StartedN8n } from './helpers/n8n';
import {
	startPostgres,
	startRedis,
	startWorker,
	type PostgresServer,
	type RedisServer,
	type StartedWorker,
} from './helpers/queue';
import { N8nRest, type ExecutionSummary } from './helpers/rest';

/**
 * The shipped templates in a real queue-mode n8n 2.41 (PostgreSQL, Redis, `n8n start` and two `n8n worker`s, this
 * package installed from `npm pack`), started only through their production triggers: the MSP EDR Trigger's polls,
 * the approval Form Trigger, and the patch template's Schedule Trigger. Every outcome is read where the MSP reads it:
 * the EDR console, PSA tickets and their notes, containment, Hudu.
 *
 * The threat template is imported twice (an MSP who imported it twice: both copies poll the same EDR), both published
 * together so their first polls, and the executions those start, overlap on the two workers. The copy's form needs a
 * path of its own (n8n serves one production form per path); approval links lead to the first copy's form, whose path
 * the template's Configuration names.
 */

// n8n saves a workflow's static data (the EDR trigger's checkpoint) only under an id of at most 21 characters.
const THREAT = 'mspQueueThreat';
const THREAT_COPY = 'mspQueueThreatCopy';
const PATCH = 'mspQueuePatch';
/**
 * The patch copy's schedule: two ticks a second apart at the start of every minute. The second run starts while the
 * first is opening its tickets, and no third tick comes before the test unpublishes the copy.
 */
const PATCH_SCHEDULE = '0,1 * * * * *';
/** Vendor latency while the patch copy runs: enough that the two runs open tickets at the same time. */
const PATCH_LATENCY_MS = 80;
const FORM_PATH = 'msp-threat-approval';
const WORKER_CONCURRENCY = 1;

const trigger = (t: Template) => t.nodes.find((n) => n.type.endsWith('.mspEdrTrigger'))!;

/** The threat template as shipped, under its own id. */
function threatTemplate(id: string, copy = false): Template & { id: string } {
	const template = { ...loadTemplate('threat-response'), id };
	if (!trigger(template)) throw new Error('the threat template has no MSP EDR Trigger');
	if (!copy) return template;
	const form = template.nodes.find(
		(n) => n.name === 'Approval Form',
	)! as Template['nodes'][number] & {
		webhookId?: string;
	};
	form.webhookId = randomUUID();
	form.parameters = {
		...form.parameters,
		options: { ...form.parameters.options, path: `${FORM_PATH}-copy` },
	};
	return { ...template, name: `${template.name} (copy)` };
}

/** The patch template with its Schedule Trigger's rule set to PATCH_SCHEDULE (this test's copy only). */
function patchTemplate(id: string): Template & { id: string } {
	const template = { ...loadTemplate('patch-remediation'), id };
	const schedule = template.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (!schedule) throw new Error('the patch template has no Schedule Trigger');
	schedule.parameters = {
		rule: { interval: [{ field: 'cronExpression', expression: PATCH_SCHEDULE }] },
	};
	return template;
}

describe('shipped templates in queue mode through their production triggers', () => {
	let sandbox: Sandbox;
	let redis: RedisServer;
	let postgres: PostgresServer;
	let n8n: N8nInstance;
	let main: StartedN8n;
	let port: number;
	const workers: StartedWorker[] = [];
	let env: Record<string, string>;
	const rest = new N8nRest(() => main.baseUrl);
	const began = Date.now();
	/** Threats placed before the first poll: a domain controller and a second server, each waiting for approval. */
	const placed: Record<string, { threatId: string; deviceKey: string }> = {};

	/** A copy of the world as it is now (`sandbox.world()` is live). */
	const snapshot = () => JSON.parse(JSON.stringify(sandbox.world())) as World;
	const log = (text: string) =>
		console.log(`[queue-templates +${((Date.now() - began) / 1000).toFixed(0)} s] ${text}`);

	beforeAll(async () => {
		[sandbox, redis, postgres, n8n, port] = await Promise.all([
			startSandbox({ port: 0 }),
			startRedis(),
			startPostgres(),
			n8nWithPackage(),
			freePort(),
		]);
		env = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_DATABASE: postgres.database,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// The workers build the approval link from the instance's public address, as the main instance does.
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		};
		for (const [hostname, processName] of [
			['BSD-DC01', 'mimikatz.exe'],
			['HLL-SRV02', 'procdump64.exe'],
		]) {
			const threat = await placeThreat({
				hostname,
				title: `Credential theft: LSASS memory read by ${processName}`,
				classification: 'Malware',
				severity: 'high',
				confidence: 'malicious',
				processName,
				mitreTechniques: ['T1003.001'],
			});
			placed[hostname] = { threatId: threat.ids.sentinelOne, deviceKey: threat.deviceKey };
		}
		await importWith('credentials', sandbox.n8nCredentials());
		await importWith('workflow', [
			threatTemplate(THREAT),
			threatTemplate(THREAT_COPY, true),
			patchTemplate(PATCH),
		]);
		const started = await Promise.all([
			n8n.start({ env, port }),
			startWorker(n8n, env, { concurrency: WORKER_CONCURRENCY }),
			startWorker(n8n, env, { concurrency: WORKER_CONCURRENCY }),
		]);
		main = started[0];
		workers.push(started[1], started[2]);
		await rest.setupOwner();
		log('stack up');
	});

	afterAll(async () => {
		await Promise.all(workers.map(async (w) => await w.stop()));
		await n8n?.dispose();
		await Promise.all([sandbox?.stop(), redis?.stop(), postgres?.stop()]);
		log('stack down');
	});

	async function importWith(kind: 'credentials' | 'workflow', data: unknown): Promise<void> {
		const file = join(n8n.userFolder, `queue-templates-${kind}-${randomUUID()}.json`);
		writeFileSync(file, JSON.stringify(data), 'utf8');
		await n8n.runOrThrow([`import:${kind}`, `--input=${file}`], { env });
	}

	/** The scenario API, over HTTP as a fire drill uses it. */
	async function placeThreat(
		body: Record<string, unknown>,
	): Promise<{ deviceKey: string; ids: { sentinelOne: string } }> {
		const response = await fetch(`${sandbox.baseUrl}/_sandbox/threats`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		if (response.status !== 201) throw new Error(`placing a threat: ${response.status} ${text}`);
		return JSON.parse(text);
	}

	const diagnostics = () =>
		[
			`main:\n${main.logs().slice(-3000)}`,
			...workers.map((w, i) => `worker ${i + 1}:\n${w.logs().slice(-3000)}`),
		].join('\n');

	async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 180000) {
		const end = Date.now() + timeoutMs;
		while (!(await check())) {
			if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${diagnostics()}`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	/** Execution id -> the worker (0 or 1) whose log says it started it. */
	function ranOn(): Map<string, number> {
		const map = new Map<string, number>();
		workers.forEach((w, index) => {
			for (const m of w.logs().matchAll(/Worker started execution (\d+) /g)) map.set(m[1], index);
		});
		return map;
	}

	const finished = (e: ExecutionSummary) => !['new', 'running', 'waiting'].includes(e.status);

	async function executionsOf(...workflowIds: string[]): Promise<ExecutionSummary[]> {
		return (await Promise.all(workflowIds.map(async (id) => await rest.executions(id)))).flat();
	}

	const threatOf = (world: World, scenario: string) =>
		world.threats.find((t) => t.scenario === scenario)!;
	/** The ticket a ticket was closed as a duplicate of (find-or-create converging two runs), if it was. */
	const duplicateOf = (world: World, id: number) =>
		notesOf(world, id)
			.map((n) => /Closed as a duplicate of ticket #(\d+)/.exec(n.text)?.[1])
			.find((k) => k !== undefined);
	/**
	 * The threat's ticket: both copies poll at the same moment, so a ticket closed as a duplicate of it may sit beside
	 * it (checked by keptTickets), and is left out here.
	 */
	const ticketsFor = (world: World, threatId: string) =>
		ticketsByRef(world, `edr-threat:${threatId}`).filter(
			(t) => t.externalXRef === `edr-threat:${threatId}` && duplicateOf(world, t.id) === undefined,
		);
	const noteTexts = (world: World, threatId: string) =>
		ticketsFor(world, threatId).flatMap((t) => notesOf(world, t.id).map((n) => n.text));
	const operations = (world: World, deviceKey: string, kind: string) =>
		world.operations.filter((o) => o.deviceKey === deviceKey && o.kind === kind);
	const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const approvalLinkIn = (world: World, threatId: string) => {
		const link = new RegExp(
			`(http://127\\.0\\.0\\.1:${port}/form/${FORM_PATH}\\?threat=${escape(encodeURIComponent(threatId))})(\\s|$)`,
		);
		return noteTexts(world, threatId)
			.map((text) => link.exec(text)?.[1])
			.filter((l): l is string => l !== undefined);
	};

	/** Threats waiting for approval after the first polls: the seeded server's, and the two placed before them. */
	const pendingApprovals = (
		world: World,
	): Record<string, { threatId: string; deviceKey: string }> => ({
		'NWL-SRV01': {
			threatId: threatOf(world, 'serverCredentialTheft').sentinelOneThreatId,
			deviceKey: threatOf(world, 'serverCredentialTheft').deviceKey,
		},
		...placed,
	});

	/**
	 * Per reference: one ticket kept; any other closed as a duplicate of it, with the note naming it (how find-or-create
	 * converges when two runs create at the same moment). Returns the kept tickets.
	 */
	function keptTickets(world: World, prefix: string) {
		const byRef = new Map<string, ReturnType<typeof ticketsByRef>>();
		for (const t of ticketsByRef(world, prefix))
			byRef.set(t.externalXRef!, [...(byRef.get(t.externalXRef!) ?? []), t]);
		const kept = [];
		for (const [ref, tickets] of byRef) {
			const live = tickets.filter((t) => duplicateOf(world, t.id) === undefined);
			expect({ ref, live: live.map((t) => t.id) }).toEqual({ ref, live: [expect.any(Number)] });
			for (const duplicate of tickets.filter((t) => duplicateOf(world, t.id) !== undefined))
				expect({
					ref,
					duplicate: duplicate.id,
					closed: duplicate.closedFlag,
					keeps: duplicateOf(world, duplicate.id),
				}).toEqual({
					ref,
					duplicate: duplicate.id,
					closed: true,
					keeps: String(live[0].id),
				});
			kept.push(live[0]);
		}
		return kept;
	}

	/** No ticket and no EDR threat carries the same note twice. */
	function noRepeatedNotes(world: World) {
		for (const ticket of ticketsByRef(world, '')) {
			const texts = notesOf(world, ticket.id).map((n) => n.text);
			expect({ ticket: ticket.externalXRef, texts }).toEqual({
				ticket: ticket.externalXRef,
				texts: [...new Set(texts)],
			});
		}
		for (const threat of world.threats) {
			const texts = threat.notes.map((n) => n.text);
			expect({ threat: threat.key, texts }).toEqual({
				threat: threat.key,
				texts: [...new Set(texts)],
			});
		}
	}

	it('threat response: the EDR trigger’s first poll starts it on the workers; ransomware contained, each server and DC waits for its own approval', async () => {
		const seeded = snapshot();
		// Both copies at once: their first polls read the same threats at the same moment.
		await Promise.all([rest.publish(THREAT), rest.publish(THREAT_COPY)]);
		await until(async () => {
			const runs = await executionsOf(THREAT, THREAT_COPY);
			return runs.length >= 2 && runs.every(finished);
		}, 'the executions the first polls started');
		const runs = await executionsOf(THREAT, THREAT_COPY);
		log(
			`first polls: ${runs.map((r) => `${r.workflowId}#${r.id} ${r.mode} ${r.status}`).join(', ')}`,
		);
		// One execution per copy, started by the trigger, run by a worker and finished without error.
		expect(runs.map((r) => [r.workflowId, r.mode, r.status]).sort()).toEqual([
			[THREAT, 'trigger', 'success'],
			[THREAT_COPY, 'trigger', 'success'],
		]);
		const workerOf = ranOn();
		expect(runs.map((r) => workerOf.has(r.id))).toEqual([true, true]);
		expect(main.logs()).not.toMatch(/Worker started execution/);

		const world = sandbox.world();
		// The ransomware (detected 18 minutes ago): isolated, mitigated, cleaned, released, resolved and its ticket closed.
		const ransomware = threatOf(world, 'ransomware');
		expect({
			status: ransomware.status,
			verdict: ransomware.verdict,
			mitigation: ransomware.mitigationStatus,
			containment: deviceByHost(world, 'BSD-WS02').containment,
		}).toEqual({
			status: 'resolved',
			verdict: 'truePositive',
			mitigation: 'mitigated',
			containment: 'released',
		});
		expect(operations(world, ransomware.deviceKey, 'isolate')).toHaveLength(1);
		expect(operations(world, ransomware.deviceKey, 'release')).toHaveLength(1);
		expect(ticketsFor(world, ransomware.sentinelOneThreatId)).toEqual([
			expect.objectContaining({ closedFlag: true }),
		]);
		expect(noteTexts(world, ransomware.sentinelOneThreatId).join('\n')).toMatch(
			/Incident timeline[\s\S]*isolation: isolated[\s\S]*verified clean: releasing/,
		);
		// The seeded server and the domain controller and server placed before the poll: each on its own open ticket with
		// one approval request linking the form on this instance for that threat; nothing isolated, nothing mitigated.
		for (const [host, { threatId, deviceKey }] of Object.entries(pendingApprovals(world))) {
			expect({ host, tickets: ticketsFor(world, threatId).map((t) => t.closedFlag) }).toEqual({
				host,
				tickets: [false],
			});
			expect({ host, links: approvalLinkIn(world, threatId).length }).toEqual({ host, links: 1 });
			expect({
				host,
				operations: world.operations.filter((o) => o.deviceKey === deviceKey),
			}).toEqual({
				host,
				operations: [],
			});
			expect(world.threats.find((t) => t.sentinelOneThreatId === threatId)?.mitigationStatus).toBe(
				'notMitigated',
			);
		}
		// The first poll looks back an hour: the adware and the admin tool, detected before that, are not new.
		for (const scenario of ['pup', 'falsePositiveAdminTool'])
			expect(ticketsFor(world, threatOf(world, scenario).sentinelOneThreatId)).toEqual([]);
		expect(world.threats.filter((t) => t.status !== 'resolved').length).toBe(
			seeded.threats.filter((t) => t.status !== 'resolved').length - 1,
		);
	});

	it('two copies polling the same threats at once: one ticket per threat, no device isolated twice, one report per client', () => {
		const world = sandbox.world();
		const kept = keptTickets(world, 'edr-threat:');
		expect(kept).toHaveLength(4);
		log(`threat tickets: ${ticketsByRef(world, 'edr-threat:').length}, ${kept.length} kept`);
		const isolated = world.operations.filter((o) => o.kind === 'isolate');
		expect(isolated.map((o) => o.deviceKey)).toEqual([threatOf(world, 'ransomware').deviceKey]);
		noRepeatedNotes(world);
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
	});

	it('approval through the Form Trigger: following the link changes nothing; approving contains only that server, a rejection at the same moment isolates nothing, the third stays pending', async () => {
		const before = snapshot();
		const pending = pendingApprovals(before);
		const server = pending['NWL-SRV01'];
		const dc = pending['BSD-DC01'];
		const untouched = pending['HLL-SRV02'];
		const [serverLink] = approvalLinkIn(before, server.threatId);
		const [dcLink] = approvalLinkIn(before, dc.threatId);
		const runsBefore = await executionsOf(THREAT, THREAT_COPY);

		// A link scanner or a preview opens the link: the form, and nothing else.
		const visit = await openForm(serverLink);
		expect(visit.status).toBe(200);
		expect(visit.html).toContain('Approve containment');
		await new Promise((r) => setTimeout(r, 3000));
		expect(snapshot().operations).toEqual(before.operations);
		expect(noteTexts(snapshot(), server.threatId)).toEqual(noteTexts(before, server.threatId));
		expect(await executionsOf(THREAT, THREAT_COPY)).toHaveLength(runsBefore.length);

		// Two technicians answer at the same moment: one approves the server, the other rejects the domain controller.
		const submittedFrom = Date.now();
		const [approved, rejected] = await Promise.all([
			submitForm(serverLink, {
				Decision: 'Approve containment',
				'Your name': 'Dana Reyes',
				Reason: 'Confirmed with the client',
			}),
			submitForm(dcLink, {
				Decision: 'Reject',
				'Your name': 'Sam Ortiz',
				Reason: 'Change freeze on this server',
			}),
		]);
		expect([approved.status, rejected.status]).toEqual([200, 200]);
		// The threat id rides in the form's hidden field, filled from the link.
		expect(approved.fields.find((f) => f.kind === 'hidden')?.value).toBe(server.threatId);

		await until(async () => {
			const runs = await executionsOf(THREAT);
			return (
				runs.length >= runsBefore.filter((r) => r.workflowId === THREAT).length + 2 &&
				runs.every(finished)
			);
		}, 'the two form submissions');
		const answers = (await executionsOf(THREAT)).filter(
			(r) => !runsBefore.some((b) => b.id === r.id),
		);
		expect(answers.map((r) => [r.mode, r.status])).toEqual([
			['webhook', 'success'],
			['webhook', 'success'],
		]);
		// Each answer ran on a worker, one on each: the other worker was busy with the other answer.
		const workerOf = ranOn();
		expect(answers.map((r) => workerOf.get(r.id)).sort()).toEqual([0, 1]);
		const [first, second] = [...answers].sort(
			(a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!),
		);
		log(
			`answers: #${first.id} ${first.startedAt}..${first.stoppedAt}, #${second.id} ${second.startedAt}..${second.stoppedAt}`,
		);
		expect(Date.parse(second.startedAt!)).toBeLessThan(Date.parse(first.stoppedAt!));

		const world = sandbox.world();
		// Approved: exactly that server isolated (once), cleaned, released; the approver and the time on its ticket.
		expect(operations(world, server.deviceKey, 'isolate')).toHaveLength(1);
		expect(
			world.operations
				.filter((o) => o.kind === 'isolate')
				.map((o) => o.deviceKey)
				.sort(),
		).toEqual([threatOf(world, 'ransomware').deviceKey, server.deviceKey].sort());
		const approval = noteTexts(world, server.threatId)
			.map((text) =>
				/Containment approved by Dana Reyes at (\S+) \(Confirmed with the client\)/.exec(text),
			)
			.filter((m) => m !== null);
		expect(approval).toHaveLength(1);
		const approvedAt = Date.parse(approval[0]![1]);
		expect(approvedAt).toBeGreaterThanOrEqual(submittedFrom - 1000);
		expect(approvedAt).toBeLessThanOrEqual(Date.now());
		expect(
			world.threats.find((t) => t.sentinelOneThreatId === server.threatId)?.mitigationStatus,
		).toBe('mitigated');
		// Rejected: nothing isolated, the ticket escalated and open with who rejected it and why.
		expect(world.operations.filter((o) => o.deviceKey === dc.deviceKey)).toEqual([]);
		expect(noteTexts(world, dc.threatId).join('\n')).toMatch(
			/Containment rejected by Sam Ortiz .*Change freeze on this server.*Nothing was isolated/,
		);
		expect(ticketsFor(world, dc.threatId)).toEqual([
			expect.objectContaining({ closedFlag: false, priorityId: 1 }),
		]);
		// The third pending approval is untouched: same notes, open, not isolated, not mitigated.
		expect(noteTexts(world, untouched.threatId)).toEqual(noteTexts(before, untouched.threatId));
		expect(ticketsFor(world, untouched.threatId)).toEqual([
			expect.objectContaining({ closedFlag: false }),
		]);
		expect(world.operations.filter((o) => o.deviceKey === untouched.deviceKey)).toEqual([]);
		noRepeatedNotes(world);
	});

	it('the EDR trigger’s checkpoint survives a restart of main: nothing handled is emitted again, a new threat is emitted once and handled', async () => {
		const before = snapshot();
		const runsBefore = await executionsOf(THREAT, THREAT_COPY);
		sandbox.requests.clear();
		await main.stop();
		log('main stopped');
		main = await n8n.start({ env, port });
		log('main restarted');
		// Each copy polls once on activation: wait for both reads of the EDR, then for anything they would start.
		await until(
			() =>
				sandbox.requests.query({ vendor: 'sentinelone' }).filter((e) => /\/threats\b/.test(e.path))
					.length >= 2,
			'the first polls after the restart',
		);
		await new Promise((r) => setTimeout(r, 5000));
		let world = snapshot();
		expect(await executionsOf(THREAT, THREAT_COPY)).toHaveLength(runsBefore.length);
		expect(world.vendors['connectwise-psa']).toEqual(before.vendors['connectwise-psa']);
		expect(world.operations).toEqual(before.operations);
		expect(world.threats.map((t) => t.notes)).toEqual(before.threats.map((t) => t.notes));

		// A new threat through the scenario API: the next scheduled poll of each copy emits it once.
		const fresh = await placeThreat({
			hostname: 'HLL-WS03',
			title: 'Ransomware behaviour: mass file encryption by crypt0r.exe',
			classification: 'Ransomware',
			severity: 'critical',
			confidence: 'malicious',
			processName: 'crypt0r.exe',
		});
		const threatId = fresh.ids.sentinelOne;
		await until(
			async () => {
				const runs = await executionsOf(THREAT, THREAT_COPY);
				return runs.length >= runsBefore.length + 2 && runs.every(finished);
			},
			'both copies’ scheduled polls to handle the new threat',
			240000,
		);
		const runs = (await executionsOf(THREAT, THREAT_COPY)).filter(
			(r) => !runsBefore.some((b) => b.id === r.id),
		);
		expect(runs.map((r) => [r.workflowId, r.mode, r.status]).sort()).toEqual([
			[THREAT, 'trigger', 'success'],
			[THREAT_COPY, 'trigger', 'success'],
		]);
		// What each poll emitted: the new threat, and nothing handled before.
		for (const run of runs) {
			const emitted = await rest.nodeOutput(run.id, trigger(loadTemplate('threat-response')).name);
			expect(emitted.map((t) => t.id)).toEqual([threatId]);
		}
		const workerOf = ranOn();
		expect(runs.map((r) => workerOf.has(r.id))).toEqual([true, true]);

		world = snapshot();
		const hll = world.threats.find((t) => t.sentinelOneThreatId === threatId)!;
		expect({ status: hll.status, mitigation: hll.mitigationStatus }).toEqual({
			status: 'resolved',
			mitigation: 'mitigated',
		});
		expect(operations(world, fresh.deviceKey, 'isolate')).toHaveLength(1);
		expect(deviceByHost(world, 'HLL-WS03').containment).toBe('released');
		const kept = keptTickets(world, `edr-threat:${threatId}`);
		expect(kept).toEqual([expect.objectContaining({ closedFlag: true })]);
		// Nothing older changed: every earlier ticket and its notes as they were.
		const older = (w: World) =>
			ticketsByRef(w, 'edr-threat:')
				.filter((t) => t.externalXRef !== `edr-threat:${threatId}`)
				.map((t) => ({ ...t, notes: notesOf(w, t.id).map((n) => n.text) }));
		expect(older(world)).toEqual(older(before));
		expect(
			world.threats.filter((t) => t.sentinelOneThreatId !== threatId).map((t) => t.notes),
		).toEqual(before.threats.map((t) => t.notes));
		noRepeatedNotes(world);
	});

	it('patch remediation on a schedule: two executions overlap on the workers; one ticket per device, duplicates closed pointing to the kept one', async () => {
		const seeded = snapshot();
		// Vendors answering at WAN speed: the first run is still opening tickets when the second looks for them.
		sandbox.setLatency(PATCH_LATENCY_MS);
		await rest.publish(PATCH);
		log('patch copy published');
		try {
			await until(
				async () => (await rest.executions(PATCH)).length >= 2,
				'two scheduled patch runs',
				90000,
			);
		} finally {
			await rest.unpublish(PATCH);
		}
		log('patch copy unpublished');
		try {
			await until(
				async () => (await rest.executions(PATCH)).every(finished),
				'the patch runs to finish',
				300000,
			);
		} finally {
			sandbox.setLatency(0);
		}
		const runs = (await rest.executions(PATCH)).sort(
			(a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!),
		);
		log(
			`patch runs: ${runs.map((r) => `#${r.id} ${r.mode} ${r.status} ${r.startedAt}..${r.stoppedAt}`).join(', ')}`,
		);
		expect(runs.map((r) => [r.mode, r.status])).toEqual([
			['trigger', 'success'],
			['trigger', 'success'],
		]);
		// The second started before the first stopped, each on a worker.
		expect(Date.parse(runs[1].startedAt!)).toBeLessThan(Date.parse(runs[0].stoppedAt!));
		const workerOf = ranOn();
		expect(runs.map((r) => workerOf.has(r.id))).toEqual(runs.map(() => true));

		const world = sandbox.world();
		const kept = keptTickets(world, 'patch:');
		const hosts = devicesNeedingPatches(seeded);
		expect(kept).toHaveLength(hosts.length);
		const escalated = patchEscalations(seeded);
		for (const host of hosts) {
			const device = deviceByHost(world, host);
			const ticket = kept.find((t) =>
				t.externalXRef?.startsWith(`patch:${device.ids.ninjaDeviceId}:`),
			);
			expect({ host, closed: ticket?.closedFlag }).toEqual({
				host,
				closed: !escalated.includes(host),
			});
			if (!escalated.includes(host)) {
				const open = world.patches.filter(
					(p) =>
						p.deviceKey === device.key &&
						['critical', 'high'].includes(p.severity) &&
						p.status !== 'installed',
				);
				expect({ host, open }).toEqual({ host, open: [] });
				// Closed once: one resolution note, however many runs verified the device.
				const resolutions = notesOf(world, ticket!.id).filter(
					(n) => n.resolutionFlag && /Installed and verified/.test(n.text),
				);
				expect({ host, resolutions: resolutions.length }).toEqual({ host, resolutions: 1 });
			}
		}
		expect(
			publishedOnce(world, 'Patch compliance', 'Patch compliance').map((p) => [
				p.articles,
				p.tiles,
			]),
		).toEqual([
			[1, 1],
			[1, 1],
			[1, 1],
		]);
		const all = ticketsByRef(world, 'patch:');
		log(
			`patch tickets: ${all.length} for ${hosts.length} devices, ${all.length - kept.length} closed as duplicates`,
		);
	});
});
