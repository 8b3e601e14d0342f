import { DEFAULT_TIMING, observe, startOperation } from '../../../sandbox/world/engine';
import { seedWorld } from '../../../sandbox/world/seed';
import type { World } from '../../../sandbox/world/types';

const timing = { ...DEFAULT_TIMING, msToFinish: 60_000 };

function device(world: World, hostname: string) {
	const found = world.devices.find((d) => d.hostname === hostname);
	if (!found) throw new Error(hostname);
	return found;
}

function approvedPatchKeys(world: World, deviceKey: string) {
	return world.patches
		.filter((p) => p.deviceKey === deviceKey && p.status === 'approved')
		.map((p) => p.key);
}

describe('sandbox operation engine', () => {
	it('installs approved patches over a few status reads', () => {
		const world = seedWorld(1);
		const ws = device(world, 'BSD-WS01');
		const patchKeys = approvedPatchKeys(world, ws.key);
		expect(patchKeys.length).toBeGreaterThan(0);
		const op = startOperation(world, {
			kind: 'patchInstall',
			vendor: 'test',
			deviceKey: ws.key,
			patchKeys,
		});
		expect(
			world.patches
				.filter((p) => patchKeys.includes(p.key))
				.every((p) => p.status === 'installing'),
		).toBe(true);

		observe(world, (o) => o.id === op.id, timing);
		expect(op.status).toBe('running');
		observe(world, (o) => o.id === op.id, timing);
		expect(op.status).toBe('succeeded');
		expect(
			world.patches
				.filter((p) => patchKeys.includes(p.key))
				.every((p) => p.status === 'installed' && p.installedAt),
		).toBe(true);
		expect(ws.online).toBe(true);
	});

	it('fails the install on the scenario device and keeps the other one offline after its reboot', () => {
		const world = seedWorld(1);
		const failing = device(world, 'NWL-WS03');
		const op = startOperation(world, {
			kind: 'patchInstall',
			vendor: 'test',
			deviceKey: failing.key,
			patchKeys: approvedPatchKeys(world, failing.key),
		});
		observe(world, () => true, timing);
		observe(world, () => true, timing);
		expect(op.status).toBe('failed');
		expect(
			world.patches
				.filter((p) => op.patchKeys?.includes(p.key))
				.every((p) => p.status === 'failed' && p.failureReason),
		).toBe(true);

		const server = device(world, 'HLL-SRV01');
		startOperation(world, {
			kind: 'patchInstall',
			vendor: 'test',
			deviceKey: server.key,
			patchKeys: approvedPatchKeys(world, server.key),
			reboot: true,
		});
		observe(world, () => true, timing);
		observe(world, () => true, timing);
		expect(server.online).toBe(false);
	});

	it('moves containment through its pending state', () => {
		const world = seedWorld(1);
		const ws = device(world, 'BSD-WS02');
		startOperation(world, { kind: 'isolate', vendor: 'test', deviceKey: ws.key });
		expect(ws.containment).toBe('pendingIsolation');
		observe(world, () => true, timing);
		observe(world, () => true, timing);
		expect(ws.containment).toBe('isolated');
	});

	it('finishes on time even when nobody polls', () => {
		const world = seedWorld(1);
		const ws = device(world, 'BSD-WS01');
		const started = Date.parse(world.createdAt) + 2 * 3_600_000;
		const op = startOperation(
			world,
			{
				kind: 'script',
				vendor: 'test',
				deviceKey: ws.key,
				scriptKey: 'script-1',
				parameters: '-Force',
			},
			started,
		);
		observe(world, () => false, timing, started + 1000);
		expect(op.status).toBe('queued');
		observe(world, (o) => o.id === op.id, { readsToFinish: 99, msToFinish: 5000 }, started + 6000);
		expect(op).toMatchObject({ status: 'succeeded', exitCode: 0 });
		expect(op.output).toContain('BSD-WS01');
		expect(op.output).toContain('-Force');
	});

	it('fails a script on an offline device and reports a failing script exit code', () => {
		const world = seedWorld(1);
		const ws = device(world, 'BSD-WS03');
		ws.online = false;
		const offline = startOperation(world, {
			kind: 'script',
			vendor: 'test',
			deviceKey: ws.key,
			scriptKey: 'script-1',
		});
		const failing = startOperation(world, {
			kind: 'script',
			vendor: 'test',
			deviceKey: device(world, 'BSD-WS04').key,
			scriptKey: 'script-6',
		});
		observe(world, () => true, timing);
		observe(world, () => true, timing);
		expect(offline).toMatchObject({ status: 'failed', error: 'BSD-WS03 is offline' });
		expect(failing).toMatchObject({ status: 'failed', exitCode: 1 });
	});
});
