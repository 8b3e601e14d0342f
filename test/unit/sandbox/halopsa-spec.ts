import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const HALO_SPEC = path.resolve(__dirname, '../../../..', 'shared/vendor-specs/halopsa-swagger.json');
const VALIDATOR = path.join(__dirname, 'halopsa-spec-validator.cjs');

export interface SpecSample {
	label: string;
	operationId: string;
	body: unknown;
	request?: boolean;
}

/** Runs the spec validator (a separate process: see halopsa-spec-validator.cjs). */
export function validateAgainstHaloSpec(samples: SpecSample[]): Array<{ label: string; errors: unknown[] }> {
	if (!fs.existsSync(HALO_SPEC)) throw new Error(`HaloPSA spec missing at ${HALO_SPEC}`);
	const output = execFileSync(process.execPath, [VALIDATOR], { input: JSON.stringify({ spec: HALO_SPEC, samples }), maxBuffer: 64 * 1024 * 1024 });
	return JSON.parse(output.toString('utf8')) as Array<{ label: string; errors: unknown[] }>;
}
