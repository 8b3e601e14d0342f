import type { INodePropertyOptions } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { executionCache, Transport } from '../../shared';
import { AUTOMATE_EDITOR, AUTOMATE_PROFILE, AutomateProvider } from './connectwiseAutomate/client';
import { DATTO_EDITOR, DattoRmmProvider } from './dattoRmm/client';
import { DATTO_PROFILE, DATTO_WRITE_PROFILE } from './dattoRmm/profile';
import { NINJAONE_EDITOR, NINJAONE_PROFILE, NinjaOneProvider } from './ninjaone/client';
import type { RmmEditorFacts, RmmProvider } from './types';

export type ProviderName = 'ninjaOne' | 'connectWiseAutomate' | 'dattoRmm';

/** Every provider with what the editor offers for it, in the Provider list's order. */
export const PROVIDERS: readonly RmmEditorFacts[] = [
	NINJAONE_EDITOR,
	AUTOMATE_EDITOR,
	DATTO_EDITOR,
];

export const PROVIDER_OPTIONS: INodePropertyOptions[] = PROVIDERS.map((p) => ({
	name: p.name,
	value: p.value,
}));

/**
 * The RMM provider chosen in the node, talking through the shared transport. Device and patch
 * reads are shared with the other nodes of the execution under the same credential (see
 * `executionCache`).
 */
export function rmmProvider(
	ctx: RequestContext,
	name: string,
	options: TransportOptions = {},
): RmmProvider {
	switch (name) {
		case 'ninjaOne':
			return new NinjaOneProvider(
				new Transport(ctx, NINJAONE_PROFILE, options),
				ctx.getNode(),
				executionCache(ctx, NINJAONE_PROFILE.credentialType),
			);
		case 'connectWiseAutomate':
			return new AutomateProvider(
				new Transport(ctx, AUTOMATE_PROFILE, options),
				ctx.getNode(),
				executionCache(ctx, AUTOMATE_PROFILE.credentialType),
			);
		case 'dattoRmm':
			// Two budgets: Datto counts reads and writes apart (see dattoRmm/profile.ts).
			return new DattoRmmProvider(
				new Transport(ctx, DATTO_PROFILE, options),
				new Transport(ctx, DATTO_WRITE_PROFILE, options),
				ctx.getNode(),
				async () => {
					const credentials = await ctx.getCredentials(DATTO_PROFILE.credentialType);
					return { patchComponent: String(credentials.patchComponent ?? '') };
				},
			);
		default:
			throw new Error(
				`Unknown RMM provider "${name}"; supported: ninjaOne, connectWiseAutomate, dattoRmm`,
			);
	}
}
