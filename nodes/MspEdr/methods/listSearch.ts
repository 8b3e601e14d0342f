import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { createProvider } from '../providers';
import type { EdrProviderName } from '../providers/types';

/** Devices whose hostname contains the typed text, for the Device resource locator. */
export async function searchDevices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const name = this.getNodeParameter('provider', 'sentinelOne') as EdrProviderName;
	const devices = await createProvider(name, this, this.getNode()).searchDevices(filter ?? '');
	return {
		results: devices.map((d) => ({
			name: d.companyName ? `${d.hostname} (${d.companyName})` : d.hostname,
			value: d.id,
		})),
	};
}
