import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { credentialPerProvider } from '../../shared/actions/providerCredentials';
import { PROVIDER_OPTIONS } from '../providers';
import * as alert from './alert';
import * as device from './device';
import * as patch from './patch';
import * as script from './script';

/** Each provider's credential, offered only while that provider is chosen. */
export const credentials: INodeCredentialDescription[] = credentialPerProvider({
	ninjaOne: 'mspNinjaOneApi',
	connectWiseAutomate: 'mspConnectWiseAutomateApi',
	dattoRmm: 'mspDattoRmmApi',
});

export const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: PROVIDER_OPTIONS,
		default: 'ninjaOne',
		description: 'The RMM the node talks to',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Alert', value: 'alert' },
			{ name: 'Device', value: 'device' },
			{ name: 'Patch', value: 'patch' },
			{ name: 'Script', value: 'script' },
		],
		default: 'device',
	},
	...device.description,
	...patch.description,
	...script.description,
	...alert.description,
];
