import type { Threat } from '../shared';

/**
 * What the trigger keeps in workflow static data between polls (survives restarts and queue mode).
 * Every time in it is on the vendor's clock.
 */
export interface TriggerState {
	/**
	 * Newest changed time (the vendor's updated time) seen so far, never ahead of the vendor's "now".
	 * Version 1 kept the newest detection time here; it is read as a changed time on upgrade, which
	 * is safe because a vendor stamps its updated time at or after it stores a detection.
	 */
	checkpoint?: string;
	/** Threats the vendor created before this instant are never new: where the look back started, or where version 1 left off. */
	floor?: string;
	/** Emitted ids, each with the epoch second (vendor clock) until which it could still be read as new. */
	seen?: Record<string, number>;
	/** Version 1: ids already emitted, newest last. Taken over into `seen` on upgrade, then dropped. */
	emitted?: string[];
}

/** The part of a poll's window the vendor is asked for again: a change is committed slightly after it is stamped. */
export const OVERLAP_MS = 10 * 60 * 1000;
/**
 * How long after the vendor created a threat it may first show up and still be emitted; also how long
 * an emitted id is remembered. The vendors' created times are stamped when they store the threat, so
 * only an indexing backlog on the vendor's side comes near this.
 */
export const LATE_ARRIVAL_MS = 6 * 60 * 60 * 1000;
/** A first window that starts this much later than the vendor's clock asks for is read again. */
export const SKEW_TOLERANCE_MS = 60 * 1000;

/** One poll's window on the vendor's clock (epoch ms). */
export interface PollWindow {
	/** Threats changed before this are not read (apart from the overlap, which is inside it). */
	from: number;
	/** The vendor's "now" when it answered. */
	now: number;
	/** Threats created before this are not new. */
	floor: number;
	/** A first poll, or a restart from a checkpoint that lies in the vendor's future: `floor` is stored. */
	fresh: boolean;
}

