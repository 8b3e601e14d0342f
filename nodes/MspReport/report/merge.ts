import type { Evidence } from '../../shared';
import { lastActivity } from './store';

/**
 * What a record is about, so a newer run's record replaces an older one. A patch record stands for
 * the device's patch state at that run (the templates write one per device, listing its updates),
 * so patch records are keyed by device; an incident by the threat it is about (its reference), or by
 * device and detection time when it names none.
 */
export function subjectOf(record: Evidence): string {
	const device = record.device.trim().toLowerCase();
	if (record.kind === 'patch') return `patch\n${device}`;
	const reference = record.reference?.trim().toLowerCase();
	return reference
		? `incident\n${reference}`
		: `incident\n${device}\n${Date.parse(record.detectedAt)}`;
}

function group(records: Evidence[]): Map<string, Evidence[]> {
	const groups = new Map<string, Evidence[]>();
	for (const record of records) {
		const key = subjectOf(record);
		groups.set(key, [...(groups.get(key) ?? []), record]);
	}
	return groups;
}

const newest = (records: Evidence[]) => Math.max(...records.map(lastActivity));

const references = (record: Evidence) =>
	new Set(
		(record.reference ?? '')
			.split(/[\s,;]+/)
			.map((r) => r.toLowerCase())
			.filter(Boolean),
	);

/**
 * The earliest detection of the same thing across runs: when a run could only date a detection by
 * its own clock (the RMM gives no release date), a later run's record keeps the first run's time,
 * so time to remediate runs from when it was first seen. Only when the records share a reference
 * (or name none): an update that appeared later is not dated back.
 */
function firstSeen(kept: Evidence, replaced: Evidence[]): Evidence {
	const mine = references(kept);
	const earliest = replaced
		.filter((r) => {
			const theirs = references(r);
			return !mine.size || !theirs.size || [...theirs].some((ref) => mine.has(ref));
		})
		.filter((r) => Date.parse(r.detectedAt) < Date.parse(kept.detectedAt))
		.sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt))[0];
	if (!earliest) return kept;
	// The due date goes with the detection it was counted from.
	return {
		...kept,
		detectedAt: earliest.detectedAt,
		...(earliest.slaDueAt ? { slaDueAt: earliest.slaDueAt } : {}),
	};
}

export interface MergeResult {
	records: Evidence[];
	/** Stored records this run's records replaced. */
	replaced: number;
	/** Stored records kept because this run did not cover them (other devices, other threats). */
	kept: number;
}

/**
 * This run's records merged into the stored ones of the same period. Per subject the newer side
 * wins (by its latest activity: detection, remediation, verification, action times; a tie goes to
 * this run), whole: a device rerun with one patch record replaces all of its older ones. Subjects
 * only one side has are kept as they are.
 */
export function mergeEvidence(stored: Evidence[], incoming: Evidence[]): MergeResult {
	const old = group(stored);
	const fresh = group(incoming);
	const records: Evidence[] = [];
	let replaced = 0;
	let kept = 0;
	for (const [key, olds] of old) {
		const news = fresh.get(key);
		if (!news) {
			records.push(...olds);
			kept += olds.length;
		} else if (newest(olds) > newest(news)) {
			records.push(...olds);
			kept += olds.length;
			fresh.delete(key);
		}
	}
	for (const [key, news] of fresh) {
		const olds = old.get(key) ?? [];
		replaced += olds.length;
		records.push(...news.map((record) => firstSeen(record, olds)));
	}
	return { records, replaced, kept };
}
