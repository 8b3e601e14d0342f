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
