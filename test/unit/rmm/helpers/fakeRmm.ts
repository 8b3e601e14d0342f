import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { rmmProvider } from '../../../../nodes/MspRmm/providers';
import type { RmmProvider } from '../../../../nodes/MspRmm/providers/types';

/**
 * A vendor API written in a few lines for one test: the provider talks to `answer` exactly as it
 * talks to n8n's request helper (full response, statuses not thrown), so a shape the sandbox does
 * not serve (a wrapped list, another spelling, a capped page) can be checked against the node.
 */
export interface FakeRequest {
	method: string;
	/** Path below the vendor's base (`/v2/devices`, `/Computers`). */
	path: string;
	qs: IDataObject;
	body: unknown;
}

export interface FakeAnswer {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export type FakeVendor = (request: FakeRequest) => FakeAnswer | undefined;

const BASES: Record<string, { type: string; base: string; credentials: IDataObject }> = {
	ninjaOne: {
		type: 'mspNinjaOneApi',
		base: 'https://fake.ninjarmm.test',
		credentials: { region: 'custom', baseUrl: 'https://fake.ninjarmm.test' },
	},
	connectWiseAutomate: {
		type: 'mspConnectWiseAutomateApi',
		base: 'https://fake.automate.test/cwa/api/v1',
		credentials: { serverUrl: 'https://fake.automate.test', clientId: 'client' },
	},
};

export function fakeRmm(
	provider: 'ninjaOne' | 'connectWiseAutomate',
	vendor: FakeVendor,
): { rmm: RmmProvider; requests: FakeRequest[] } {
	const { type, base, credentials } = BASES[provider];
	const requests: FakeRequest[] = [];
	const httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) => {
		const url = new URL(String(options.url));
		const request: FakeRequest = {
			method: String(options.method ?? 'GET'),
			path: url.href.slice(base.length).split('?')[0],
			qs: { ...(options.qs ?? {}) },
			body: options.body,
		};
		requests.push(request);
		const answer = vendor(request) ?? { status: 404, body: { message: `No fake ${request.path}` } };
		return {
			statusCode: answer.status ?? 200,
			headers: { 'content-type': 'application/json', ...answer.headers },
			body: answer.body,
		};
	};
	const ctx = {
		getNode: () => ({
			id: 'fake',
			name: 'MSP RMM',
			type: 'n8n-nodes-msp-orchestration.mspRmm',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async (name: string) => {
			if (name !== type) throw new Error(`No credentials of type ${name}`);
			return credentials;
		},
		helpers: { httpRequestWithAuthentication },
	} as unknown as IExecuteFunctions;
	const rmm = rmmProvider(ctx, provider, { pacer: null, sleep: async () => undefined });
	return { rmm, requests };
}
