import type { INodePropertyOptions } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { Transport } from '../../shared';
import { HuduProvider, HUDU_PROFILE } from './hudu/client';
import { ItGlueProvider, IT_GLUE_PROFILE } from './itGlue/client';
import type { DocumentationProvider } from './types';

export type ProviderName = 'hudu' | 'itGlue';

export const PROVIDER_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Hudu', value: 'hudu' },
	{ name: 'IT Glue', value: 'itGlue' },
];

/** The documentation provider chosen in the node, talking through the shared transport. */
export function documentationProvider(
	ctx: RequestContext,
	name: string,
	options: TransportOptions = {},
): DocumentationProvider {
	switch (name) {
		case 'hudu':
			return new HuduProvider(new Transport(ctx, HUDU_PROFILE, options), ctx.getNode());
		case 'itGlue':
			return new ItGlueProvider(new Transport(ctx, IT_GLUE_PROFILE, options), ctx.getNode());
		default:
			throw new Error(`Unknown documentation provider "${name}"; supported: hudu, itGlue`);
	}
}
