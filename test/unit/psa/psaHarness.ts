import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MspConnectWisePsaApi } from '../../../credentials/MspConnectWisePsaApi.credentials';
import { MspHaloPsaApi } from '../../../credentials/MspHaloPsaApi.credentials';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import type { Sandbox } from '../../../sandbox';
import type { Client, World } from '../../../sandbox/world/types';
import { fakeExecuteContext, type SentRequest } from '../helpers/fakeContext';

/** What the company and validation tests need to know about each PSA in the sandbox. */
export interface PsaCase {
	provider: 'connectwise' | 'halo';
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
}

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
			credentialTypes: [new MspConnectWisePsaApi(), new MspHaloPsaApi()],
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
