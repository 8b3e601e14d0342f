/**
 * Milliseconds on a monotonic clock, for measuring spans (pacing windows), never for dates.
 *
 * Why `performance.now()`: the wall clock (`Date.now()`) steps when NTP corrects it or an admin
 * sets it; a pacer on the wall clock waited a whole hour after a one-hour backward step, and a
 * forward step let a second budget through inside the vendor's window. `performance.now()` counts
 * from process start and only moves forward. It is a plain global in every Node version n8n runs
 * on, and neither n8n's community-node ESLint rules nor its package scanner restrict it (they ban
 * `process`, so `process.hrtime` is out, and timers). Where a runtime lacks it, the wall clock is
 * the fallback and the pacer's own guard against a backward step still applies.
 */
export function monotonicNow(): number {
	return typeof performance !== 'undefined' && typeof performance.now === 'function'
		? performance.now()
		: Date.now();
}
