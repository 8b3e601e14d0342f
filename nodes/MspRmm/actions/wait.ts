import type { Job, Patch, Sleep } from '../../shared';
import { cancellableSleep, stopIfCancelled } from '../../shared';
import type { RmmProvider } from '../providers/types';

export interface WaitTiming {
	timeoutMs: number;
	intervalMs: number;
	sleep?: Sleep;
	/** The execution's cancel signal: the wait ends on it and no further poll is sent. */
	signal?: AbortSignal;
}

/** Polls with backoff (x1.5 per poll, at most 4x the interval) until done or the budget is spent. */
export async function pollWithBackoff<T>(
	timing: WaitTiming,
	check: () => Promise<{ done: boolean; value: T }>,
): Promise<{ value: T; timedOut: boolean; polls: number }> {
	const base = Math.max(1, timing.intervalMs);
	let waited = 0;
	let interval = base;
	for (let polls = 1; ; polls++) {
		stopIfCancelled(timing.signal, 'waiting for completion');
		const { done, value } = await check();
		if (done) return { value, timedOut: false, polls };
		const remaining = timing.timeoutMs - waited;
		if (remaining <= 0) return { value, timedOut: true, polls };
		const wait = Math.min(interval, remaining);
		await cancellableSleep(wait, timing.signal, timing.sleep);
		waited += wait;
		interval = Math.min(base * 4, Math.round(interval * 1.5));
	}
}

export interface PatchRunResult {
	deviceId: string;
	status: 'succeeded' | 'failed' | 'running';
	timedOut: boolean;
	jobRunning: boolean;
	installed: Patch[];
	failed: Patch[];
	pending: Patch[];
}

const FINAL = ['installed', 'failed'];

/**
 * Waits until the device's patch job is over and every tracked patch (by KB, or by id) is
 * installed or failed, then says which. With nothing tracked it waits for the job only.
 */
export async function waitForPatches(
	provider: RmmProvider,
	deviceId: string,
	tracked: Array<{ id?: string; kb?: string }>,
	timing: WaitTiming,
): Promise<PatchRunResult> {
	const isTracked = (patch: Patch) =>
		tracked.some((t) => (t.kb && patch.kb === t.kb.toUpperCase()) || (t.id && patch.id === t.id));
	const { value, timedOut } = await pollWithBackoff(timing, async () => {
		const state = await provider.patchState(deviceId);
		const mine = tracked.length
			? state.patches.filter(isTracked)
			: state.patches.filter((p) => p.status !== 'installed');
		const done =
			!state.jobRunning &&
			(tracked.length ? mine.length > 0 && mine.every((p) => FINAL.includes(p.status)) : true);
		return { done, value: { state, mine } };
	});
	const failed = value.mine.filter((p) => p.status === 'failed');
	const installed = value.mine.filter((p) => p.status === 'installed');
	const pending = value.mine.filter((p) => !FINAL.includes(p.status));
	const status = failed.length
		? 'failed'
		: pending.length || value.state.jobRunning
			? 'running'
			: 'succeeded';
	return {
		deviceId,
		status,
		timedOut,
		jobRunning: value.state.jobRunning,
		installed,
		failed,
		pending,
	};
}

/** Waits until the script run has succeeded or failed; on timeout the last state comes back with timedOut. */
export async function waitForScript(
	provider: RmmProvider,
	deviceId: string,
	runId: string,
	timing: WaitTiming,
): Promise<Job & { timedOut: boolean }> {
	const { value, timedOut } = await pollWithBackoff(timing, async () => {
		const job = await provider.getScriptRun(deviceId, runId);
		return { done: job.status === 'succeeded' || job.status === 'failed', value: job };
	});
	return { ...value, timedOut };
}
