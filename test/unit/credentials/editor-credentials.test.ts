import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHuduApi } from '../../../credentials/MspHuduApi.credentials';
import { MspItGlueApi } from '../../../credentials/MspItGlueApi.credentials';
import { MspNinjaOneApi } from '../../../credentials/MspNinjaOneApi.credentials';
import { MspSentinelOneApi } from '../../../credentials/MspSentinelOneApi.credentials';

/**
 * Credentials as the n8n editor creates them. n8n's credential form keeps the user's permissions
 * on the credential under `scopes`, in the same object as the fields, so a field of that name never
 * got its declared default; and a failed credential test shows the HTTP status text unless a rule
 * names the reason.
 */
const ninja = new MspNinjaOneApi();
let client = 0;

/** The scope the token request asks for, for credentials as stored (n8n adds the defaults first). */
async function requestedScope(stored: ICredentialDataDecryptedObject): Promise<string> {
	const sent: IHttpRequestOptions[] = [];
	const helpers = {
		httpRequest: async (options: IHttpRequestOptions) => {
			sent.push(options);
			return { statusCode: 200, body: JSON.stringify({ access_token: 't', expires_in: 3600 }) };
		},
	} as unknown as IHttpRequestHelper['helpers'];
	// What n8n's credentials helper does before preAuthentication: declared fields, defaults added.
	const credentials = NodeHelpers.getNodeParameters(
		ninja.properties,
		{ region: 'eu', clientId: `app-${++client}`, clientSecret: 's', ...stored },
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
	await ninja.preAuthentication.call({ helpers } as unknown as IHttpRequestHelper, credentials);
	expect(sent).toHaveLength(1);
	return new URLSearchParams(String(sent[0].body)).get('scope') ?? '';
}

describe('NinjaOne scopes', () => {
	it('declares Monitoring and Management as the default, under a name the editor leaves alone', () => {
		const field = ninja.properties.find((p) => p.displayName === 'Scopes');
		expect(field?.name).not.toBe('scopes');
		expect(field?.type).toBe('multiOptions');
		expect(field?.default).toEqual(['monitoring', 'management']);
	});

	it('asks for monitoring and management for a credential created with the defaults', async () => {
		expect(await requestedScope({})).toBe('monitoring management');
	});

	it('asks for monitoring and management when the choice was saved empty or is missing', async () => {
		expect(await requestedScope({ apiScopes: [] })).toBe('monitoring management');
		expect(await requestedScope({ apiScopes: '' })).toBe('monitoring management');
		// As n8n's editor saved it under the old name.
		expect(await requestedScope({ scopes: [] })).toBe('monitoring management');
	});

	it('never sends the editor’s own permissions as NinjaOne scopes', async () => {
		expect(await requestedScope({ scopes: ['credential:read', 'credential:update'] })).toBe(
			'monitoring management',
		);
	});

	it('keeps the scopes a credential saved before under the old name', async () => {
		expect(await requestedScope({ scopes: ['monitoring'] })).toBe('monitoring');
	});

	it('asks for exactly the scopes chosen', async () => {
		expect(await requestedScope({ apiScopes: ['monitoring', 'management', 'control'] })).toBe(
			'monitoring management control',
		);
		// A choice made in the field wins over one saved before under the old name.
		expect(await requestedScope({ apiScopes: ['monitoring'], scopes: ['management'] })).toBe(
			'monitoring',
		);
	});
});

describe('credential tests name the vendor’s reason', () => {
	const cases: Array<[string, ICredentialType, RegExp]> = [
		['ConnectWise PSA', new MspConnectWisePsaApi(), /^ConnectWise PSA /],
		['SentinelOne', new MspSentinelOneApi(), /^SentinelOne /],
		['Hudu', new MspHuduApi(), /^Hudu /],
		['IT Glue', new MspItGlueApi(), /^IT Glue /],
	];

	it.each(cases)('%s has a message for 401, 403 and 404', (_vendor, type, vendor) => {
		const rules = (type.test?.rules ?? []) as Array<{
			type: string;
			properties: { value: number; message: string };
		}>;
		const byCode = Object.fromEntries(
			rules.filter((r) => r.type === 'responseCode').map((r) => [r.properties.value, r]),
		);
		expect(Object.keys(byCode).sort()).toEqual(['401', '403', '404']);
		expect(byCode[401].properties.message).toMatch(vendor);
		expect(byCode[403].properties.message).toMatch(vendor);
		expect(byCode[404].properties.message).toMatch(/^No .+ API at this address \(404\)/);
		for (const rule of rules)
			expect(rule.properties.message).toContain(`(${rule.properties.value})`);
	});
});
