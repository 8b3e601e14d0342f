import { execFile, spawn, type ChildProcess } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { basename, dirname, join, resolve } from 'path';
import { promisify } from 'util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const PACKAGE_JSON = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	n8n: { nodes: string[]; credentials: string[] };
};
export const PACKAGE_NAME = PACKAGE_JSON.name;
/** Fixed so that credentials imported in one command decrypt in the next. */
export const ENCRYPTION_KEY = 'msp-e2e-fixed-encryption-key-0001';

export interface CacheInstall {
	node: string;
	n8n: string;
	nodeBin: string;
	nodeDir: string;
	n8nBin: string;
}

/** An n8n release line the e2e tier runs against: where its setup script installs it. */
export interface N8nLine {
	/** The cache folder holding install.json. */
	cacheDir: string;
	/** The script that fills it (named in the error when it is missing). */
	setupScript: string;
}

/** n8n 2.x on Node 24, from scripts/setup-n8n.sh: the default of every helper. */
export const N8N_2X: N8nLine = {
	cacheDir: process.env.N8N_E2E_CACHE ?? join(REPO_ROOT, '.cache', 'n8n'),
	setupScript: 'scripts/setup-n8n.sh',
};

/** n8n 1.x LTS (1.123) on Node 24, from scripts/setup-n8n1.sh. */
export const N8N_1X: N8nLine = {
	cacheDir: process.env.N8N1_E2E_CACHE ?? join(REPO_ROOT, '.cache', 'n8n1'),
	setupScript: 'scripts/setup-n8n1.sh',
};

/** Reads the marker the line's setup script writes once n8n works on Node 24. */
export function cacheInstall(line: N8nLine = N8N_2X): CacheInstall {
	const marker = join(line.cacheDir, 'install.json');
	if (!existsSync(marker)) {
		throw new Error(
			`${marker} is missing: run \`bash ${line.setupScript}\` (npm run test:e2e does) first`,
		);
	}
	return JSON.parse(readFileSync(marker, 'utf8')) as CacheInstall;
}

export interface CommandResult {
	/** The exit code; 1 when the process ended by a signal (then `signal` names it). */
	code: number;
	signal?: string;
	stdout: string;
	stderr: string;
}

let packed: Promise<string> | undefined;

/**
 * `npm pack` of the built repository into a temp folder, once per test file: exactly the files a
 * user downloads from the registry. Run `npm run build` first (npm run test:e2e does).
 */
