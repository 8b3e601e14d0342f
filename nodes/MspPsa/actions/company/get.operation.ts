import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { locator, out, perItem } from '../common';
import { ambiguousCompany, companiesNamed, requireCompany } from './resolve';

export const description: INodeProperties[] = [
	locator('Company', 'companyId', 'searchCompanies', {
		required: true,
		displayOptions: { show: { resource: ['company'], operation: ['get'] } },
	}),
];

/**
 * By ID reads the company; By Name looks it up with the lookup every operation uses: no company of
 * that name is `{found: false, name}` (Get answers whether it exists), several are an error listing
 * them, never the first one.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const ref = requireCompany(
			this,
			provider,
			this.getNodeParameter('companyId', itemIndex, ''),
			'Company',
			itemIndex,
		);
		if (ref.id) return out(await provider.getCompany(ref.id), includeRaw);
		const name = (ref.name ?? '').trim();
		const { exact } = await companiesNamed(provider, name);
		if (exact.length > 1) throw ambiguousCompany(this, 'Company', name, exact, itemIndex);
		if (!exact.length) return { found: false, name };
		return out(exact[0], includeRaw);
	});
}
