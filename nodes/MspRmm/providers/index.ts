import type { INodePropertyOptions } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { Transport } from '../../shared';
import { AUTOMATE_PROFILE, AutomateProvider } from './connectwiseAutomate/client';
import { NINJAONE_PROFILE, NinjaOneProvider } from './ninjaone/client';
import type { RmmProvider } from './types';

export type ProviderName = 'ninjaOne' | 'connectWiseAutomate';

export const PROVIDER_OPTIONS: INodePropertyOptions[] = [
	{ name: 'NinjaOne', value: 'ninjaOne' },
	{ name: 'ConnectWise Automate', value: 'connectWiseAutomate' },
];

/** The RMM provider chosen in the node, talking through the shared transport. */
export function rmmProvider(
	ctx: RequestContext,
	name: string,
	options: TransportOptions = {},
): RmmProvider {
	switch (name) {
		case 'ninjaOne':
			return new NinjaOneProvider(new Transport(ctx, NINJAONE_PROFILE, options), ctx.getNode());
		case 'connectWiseAutomate':
			return new AutomateProvider(new Transport(ctx, AUTOMATE_PROFILE, options), ctx.getNode());
		default:
			throw new Error(`Unknown RMM provider "${name}"; supported: ninjaOne, connectWiseAutomate`);
	}
}
