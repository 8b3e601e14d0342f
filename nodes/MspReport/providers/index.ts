import type { INodePropertyOptions } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { Transport } from '../../shared';
import { HuduProvider, HUDU_PROFILE } from './hudu/client';
import type { DocumentationProvider } from './types';

export type ProviderName = 'hudu';

export const PROVIDER_OPTIONS: INodePropertyOptions[] = [{ name: 'Hudu', value: 'hudu' }];

/** The documentation provider chosen in the node, talking through the shared transport. */
export function documentationProvider(
	ctx: RequestContext,
	name: string,
	options: TransportOptions = {},
): DocumentationProvider {
	switch (name) {
		case 'hudu':
			return new HuduProvider(new Transport(ctx, HUDU_PROFILE, options), ctx.getNode());
		default:
			throw new Error(`Unknown documentation provider "${name}"; supported: hudu`);
	}
}
