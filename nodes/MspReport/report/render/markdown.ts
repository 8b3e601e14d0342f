import type { ClientReport } from '../types';
import { kpiLines, REASON_LABELS, when } from './format';

/** Table cells: pipes and line breaks would break the table. */
function cell(value: unknown): string {
	return String(value ?? '')
		.replace(/\|/g, '\\|')
		.replace(/\r?\n/g, ' ');
}

function table(headers: string[], rows: unknown[][]): string {
	return [
		`| ${headers.map(cell).join(' | ')} |`,
		`| ${headers.map(() => '---').join(' | ')} |`,
		...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
	].join('\n');
}

export function renderMarkdown(report: ClientReport): string {
	const lines = [
		`# ${report.title}`,
		'',
		`Client: **${report.client}** · Period: ${report.period.label} (${report.period.timeZone}) · Generated ${when(report.generatedAt, report.period.timeZone)}`,
		'',
	];
	if (report.noActivity) {
		lines.push('**No activity in period.** No patch or incident evidence was recorded.');
		return `${lines.join('\n')}\n`;
	}
	lines.push(
		'## Key measures',
		'',
		table(
			['Measure', 'Value'],
			kpiLines(report.kpis).map((l) => [l.label, l.value]),
		),
		'',
	);
	lines.push('## Exceptions', '');
	lines.push(
		report.exceptions.length
			? table(
					['Reason', 'Device', 'Kind', 'Reference', 'Detail'],
					report.exceptions.map((e) => [
						REASON_LABELS[e.reason],
						e.device,
						e.kind,
						e.reference,
						e.detail,
					]),
				)
			: 'No exceptions.',
		'',
	);
	lines.push('## Evidence', '');
	lines.push(
		table(
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
				r.device,
				r.kind,
				r.reference,
				r.severity,
				when(r.detectedAt, report.period.timeZone),
				when(r.slaDueAt, report.period.timeZone),
				when(r.remediatedAt, report.period.timeZone),
				[when(r.verifiedAt, report.period.timeZone), r.verifiedHow].filter(Boolean).join(' · '),
				r.outcome,
				r.ticketReference,
			]),
		),
	);
	return `${lines.join('\n')}\n`;
}
