import { createServer, request as httpRequest, type Server } from 'http';
import type { AddressInfo } from 'net';
import { dirname, join } from 'path';

import { startSandbox, type Sandbox, type World } from '../../sandbox';
import { TokenStore } from '../../sandbox/lib/tokens';
import type { OpenAiSlice } from '../../sandbox/vendors/openai';
import {
	approvalLink,
	assertPatchEndState,
	assertThreatEndState,
	loadTemplate,
	notesOf,
	ticketsByRef,
	withChatModel,
	type Template,
} from '../workflows/templates.expectations';

import {
	N8N_1X,
	N8N_2X,
	cacheInstall,
	PACKAGE_JSON,
	PACKAGE_NAME,
	REPO_ROOT,
	n8nWithPackage,
	type N8nInstance,
	type StartedN8n,
} from './helpers/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadPackageNodes } = require('../../scripts/lib/validate-templates') as {
	loadPackageNodes(root: string): { nodes: Map<string, { file: string }>; problems: string[] };
};

/**
 * The README's n8n 1.x LTS claim, checked on the newest 1.x (1.123, installed on Node 24 by
 * scripts/setup-n8n1.sh): this package from npm pack installed the way n8n installs community
 * packages, every node and credential loaded, and both shipped templates imported as they are and
 * executed with `n8n execute` to the same end state in the sandbox as on n8n 2.x (the shared
 * expectations of the workflows tier, as test/e2e/templates.test.ts checks them on 2.x).
 *
 * Two things n8n 1.x's HTTP helper does differently are checked end to end: a login token the
 * vendor refuses mid-run is renewed (1.x hands the 401 back instead of refreshing, the transport
 * resends so that 1.x's own refresh runs), and a dropped connection on a read is retried (1.x keeps
 * the socket's code only as the error's httpCode). Each template test starts from freshly imported
 * credentials: a sandbox reset forgets the tokens n8n stored in them during the previous test.
 */
