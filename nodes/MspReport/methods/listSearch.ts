import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { documentationProvider } from '../providers';

/** Companies of the documentation platform for the Company picker, filtered by the typed text. */
export async function searchCompanies(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const provider = documentationProvider(this, this.getNodeParameter('provider', 'hudu') as string);
	const companies = await provider.searchCompanies(filter?.trim() || undefined);
	return {
		results: companies
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((company) => ({ name: company.name, value: company.id, url: company.url })),
	};
}
