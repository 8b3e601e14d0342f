/**
 * Runs `fn` over `items` with at most `limit` calls in flight and returns the
 * results in input order. The first failure rejects the whole call and stops
 * new work from starting; calls already in flight are allowed to settle.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
	let next = 0;
	let failed = false;

	const worker = async (): Promise<void> => {
		while (!failed && next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index).then(undefined, async (error: unknown) => {
				failed = true;
				return await Promise.reject(error);
			});
		}
	};

	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
