import { existsSync } from 'fs';
import { join } from 'path';

import { row } from '../lib/bench';
import { ROOT } from '../lib/builtin';
import type { Row, Scenario } from '../lib/types';

const DEVICES = 2000;
const TITLE = `3. Patch remediation template over ${DEVICES.toLocaleString('en')} devices`;
/**
 * Requests on one device's dependent chain in workflows/patch-remediation.json: device read, PSA
 * company search, find-or-create (search + create), apply, two status polls (the sandbox finishes a
 * job on its second read), rescan, patch state read, close (update + note).
 */
const CHAIN_REQUESTS = 10;

export const patchTemplateScenario: Scenario = {
	id: 's3',
	title: TITLE,
	async run(ctx): Promise<Row[]> {
		const template = join(ROOT, 'workflows', 'patch-remediation.json');
		const chainMs = CHAIN_REQUESTS * ctx.latencyMs;
		const sequentialFloorS = (DEVICES * chainMs) / 1000;
		const reason = existsSync(template)
			? 'Not measured. The template runs n8n-nodes-base Set, Filter, Summarize, If and Merge nodes, which the in-process harness does not provide (it has trigger, No Op and Sticky Note stand-ins only), and its concurrency-1 run cannot fit the ten-minute budget: ' +
				`${DEVICES} devices x ${CHAIN_REQUESTS} dependent requests x ${ctx.latencyMs} ms is ${sequentialFloorS} s before any patch completion time.`
			: 'Not measured: workflows/patch-remediation.json does not exist yet.';
		return [
			row({
				scenario: TITLE,
				measure: 'wall time, default concurrency vs concurrency 1',
				unit: 's',
				alternativeLabel: 'same template at concurrency 1',
				lowerBound: chainMs / 1000,
				lowerBoundBasis: `critical path: ${CHAIN_REQUESTS} dependent requests x ${ctx.latencyMs} ms plus the sandbox's patch completion (second status read)`,
				target: '>= 3x faster than concurrency 1',
				met: null,
				note: reason,
			}),
		];
	},
};
