/**
 * Progress lines for the demo: every line carries the seconds since the demo started, and a phase
 * that runs longer than a few seconds (starting n8n, running a template) says it is still running,
 * so a quiet terminal never looks like a hang.
 */
export interface Progress {
	/** A line with the elapsed time in front. */
	log(text: string): void;
	/** Runs one phase: a start line, a "still running" line every `tickSeconds`, and its duration at the end (also when it fails). */
	phase<T>(label: string, run: () => Promise<T>, tickSeconds?: number): Promise<T>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function createProgress(write: (line: string) => void, startedAt = Date.now()): Progress {
	const log = (text: string) => write(`[${seconds(Date.now() - startedAt).padStart(7)}] ${text}`);
	return {
		log,
		async phase<T>(label: string, run: () => Promise<T>, tickSeconds = 15): Promise<T> {
			const phaseStarted = Date.now();
			log(`${label}...`);
			// The reminder names the phase without its explanation in parentheses, which the start line gave.
			const short = lowerFirst(label.replace(/ \(.*\)$/, ''));
			const ticker = setInterval(
				() => log(`  still ${short} (${seconds(Date.now() - phaseStarted)} so far)`),
				tickSeconds * 1000,
			);
			try {
				const result = await run();
				log(`  done in ${seconds(Date.now() - phaseStarted)}`);
				return result;
			} catch (error) {
				log(`  failed after ${seconds(Date.now() - phaseStarted)}`);
				throw error;
			} finally {
				clearInterval(ticker);
			}
		},
	};
}

/** "Running patch remediation" reads as "still running patch remediation". */
function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}
