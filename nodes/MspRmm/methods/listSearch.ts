import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { rmmProvider } from '../providers';

function provider(ctx: ILoadOptionsFunctions) {
	return rmmProvider(ctx, ctx.getNodeParameter('provider', 'ninjaOne') as string);
}

/** Devices for the Device picker: the typed text filters by hostname; at most 100 are listed. */
export async function searchDevices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const devices = await provider(this).searchDevices({
		hostname: filter?.trim() || undefined,
		returnAll: false,
		limit: 100,
	});
	return {
		results: devices
			.sort((a, b) => a.hostname.localeCompare(b.hostname))
			.map((d) => ({
				name: `${d.hostname}${d.companyName ? ` (${d.companyName})` : ''}${d.online === false ? ' · offline' : ''}`,
				value: d.id,
			})),
	};
}

export async function searchCompanies(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const companies = await provider(this).listCompanies(filter?.trim() || undefined);
	return {
		results: companies
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((c) => ({ name: c.name, value: c.id })),
	};
}

export async function searchScripts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const scripts = await provider(this).listScripts(filter?.trim() || undefined);
	return {
		results: scripts
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((s) => ({
				name: s.category ? `${s.name} (${s.category})` : s.name,
				value: s.id,
				description: s.description,
			})),
	};
}
