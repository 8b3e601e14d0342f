import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspAutotaskApi } from '../../../credentials/MspAutotaskApi.credentials';
import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import type { Sandbox } from '../../../sandbox';
import { ciIdOf, companyIdOf } from '../../../sandbox/vendors/autotask';
import type { Client, World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

/** What the company and validation tests need to know about each PSA in the sandbox. */
export interface PsaCase {
	provider: 'connectwise' | 'halo' | 'autotask';
	sandboxId: string;
	credentialType: string;
	companyId: (client: Client) => string;
	configurationId: (world: World, deviceIndex: number) => string;
	/** The company a stored ticket belongs to. */
	ticketCompany: (ticket: Record<string, unknown>) => string;
	tickets: (world: World) => Array<Record<string, unknown>>;
	/** The company filter a ticket or configuration list request carried, if any. */
	companyFilter: (request: SentRequest) => string | undefined;
	/** Ticket and configuration list requests. */
	listPath: RegExp;
	/** Whether a request changes something (Autotask reads with POST queries). */
	isWrite: (method: string, url: string) => boolean;
}

const NOT_GET = (method: string) => method !== 'GET';

export const PSA_CASES: PsaCase[] = [
	{
		provider: 'connectwise',
		sandboxId: 'connectwise-psa',
		credentialType: 'mspConnectWisePsaApi',
		companyId: (c) => String(c.ids.connectwiseCompanyId),
		configurationId: (w, i) => String(w.devices[i].ids.connectwiseConfigurationId),
		ticketCompany: (t) => String(t.companyId),
		tickets: (w) =>
			(w.vendors['connectwise-psa'] as { tickets: Array<Record<string, unknown>> }).tickets,
		companyFilter: (r) => /company\/id=(\d+)/.exec(String(r.qs?.conditions ?? ''))?.[1],
		listPath: /\/(service\/tickets|company\/configurations)$/,
		isWrite: NOT_GET,
	},
	{
		provider: 'halo',
		sandboxId: 'halopsa',
		credentialType: 'mspHaloPsaApi',
		companyId: (c) => String(c.ids.haloClientId),
		configurationId: (w, i) => String(w.devices[i].ids.haloAssetId),
		ticketCompany: (t) => String(t.client_id),
		tickets: (w) => (w.vendors.halopsa as { tickets: Array<Record<string, unknown>> }).tickets,
		companyFilter: (r) => (r.qs?.client_id === undefined ? undefined : String(r.qs.client_id)),
		listPath: /\/api\/(Tickets|Asset)$/,
		isWrite: NOT_GET,
	},
	{
		provider: 'autotask',
		sandboxId: 'autotask',
		credentialType: 'mspAutotaskApi',
		companyId: (c) => String(companyIdOf(c)),
		configurationId: (w, i) => String(ciIdOf(w.devices[i])),
		ticketCompany: (t) => String(t.companyID),
		tickets: (w) => (w.vendors.autotask as { tickets: Array<Record<string, unknown>> }).tickets,
		companyFilter: (r) => {
			const filter = (r.body as { filter?: Array<Record<string, unknown>> } | undefined)?.filter;
			const company = filter?.find((f) => String(f.field).toLowerCase() === 'companyid');
			return company === undefined ? undefined : String(company.value);
		},
		listPath: /\/V1\.0\/(Tickets|ConfigurationItems)\/query$/,
		isWrite: (method, url) => method !== 'GET' && !/\/query(\/next)?(\?|$)/.test(url),
	},
];

/** Runs the MSP PSA node against the sandbox; the requests are kept even when the run throws. */
export function psaRunner(vendor: PsaCase, sandbox: () => Sandbox) {
	const node = new MspPsa();
	let credentials: ICredentialDataDecryptedObject | undefined;
	return (
		parameters: Record<string, unknown> | ((i: number) => Record<string, unknown>),
		opts: { items?: number; continueOnFail?: boolean } = {},
	) => {
		credentials ??= {
			...sandbox()
				.vendorCredentials()
				.find((v) => v.id === vendor.sandboxId)!.credentials,
		};
		const { ctx, requests } = fakeExecuteContext({
			parameters: (name, i) =>
				(
					({
						provider: vendor.provider,
						options: {},
						...(typeof parameters === 'function' ? parameters(i) : parameters),
					}) as Record<string, unknown>
				)[name],
			items: Array.from({ length: opts.items ?? 1 }, (_, i) => ({ index: i })),
			credentials: { [vendor.credentialType]: credentials },
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi(), new MspAutotaskApi()],
			continueOnFail: opts.continueOnFail,
		});
		const promise = node.execute.call(ctx).then(([output]) => output.map((o) => o.json));
		// Callers that expect a rejection look at it themselves.
		promise.catch(() => undefined);
		return { promise, requests };
	};
}

export const byName = (value: string) => ({ __rl: true, mode: 'name', value });
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
