import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { locator, out, perItem, requireRef, requireText } from '../common';

export const description: INodeProperties[] = [
	locator('Company', 'companyId', 'searchCompanies', {
		required: true,
		displayOptions: { show: { resource: ['company'], operation: ['get'] } },
	}),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const ref = requireRef(
			this,
			this.getNodeParameter('companyId', itemIndex, ''),
			'Company',
			itemIndex,
		);
		if (ref.id) return out(await provider.getCompany(ref.id), includeRaw);
		const name = requireText(this, ref.name, 'Company', itemIndex);
		const [match] = (
			await provider.searchCompanies({ name }, { returnAll: true, limit: 0 })
		).filter((c) => c.name.toLowerCase() === name.toLowerCase());
		if (!match) return { found: false, name };
		return out(match, includeRaw);
	});
}
