import type { Threat } from '../shared';

/** What the trigger keeps in workflow static data between polls (survives restarts and queue mode). */
export interface TriggerState {
	/** Newest detection time seen so far (ISO). */
	checkpoint?: string;
	/** Ids already emitted, newest last; bounded. */
	emitted?: string[];
}

export interface PollPlan {
	since: string;
}

/** Late-indexed threats can carry a detection time slightly before the checkpoint: re-read this window. */
export const OVERLAP_MS = 10 * 60 * 1000;
/** Enough ids to cover every threat of the overlap window many times over, small enough for static data. */
export const MAX_EMITTED = 2000;

export function planPoll(state: TriggerState, nowMs: number, firstLookbackMs: number): PollPlan {
	const from = state.checkpoint ? Date.parse(state.checkpoint) - OVERLAP_MS : nowMs - firstLookbackMs;
	return { since: new Date(from).toISOString() };
}

/**
 * Threats not emitted before, oldest first, and the state after emitting them. The checkpoint only
 * moves forward with detection times actually seen, so a poll that fails or finds nothing loses
 * nothing, and after an outage the next poll reads everything since the last threat it emitted.
 */
export function selectNew(state: TriggerState, threats: Threat[], nowMs: number): { fresh: Threat[]; next: TriggerState } {
	const emitted = new Set(state.emitted ?? []);
	const fresh = threats
		.filter((t) => !emitted.has(t.id))
		.sort((a, b) => String(a.detectedAt ?? '').localeCompare(String(b.detectedAt ?? '')) || a.id.localeCompare(b.id));
	let checkpoint = state.checkpoint ? Date.parse(state.checkpoint) : undefined;
	for (const threat of threats) {
		const at = Date.parse(threat.detectedAt ?? '');
		if (Number.isFinite(at) && (checkpoint === undefined || at > checkpoint)) checkpoint = at;
	}
	// First poll with nothing found: start from now so the look-back window is not read again.
	if (checkpoint === undefined) checkpoint = nowMs;
	const ids = [...(state.emitted ?? []), ...fresh.map((t) => t.id)];
	return { fresh, next: { checkpoint: new Date(checkpoint).toISOString(), emitted: ids.slice(-MAX_EMITTED) } };
}
