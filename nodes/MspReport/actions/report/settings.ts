import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Severity } from '../../../shared';
import { resolvePeriod, type PeriodPreset } from '../../report/period';
import { isTimeZone } from '../../report/zone';
import type { Thresholds } from '../../report/render/format';
import { DEFAULT_SLA_HOURS } from '../../report/sla';
import type { ReportSettings, SlaHours } from '../../report/types';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

export { DEFAULT_SLA_HOURS };

export const DEFAULT_THRESHOLDS: Thresholds = { good: 95, warning: 80 };

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function slaFields(kind: keyof SlaHours): INodeProperties[] {
	return SEVERITIES.map((severity) => {
		const hours = DEFAULT_SLA_HOURS[kind][severity];
		return {
			displayName: `${titleCase(kind)} SLA ${titleCase(severity)} (Hours)`,
			name: `${kind}Sla_${severity}`,
			type: 'number',
			typeOptions: { minValue: 0 },
			default: hours,
			description: `Hours from detection to remediation allowed for a ${severity} ${kind}`,
		};
	});
}

export const thresholdFields: INodeProperties[] = [
	{
		displayName: 'Good Threshold (%)',
		name: 'goodThreshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 95,
		description: 'Compliance at or above this is shown green',
	},
	{
		displayName: 'Warning Threshold (%)',
		name: 'warningThreshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 80,
		description:
			'Compliance at or above this (and below the good threshold) is shown amber; below it, red',
	},
];

export const buildReportOptions: INodeProperties[] = [
	{
		displayName: 'Include Raw',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description:
			'Whether to include every evidence row (with SLA due date and time to remediate) in the output JSON',
	},
	{
		displayName: 'Known Clients',
		name: 'knownClients',
		type: 'string',
		default: '',
		placeholder: 'Bright Smile Dental, Northwind Logistics',
		description:
			'Comma-separated client names. Each gets a report (an explicit "no activity" one when it has no evidence) and evidence for any other client is reported as an exception.',
	},
	{
		displayName: 'Title Template',
		name: 'titleTemplate',
		type: 'string',
		default: 'Compliance report {client} {period}',
		description:
			'Placeholders: {client}, {period} (e.g. November 2026), {start}, {end} (YYYY-MM-DD)',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		description:
			"IANA time zone for calendar months, the dates in titles and the times shown. Empty: the workflow's time zone (Workflow Settings, else the instance's).",
	},
	...thresholdFields,
	...slaFields('patch'),
	...slaFields('incident'),
];

export const periodFields = (show: {
	resource: string[];
	operation: string[];
}): INodeProperties[] => [
	{
		displayName: 'Report Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Current Calendar Month', value: 'currentMonth' },
			{ name: 'Custom', value: 'custom' },
			{ name: 'Last 30 Days', value: 'last30Days' },
			{ name: 'Last 7 Days', value: 'last7Days' },
			{ name: 'Previous Calendar Month', value: 'previousMonth' },
		],
		default: 'previousMonth',
		description:
			"Evidence counts when it was open at some point in the period (detected before its end, not remediated before its start). Months and days follow the report's time zone (Options > Time Zone, else the workflow's).",
		displayOptions: { show },
	},
	{
		displayName: 'Period Start',
		name: 'periodStart',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { ...show, period: ['custom'] } },
	},
	{
		displayName: 'Period End',
		name: 'periodEnd',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'A date without a time means the whole day',
		displayOptions: { show: { ...show, period: ['custom'] } },
	},
];

function num(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function readThresholds(
	options: IDataObject,
	fallback: Thresholds = DEFAULT_THRESHOLDS,
): Thresholds {
	return {
		good: num(options.goodThreshold, fallback.good),
		warning: num(options.warningThreshold, fallback.warning),
	};
}

function readSla(options: IDataObject): SlaHours {
	const read = (kind: keyof SlaHours) =>
		Object.fromEntries(
			SEVERITIES.map((s) => [s, num(options[`${kind}Sla_${s}`], DEFAULT_SLA_HOURS[kind][s])]),
		) as Record<Severity, number>;
	return { patch: read('patch'), incident: read('incident') };
}

/** The zone the option names, else the workflow's (n8n resolves Workflow Settings, then the instance default). */
function readTimeZone(ctx: IExecuteFunctions, options: IDataObject): string {
	const given = typeof options.timeZone === 'string' ? options.timeZone.trim() : '';
	const zone = given || ctx.getTimezone?.() || 'UTC';
	if (!isTimeZone(zone))
		throw new NodeOperationError(ctx.getNode(), `Time Zone "${zone}" is not a known time zone`, {
			description:
				"Use an IANA zone name such as Europe/Berlin, America/New_York or UTC, or leave it empty for the workflow's time zone.",
		});
	return zone;
}

/** Report settings from the node parameters (read once: a report covers all items). */
export function readReportSettings(
	ctx: IExecuteFunctions,
	now: Date,
): { settings: ReportSettings; thresholds: Thresholds; includeRaw: boolean } {
	const options = ctx.getNodeParameter('reportOptions', 0, {}) as IDataObject;
	const preset = ctx.getNodeParameter('period', 0, 'previousMonth') as PeriodPreset;
	const custom =
		preset === 'custom'
			? {
					start: String(ctx.getNodeParameter('periodStart', 0, '')),
					end: String(ctx.getNodeParameter('periodEnd', 0, '')),
				}
			: undefined;
	const timeZone = readTimeZone(ctx, options);
	const { start, end } = resolvePeriod(preset, now, custom, timeZone);
	if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Period Start and Period End must be valid dates with the start before the end',
			{
				description: `Got start "${custom?.start ?? ''}" and end "${custom?.end ?? ''}"`,
			},
		);
	}
	const thresholds = readThresholds(options);
	if (thresholds.warning > thresholds.good) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Warning Threshold must not be above Good Threshold',
			{
				description: `Got good ${thresholds.good}% and warning ${thresholds.warning}%`,
			},
		);
	}
	const knownClients = String(options.knownClients ?? '')
		.split(',')
		.map((c) => c.trim())
		.filter(Boolean);
	return {
		settings: {
			periodStart: start,
			periodEnd: end,
			now,
			slaHours: readSla(options),
			knownClients,
			titleTemplate:
				typeof options.titleTemplate === 'string' && options.titleTemplate.trim()
					? options.titleTemplate
					: 'Compliance report {client} {period}',
			timeZone,
		},
		thresholds,
		includeRaw: options.includeRaw === true,
	};
}
