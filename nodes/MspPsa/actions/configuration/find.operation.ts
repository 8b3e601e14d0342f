import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { locator, out, pagingFields, perItem, readPaging, requireText } from '../common';
import { companyIdOf, readCompany } from '../company/resolve';

const show = { resource: ['configuration'], operation: ['find'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		default: 'name',
		options: [
			{ name: 'Device Name', value: 'name' },
			{ name: 'Serial Number', value: 'serialNumber' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. BSD-WS02',
		displayOptions: { show },
	},
	locator('Company', 'configurationCompany', 'searchCompanies', {
		description: 'Limit the search to one company',
		displayOptions: { show },
	}),
	...pagingFields('configuration', ['find']),
];

/**
 * Value, Company and Limit are checked before any request; a Company given By Name is then looked
 * up, so the search stays within that client.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await perItem(this, async (provider, itemIndex, includeRaw) => {
		const value = requireText(
			this,
			this.getNodeParameter('value', itemIndex, ''),
			'Value',
			itemIndex,
		);
		const by = this.getNodeParameter('findBy', itemIndex, 'name') as string;
		const company = readCompany(
			provider,
			this.getNodeParameter('configurationCompany', itemIndex, ''),
			'Company',
		);
		const paging = readPaging(this, itemIndex);
		const companyId = company
			? await companyIdOf(this, provider, company, 'Company', itemIndex)
			: undefined;
		const query =
			by === 'serialNumber' ? { serialNumber: value, companyId } : { name: value, companyId };
		const found = await provider.findConfigurations(query, paging);
		return found.map((configuration) => out(configuration, includeRaw));
	});
}
