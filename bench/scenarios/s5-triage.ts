import axios from 'axios';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { failure, round, row, sandboxFor } from '../lib/bench';
import { runChild } from '../lib/spawn';
import type { Row, Scenario } from '../lib/types';

const ALERTS = 100_000;
const TARGET_PER_SECOND = 10_000;
const TITLE = `5. AI triage, rules only, ${ALERTS.toLocaleString('en')} alerts`;

/** SentinelOne threats exactly as the console API returns them (the scenario threats plus 300 generated ones). */
async function corpus(): Promise<unknown[]> {
	const sandbox = await sandboxFor({ scale: { clients: 20, devicesPerClient: 100, threats: 300 } });
	try {
		const s1 = sandbox.vendorCredentials().find((v) => v.id === 'sentinelone')!.credentials;
		const response = await axios.get(`${s1.consoleUrl}/web/api/v2.1/threats`, {
			params: { limit: 1000 },
			headers: { Authorization: `ApiToken ${s1.apiToken}` },
		});
		return (response.data as { data: unknown[] }).data;
	} finally {
		await sandbox.stop();
	}
}

export const triageScenario: Scenario = {
	id: 's5',
	title: TITLE,
	async run(ctx): Promise<Row[]> {
		const alerts = await corpus();
		const dir = mkdtempSync(join(tmpdir(), 'msp-bench-alerts-'));
		try {
			const alertsFile = join(dir, 'alerts.json');
			writeFileSync(alertsFile, JSON.stringify(alerts));
			ctx.log(
				`Triage: ${ALERTS} alerts through the rules engine (corpus of ${alerts.length} SentinelOne threats)`,
			);
			const result = await runChild({ kind: 'triage', alertsFile, count: ALERTS });
			const perSecond = result.ok ? Math.round(Number(result.extra?.alertsPerSecond ?? 0)) : null;
			const routes = JSON.stringify(result.extra?.routes ?? {});
			return [
				row({
					scenario: TITLE,
					measure: 'throughput',
					unit: 'alerts/s',
					ours: perSecond,
					alternativeLabel: 'none',
					ratio: perSecond === null ? null : round(perSecond / TARGET_PER_SECOND),
					ratioMeaning: 'ours / target',
					target: `>= ${TARGET_PER_SECOND.toLocaleString('en')} alerts/s`,
					met: perSecond === null ? false : perSecond >= TARGET_PER_SECOND,
					note: result.ok
						? `triageWithRules (the engine's benchmark entry point) from the built package, one process, after a 2,000-alert warm-up; ${ALERTS} raw SentinelOne threat objects cycled from ${alerts.length} (ids made unique); routes ${routes}.`
						: failure('rules triage', result),
				}),
				row({
					scenario: TITLE,
					measure: 'peak RSS',
					unit: 'MB',
					ours: result.ok ? Math.round(result.peakRssMb) : null,
					alternativeLabel: 'none',
					target: 'no target (informational)',
					note: result.ok
						? `${result.peakSource === 'VmHWM' ? 'kernel high-water mark (VmHWM) reset before the run' : 'sampled RSS'}; RSS before the run ${Math.round(result.baselineRssMb)} MB with the ${ALERTS} alerts already in memory, decisions kept for all of them.`
						: '',
				}),
			];
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	},
};
