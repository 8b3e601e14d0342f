import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { out, pagingFields, perItem, readPaging } from '../common';

const show = { resource: ['company'], operation: ['search'] };

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Part of the company name', displayOptions: { show } },
	{
		displayName: 'Identifier',
		name: 'identifier',
		type: 'string',
		default: '',
		description: 'Exact short code: ConnectWise company identifier, Halo accounts ID',
		displayOptions: { show },
	},
	...pagingFields('company', ['search']),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const name = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim() || undefined;
		const identifier = String(this.getNodeParameter('identifier', itemIndex, '') ?? '').trim() || undefined;
		const companies = await provider.searchCompanies({ name, identifier }, readPaging(this, itemIndex));
		return companies.map((company) => out(company, includeRaw));
	});
}
