import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { buildReports } from '../../report/aggregate';
import { renderCsv } from '../../report/render/csv';
import { renderHtml } from '../../report/render/html';
import { renderMarkdown } from '../../report/render/markdown';
import type { ClientReport } from '../../report/types';
import { buildReportOptions, periodFields, readReportSettings } from './settings';
import { localDate } from '../../report/zone';

const show = { resource: ['report'], operation: ['build'] };

export const description: INodeProperties[] = [
	...periodFields(show),
	{
		displayName: 'Options',
		name: 'reportOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: buildReportOptions,
	},
];

function fileBase(report: ClientReport): string {
	const { start, end, timeZone } = report.period;
	const day = (iso: string) => localDate(Date.parse(iso), timeZone);
	const slug = `${report.client}-${day(start)}-${day(end)}`
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return `compliance-report-${slug}`;
}

/** One item per client: KPIs as JSON, the report as HTML, Markdown and CSV binaries. */
export async function execute(
	this: IExecuteFunctions,
	now = new Date(),
): Promise<INodeExecutionData[]> {
	const { settings, thresholds, includeRaw } = readReportSettings(this, now);
	const inputs = this.getInputData();
	const reports = buildReports(
		inputs.map((item) => item.json),
		settings,
	);
	const allIndexes = inputs.map((_, index) => index);
	const output: INodeExecutionData[] = [];
	for (const report of reports) {
		const base = fileBase(report);
		const { evidence, itemIndexes, ...summary } = report;
		const json: IDataObject = { ...summary, thresholds } as unknown as IDataObject;
		if (includeRaw) json.evidence = evidence as unknown as IDataObject[];
		const binary = {
			html: await this.helpers.prepareBinaryData(
				Buffer.from(renderHtml(report, thresholds), 'utf8'),
				`${base}.html`,
				'text/html',
			),
			markdown: await this.helpers.prepareBinaryData(
				Buffer.from(renderMarkdown(report), 'utf8'),
				`${base}.md`,
				'text/markdown',
			),
			csv: await this.helpers.prepareBinaryData(
				Buffer.from(renderCsv(report), 'utf8'),
				`${base}.csv`,
				'text/csv',
			),
		};
		const paired = itemIndexes.length ? itemIndexes : allIndexes.length ? allIndexes : [0];
		output.push({ json, binary, pairedItem: paired.map((item) => ({ item })) });
	}
	return output;
}
