import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { createConnection } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import { freePort, type N8nInstance } from './n8n';

/**
 * Queue mode for the e2e tier: PostgreSQL and Redis from Debian's packages (started here, on free
 * ports of 127.0.0.1, in temporary folders), and `n8n worker` processes next to `n8n start`.
 */

export { startRedis, type RedisServer } from '../../unit/shared/redisServer';

async function accepts(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.end();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Debian's PostgreSQL binaries: /usr/local/bin (this machine's links), else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string {
	if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
	if (existsSync('/usr/local/bin/postgres') && existsSync('/usr/local/bin/initdb')) {
		return '/usr/local/bin';
	}
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root)
				.filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (!versions.length) {
		throw new Error(
			'PostgreSQL not found (postgres and initdb): install it with `sudo apt-get install postgresql` ' +
				'(Debian/Ubuntu; `.ci/run` does this), or set POSTGRES_BIN_DIR to the folder holding postgres and initdb.',
		);
	}
	return join(root, versions[0], 'bin');
}

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	database: string;
	stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster: trust authentication on 127.0.0.1 only, no fsync. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user the Debian package creates.
 */
export async function startPostgres(): Promise<PostgresServer> {
	const bin = postgresBinDir();
	const dir = mkdtempSync(join(tmpdir(), 'msp-pg-'));
	const data = join(dir, 'data');
	const port = await freePort();
	const asRoot = process.getuid?.() === 0;
	let ids: { uid: number; gid: number } | undefined;
	if (asRoot) {
		ids = {
			uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
			gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
		};
		chownSync(dir, ids.uid, ids.gid);
	}
	execFileSync(
		join(bin, 'initdb'),
		['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync'],
		{
			stdio: 'pipe',
			...ids,
		},
	);
	let output = '';
	const child: ChildProcess = spawn(
		join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'], ...ids },
	);
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	let exited = false;
	child.once('exit', () => (exited = true));
	const deadline = Date.now() + 30000;
	while (!(await accepts(port)) || !/ready to accept connections/.test(output)) {
		if (exited) throw new Error(`postgres exited at start:\n${output}`);
		if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s:\n${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		database: 'postgres',
		stop: async () => {
			if (!exited) {
				const done = new Promise((r) => child.once('exit', r));
				// SIGINT: PostgreSQL's fast shutdown.
				child.kill('SIGINT');
				await done;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface StartedWorker {
	process: ChildProcess;
	logs(): string;
	stop(): Promise<void>;
}

/** `n8n worker` on the instance's user folder; resolves once it says it is ready. */
export async function startWorker(
	n8n: N8nInstance,
	env: Record<string, string>,
	options: { concurrency?: number; timeoutMs?: number } = {},
): Promise<StartedWorker> {
	const child = spawn(
		n8n.install.nodeBin,
		[n8n.install.n8nBin, 'worker', `--concurrency=${options.concurrency ?? 10}`],
		{
			cwd: n8n.userFolder,
			env: n8n.env({
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'false',
				...env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
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
	const deadline = Date.now() + (options.timeoutMs ?? 180000);
	while (!/n8n worker is now ready/.test(output)) {
		if (exited) throw new Error(`n8n worker exited before it was ready:\n${output}`);
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n worker was not ready in time:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	return { process: child, logs: () => output, stop };
}
