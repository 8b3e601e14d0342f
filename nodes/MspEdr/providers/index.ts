import type { INode } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { CrowdStrikeProvider } from './crowdStrike/client';
import { DefenderProvider } from './defender/client';
import { HuntressProvider } from './huntress/client';
import { SentinelOneProvider } from './sentinelOne/client';
import type { EdrProvider, EdrProviderName } from './types';

export type ProviderOptions = TransportOptions & { pageSize?: number };

export const CREDENTIAL_OF: Record<EdrProviderName, string> = {
	sentinelOne: 'mspSentinelOneApi',
	microsoftDefender: 'mspMicrosoftDefenderApi',
	huntress: 'mspHuntressApi',
	crowdStrike: 'mspCrowdStrikeApi',
};

export function createProvider(
	name: EdrProviderName,
	ctx: RequestContext,
	node: INode,
	options: ProviderOptions = {},
): EdrProvider {
	switch (name) {
		case 'sentinelOne':
			return new SentinelOneProvider(ctx, node, options);
		case 'microsoftDefender':
			return new DefenderProvider(ctx, node, options);
		case 'huntress':
			return new HuntressProvider(ctx, node, options);
		case 'crowdStrike':
			return new CrowdStrikeProvider(ctx, node, options);
	}
}
