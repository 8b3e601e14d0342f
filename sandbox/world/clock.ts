import type { World } from './types';

/**
 * The sandbox's clock. A world is generated relative to an instant (`createdAt`: the moment the sandbox
 * started or was reset, or the `now` a test pinned) and then ages in real time: sandbox time is the host
 * clock moved by the world's `clockOffsetMs`. Nothing in the sandbox reads a calendar date of its own.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Sandbox time now, in epoch milliseconds. */
export function worldNow(world: Pick<World, 'clockOffsetMs'>): number {
	return Date.now() + (world.clockOffsetMs ?? 0);
}

/** Sandbox time now as ISO 8601. */
export function worldIso(world: Pick<World, 'clockOffsetMs'>): string {
	return new Date(worldNow(world)).toISOString();
}

/** An instant `agoMs` before the world was generated: fixed for the life of the world, like seeded history. */
export function seededAgo(world: Pick<World, 'createdAt'>, agoMs: number): string {
	return new Date(Date.parse(world.createdAt) - agoMs).toISOString();
}

/** Reads a pinned clock: an ISO 8601 string or epoch milliseconds; undefined for "the moment of generation". */
export function parseNow(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const ms =
		typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
	if (!Number.isFinite(ms))
		throw new Error(
			`now must be an ISO 8601 date-time or epoch milliseconds, got ${JSON.stringify(value)}`,
		);
	return ms;
}
