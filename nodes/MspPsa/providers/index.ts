import type { INodePropertyOptions } from 'n8n-workflow';

import type { RequestContext, TransportOptions } from '../../shared';
import { executionCache, Transport } from '../../shared';
import { ConnectWiseProvider, CONNECTWISE_PROFILE } from './connectwise/client';
import { ConnectWiseTransport } from './connectwise/transport';
import { AutotaskProvider, AUTOTASK_PROFILE } from './autotask/client';
import { AutotaskTransport } from './autotask/transport';
import { HaloProvider, HALO_PROFILE } from './halo/client';
import type { PsaProvider } from './types';

export const PROVIDER_OPTIONS: INodePropertyOptions[] = [
	{ name: 'ConnectWise PSA', value: 'connectwise' },
	{ name: 'HaloPSA', value: 'halo' },
	{ name: 'Autotask PSA', value: 'autotask' },
];

export const CREDENTIAL_OF: Record<string, string> = {
	connectwise: 'mspConnectWisePsaApi',
	halo: 'mspHaloPsaApi',
	autotask: 'mspAutotaskApi',
};

/** The PSA chosen in the node, talking through the shared transport. One instance per execution keeps lookups cached. */
export function psaProvider(
	ctx: RequestContext,
	name: string,
	options: TransportOptions = {},
): PsaProvider {
	switch (name) {
		case 'connectwise':
			return new ConnectWiseProvider(
				// Every ConnectWise request carries the API version pin (Accept header).
				new ConnectWiseTransport(ctx, CONNECTWISE_PROFILE, options),
				ctx.getNode(),
			);
		case 'halo':
			return new HaloProvider(
				new Transport(ctx, HALO_PROFILE, options),
				ctx.getNode(),
				executionCache(ctx, HALO_PROFILE.credentialType),
			);
		case 'autotask':
			return new AutotaskProvider(
				// Every Autotask request takes one of the credential's 3 threads (see transport.ts).
				new AutotaskTransport(ctx, AUTOTASK_PROFILE, options),
				ctx.getNode(),
				executionCache(ctx, AUTOTASK_PROFILE.credentialType),
			);
		default:
			throw new Error(`Unknown PSA provider "${name}"; supported: connectwise, halo, autotask`);
	}
}
