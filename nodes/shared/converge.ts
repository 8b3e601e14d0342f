/**
 * Find or create without a lock.
 *
 * Two executions started at the same moment (two schedule ticks, two queue-mode workers) can both
 * look for a record, both miss and both create one: no vendor API used here offers a lock or a
 * unique key. Instead, every caller that created reads the key back. When more than one live
 * record carries it, the oldest wins everywhere: each caller keeps the same record, takes the newer
 * ones out of use (a PSA closes them as duplicates with a note naming the kept one, Hudu archives
 * an article) and returns the kept one. Whichever caller reads back last sees every record, so the
 * key ends with exactly one live record whatever the interleaving.
 *
 * Lookups (`find`) must prefer the oldest record as well, so a third caller arriving mid-way picks
 * the record that survives, not the one about to be closed.
 *
 * Retiring writes (a PSA adds a closing note), so each duplicate should be retired once. A caller
 * retires the record it created itself at once; another caller's duplicate only after a pause and
 * only if it is still live, because its creator, reading back as well, normally retires it first.
 * The pause covers the creator's read-back and close; a creator that stopped before retiring
 * leaves it to the others.
 */
import { sleep } from 'n8n-workflow';

/** How long a caller leaves another caller's duplicate to its creator before retiring it itself. */
export const CREATOR_RETIRES_FIRST_MS = 2000;

/** What converging needs to know of a record. */
export interface RecordAge {
	id: string;
	/** When the vendor created it (ISO 8601), used only when ids are not numbers. */
	createdAt?: string;
}

export interface FindOrCreateSteps<T> {
	/** The live record the key already has (the oldest when there are several), if any. */
	find(): Promise<T | undefined>;
	/** Creates the record. A create whose answer was lost is read back inside (see writeVerified). */
	create(): Promise<T>;
	/** Every live record carrying the key, read after creating. */
	readBack(): Promise<T[]>;
	/** Takes a newer record out of use in favour of the kept one (close as duplicate, archive...). */
	retire(duplicate: T, kept: T): Promise<void>;
	age(record: T): RecordAge;
	/** Waits before retiring another caller's duplicate (n8n's sleep unless given). */
	pause?(ms: number): Promise<void>;
}

export interface FindOrCreateResult<T> {
	/** The record the key keeps: found, created here, or created by a concurrent run. */
	record: T;
	/** Whether the record returned is the one this call created. */
	created: boolean;
	/** Ids of the newer records this call retired in favour of the returned one. */
	duplicates: string[];
}

const WHOLE_NUMBER = /^\d+$/;

/**
 * Older first. Ids grow with creation in every vendor this package writes to (ConnectWise, Halo,
 * Hudu), and unlike timestamps (often to the second) two ids never tie; the creation time orders
 * records whose ids are not numbers.
 */
export function olderFirst(a: RecordAge, b: RecordAge): number {
	if (WHOLE_NUMBER.test(a.id) && WHOLE_NUMBER.test(b.id)) {
		// Compared as digits, so ids past 2^53 (some vendors use 64-bit ids) still order exactly.
		const [x, y] = [a.id.replace(/^0+(?=\d)/, ''), b.id.replace(/^0+(?=\d)/, '')];
		return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
	}
	const time = (r: RecordAge) => (r.createdAt ? Date.parse(r.createdAt) : NaN);
	const [ta, tb] = [time(a), time(b)];
	if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The oldest of the records, or undefined for none. */
export function oldestOf<T>(records: T[], age: (record: T) => RecordAge): T | undefined {
	return [...records].sort((a, b) => olderFirst(age(a), age(b)))[0];
}

/** The records read back, plus the one just created if the vendor's list does not show it yet. */
function withCreated<T>(records: T[], created: T, age: (record: T) => RecordAge): T[] {
	const id = age(created).id;
	return records.some((r) => age(r).id === id) ? records : [...records, created];
}

/**
 * Finds the key's record, or creates it and converges with any concurrent creator (see above).
 * Duplicates are retired one after another: there are rarely more than one, and each retire is a
 * few writes the vendor's rate budget pays for.
 */
export async function findOrCreateConverged<T>(
	steps: FindOrCreateSteps<T>,
): Promise<FindOrCreateResult<T>> {
	const found = await steps.find();
	if (found !== undefined) return { record: found, created: false, duplicates: [] };
	const created = await steps.create();
	const live = withCreated(await steps.readBack(), created, steps.age).sort((a, b) =>
		olderFirst(steps.age(a), steps.age(b)),
	);
	const [kept, ...newer] = live;
	const createdId = steps.age(created).id;
	const retired: T[] = [];
	for (const duplicate of newer.filter((d) => steps.age(d).id === createdId)) {
		await steps.retire(duplicate, kept);
		retired.push(duplicate);
	}
	const others = newer.filter((d) => steps.age(d).id !== createdId);
	if (others.length) {
		await (steps.pause ?? sleep)(CREATOR_RETIRES_FIRST_MS);
		const stillLive = new Set((await steps.readBack()).map((r) => steps.age(r).id));
		for (const duplicate of others.filter((d) => stillLive.has(steps.age(d).id))) {
			await steps.retire(duplicate, kept);
			retired.push(duplicate);
		}
	}
	return {
		record: kept,
		created: steps.age(kept).id === createdId,
		duplicates: retired.map((d) => steps.age(d).id),
	};
}
