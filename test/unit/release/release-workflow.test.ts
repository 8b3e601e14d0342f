import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { load } from 'js-yaml';

/**
 * The release workflow is what n8n accepts a community package from: published by a GitHub Action
 * with an npm provenance statement, on a version tag, after the repository's own lint and tests.
 * These checks keep a later edit from silently dropping any of that (docs/operating-notes.md, Releasing).
 */

const ROOT = join(__dirname, '..', '..', '..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'release.yml');

interface Step {
	name?: string;
	id?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
}

interface Job {
	needs?: string | string[];
	'runs-on'?: unknown;
	container?: unknown;
	permissions?: Record<string, string> | string;
	steps?: Step[];
}

interface Workflow {
	on?: Record<string, unknown>;
	permissions?: Record<string, string> | string;
	jobs: Record<string, Job>;
}

const workflow = load(readFileSync(WORKFLOW, 'utf8')) as Workflow;
// YAML 1.1 parsers read a bare `on` key as true; js-yaml 4 (YAML 1.2) keeps it a string. Accept both.
const triggers = (workflow.on ?? (workflow as unknown as Record<string, unknown>).true) as Record<
	string,
	unknown
>;
const jobs = workflow.jobs;

const needsOf = (job: Job): string[] =>
	job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

/** Every job a job waits for, directly or through another job. */
function ancestors(jobId: string, seen = new Set<string>()): Set<string> {
	for (const need of needsOf(jobs[jobId])) {
		expect(jobs[need]).toBeDefined();
		if (!seen.has(need)) {
			seen.add(need);
			ancestors(need, seen);
		}
	}
	return seen;
}

/** The permissions a job runs with: its own block, else the workflow's. */
function permissionsOf(job: Job): Record<string, string> {
	const permissions = job.permissions ?? workflow.permissions;
	// A string here is read-all or write-all: both are wider than a release needs.
	expect(typeof permissions).toBe('object');
	return permissions as Record<string, string>;
}

const runOf = (step: Step): string => (typeof step.run === 'string' ? step.run : '');

/** Steps that run before `before` in its job, plus every step of the jobs it waits for. */
function stepsThatPrecede(jobId: string, before: Step): Step[] {
	const own = jobs[jobId].steps ?? [];
	const earlier = own.slice(0, own.indexOf(before));
	const upstream = [...ancestors(jobId)].flatMap((id) => jobs[id].steps ?? []);
	return [...earlier, ...upstream];
}

const publishSteps = Object.entries(jobs).flatMap(([jobId, job]) =>
	(job.steps ?? [])
		.filter((step) => /\bnpm\s+publish\b/.test(runOf(step)))
		.map((step) => ({ jobId, step })),
);

describe('release workflow (.github/workflows/release.yml)', () => {
	it('runs on version tags only', () => {
		expect(Object.keys(triggers)).toEqual(['push']);
		const push = triggers.push as { tags?: string[]; branches?: unknown };
		expect(push.tags).toEqual(['v*.*.*']);
		expect(push.branches).toBeUndefined();
	});

	it('publishes exactly once, with provenance, publicly, with the token from a secret', () => {
		expect(publishSteps).toHaveLength(1);
		const [{ step }] = publishSteps;
		const run = runOf(step);
		expect(run).toMatch(/npm publish\b.*--provenance\b/);
		expect(run).toMatch(/--access public\b/);
		expect(String(step.env?.NODE_AUTH_TOKEN)).toMatch(/^\$\{\{\s*secrets\.[A-Z0-9_]+\s*\}\}$/);
	});

	it('gives the OIDC token (id-token: write) to the publishing job only, with read-only contents', () => {
		const [{ jobId }] = publishSteps;
		expect(permissionsOf(jobs[jobId])).toEqual({ contents: 'read', 'id-token': 'write' });
		for (const [otherId, job] of Object.entries(jobs)) {
			if (otherId === jobId) continue;
			expect(permissionsOf(job)['id-token']).not.toBe('write');
		}
		expect(permissionsOf({})['contents']).toBe('read');
	});

	it('publishes from a GitHub-hosted runner with Node 24 and the npm registry', () => {
		const [{ jobId }] = publishSteps;
		const job = jobs[jobId];
		// npm generates provenance only on GitHub-hosted runners.
		expect(String(job['runs-on'])).toMatch(/^ubuntu-/);
		const setupNode = (job.steps ?? []).find((step) =>
			step.uses?.startsWith('actions/setup-node@'),
		);
		expect(setupNode).toBeDefined();
		// n8n 2.x runs on Node 24 or newer.
		expect(Number(String(setupNode?.with?.['node-version']).split('.')[0])).toBeGreaterThanOrEqual(
			24,
		);
		expect(setupNode?.with?.['registry-url']).toBe('https://registry.npmjs.org');
	});

	it('installs from the lock file and builds before publishing', () => {
		const [{ jobId, step }] = publishSteps;
		const own = jobs[jobId].steps ?? [];
		const index = (pattern: RegExp) => own.findIndex((s) => pattern.test(runOf(s)));
		const install = index(/\bnpm ci\b/);
		const build = index(/\bnpm run build\b/);
		expect(install).toBeGreaterThanOrEqual(0);
		expect(build).toBeGreaterThan(install);
		expect(own.indexOf(step)).toBeGreaterThan(build);
	});

	it("runs the repository's CI entry (lint and every test tier) before publishing", () => {
		const [{ jobId, step }] = publishSteps;
		const runs = stepsThatPrecede(jobId, step).map(runOf).join('\n');
		const viaCiScript = /\bbash \.ci\/run\b/.test(runs);
		if (viaCiScript) {
			const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
			expect(ci).toMatch(/^npm ci\b/m);
			expect(ci).toMatch(/^npm run lint$/m);
			expect(ci).toMatch(/^npm test$/m);
		} else {
			expect(runs).toMatch(/\bnpm run lint\b/);
			expect(runs).toMatch(/\bnpm test\b/);
		}
	});

	describe('tag and package.json version check', () => {
		const [{ jobId, step: publish }] = publishSteps;
		const checks = stepsThatPrecede(jobId, publish).filter(
			(s) => /GITHUB_REF_NAME|github\.ref_name/.test(runOf(s)) && /package\.json/.test(runOf(s)),
		);

		it('runs before publishing', () => {
			expect(checks).toHaveLength(1);
		});

		/** Runs the check the way GitHub runs a `shell: bash` step, in a folder holding the given versions. */
		function check(tag: string, version: string, lockVersion = version) {
			const dir = mkdtempSync(join(tmpdir(), 'release-check-'));
			try {
				writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version }));
				writeFileSync(
					join(dir, 'package-lock.json'),
					JSON.stringify({ name: 'x', version: lockVersion }),
				);
				const output = join(dir, 'github-output');
				writeFileSync(output, '');
				const result = spawnSync(
					'bash',
					['--noprofile', '--norc', '-eo', 'pipefail', '-c', runOf(checks[0])],
					{
						cwd: dir,
						encoding: 'utf8',
						env: {
							PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
							GITHUB_REF_NAME: tag,
							GITHUB_OUTPUT: output,
						},
					},
				);
				return {
					status: result.status,
					stdout: result.stdout,
					outputs: readFileSync(output, 'utf8'),
				};
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}

		it('passes when the tag is v<package.json version>', () => {
			const result = check('v1.2.3', '1.2.3');
			expect(result.status).toBe(0);
			expect(result.outputs).toContain('version=1.2.3');
			expect(result.outputs).toContain('dist-tag=latest');
		});

		it('sends a prerelease to the "next" dist-tag', () => {
			const result = check('v1.3.0-rc.1', '1.3.0-rc.1');
			expect(result.status).toBe(0);
			expect(result.outputs).toContain('dist-tag=next');
		});

		it('fails when the tag and package.json disagree', () => {
			expect(check('v1.2.4', '1.2.3').status).not.toBe(0);
			expect(check('1.2.3', '1.2.3').status).not.toBe(0);
			expect(check('v1.2.3', '1.2.3-rc.1').status).not.toBe(0);
		});

		it('fails when package-lock.json was left at another version', () => {
			expect(check('v1.2.3', '1.2.3', '1.2.2').status).not.toBe(0);
		});

		it('feeds the dist-tag to the publish step', () => {
			expect(runOf(publish)).toMatch(/--tag "\$DIST_TAG"/);
			expect(String(publish.env?.DIST_TAG)).toMatch(/needs\.\w+\.outputs\.dist-tag/);
		});
	});
});
