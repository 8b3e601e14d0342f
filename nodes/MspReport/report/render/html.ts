import { headline } from '../headline';
import type { ClientReport } from '../types';
import {
	escapeHtml,
	hours,
	kpiLines,
	pct,
	RATING_COLORS,
	REASON_LABELS,
	type Thresholds,
	when,
} from './format';
import { complianceRing, outcomeBars } from './svg';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#0f172a;background:#f8fafc}
main{max-width:960px;margin:0 auto;padding:32px 24px}
header{border-bottom:3px solid #1d4ed8;padding-bottom:12px;margin-bottom:20px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;color:#1e3a8a}
.meta{color:#475569;margin:0}
.summary{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;flex:1}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px}
.card .label{font-size:12px;color:#475569}
.card .value{font-size:20px;font-weight:700}
.notice{background:#eff6ff;border:1px solid #bfdbfe;border-radius:8px;padding:14px 16px}
table{width:100%;border-collapse:collapse;background:#fff;font-size:12px}
th,td{border:1px solid #e2e8f0;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f1f5f9}
.tag{display:inline-block;padding:1px 6px;border-radius:4px;font-size:11px;font-weight:600;color:#fff}
.charts{display:flex;gap:24px;flex-wrap:wrap;align-items:center}
footer{margin-top:28px;color:#64748b;font-size:11px}
@media print{
 body{background:#fff;font-size:11px}
 main{max-width:none;padding:0}
 .card,table,svg{break-inside:avoid}
 tr{break-inside:avoid}
 h2{break-after:avoid}
 @page{margin:14mm}
}`;

function kpiCards(report: ClientReport, thresholds: Thresholds): string {
	const head = headline(report.kpis, thresholds);
	const color = RATING_COLORS[head.rating];
	const cards = [
		head.caption === 'compliant'
			? ['Compliance', pct(head.value), color]
			: ['Incidents within SLA', pct(head.value), color],
		['Devices in scope', String(report.kpis.devicesInScope), ''],
		['Within SLA', pct(report.kpis.withinSlaPercent), ''],
		['Mean time to remediate', hours(report.kpis.meanHoursToRemediate), ''],
		['90th percentile', hours(report.kpis.p90HoursToRemediate), ''],
		['Exceptions', String(report.kpis.exceptions), report.kpis.exceptions ? RATING_COLORS.bad : ''],
	];
	return `<div class="cards">${cards
		.map(
			([label, value, c]) =>
				`<div class="card" data-kpi="${escapeHtml(label)}"><div class="label">${escapeHtml(label)}</div><div class="value"${c ? ` style="color:${c}"` : ''}>${escapeHtml(value)}</div></div>`,
		)
		.join('')}</div>`;
}

function table(headers: string[], rows: string[][]): string {
	const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
	return `<table><thead>${head}</thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function kpiTable(report: ClientReport): string {
	return table(
		['Measure', 'Value'],
		kpiLines(report.kpis).map((line) => [escapeHtml(line.label), escapeHtml(line.value)]),
	);
}

function exceptionTable(report: ClientReport): string {
	if (!report.exceptions.length) return '<p>No exceptions.</p>';
	return table(
		['Reason', 'Device', 'Kind', 'Reference', 'Severity', 'Detail'],
		report.exceptions.map((e) => [
			`<span class="tag" style="background:${e.reason === 'overdue' || e.reason === 'failed' ? RATING_COLORS.bad : RATING_COLORS.warning}">${escapeHtml(REASON_LABELS[e.reason])}</span>`,
			escapeHtml(e.device),
			escapeHtml(e.kind),
			escapeHtml(e.reference),
			escapeHtml(e.severity),
			escapeHtml(e.detail),
		]),
	);
}

function evidenceTable(report: ClientReport): string {
	if (!report.evidence.length) return '<p>No evidence records.</p>';
	return table(
		[
			'Device',
			'Kind',
			'Reference',
			'Severity',
			'Detected',
			'SLA due',
			'Remediated',
			'Verified',
			'Outcome',
			'Ticket',
		],
		report.evidence.map((r) => [
			escapeHtml(r.device),
			escapeHtml(r.kind),
			escapeHtml(r.reference),
			escapeHtml(r.severity),
			escapeHtml(when(r.detectedAt, report.period.timeZone)),
			escapeHtml(when(r.slaDueAt, report.period.timeZone)),
			escapeHtml(when(r.remediatedAt, report.period.timeZone)),
			escapeHtml(
				[when(r.verifiedAt, report.period.timeZone), r.verifiedHow].filter(Boolean).join(' · '),
			),
			escapeHtml(r.outcome),
			escapeHtml(r.ticketReference),
		]),
	);
}

/** A self-contained HTML document: inline CSS, inline SVG charts, no external requests. */
export function renderHtml(report: ClientReport, thresholds: Thresholds): string {
	const body = report.noActivity
		? `<p class="notice" data-no-activity="true"><strong>No activity in period.</strong> No patch or incident evidence was recorded for ${escapeHtml(report.client)} between ${escapeHtml(when(report.period.start, report.period.timeZone))} and ${escapeHtml(when(report.period.end, report.period.timeZone))}.</p>`
		: [
				`<section class="summary">${complianceRing(headline(report.kpis, thresholds))}${kpiCards(report, thresholds)}</section>`,
				'<h2>Key measures</h2>',
				kpiTable(report),
				'<h2>Outcomes</h2>',
				`<div class="charts">${outcomeBars(report.kpis)}</div>`,
				'<h2>Exceptions</h2>',
				exceptionTable(report),
				'<h2>Evidence</h2>',
				evidenceTable(report),
			].join('\n');
	return [
		'<!DOCTYPE html>',
		'<html lang="en"><head><meta charset="utf-8">',
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		`<title>${escapeHtml(report.title)}</title>`,
		`<style>${STYLE}</style></head><body><main>`,
		`<header><h1>${escapeHtml(report.title)}</h1>`,
		`<p class="meta">Client: <strong data-client>${escapeHtml(report.client)}</strong> · Period: ${escapeHtml(report.period.label)} (${escapeHtml(report.period.timeZone)}) · Generated ${escapeHtml(when(report.generatedAt, report.period.timeZone))}</p></header>`,
		body,
		`<footer>System-generated evidence: detection, severity, SLA, remediation and verification times come from the automation records. ${report.outsidePeriod ? `${report.outsidePeriod} record(s) outside the period were not counted.` : ''}</footer>`,
		'</main></body></html>',
	].join('\n');
}

/**
 * The same content for a documentation platform's article body: no document wrapper, no style
 * sheet and no SVG (article editors sanitise both), inline styles only.
 */
export function renderArticleHtml(report: ClientReport, thresholds: Thresholds): string {
	const head = headline(report.kpis, thresholds);
	const color = RATING_COLORS[head.rating];
	const cell = 'style="border:1px solid #cbd5e1;padding:4px 8px;text-align:left"';
	const rows = (cells: string[][]) =>
		cells.map((r) => `<tr>${r.map((c) => `<td ${cell}>${c}</td>`).join('')}</tr>`).join('');
	const parts = [
		`<h2>${escapeHtml(report.title)}</h2>`,
		`<p>Client: <strong>${escapeHtml(report.client)}</strong> · Period: ${escapeHtml(report.period.label)} (${escapeHtml(report.period.timeZone)}) · Generated ${escapeHtml(when(report.generatedAt, report.period.timeZone))}</p>`,
	];
	if (report.noActivity) {
		parts.push('<p><strong>No activity in period.</strong></p>');
		return parts.join('\n');
	}
	parts.push(
		`<p style="font-size:18px">${escapeHtml(head.label)}: <strong style="color:${color}">${escapeHtml(pct(head.value))}</strong></p>`,
		`<table style="border-collapse:collapse">${rows(kpiLines(report.kpis).map((l) => [escapeHtml(l.label), escapeHtml(l.value)]))}</table>`,
		'<h3>Exceptions</h3>',
		report.exceptions.length
			? `<table style="border-collapse:collapse"><tr><th ${cell}>Reason</th><th ${cell}>Device</th><th ${cell}>Reference</th><th ${cell}>Detail</th></tr>${rows(
					report.exceptions.map((e) => [
						escapeHtml(REASON_LABELS[e.reason]),
						escapeHtml(e.device),
						escapeHtml(e.reference),
						escapeHtml(e.detail),
					]),
				)}</table>`
			: '<p>No exceptions.</p>',
	);
	return parts.join('\n');
}
