import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { createConnection, createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import { withoutFakeTime } from '../helpers/withoutFakeTime';

/**
 * A real redis-server for the tests of the shared rate limit: Debian's binary, on a free port of
 * 127.0.0.1, in a temporary folder, without persistence. `stop()` ends it (and removes the folder).
 */

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export const REDIS_INSTALL_HINT =
	`redis-server not found at ${REDIS_SERVER}. The shared rate-limit tests start a real Redis: ` +
	'install it with `sudo apt-get install redis-server` (Debian/Ubuntu; `.ci/run` does this), ' +
	'or set REDIS_SERVER to the path of a redis-server binary.';

export interface RedisServer {
	host: string;
	port: number;
	/** Ends the server (SIGKILL: like a Redis that is gone, not one shutting down politely). */
	kill(): Promise<void>;
	/** Stops answering without closing connections (SIGSTOP), like a stalled Redis; `resume` ends it. */
	freeze(): void;
	resume(): void;
	/** Starts it again on the same port, with empty data. */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

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

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > timeoutMs) throw new Error(`${what} after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

export async function startRedis(): Promise<RedisServer> {
	if (!existsSync(REDIS_SERVER)) throw new Error(REDIS_INSTALL_HINT);
	const dir = mkdtempSync(join(tmpdir(), 'msp-redis-'));
	const port = await freePort();
	let child: ChildProcess | undefined;
	let output = '';

	const launch = async () => {
		output = '';
		child = spawn(
			REDIS_SERVER,
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
			],
			// Under CI's faketime pass the preload would stall redis-server: it keeps the real clock.
			{ stdio: ['ignore', 'pipe', 'pipe'], env: withoutFakeTime(process.env) },
		);
		child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
		const exited = new Promise<boolean>((resolve) => child?.once('exit', () => resolve(true)));
		await waitUntil(
			async () => {
				const gone = await Promise.race([exited, Promise.resolve(false)]);
				if (gone) throw new Error(`redis-server exited at start:\n${output}`);
				return await accepts(port);
			},
			10000,
			`redis-server did not accept connections on 127.0.0.1:${port}:\n${output}`,
		);
	};

	const end = async (signal: NodeJS.Signals) => {
		const running = child;
		child = undefined;
		if (!running || running.exitCode !== null || running.signalCode !== null) return;
		const exited = new Promise((resolve) => running.once('exit', resolve));
		running.kill(signal);
		await exited;
	};

	try {
		await launch();
	} catch (error) {
		// A server that never answered must not outlive the test and keep jest from exiting.
		await end('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		kill: async () => await end('SIGKILL'),
		freeze: () => child?.kill('SIGSTOP'),
		resume: () => child?.kill('SIGCONT'),
		restart: async () => {
			await end('SIGKILL');
			await launch();
		},
		stop: async () => {
			await end('SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
