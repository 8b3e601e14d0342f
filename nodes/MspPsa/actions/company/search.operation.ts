import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { Memo } from '../../providers/common';
import { out, pagingFields, perItem, readPaging } from '../common';

const show = { resource: ['company'], operation: ['search'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Part of the company name',
		displayOptions: { show },
	},
	{
		displayName: 'Identifier',
		name: 'identifier',
		type: 'string',
		default: '',
		description:
			'Exact short code: ConnectWise company identifier, Halo accounts ID, Autotask company number',
		displayOptions: { show },
	},
	...pagingFields('company', ['search']),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Items usually repeat a handful of company names (one per device or alert of the same client):
	// each distinct search is sent once per execution and its answer shared by the items asking it.
	const searches = new Memo();
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const name = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim() || undefined;
		const identifier =
			String(this.getNodeParameter('identifier', itemIndex, '') ?? '').trim() || undefined;
		const paging = readPaging(this, itemIndex);
		const companies = await searches.get(
			JSON.stringify([name, identifier, paging]),
			async () => await provider.searchCompanies({ name, identifier }, paging),
		);
		return companies.map((company) => out(company, includeRaw));
	});
}
