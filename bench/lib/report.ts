import { cpus, totalmem } from 'os';

import type { Row } from './types';

export interface Machine {
	cpu: string;
	cores: number;
	memoryGb: number;
	node: string;
	platform: string;
}

export interface BenchReport {
	startedAt: string;
	durationS: number;
	latencyMs: number;
	full: boolean;
	commit: string;
	machine: Machine;
	rows: Row[];
	/** Later runs of some scenarios merged into this report (`--merge`): their rows replaced the old ones. */
	remeasured?: Remeasured[];
	/** Caveats about rows that the table alone does not show. */
	notes?: string[];
}

export interface Remeasured {
	startedAt: string;
	commit: string;
	/** Scenario ids, e.g. ["s8"]. */
	scenarios: string[];
	/** Unknown for runs merged by hand before `--merge` existed. */
	durationS?: number;
	latencyMs: number;
	/** What else was true of that run (another load on the machine...). */
	note?: string;
}

const NUMBER_OF_ID = /^s(\d+)$/;

/** Whether a row belongs to a scenario: row titles start with the scenario's number ("8. ..."). */
export function rowOf(row: Row, scenarioId: string): boolean {
	const number = NUMBER_OF_ID.exec(scenarioId)?.[1];
	return number !== undefined && row.scenario.startsWith(`${number}. `);
}

/**
 * The earlier report with the rows of the scenarios just run replaced by the new ones (in the
 * earlier report's order; a scenario it did not have goes at the end), the rest kept as they were.
 */
export function mergeReports(
	earlier: BenchReport,
	later: BenchReport,
	scenarioIds: string[],
	note?: string,
): BenchReport {
	const rows: Row[] = [];
	const placed = new Set<string>();
	for (const old of earlier.rows) {
		const id = scenarioIds.find((s) => rowOf(old, s));
		if (id === undefined) rows.push(old);
		else if (!placed.has(id)) {
			placed.add(id);
			rows.push(...later.rows.filter((r) => rowOf(r, id)));
		}
	}
	for (const id of scenarioIds.filter((s) => !placed.has(s)))
		rows.push(...later.rows.filter((r) => rowOf(r, id)));
	const run: Remeasured = {
		startedAt: later.startedAt,
		commit: later.commit,
		scenarios: scenarioIds,
		durationS: later.durationS,
		latencyMs: later.latencyMs,
	};
	if (note) run.note = note;
	const remeasured = (earlier.remeasured ?? [])
		.map((r) => ({ ...r, scenarios: r.scenarios.filter((s) => !scenarioIds.includes(s)) }))
		.filter((r) => r.scenarios.length > 0);
	return { ...earlier, rows, remeasured: [...remeasured, run] };
}

export function machine(): Machine {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGb: Math.round(totalmem() / 1024 ** 3),
		node: process.version,
		platform: `${process.platform} ${process.arch}`,
	};
}

const cell = (value: unknown) =>
	String(value ?? '')
		.replace(/\|/g, '\\|')
		.replace(/\n/g, ' ');

function figure(value: number | null, unit: string): string {
	if (value === null) return 'not measured';
	return `${value.toLocaleString('en')} ${unit}`;
}

function verdict(row: Row): string {
	if (row.met === true) return 'met';
	if (row.met === false) return '**not met**';
	return row.target.startsWith('no target') ? '-' : 'not measured';
}

/** The table the README quotes: one line per measure, misses in bold with the reason beside them. */
export function markdown(report: BenchReport): string {
	const m = report.machine;
	const lines = [
		'# Benchmark results',
		'',
		`Run ${report.startedAt} on commit ${report.commit}: ${m.cores} x ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node} (${m.platform}).`,
		`Sandbox latency ${report.latencyMs} ms on every vendor request, the same for both sides of each comparison; ${report.full ? 'full sizes everywhere' : 'default sizes (the patch template is measured on a subset and projected, see its rows)'}; the whole run took ${Math.round(report.durationS)} s.`,
		...(report.remeasured ?? []).map(
			(r) =>
				`Scenario${r.scenarios.length === 1 ? '' : 's'} ${r.scenarios.map((id) => id.slice(1)).join(', ')} ${r.scenarios.length === 1 ? 'was' : 'were'} re-measured on ${r.startedAt.slice(0, 10)} at commit ${r.commit} (\`--only ${r.scenarios.join(',')}\`, ${r.latencyMs} ms latency${r.durationS === undefined ? '' : `, ${Math.round(r.durationS)} s`}${r.note ? `; ${r.note}` : ''}); their rows replace those of the run above.`,
		),
		...(report.notes ?? []),
		'Reproduce with `npm run bench` (see bench/README.md). Request counts come from the sandbox request log.',
		'',
		'| Scenario | Measure | Ours | Alternative | Ratio | Lower bound | Target | Result | Notes |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const row of report.rows) {
		const alternative =
			row.alternative === null
				? row.alternativeLabel.startsWith('none')
					? '-'
					: `not measured (${row.alternativeLabel})`
				: `${figure(row.alternative, row.unit)} (${row.alternativeLabel})`;
		const ratio = row.ratio === null ? '-' : `${row.ratio} (${row.ratioMeaning})`;
		const bound =
			row.lowerBound === null
				? '-'
				: `${figure(row.lowerBound, row.unit)} (${row.lowerBoundBasis})`;
		lines.push(
			`| ${[row.scenario, row.measure, figure(row.ours, row.unit), alternative, ratio, bound, row.target, verdict(row), row.note].map(cell).join(' | ')} |`,
		);
	}
	const missed = report.rows.filter((r) => r.met === false);
	lines.push(
		'',
		`${report.rows.filter((r) => r.met === true).length} targets met, ${missed.length} not met, ${report.rows.filter((r) => r.met === null).length} informational or not measured.`,
		'',
	);
	return lines.join('\n');
}
