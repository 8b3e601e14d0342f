/**
 * `npm run bench`: every scenario side by side against the same sandbox and latency, results in
 * bench/results/latest.md and latest.json. Options:
 *   --only s1,s4     run some scenarios (ids s1..s11)
 *   --latency-ms N   sandbox latency on every vendor request (default 40)
 *   --full           full sizes everywhere (the patch template on all 2,000 devices, about an hour)
 *   --no-build       use the existing dist/ instead of running `npm run build` first
 *   --merge          with --only: replace only those scenarios' rows in the existing results and
 *                    keep the others (the report lists the re-measured scenarios and when)
 *   --merge-note T   with --merge: a caveat about this run, printed with it
 */
import { execSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { ROOT } from './lib/builtin';
import { markdown, machine, mergeReports, type BenchReport } from './lib/report';
import type { Row, Scenario } from './lib/types';
import { ticketsScenario } from './scenarios/s1-tickets';
import { isolateScenario } from './scenarios/s2-isolate';
import { patchTemplateScenario } from './scenarios/s3-patch-template';
import { throttledScenario } from './scenarios/s4-throttled';
import { triageScenario } from './scenarios/s5-triage';
import { devicesMemoryScenario } from './scenarios/s6-devices-memory';
import { haloFindOrCreateScenario } from './scenarios/s7-halo-find-or-create';
import { sharedBudgetScenario } from './scenarios/s8-shared-budget';
import { crowdStrikeContainScenario } from './scenarios/s9-crowdstrike-contain';
import { huntressIsolateScenario } from './scenarios/s10-huntress-isolate';
import { autotaskTicketsScenario } from './scenarios/s11-autotask-tickets';

const SCENARIOS: Scenario[] = [
	ticketsScenario,
	isolateScenario,
	patchTemplateScenario,
	throttledScenario,
	triageScenario,
	devicesMemoryScenario,
	haloFindOrCreateScenario,
	sharedBudgetScenario,
	crowdStrikeContainScenario,
	huntressIsolateScenario,
	autotaskTicketsScenario,
];

function parseArgs(argv: string[]) {
	const args = {
		only: undefined as string[] | undefined,
		latencyMs: 40,
		full: false,
		build: true,
		merge: false,
		mergeNote: undefined as string | undefined,
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--full') args.full = true;
		else if (arg === '--no-build') args.build = false;
		else if (arg === '--merge') args.merge = true;
		else if (arg === '--merge-note') args.mergeNote = argv[++i];
		else if (arg === '--only')
			args.only = (argv[++i] ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
		else if (arg === '--latency-ms') args.latencyMs = Number(argv[++i]);
		else
			throw new Error(
				`Unknown argument ${arg} (use --only s1,s2 --latency-ms N --full --no-build --merge)`,
			);
	}
	if (!Number.isFinite(args.latencyMs) || args.latencyMs < 0)
		throw new Error('--latency-ms needs a non-negative number');
	if (args.merge && !args.only?.length)
		throw new Error('--merge needs --only: which rows to replace');
	if (args.mergeNote !== undefined && !args.merge) throw new Error('--merge-note needs --merge');
	const unknown = (args.only ?? []).filter((id) => !SCENARIOS.some((s) => s.id === id));
	if (unknown.length)
		throw new Error(
			`Unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
		);
	return args;
}

function commit(): string {
	try {
		const sha = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
		const dirty = execSync('git status --porcelain -- nodes credentials', { cwd: ROOT })
			.toString()
			.trim()
			? ' (with uncommitted node changes)'
			: '';
		return `${sha}${dirty}`;
	} catch {
		return 'unknown';
	}
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const log = (message: string) =>
		console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
	if (args.build) {
		log('npm run build');
		execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
	} else if (!existsSync(join(ROOT, 'dist'))) {
		throw new Error('dist/ does not exist: run without --no-build, or `npm run build` first');
	}
	const rows: Row[] = [];
	for (const scenario of SCENARIOS.filter((s) => !args.only || args.only.includes(s.id))) {
		log(scenario.title);
		try {
			rows.push(...(await scenario.run({ latencyMs: args.latencyMs, full: args.full, log })));
		} catch (error) {
			// A scenario that breaks is listed as not measured, with why; the others still run.
			rows.push({
				scenario: scenario.title,
				measure: 'all',
				unit: '',
				ours: null,
				alternative: null,
				alternativeLabel: '',
				ratio: null,
				ratioMeaning: '',
				lowerBound: null,
				lowerBoundBasis: '',
				target: '',
				met: false,
				note: `The scenario failed: ${(error as Error).message.split('\n')[0]}`,
			});
		}
	}
	const run: BenchReport = {
		startedAt: new Date(started).toISOString(),
		durationS: (Date.now() - started) / 1000,
		latencyMs: args.latencyMs,
		full: args.full,
		commit: commit(),
		machine: machine(),
		rows,
	};
	const dir = join(ROOT, 'bench', 'results');
	mkdirSync(dir, { recursive: true });
	const previous = join(dir, 'latest.json');
	if (args.merge && !existsSync(previous))
		throw new Error('--merge: bench/results/latest.json does not exist yet');
	const report =
		args.merge && args.only
			? mergeReports(
					JSON.parse(readFileSync(previous, 'utf8')) as BenchReport,
					run,
					args.only,
					args.mergeNote,
				)
			: run;
	writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
	writeFileSync(join(dir, 'latest.md'), markdown(report));
	log(
		`wrote bench/results/latest.md and latest.json (${rows.length} rows measured${args.merge ? ` and merged into ${report.rows.length}` : ''}, ${Math.round(run.durationS)} s)`,
	);
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error.message);
		process.exit(1);
	},
);