describe('n8n 1.x LTS with the package from npm pack', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let server: StartedN8n;
	let exported: Array<{ name: string; version: number | number[] }>;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		n8n = await n8nWithPackage(N8N_1X);
		exported = await n8n.exportNodes();
		// Before the workflows: import:workflow binds their credentials by name to these ids.
		await n8n.importCredentials(sandbox.n8nCredentials() as never);
		server = await n8n.start();
		ids.patch = await n8n.importWorkflow(loadTemplate('patch-remediation'));
		ids.threat = await n8n.importWorkflow(loadTemplate('threat-response'));
		ids.threatModel = await n8n.importWorkflow(withChatModel(loadTemplate('threat-response')));
	});
	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	/** Every version export:nodes lists for a node type (one entry per description, each with one version or several). */
	const versionsOf = (type: string) =>
		new Set(exported.filter((n) => n.name === type).flatMap((n) => [n.version].flat().map(Number)));

	it('is n8n 1.x (1.123, pinned in scripts/setup-n8n1.sh) on Node 24', async () => {
		expect(n8n.install.n8n).toMatch(/^1\.\d+\.\d+$/);
		expect(n8n.install.node).toMatch(/^24\./);
		const { stdout } = await n8n.runOrThrow(['--version']);
		expect(stdout.trim().split('\n').pop()).toBe(n8n.install.n8n);
	});

	it('loads every node in package.json n8n.nodes under the package prefix, and serves every credential', () => {
		const { nodes, problems } = loadPackageNodes(REPO_ROOT);
		expect(problems).toEqual([]);
		const names = new Set(exported.map((n) => n.name));
		// n8n 1.x also derives the `<name>Tool` variants of nodes with usableAsTool.
		const missing = [...nodes.keys()]
			.map((name) => `${PACKAGE_NAME}.${name}`)
			.filter((type) => !names.has(type));
		expect(missing).toEqual([]);
		expect(names.has('n8n-nodes-base.manualTrigger')).toBe(true);
		expect([...names].filter((n) => n.startsWith('CUSTOM.'))).toEqual([]);

		// What a running n8n 1.x serves its editor: the same node types and every credential type.
		const served = new Set(n8n.staticTypes('nodes').map((n) => n.name));
		expect(
			[...nodes.keys()]
				.filter((name) => !name.endsWith('Tool'))
				.filter((name) => !served.has(`${PACKAGE_NAME}.${name}`)),
		).toEqual([]);
		const credentials = new Set(n8n.staticTypes('credentials').map((c) => c.name));
		const declared = PACKAGE_JSON.n8n.credentials.map((rel) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(`${REPO_ROOT}/${rel}`) as Record<string, unknown>;
			// The credential class is the export named like the file; a module may export helpers too.
			const className = /([^/]+)\.credentials\.js$/.exec(rel)?.[1] ?? '';
			const Credential = mod[className] as new () => { name: string };
			return new Credential().name;
		});
		expect(declared.filter((name) => !credentials.has(name))).toEqual([]);
	});

	it('has every node type at the typeVersion the templates use (Form Trigger 2.2 and OpenAI Chat Model 1.3 included)', () => {
		const templates: Template[] = [
			loadTemplate('patch-remediation'),
			withChatModel(loadTemplate('threat-response')),
		];
		const used = new Set(
			templates.flatMap((t) => t.nodes.map((n: any) => `${n.type}@${n.typeVersion}`)),
		);
		const missing = [...used].filter((key) => {
			const at = key.lastIndexOf('@');
			return !versionsOf(key.slice(0, at)).has(Number(key.slice(at + 1)));
		});
		expect(missing).toEqual([]);
	});

	/**
	 * The transport retries an idempotent request after a dropped, aborted or refused connection,
	 * recognising it by the error code. n8n 2.x keeps the request error as the NodeApiError's
	 * `cause`; n8n 1.x drops the cause and keeps the code only as `httpCode` (its message becomes
	 * n8n's own sentence). Shown with n8n 1.x's own n8n-workflow and the installed package's retry
	 * module, next to n8n 2.x.
	 */
	it('recognises a reset, aborted or refused connection in the shape n8n 1.x throws, as on 2.x', () => {
		const n8nWorkflow = (install: { n8nBin: string }) =>
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			require(join(dirname(dirname(dirname(install.n8nBin))), 'n8n-workflow')) as {
				NodeApiError: new (node: unknown, error: unknown) => Error;
			};
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { networkErrorCode } = require(
			join(n8n.packageFolder, 'dist', 'nodes', 'shared', 'transport', 'retry.js'),
		) as { networkErrorCode(error: unknown): string | undefined };
		const node = {
			id: 'n',
			name: 'Node',
			type: 't',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const recognised = ({ NodeApiError }: ReturnType<typeof n8nWorkflow>) =>
			Object.fromEntries(
				[
					['ECONNRESET', 'socket hang up'],
					['ECONNABORTED', 'timeout of 30000ms exceeded'],
					['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'],
					['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'],
					['ERR_CANCELED', 'canceled'],
				].map(([code, message]) => {
					const error = new NodeApiError(node, Object.assign(new Error(message), { code }));
					return [code, networkErrorCode(error) ?? 'not retried'];
				}),
			);
		const expected = {
			ECONNRESET: 'ECONNRESET',
			ECONNABORTED: 'ECONNABORTED',
			ECONNREFUSED: 'ECONNREFUSED',
			ETIMEDOUT: 'ETIMEDOUT',
			// An aborted execution is never sent again.
			ERR_CANCELED: 'not retried',
		};
		const n8n1Workflow = n8nWorkflow(n8n.install);
		// The 1.x shape: no cause, the code as httpCode.
		const reset = new n8n1Workflow.NodeApiError(
			node,
			Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
		) as Error & { httpCode?: string };
		expect({ cause: reset.cause, httpCode: reset.httpCode }).toEqual({
			cause: undefined,
			httpCode: 'ECONNRESET',
		});
		expect(recognised(n8n1Workflow)).toEqual(expected);
		expect(recognised(n8nWorkflow(cacheInstall(N8N_2X)))).toEqual(expected);
	});

	describe('shipped templates, executed with n8n execute against the sandbox', () => {
		beforeEach(async () => {
			sandbox.reset();
			sandbox.setTiming({ readsToFinish: 1, msToFinish: 200 });
			sandbox.setFaults({ profile: 'none' });
			// Importing a credential again (same id) replaces its data, the stored token included.
			await n8n.importCredentials(sandbox.n8nCredentials() as never);
		});

		/** The approval form's link (built from the instance address) must point at the running server. */
		const run = async (id: string) =>
			await n8n.execute(id, { env: { WEBHOOK_URL: `${server.baseUrl}/` } });
		const execute = async (id: string) => {
			const result = await run(id);
			if (result.status !== 'success' || result.code !== 0)
				throw new Error(
					`run ${id}: ${result.status}, exit code ${result.code}\n${JSON.stringify(result.error)}\n${result.stderr.slice(-3000)}`,
				);
			return result;
		};

		it('patch remediation: patched or escalated, one report per client; a rerun duplicates nothing', async () => {
			const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
			await execute(ids.patch);
			assertPatchEndState(seeded, sandbox.world());
			expect(ticketsByRef(sandbox.world(), 'patch:').some((t) => t.closedFlag)).toBe(true);
			await execute(ids.patch);
			assertPatchEndState(seeded, sandbox.world(), { rerun: true });
		});

		it('threat response (rules only): contained and closed, the server waits for its own approval, following its link approves nothing, rerun without duplicates', async () => {
			await execute(ids.threat);
			assertThreatEndState(sandbox.world());

			let world = sandbox.world();
			const server01 = world.threats.find((t) => t.scenario === 'serverCredentialTheft')!;
			const serverTicket = ticketsByRef(world, `edr-threat:${server01.sentinelOneThreatId}`)[0];
			const notes = notesOf(world, serverTicket.id).map((n) => `${n.text}\n`);
			const escaped = server.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			const link = new RegExp(`(${escaped}/form/msp-threat-approval\\?threat=\\S+)\\s`).exec(
				notes.filter((text) => approvalLink(server01.sentinelOneThreatId).test(text)).join(''),
			);
			expect(link).not.toBeNull();
			// A link scanner or a preview follows the link: that approves nothing.
			const response = await fetch(link![1]);
			await response.text();
			await new Promise((r) => setTimeout(r, 2000));
			world = sandbox.world();
			expect(world.operations.filter((o) => o.deviceKey === server01.deviceKey)).toEqual([]);

			await execute(ids.threat);
			assertThreatEndState(sandbox.world());
		});

		it("threat response with n8n's OpenAI Chat Model on the sandbox: the admin tool false positive is dismissed", async () => {
			await execute(ids.threatModel);
			const world = sandbox.world();
			const admin = world.threats.find((t) => t.scenario === 'falsePositiveAdminTool')!;
			expect(admin.verdict).toBe('falsePositive');
			expect(ticketsByRef(world, `edr-threat:${admin.sentinelOneThreatId}`)).toHaveLength(0);
			expect((world.vendors.openai as OpenAiSlice).calls).toBeGreaterThan(0);
			expect(world.threats.find((t) => t.scenario === 'ransomware')!.mitigationStatus).toBe(
				'mitigated',
			);
		});

		/**
		 * The transport asks n8n to hand back every HTTP status except 401
		 * (`ignoreHttpStatusErrors: { ignore: true, except: [401] }`), so that a 401 reaches n8n's
		 * refresh. n8n 1.x knows only a boolean there and hands the 401 back too; the transport then
		 * resends once with status errors on, and 1.x's own refresh runs: the credential's
		 * preAuthentication logs in again and n8n stores the new token. Here the vendor revokes every
		 * NinjaOne token right after the run's first NinjaOne answer, so the rest of the run only
		 * goes through with a renewed token.
		 */
		it('renews a login token the vendor revoked mid-run, and the run completes', async () => {
			const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
			const since = sandbox.requests.all().at(-1)?.seq ?? 0;
			const ninjaApi = (r: { path: string }) =>
				r.path.includes('/ninjaone/') && !r.path.endsWith('/ws/oauth/token');
			let revokedAfter: number | undefined;
			const log = sandbox.requests as unknown as {
				push(entry: { seq: number; path: string; status: number }): void;
			};
			const push = log.push.bind(log);
			// The log records an answer once it is sent: revoke right after the first NinjaOne answer.
			log.push = (entry) => {
				push(entry);
				if (revokedAfter === undefined && ninjaApi(entry) && entry.status < 400) {
					revokedAfter = entry.seq;
					new TokenStore(() => sandbox.world(), 'ninjaone').expireAll();
				}
			};
			try {
				await execute(ids.patch);
			} finally {
				log.push = push;
			}
			assertPatchEndState(seeded, sandbox.world());
			expect(revokedAfter).toBeDefined();
			const after = sandbox.requests
				.query({ since: revokedAfter })
				.filter((r) => r.path.includes('/ninjaone/'));
			const firstRefused = after.findIndex((r) => r.status === 401);
			expect(firstRefused).toBeGreaterThanOrEqual(0);
			// A new token was asked for after the refusal, and NinjaOne answered with it.
			const login = after.findIndex(
				(r, i) => i > firstRefused && r.path.endsWith('/ws/oauth/token'),
			);
			expect(login).toBeGreaterThan(firstRefused);
			expect(after.slice(login + 1).some((r) => ninjaApi(r) && r.status === 200)).toBe(true);
			expect(
				sandbox.requests.query({ since }).filter((r) => r.path.endsWith('/ws/oauth/token')).length,
			).toBeGreaterThanOrEqual(2);
		});

		/**
		 * A connection that drops on a read is sent again. NinjaOne is reached through a proxy that
		 * closes the socket of the first two device reads without forwarding them (the vendor never
		 * saw them); the transport recognises n8n 1.x's shape of that error and retries.
		 */
		it('retries a read whose connection dropped, and the run completes', async () => {
			const seeded = JSON.parse(JSON.stringify(sandbox.world())) as World;
			const ninja = sandbox.n8nCredentials().find((c) => c.type === 'mspNinjaOneApi')!;
			const proxy = await droppingProxy(String(ninja.data.baseUrl), 2);
			try {
				await n8n.importCredentials([
					{ ...ninja, data: { ...ninja.data, baseUrl: proxy.baseUrl } },
				]);
				await execute(ids.patch);
			} finally {
				await proxy.close();
			}
			assertPatchEndState(seeded, sandbox.world());
			expect(proxy.dropped).toHaveLength(2);
			// Each dropped read came again and was forwarded.
			for (const path of proxy.dropped) expect(proxy.forwarded).toContain(`GET ${path}`);
		});
	});
});

/**
 * An HTTP proxy to `target` (a vendor's sandbox base URL) that closes the socket of the first
 * `drops` GETs other than token requests without forwarding them, and forwards everything else.
 */
async function droppingProxy(target: string, drops: number) {
	const origin = new URL(target);
	const dropped: string[] = [];
	const forwarded: string[] = [];
	const server: Server = createServer((req, res) => {
		const path = req.url ?? '/';
		if (req.method === 'GET' && !path.includes('/oauth/') && dropped.length < drops) {
			dropped.push(path);
			req.socket.destroy();
			return;
		}
		forwarded.push(`${req.method} ${path}`);
		const upstream = httpRequest(
			{ host: origin.hostname, port: origin.port, method: req.method, path, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}${origin.pathname.replace(/\/+$/, '')}`,
		dropped,
		forwarded,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
