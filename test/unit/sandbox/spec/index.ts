import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Published specs, copied into the repository (see its README; a missing file fails the test). */
const SPEC_DIR = path.resolve(__dirname, '../../../fixtures/vendor-specs');
const VALIDATOR = path.join(__dirname, 'validate.cjs');

export const SPEC_FILES = {
	halopsa: 'halopsa-swagger.json',
	ninjaone: 'ninjaone-NinjaRMM-API-v2.official.json',
	'connectwise-automate': 'cw-automate-v1.merged.openapi.json',
	'datto-rmm': 'datto-rmm-v2.build235.openapi.json',
	hudu: 'hudu-api-v2.44.0.openapi.json',
	huntress: 'huntress-api-v1-swagger.original.json',
	autotask: 'autotask-rest-v1.0-swagger.subset.json',
} as const;

export type SpecVendor = keyof typeof SPEC_FILES;

export interface SpecSample {
	label: string;
	operationId: string;
	/** Response status; default 200. */
	status?: number;
	/** Undefined or '' for an empty response (then the status must be documented). */
	body: unknown;
	/** Validate `body` as the operation's request body instead of a response. */
	request?: boolean;
	/** ConnectWise Automate: validate as an array of this spec schema (operations typed as bare `object`). */
	rowSchema?: string;
}

export interface SpecResult {
	label: string;
	operationId: string;
	status: number;
	errors: string[];
}

export function specPath(vendor: SpecVendor): string {
	return path.join(SPEC_DIR, SPEC_FILES[vendor]);
}

/** Runs validate.cjs in its own process (openapi-backend cannot load inside Jest). */
export function validateAgainstSpec(vendor: SpecVendor, samples: SpecSample[]): SpecResult[] {
	const spec = specPath(vendor);
	if (!fs.existsSync(spec)) throw new Error(`${vendor} spec missing at ${spec}`);
	const output = execFileSync(process.execPath, [VALIDATOR], {
		input: JSON.stringify({ vendor, spec, samples }),
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(output.toString('utf8')) as SpecResult[];
}
