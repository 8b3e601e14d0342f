import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import {
	commonOptionsProperty,
	describeZodIssues,
	EvidenceSchema,
	KeyedQueue,
	readCommonOptions,
	retryTemporary,
	runPerItem,
} from '../../../shared';
import { documentationProvider } from '../../providers';
import type { DocumentationCompany, DocumentationProvider } from '../../providers/types';
import { reportForPeriod, type PeriodReport } from '../../report/periodReport';
import type { Thresholds } from '../../report/render/format';
import { tileKpiFor, tileSummary, type TileKpi } from '../../report/tile';
import { readThresholds, thresholdFields } from './settings';

const show = { resource: ['report'], operation: ['publish'] };

/** Runs of one client's publish when the platform fails temporarily, and the wait before the second. */
const PUBLISH_TRIES = 3;
const PUBLISH_RETRY_WAIT_MS = 2000;

export const description: INodeProperties[] = [
	{
		displayName: 'Company',
		name: 'company',
		type: 'resourceLocator',
		default: { mode: 'name', value: '={{ $json.client }}' },
		required: true,
		description: 'The client in the documentation platform',
		displayOptions: { show },
		modes: [
			{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'Bright Smile Dental' },
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCompanies', searchable: true },
			},
			{
				displayName: 'By Integration ID',
				name: 'integrationId',
				type: 'string',
				placeholder: '250',
				hint: 'The company id in a PSA or RMM integration',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '12',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[0-9]+$', errorMessage: 'A company id is a number' },
					},
				],
			},
		],
	},
	{
		displayName: 'Article Title',
		name: 'articleTitle',
		type: 'string',
		default: '={{ $json.title }}',
		required: true,
		description: 'One article per client and title: publishing again updates it',
		displayOptions: { show },
	},
	{
		displayName: 'Tile Title',
		name: 'tileTitle',
		type: 'string',
		default: 'Patch compliance',
		required: true,
		description: 'Title of the status tile on the client dashboard (one tile per client and title)',
		displayOptions: { show },
	},
	{
		displayName: 'Tile Shows',
		name: 'tileKpi',
		type: 'options',
		default: 'auto',
		description: 'What the tile message and colour measure',
		displayOptions: { show },
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					'Incidents when the report has incident records and no patch records, else patch compliance',
			},
			{
				name: 'Incidents',
				value: 'incidents',
				description:
					'Incidents, how many were contained, and the share resolved within SLA (colour by that share)',
			},
			{
				name: 'Patch Compliance',
				value: 'patchCompliance',
				description:
					'Share of devices with no failed, pending or exception patch (colour by that share)',
			},
		],
	},
	commonOptionsProperty({ show }, thresholdFields, 'publishOptions'),
];

/** The part of a Build Report item that publishing needs. */
const ReportItemSchema = z.object({
	client: z.string().min(1),
	title: z.string(),
	// Reports built before time zones were shown carry none: they were UTC.
	period: z.object({
		start: z.string(),
		end: z.string(),
		label: z.string(),
		timeZone: z.string().default('UTC'),
	}),
	generatedAt: z.string(),
	noActivity: z.boolean(),
	kpis: z.object({
		devicesInScope: z.number(),
		compliantDevices: z.number(),
		compliancePercent: z.number().nullable(),
		patchesInstalled: z.number(),
		patchesFailed: z.number(),
		patchesPending: z.number(),
		incidentsDetected: z.number(),
		incidentsContained: z.number(),
		incidentsResolved: z.number(),
		remediated: z.number(),
		meanHoursToRemediate: z.number().nullable(),
		p90HoursToRemediate: z.number().nullable(),
		slaMeasured: z.number(),
		withinSla: z.number(),
		withinSlaPercent: z.number().nullable(),
		incidentSlaMeasured: z.number(),
		incidentsWithinSla: z.number(),
		incidentsWithinSlaPercent: z.number().nullable(),
		exceptions: z.number(),
	}),
	exceptions: z.array(
		z.object({
			reason: z.string(),
			detail: z.string(),
			device: z.string(),
			reference: z.string(),
			kind: z.string(),
			severity: z.string(),
			itemIndex: z.number(),
		}),
	),
	outsidePeriod: z.number().default(0),
	thresholds: z.object({ good: z.number(), warning: z.number() }).optional(),
	// The period's figures are recomputed from these and the records the article already holds.
	records: z.array(EvidenceSchema),
});

async function resolveCompany(
	ctx: IExecuteFunctions,
	provider: DocumentationProvider,
	i: number,
): Promise<DocumentationCompany> {
	const locator = ctx.getNodeParameter('company', i) as { mode: string; value: unknown };
	const value = String(locator.value ?? '').trim();
	if (!value)
		throw new NodeOperationError(ctx.getNode(), 'Company is empty', {
			itemIndex: i,
			description: 'Give a company name, id or integration id',
		});
	let found: DocumentationCompany[];
	if (locator.mode === 'integrationId') found = await provider.findCompaniesByIntegrationId(value);
	else if (locator.mode === 'name') found = await provider.findCompaniesByName(value);
	else return { id: value, name: await companyName(provider, value) };
	if (found.length === 1) return found[0];
	const how = locator.mode === 'name' ? `named "${value}"` : `with integration id "${value}"`;
	if (!found.length) {
		throw new NodeOperationError(ctx.getNode(), `${provider.name} has no company ${how}`, {
			itemIndex: i,
			description:
				'Check the client name in the evidence, or pick the company from the list or by id.',
		});
	}
	throw new NodeOperationError(
		ctx.getNode(),
		`${provider.name} has ${found.length} companies ${how} (ids ${found.map((c) => c.id).join(', ')})`,
		{
			itemIndex: i,
			description: 'Pick the company by id to publish to one of them.',
		},
	);
}

