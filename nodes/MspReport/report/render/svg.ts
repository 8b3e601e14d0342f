import type { Headline } from '../headline';
import type { ReportKpis } from '../types';
import { escapeHtml, pct, RATING_COLORS } from './format';

/** Ring chart of the headline percentage, coloured by the worst figure (see headline.ts). */
export function complianceRing(head: Headline): string {
	const r = 52;
	const circumference = 2 * Math.PI * r;
	const share = (head.value ?? 0) / 100;
	const color = RATING_COLORS[head.rating];
	const dash = `${(share * circumference).toFixed(2)} ${circumference.toFixed(2)}`;
	return [
		`<svg class="chart" data-chart="compliance" role="img" aria-labelledby="ring-title" viewBox="0 0 140 140" width="160" height="160" xmlns="http://www.w3.org/2000/svg">`,
		`<title id="ring-title">${escapeHtml(head.label)} ${escapeHtml(pct(head.value))}</title>`,
		`<circle cx="70" cy="70" r="${r}" fill="none" stroke="#e2e8f0" stroke-width="16"/>`,
		`<circle cx="70" cy="70" r="${r}" fill="none" stroke="${color}" stroke-width="16" stroke-dasharray="${dash}" transform="rotate(-90 70 70)"/>`,
		`<text x="70" y="70" text-anchor="middle" dominant-baseline="central" font-size="22" font-weight="700" fill="#0f172a">${escapeHtml(pct(head.value))}</text>`,
		`<text x="70" y="94" text-anchor="middle" font-size="10" fill="#475569">${escapeHtml(head.caption)}</text>`,
		'</svg>',
	].join('');
}

/** Horizontal bars: patch and incident outcomes on one scale. */
export function outcomeBars(k: ReportKpis): string {
	const bars: Array<[string, number, string]> = [
		['Devices patched', k.devicesPatched, '#15803d'],
		['Devices failed', k.devicesFailed, '#b91c1c'],
		['Devices pending', k.devicesPending, '#b45309'],
		['Incidents detected', k.incidentsDetected, '#1d4ed8'],
		['Incidents contained', k.incidentsContained, '#7c3aed'],
		['Incidents resolved', k.incidentsResolved, '#0f766e'],
	];
	const max = Math.max(1, ...bars.map(([, value]) => value));
	const rowHeight = 26;
	const labelWidth = 150;
	const barWidth = 260;
	const height = bars.length * rowHeight + 8;
	const rows = bars.map(([label, value, color], index) => {
		const y = 4 + index * rowHeight;
		const width = Math.max(value > 0 ? 2 : 0, Math.round((value / max) * barWidth));
		return (
			`<text x="0" y="${y + 15}" font-size="12" fill="#334155">${escapeHtml(label)}</text>` +
			`<rect x="${labelWidth}" y="${y + 3}" width="${width}" height="16" rx="3" fill="${color}"/>` +
			`<text x="${labelWidth + width + 6}" y="${y + 15}" font-size="12" font-weight="600" fill="#0f172a">${value}</text>`
		);
	});
	return [
		`<svg class="chart" data-chart="outcomes" role="img" aria-labelledby="bars-title" viewBox="0 0 ${labelWidth + barWidth + 40} ${height}" width="${labelWidth + barWidth + 40}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
		'<title id="bars-title">Device patch and incident outcomes</title>',
		...rows,
		'</svg>',
	].join('');
}
