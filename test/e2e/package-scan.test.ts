import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

import { REPO_ROOT, packPackage } from './helpers/n8n';

const execFileAsync = promisify(execFile);

/** n8n's community-package scanner (the verification gate) on the sources and on the tarball. */
async function scan(args: string[]) {
	try {
		const { stdout, stderr } = await execFileAsync(
			process.execPath,
			[join(REPO_ROOT, 'scripts', 'scan-package.mjs'), ...args],
			{
				cwd: REPO_ROOT,
				maxBuffer: 64 * 1024 * 1024,
				// eslint-plugin-n8n-nodes-base switches to a test mode under NODE_ENV=test (which jest sets)
				// and then treats every node file as a trigger: scan with a clean environment.
				env: Object.fromEntries(
					Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('JEST_')),
				),
			},
		);
		return { code: 0, output: stdout + stderr };
	} catch (error) {
		const e = error as { code?: number; stdout?: string; stderr?: string };
		return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
	}
}

describe('community package scanner', () => {
	it('passes on the source files', async () => {
		const result = await scan(['source']);
		if (result.code !== 0) throw new Error(result.output);
	});

	it('passes on the npm pack tarball', async () => {
		const result = await scan(['dist', '--tarball', await packPackage()]);
		if (result.code !== 0) throw new Error(result.output);
	});
});
