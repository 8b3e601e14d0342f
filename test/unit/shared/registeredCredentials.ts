import type { ICredentialType } from 'n8n-workflow';
import { basename } from 'path';

const packageJson = require('../../../package.json') as { n8n: { credentials: string[] } };

/** Every credential the package registers in package.json, loaded from source. */
export function registeredCredentialTypes(): ICredentialType[] {
	return packageJson.n8n.credentials.map((distPath) => {
		const file = basename(distPath, '.js');
		const module = require(`../../../credentials/${file}`) as Record<string, unknown>;
		const Type = Object.values(module).find(
			(value): value is new () => ICredentialType =>
				typeof value === 'function' && /^class\s/.test(String(value)),
		);
		if (!Type) throw new Error(`credentials/${file} exports no credential class`);
		return new Type();
	});
}

export const REGISTERED_CREDENTIAL_NAMES = [
	'mspAutotaskApi',
	'mspConnectWiseAutomateApi',
	'mspConnectWisePsaApi',
	'mspCrowdStrikeApi',
	'mspDattoRmmApi',
	'mspHaloPsaApi',
	'mspHuduApi',
	'mspHuntressApi',
	'mspItGlueApi',
	'mspMicrosoftDefenderApi',
	'mspNinjaOneApi',
	'mspSentinelOneApi',
].sort();