export async function packPackage(): Promise<string> {
	packed ??= (async () => {
		if (!existsSync(join(REPO_ROOT, 'dist')))
			throw new Error('dist/ is missing: run `npm run build` first');
		const dir = mkdtempSync(join(tmpdir(), 'msp-e2e-pack-'));
		const { stdout } = await execFileAsync(
			'npm',
			['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
			{
				cwd: REPO_ROOT,
				maxBuffer: 64 * 1024 * 1024,
			},
		);
		const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
		return join(dir, info.filename);
	})();
	return await packed;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export interface ExecuteResult {
	/** n8n's exit code; 0 when the run succeeded. */
	code: number;
	/** The signal that ended n8n, if one did. */
	signal?: string;
	status: string | undefined;
	/** The full IRun JSON n8n printed (also on failure, from its error log). */
	run: any;
	error: any;
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): any[];
	stdout: string;
	stderr: string;
}

/** Extracts the pretty-printed IRun object n8n prints (`{` and `}` at column 0). */
export function parseRunJson(text: string): any {
	const lines = text.split('\n');
	const start = lines.findIndex((l) => l === '{');
	let end = -1;
	for (let i = lines.length - 1; i > start; i--) {
		if (lines[i] === '}') {
			end = i;
			break;
		}
	}
	if (start < 0 || end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

export interface StartedN8n {
	baseUrl: string;
	port: number;
	process: ChildProcess;
	logs(): string;
	stop(): Promise<void>;
}

/**
 * A throwaway n8n user folder with this package installed as a community package, and helpers to
 * drive the n8n CLI (Node 24 from the setup cache of the given n8n line, 2.x by default) against it.
 */
export class N8nInstance {
	readonly install: CacheInstall;

	readonly userFolder: string;

	private started: StartedN8n[] = [];

	constructor(userFolder?: string, line: N8nLine = N8N_2X) {
		this.install = cacheInstall(line);
		this.userFolder = userFolder ?? mkdtempSync(join(tmpdir(), 'msp-e2e-n8n-'));
	}

	/** Where n8n looks for community packages. */
	get nodesFolder() {
		return join(this.userFolder, '.n8n', 'nodes');
	}

	get packageFolder() {
		return join(this.nodesFolder, 'node_modules', PACKAGE_NAME);
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(
				// Jest sets NODE_ENV=test, which makes n8n's CLI skip its commands silently.
				([k]) =>
					!(
						k.startsWith('N8N_') ||
						k.startsWith('DB_') ||
						k.startsWith('EXECUTIONS_') ||
						k.startsWith('npm_') ||
						k.startsWith('JEST_') ||
						k === 'NODE_ENV' ||
						k === 'NODE_OPTIONS'
					),
			),
		);
		return {
			...inherited,
			PATH: `${dirname(this.install.nodeBin)}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			DB_TYPE: 'sqlite',
			EXECUTIONS_MODE: 'regular',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_RUNNERS_MODE: 'internal',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_NO_COLOR: 'true',
			NO_COLOR: '1',
			...extra,
		};
	}

	/**
	 * Installs a tarball the way n8n's community-package installer does
	 * (CommunityPackagesService.downloadPackage): unpack into .n8n/nodes/node_modules/<name>, drop
	 * dev/peer/optional dependencies from its package.json, `npm install` its remaining dependencies
	 * with scripts off, and record it in .n8n/nodes/package.json.
	 */
	async installPackage(tarball: string): Promise<void> {
		const target = this.packageFolder;
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		await execFileAsync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
		const pkgPath = join(target, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
			readFileSync(pkgPath, 'utf8'),
		);
		void devDependencies;
		void peerDependencies;
		void optionalDependencies;
		writeFileSync(pkgPath, JSON.stringify(pkg, null, 2), 'utf8');
		await execFileAsync(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			{ cwd: target, env: this.env(), maxBuffer: 64 * 1024 * 1024 },
		);
		writeFileSync(
			join(this.nodesFolder, 'package.json'),
			JSON.stringify(
				{ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } },
				null,
				2,
			),
			'utf8',
		);
	}

	/** Runs `n8n <args>` on Node 24; never throws on a non-zero exit. */
	async run(
		args: string[],
		options: { env?: Record<string, string>; timeoutMs?: number } = {},
	): Promise<CommandResult> {
		// execute starts a task broker (default port 5679): give every command its own free port so
		// that parallel runs and a developer's own n8n do not collide.
		const brokerPort = String(await freePort());
		return await new Promise((resolveRun, reject) => {
			const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...args], {
				cwd: this.userFolder,
				env: this.env({ N8N_RUNNERS_BROKER_PORT: brokerPort, ...options.env }),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(
					new Error(
						`n8n ${args.join(' ')} timed out after ${options.timeoutMs ?? 300000} ms\n${stdout}\n${stderr}`,
					),
				);
			}, options.timeoutMs ?? 300000);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				resolveRun({ code: code ?? 1, signal: signal ?? undefined, stdout, stderr });
			});
		});
	}

	/** Like run, but throws with n8n's output when the command fails. */
	async runOrThrow(
		args: string[],
		options: { env?: Record<string, string>; timeoutMs?: number } = {},
	) {
		const result = await this.run(args, options);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`,
			);
		}
		return result;
	}

	private writeTemp(name: string, data: unknown): string {
		const dir = join(this.userFolder, 'e2e-input');
		mkdirSync(dir, { recursive: true });
		const file = join(
			dir,
			`${Date.now()}-${Math.random().toString(36).slice(2)}-${basename(name)}`,
		);
		writeFileSync(file, JSON.stringify(data, null, 2), 'utf8');
		return file;
	}

	/** `n8n import:credentials`; plain `data` objects are encrypted with the instance key on import. */
	async importCredentials(
		credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>,
	): Promise<void> {
		await this.runOrThrow([
			'import:credentials',
			`--input=${this.writeTemp('credentials.json', credentials)}`,
		]);
	}

	/** `n8n import:workflow`; returns the workflow id (generated when the JSON has none). */
	async importWorkflow(workflow: Record<string, unknown>): Promise<string> {
		const id =
			(workflow.id as string | undefined) ?? `e2e${Math.random().toString(36).slice(2, 12)}`;
		await this.runOrThrow([
			'import:workflow',
			`--input=${this.writeTemp('workflow.json', { ...workflow, id })}`,
		]);
		return id;
	}

	/** `n8n execute --id --rawOutput`: the run JSON, whether the run succeeded or failed. */
	async execute(
		workflowId: string,
		options: { timeoutMs?: number; env?: Record<string, string> } = {},
	): Promise<ExecuteResult> {
		const { code, signal, stdout, stderr } = await this.run(
			['execute', `--id=${workflowId}`, '--rawOutput'],
			options,
		);
		const run = parseRunJson(stdout) ?? parseRunJson(stderr);
		const runData = run?.data?.resultData?.runData ?? {};
		return {
			code,
			signal,
			status: run?.status,
			run,
			error: run?.data?.resultData?.error,
			outputOf: (nodeName, outputIndex = 0, runIndex = 0) =>
				(runData[nodeName]?.[runIndex]?.data?.main?.[outputIndex] ?? []).map(
					(i: { json: unknown }) => i.json,
				),
			stdout,
			stderr,
		};
	}

	/**
	 * `execute` for a run that must finish (or wait for an approval form): any other ending throws with n8n's error
	 * and the end of its log, named by `label`.
	 */
	async executeToEnd(
		workflowId: string,
		label: string,
		options: { timeoutMs?: number; env?: Record<string, string> } = {},
	): Promise<ExecuteResult> {
		const result = await this.execute(workflowId, options);
		if (!['success', 'waiting'].includes(String(result.status)))
			throw new Error(
				`${label}: ${result.status}\n${JSON.stringify(result.error)}\n${result.stderr.slice(-3000)}`,
			);
		return result;
	}

	/** `n8n export:nodes`: every node type description this n8n loaded (base nodes and packages). */
	async exportNodes(): Promise<
		Array<{ name: string; displayName: string; version: number | number[] }>
	> {
		const file = join(this.userFolder, 'e2e-output', 'nodes.json');
		await this.runOrThrow(['export:nodes', `--output=${file}`]);
		return JSON.parse(readFileSync(file, 'utf8'));
	}

	/**
	 * `n8n start` on a free port; resolves once /healthz/readiness answers 200 (database and
	 * migrations ready). The type files the editor loads are then in staticTypes(). `port` keeps an
	 * address across a restart (links n8n wrote before it stopped still lead to it); a free port by default.
	 */
	async start(
		options: { env?: Record<string, string>; timeoutMs?: number; port?: number } = {},
	): Promise<StartedN8n> {
		const port = options.port ?? (await freePort());
		const baseUrl = `http://127.0.0.1:${port}`;
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				WEBHOOK_URL: `${baseUrl}/`,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				...options.env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
		let exited = false;
		child.on('exit', () => (exited = true));
		const stop = async () => {
			if (exited) return;
			const done = new Promise<void>((r) => child.once('exit', () => r()));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
			await done;
			clearTimeout(timer);
		};
		const started: StartedN8n = { baseUrl, port, process: child, logs: () => output, stop };
		this.started.push(started);

		const deadline = Date.now() + (options.timeoutMs ?? 180000);
		while (Date.now() < deadline) {
			if (exited) throw new Error(`n8n start exited before it was ready:\n${output}`);
			try {
				const response = await fetch(`${baseUrl}/healthz/readiness`);
				if (response.status === 200) return started;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		await stop();
		throw new Error(`n8n start was not ready within ${options.timeoutMs ?? 180000} ms:\n${output}`);
	}

	/** The node and credential type lists `n8n start` writes for the editor (<user folder>/.cache/n8n/public/types). */
	staticTypes(kind: 'nodes' | 'credentials'): Array<{ name: string; displayName: string }> {
		const file = join(this.userFolder, '.cache', 'n8n', 'public', 'types', `${kind}.json`);
		if (!existsSync(file)) throw new Error(`${file} does not exist: was n8n started?`);
		return JSON.parse(readFileSync(file, 'utf8'));
	}

	/** Stops started processes and deletes the user folder (set N8N_E2E_KEEP=1 to keep it). */
	async dispose(): Promise<void> {
		for (const s of this.started) await s.stop();
		this.started = [];
		if (!process.env.N8N_E2E_KEEP) rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** A user folder with the freshly packed package installed, for the given n8n line (2.x by default). */
export async function n8nWithPackage(line: N8nLine = N8N_2X): Promise<N8nInstance> {
	const instance = new N8nInstance(undefined, line);
	await instance.installPackage(await packPackage());
	return instance;
}
