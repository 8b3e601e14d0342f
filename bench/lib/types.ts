/** One line of the results table. Figures are plain numbers; `unit` says what they count. */
export interface Row {
	scenario: string;
	/** What the row measures, e.g. "requests", "wall time", "peak RSS". */
	measure: string;
	unit: string;
	ours: number | null;
	/** The alternative a builder would use, named in `alternativeLabel`. */
	alternative: number | null;
	alternativeLabel: string;
	/** The row's ratio, defined by `ratioMeaning` (for example "ours / lower bound"). */
	ratio: number | null;
	ratioMeaning: string;
	lowerBound: number | null;
	/** How the lower bound is computed, so a reader can check it. */
	lowerBoundBasis: string;
	target: string;
	/** true met, false missed, null not measured or no target. */
	met: boolean | null;
	/** Why the target is missed, what limited the figure, or why nothing was measured. */
	note: string;
}

export interface ScenarioContext {
	latencyMs: number;
	/** Full sizes everywhere (slow: a few scenarios are paced at the vendors' real budgets). */
	full: boolean;
	log(message: string): void;
}

export interface Scenario {
	id: string;
	title: string;
	run(ctx: ScenarioContext): Promise<Row[]>;
}

/** What a child process reports about one measured run. */
export interface ChildResult {
	ok: boolean;
	error?: string;
	wallMs: number;
	/** Resident set size before the run, after a forced GC (MB). */
	baselineRssMb: number;
	/** Highest RSS during the run (kernel high-water mark after a reset, else sampled) (MB). */
	peakRssMb: number;
	peakSource: 'VmHWM' | 'sampled';
	/** Items per node name: every output of the node's first run. */
	items: Record<string, number>;
	/** Items whose json has an `error` field (continue-on-fail items), per node. */
	errorItems: Record<string, number>;
	/** Free-form figures a job returns (alerts per second, ...). */
	extra?: Record<string, unknown>;
}
