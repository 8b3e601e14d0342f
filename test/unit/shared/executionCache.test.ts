import { ExecutionCache, executionCache, SHARED_READ_MAX_AGE_MS } from '../../../nodes/shared';

/** Reads shared between the nodes of one execution: recent, same credential, nothing sent to the record since. */
describe('ExecutionCache', () => {
	const counter = () => {
		let reads = 0;
		return {
			load: async () => ++reads,
			get reads() {
				return reads;
			},
		};
	};

	it('reuses a recent read and reads again once it is older than the limit', async () => {
		let now = 0;
		const cache = new ExecutionCache(() => now);
		const device = counter();
		expect(await cache.get('device:7', device.load)).toBe(1);
		now += SHARED_READ_MAX_AGE_MS;
		expect(await cache.get('device:7', device.load)).toBe(1);
		now += 1;
		expect(await cache.get('device:7', device.load)).toBe(2);
		expect(device.reads).toBe(2);
	});

	it('reads a record again after something was sent to it, for the rest of the execution', async () => {
		const cache = new ExecutionCache(() => 0);
		const device = counter();
		const updates = counter();
		const other = counter();
		await cache.get('device:7', device.load, { record: 'device:7' });
		await cache.get('device:7|updates', updates.load, { record: 'device:7' });
		await cache.get('device:70', other.load, { record: 'device:70' });
		cache.touch('device:7');
		await cache.get('device:7', device.load, { record: 'device:7' });
		await cache.get('device:7', device.load, { record: 'device:7' });
		await cache.get('device:7|updates', updates.load, { record: 'device:7' });
		cache.put('device:7', 'listed', 'device:7');
		await cache.get('device:7', device.load, { record: 'device:7' });
		// device:70 is another record: its read stays shared.
		await cache.get('device:70', other.load, { record: 'device:70' });
		expect([device.reads, updates.reads, other.reads]).toEqual([4, 2, 1]);
	});

	it('keeps what a listing read and does not keep a failed read', async () => {
		const cache = new ExecutionCache(() => 0);
		cache.put('device:8', 'from the listing', 'device:8');
		expect(await cache.get('device:8', async () => 'read', { record: 'device:8' })).toBe(
			'from the listing',
		);
		await expect(
			cache.get('roles', async () => await Promise.reject(new Error('503'))),
		).rejects.toThrow('503');
		expect(await cache.get('roles', async () => 'roles')).toBe('roles');
	});

	it('is shared by the nodes of one execution under one credential, and by nothing else', async () => {
		const flow = {};
		const node = (name: string, credential: string) => ({
			getContext: () => flow,
			getNode: () => ({ name, credentials: { mspNinjaOneApi: { id: credential, name: 'x' } } }),
		});
		const reads = counter();
		const deviceNode = executionCache(node('Device', 'cred-1'), 'mspNinjaOneApi');
		const applyNode = executionCache(node('Apply', 'cred-1'), 'mspNinjaOneApi');
		const otherTenant = executionCache(node('Other', 'cred-2'), 'mspNinjaOneApi');
		const nextExecution = executionCache(
			{ ...node('Device', 'cred-1'), getContext: () => ({}) },
			'mspNinjaOneApi',
		);
		await deviceNode.get('device:7', reads.load);
		expect(await applyNode.get('device:7', reads.load)).toBe(1);
		expect(await otherTenant.get('device:7', reads.load)).toBe(2);
		expect(await nextExecution.get('device:7', reads.load)).toBe(3);
		applyNode.touch('device:7');
		expect(await deviceNode.get('device:7', reads.load, { record: 'device:7' })).toBe(4);
		expect(await otherTenant.get('device:7', reads.load, { record: 'device:7' })).toBe(2);
	});
});