function parse(iso: string | undefined): number | undefined {
	const at = Date.parse(iso ?? '');
	return Number.isFinite(at) ? at : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.ceil(ms / 1000);

/** Reads version 1 state (`checkpoint` + `emitted`) as this version's, so an upgrade neither repeats nor loses. */
export function upgradeState(state: TriggerState): TriggerState {
	if (!state.emitted) return state;
	const checkpoint = parse(state.checkpoint);
	// Version 1 emitted ids detected up to its checkpoint; remember them as long as any id is remembered.
	const keepUntil =
		checkpoint === undefined ? Number.MAX_SAFE_INTEGER : seconds(checkpoint + LATE_ARRIVAL_MS);
	const seen = { ...state.seen };
	for (const id of state.emitted) seen[id] ??= keepUntil;
	// Everything detected before version 1's last window was handled by it (emitted, or missed for good).
	const floor = checkpoint === undefined ? state.floor : iso(checkpoint - OVERLAP_MS);
	return { checkpoint: state.checkpoint, floor, seen };
}

/**
 * Where to start reading, before the vendor has said what time it is. Later polls: the checkpoint
 * minus the overlap (all vendor time). The first poll can only guess from the host clock; `windowOf`
 * corrects the guess once the vendor's clock is known.
 */
export function planSince(state: TriggerState, hostNowMs: number, firstLookbackMs: number): number {
	const checkpoint = parse(state.checkpoint);
	return checkpoint === undefined ? hostNowMs - firstLookbackMs : checkpoint - OVERLAP_MS;
}

/**
 * The window a poll covers, from the vendor's clock. A stored checkpoint more than the overlap ahead
 * of the vendor's "now" cannot have come from this version (version 1 set it from a detection dated in
 * the future, or from a fast host clock): the poll starts afresh from the look back, as the first poll does.
 * `rereadFrom` is set when the window starts earlier than what was read.
 */
export function windowOf(
	state: TriggerState,
	sinceMs: number,
	vendorNowMs: number,
	firstLookbackMs: number,
): PollWindow & { rereadFrom?: number } {
	const checkpoint = parse(state.checkpoint);
	if (checkpoint !== undefined && checkpoint - vendorNowMs <= OVERLAP_MS) {
		const from = checkpoint - OVERLAP_MS;
		const floor = Math.max(parse(state.floor) ?? -Infinity, from - LATE_ARRIVAL_MS);
		return { from, now: vendorNowMs, floor, fresh: false };
	}
	const wanted = vendorNowMs - firstLookbackMs;
	// The host clock ran ahead of the vendor's: what was read starts too late, so it is read again.
	if (sinceMs - wanted > SKEW_TOLERANCE_MS)
		return { from: wanted, now: vendorNowMs, floor: wanted, fresh: true, rereadFrom: wanted };
	// Behind (or close enough): more was read than asked for; the window cuts it to the look back.
	const from = Math.max(wanted, sinceMs);
	return { from, now: vendorNowMs, floor: from, fresh: true };
}

const changedAt = (t: Threat) => parse(t.updatedAt) ?? parse(t.detectedAt);
const createdAt = (t: Threat) => parse(t.detectedAt) ?? parse(t.updatedAt);

/** Until when (epoch seconds) a threat could be read as new again: after that its creation is below every floor. */
function keepUntil(threat: Threat): number {
	return seconds((createdAt(threat) ?? 0) + LATE_ARRIVAL_MS);
}

/**
 * Threats not emitted before, oldest detection first, and the state after emitting them.
 *
 * - New: not in `seen`, changed inside the window, created at or after the floor.
 * - Checkpoint: the newest changed time read, capped at the vendor's "now" (a record stamped in the
 *   vendor's future is re-read, and skipped as seen, until the vendor's clock passes it), and at
 *   least the vendor's "now" minus the overlap. It never moves back and never comes from the host.
 * - `seen` keeps an id only while its threat could still pass the floor, so it holds at most the
 *   threats created in the last LATE_ARRIVAL_MS plus the overlap, whatever arrived in one poll.
 */
export function selectNew(
	state: TriggerState,
	threats: Threat[],
	window: PollWindow,
): { fresh: Threat[]; next: TriggerState } {
	const seen = { ...state.seen };
	const fresh: Threat[] = [];
	let newest: number | undefined;
	for (const threat of threats) {
		const changed = changedAt(threat);
		const created = createdAt(threat);
		if (changed !== undefined)
			newest = Math.max(newest ?? -Infinity, Math.min(changed, window.now));
		if (
			Object.prototype.hasOwnProperty.call(seen, threat.id) ||
			(changed !== undefined && changed < window.from) ||
			(created !== undefined && created < window.floor)
		)
			continue;
		seen[threat.id] = keepUntil(threat);
		fresh.push(threat);
	}
	fresh.sort(
		(a, b) =>
			String(a.detectedAt ?? '').localeCompare(String(b.detectedAt ?? '')) ||
			a.id.localeCompare(b.id),
	);

	// Everything the vendor had stamped up to its "now" has been read, bar what it commits late, which
	// the overlap re-reads: so the checkpoint also follows the vendor's present in quiet times, and the
	// remembered ids age out even when nothing new arrives.
	const previous = window.fresh ? -Infinity : (parse(state.checkpoint) ?? -Infinity);
	const next = Math.max(previous, newest ?? -Infinity, window.now - OVERLAP_MS);
	const nextFrom = next - OVERLAP_MS;
	for (const [id, until] of Object.entries(seen)) if (until * 1000 < nextFrom) delete seen[id];

	const floor = window.fresh ? window.floor : parse(state.floor);
	const nextState: TriggerState = { checkpoint: iso(next), seen };
	// Once every id below the floor is also below the late-arrival limit, the floor says nothing more.
	if (floor !== undefined && floor > nextFrom - LATE_ARRIVAL_MS) nextState.floor = iso(floor);
	return { fresh, next: nextState };
}
