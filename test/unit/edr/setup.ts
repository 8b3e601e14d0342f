import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

import { MspHuntressApi } from '../../../credentials/MspHuntressApi.credentials';
import { MspMicrosoftDefenderApi } from '../../../credentials/MspMicrosoftDefenderApi.credentials';
import { MspSentinelOneApi } from '../../../credentials/MspSentinelOneApi.credentials';
import { createProvider, CREDENTIAL_OF } from '../../../nodes/MspEdr/providers';
import type { EdrProvider, EdrProviderName } from '../../../nodes/MspEdr/providers/types';
import type { Sandbox } from '../../../sandbox';
import { worldIso } from '../../../sandbox/world/clock';
import type { Threat, World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type FakeContextOptions } from '../helpers/fakeContext';

export const PROVIDERS: Array<{ name: EdrProviderName; vendor: string; label: string }> = [
	{ name: 'sentinelOne', vendor: 'sentinelone', label: 'SentinelOne' },
	{ name: 'microsoftDefender', vendor: 'defender', label: 'Microsoft Defender for Endpoint' },
];

export const credentialTypes = [
	new MspSentinelOneApi(),
	new MspMicrosoftDefenderApi(),
	new MspHuntressApi(),
];

export function sandboxCredentials(
	sandbox: Sandbox,
): Record<string, ICredentialDataDecryptedObject> {
	return Object.fromEntries(
		sandbox.n8nCredentials().map((c) => [c.type, { ...c.data } as ICredentialDataDecryptedObject]),
	);
}

export function contextFor(sandbox: Sandbox, options: Partial<FakeContextOptions> = {}) {
	return fakeExecuteContext({
		parameters: {},
		credentials: sandboxCredentials(sandbox),
		credentialTypes,
		...options,
	});
}

/** A provider over the sandbox with no client-side pacing and small pages, so paging is exercised. */
export function providerFor(
	sandbox: Sandbox,
	name: EdrProviderName,
	credentials?: Record<string, ICredentialDataDecryptedObject>,
): EdrProvider {
	const { ctx } = contextFor(sandbox, credentials ? { credentials } : {});
	return createProvider(name, ctx, ctx.getNode() as INode, {
		pacer: null,
		pageSize: 7,
		sleep: async () => undefined,
	});
}

export const credentialTypeOf = (name: EdrProviderName) => CREDENTIAL_OF[name];

/** Vendor id of a world threat / device as each provider names it. */
export function threatIdIn(name: EdrProviderName, threat: Threat): string {
	return name === 'sentinelOne' ? threat.sentinelOneThreatId : threat.defenderAlertId;
}

export function deviceIdIn(name: EdrProviderName, world: World, hostname: string): string {
	const device = world.devices.find((d) => d.hostname === hostname)!;
	return name === 'sentinelOne' ? device.ids.sentinelOneAgentId : device.ids.defenderMachineId;
}

/**
 * A new detection in the estate, as if the EDR had just reported it: the vendor stores it now (its
 * updated time is the vendor's "now") unless `indexedAt` says when it was stored.
 */
export function addThreat(
	world: World,
	detectedAt: string,
	options: { indexedAt?: string; base?: Threat } = {},
): Threat {
	const base = options.base ?? world.threats[0];
	const n = world.threats.length + 1;
	const threat: Threat = {
		...base,
		key: `threat-${n}`,
		sentinelOneThreatId: String(2200000000000000000n + BigInt(n)),
		defenderAlertId: `da${String(700000000000000000 + n)}_${String(1000000000 + n)}`,
		detectedAt,
		updatedAt: options.indexedAt ?? worldIso(world),
		status: 'new',
		verdict: 'undefined',
		mitigationStatus: 'notMitigated',
		mitigations: [],
		notes: [],
	};
	world.threats.push(threat);
	return threat;
}

/** Moves the vendors' clock (the sandbox world's) forward, as if that much time had passed. */
export function advanceVendorClock(world: World, ms: number): void {
	world.clockOffsetMs = (world.clockOffsetMs ?? 0) + ms;
}