/** Tiles are matched by company name, so an id picked from the list is turned into its name. */
async function companyName(provider: DocumentationProvider, id: string): Promise<string> {
	const match = (await provider.searchCompanies()).find((c) => c.id === id);
	return match?.name ?? '';
}

function readTileKpi(ctx: IExecuteFunctions, i: number): TileKpi | 'auto' {
	const value = ctx.getNodeParameter('tileKpi', i, 'auto') as string;
	if (value === 'auto' || value === 'incidents' || value === 'patchCompliance') return value;
	throw new NodeOperationError(ctx.getNode(), `Tile Shows "${value}" is not supported`, {
		itemIndex: i,
		description: 'Allowed: auto, incidents, patchCompliance',
	});
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const providerName = this.getNodeParameter('provider', 0) as string;
	const common = readCommonOptions(this, 0, 'publishOptions');
	const provider = documentationProvider(this, providerName, { dryRun: common.dryRun });
	// Items publishing to the same company and title take turns, so the second updates what the
	// first created instead of creating it again; other companies publish side by side.
	const turns = new KeyedQueue();
	return await runPerItem(
		this,
		{ concurrency: common.concurrency },
		// A client's report that failed on the platform's passing trouble is published again: each
		// write finds what the last one left, so one client's bad minute does not leave its report
		// behind while the others go on.
		async (i) =>
			await retryTemporary(
				async () => await publishItem(this, provider, turns, i, common.includeRaw),
				{
					tries: PUBLISH_TRIES,
					waitMs: PUBLISH_RETRY_WAIT_MS,
					ctx: this,
				},
			),
	);
}

/** One report item published: the article (created or updated in place) and the tile. */
async function publishItem(
	ctx: IExecuteFunctions,
	provider: DocumentationProvider,
	turns: KeyedQueue,
	i: number,
	includeRaw: boolean,
): Promise<IDataObject> {
	const items = ctx.getInputData();
	const providerName = ctx.getNodeParameter('provider', 0) as string;
	const parsed = ReportItemSchema.safeParse(items[i].json);
	if (!parsed.success) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Publish expects the items of a Build Report operation',
			{
				itemIndex: i,
				description: describeZodIssues(parsed.error.issues).join('; '),
			},
		);
	}
	const report = parsed.data;
	const options = ctx.getNodeParameter('publishOptions', i, {}) as IDataObject;
	const thresholds: Thresholds = readThresholds(options, report.thresholds);
	const tileChoice = readTileKpi(ctx, i);
	const company = await resolveCompany(ctx, provider, i);
	if (!company.name) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.name} has no company with id "${company.id}"`,
			{ itemIndex: i },
		);
	}
	const title = String(ctx.getNodeParameter('articleTitle', i)).trim();
	const tileTitle = String(ctx.getNodeParameter('tileTitle', i)).trim();
	if (!title || !tileTitle) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${title ? 'Tile Title' : 'Article Title'} is empty`,
			{ itemIndex: i },
		);
	}
	// The article is rendered from what it holds when it is written (a create renders from
	// nothing): the period's figures come from every run's records, not this run's alone.
	let period: PeriodReport | undefined;
	const html = (current: string | undefined) => {
		period = reportForPeriod(report, current, thresholds);
		return period.html;
	};
	const article = await turns.run(
		`article\n${company.id}\n${title}`,
		async () => await provider.upsertArticle({ company, title, html }),
	);
	const { report: full, store } = period ?? reportForPeriod(report, undefined, thresholds);
	const tileKpi = tileChoice === 'auto' ? tileKpiFor(full.kpis) : tileChoice;
	const { message, status } = tileSummary(full, tileKpi, thresholds);
	const tile = await turns.run(
		`tile\n${company.id}\n${tileTitle}`,
		async () =>
			await provider.upsertTile({
				company,
				title: tileTitle,
				message,
				status,
				link: article.url,
			}),
	);
	const { raw: companyRaw, ...companyOut } = company;
	const { raw: articleRaw, ...articleOut } = article;
	const { raw: tileRaw, ...tileOut } = tile;
	const result: IDataObject = {
		client: report.client,
		provider: providerName,
		company: companyOut,
		article: articleOut,
		tile: tileOut,
		kpis: full.kpis as unknown as IDataObject,
		evidenceStore: store as unknown as IDataObject,
	};
	if (includeRaw)
		result.raw = { company: companyRaw, article: articleRaw, tile: tileRaw } as IDataObject;
	return result;
}
