import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { ChildJob } from './child';
import { ROOT } from './builtin';
import type { ChildResult } from './types';

/**
 * Runs one job in a fresh Node process (`--expose-gc`, ts-node transpile-only) and returns what it
 * measured. The sandbox stays in this process, so the child's memory is the node's alone.
 */
export async function runChild(
	job: ChildJob,
	options: { maxOldSpaceMb?: number } = {},
): Promise<ChildResult> {
	const dir = mkdtempSync(join(tmpdir(), 'msp-bench-'));
	const jobFile = join(dir, 'job.json');
	const resultFile = join(dir, 'result.json');
	writeFileSync(jobFile, JSON.stringify(job));
	const args = [
		...(process.env.BENCH_CPU_PROF
			? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF]
			: []),
		'--expose-gc',
		...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []),
		'-r',
		'ts-node/register/transpile-only',
		join(ROOT, 'bench', 'lib', 'child.ts'),
		jobFile,
		resultFile,
	];
	try {
		const stderr = await new Promise<string>((resolve, reject) => {
			const child = spawn(process.execPath, args, {
				cwd: ROOT,
				stdio: ['ignore', 'ignore', 'pipe'],
				env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
			});
			let err = '';
			child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
			child.on('error', reject);
			child.on('exit', (code) =>
				code === 0
					? resolve(err)
					: reject(new Error(`benchmark child exited with ${code}: ${err}`)),
			);
		});
		const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
		if (!result.ok && stderr) result.error = `${result.error ?? ''}\n${stderr}`.trim();
		return result;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
