const settled = (): void => undefined;

/**
 * Runs tasks that share a key one after another, and tasks with different keys side by side.
 *
 * Find or Create uses one per execution, keyed by what identifies the record (company and external
 * reference, company and article title): two items about the same alert would otherwise both look,
 * both miss and both create. Taking turns, the second looks after the first has created and finds
 * its record. Items about other alerts keep running at the node's Concurrency.
 */
export class KeyedQueue {
	/** The last task queued per key, settled (never rejected) so a failure does not block the next item. */
	private readonly tails = new Map<string, Promise<void>>();

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const before = this.tails.get(key) ?? Promise.resolve();
		const result = before.then(task);
		const tail = result.then(settled, settled);
		this.tails.set(key, tail);
		try {
			return await result;
		} finally {
			// The last task of a key leaves nothing behind: a long execution does not keep every key it saw.
			if (this.tails.get(key) === tail) this.tails.delete(key);
		}
	}

	/** Keys with a task running or waiting (for tests and diagnostics). */
	get size(): number {
		return this.tails.size;
	}
}
