import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { RequestContext, VendorProfile } from '../../../nodes/shared';

export const node: INode = {
	id: 'node-1',
	name: 'MSP Test',
	type: 'n8n-nodes-msp-orchestration.mspTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export const credentials: ICredentialDataDecryptedObject = {
	url: 'https://api.vendor.test/v1/',
	clientId: 'client-abc',
	clientSecret: 'S3cr3t-Value-123',
	apiToken: 'tok_9f8e7d6c5b4a',
};

export const profile: VendorProfile = {
	vendor: 'TestVendor',
	credentialType: 'mspTestApi',
	baseUrl: (creds) => String(creds.url),
};

export type Reply =
	| { statusCode: number; headers?: Record<string, string>; body?: unknown }
	| { throws: unknown };

/** Error shaped like what n8n's helper throws for a network failure: NodeApiError around the axios error. */
export function networkFailure(code: string, message = `connect ${code}`): { throws: unknown } {
	const axiosError = Object.assign(new Error(message), { code, name: 'AxiosError' });
	return { throws: new NodeApiError(node, axiosError as never) };
}

/** Error shaped like n8n's helper on a status it does not ignore (401): response on the cause. */
export function thrownStatus(statusCode: number, body: unknown): { throws: unknown } {
	const axiosError = Object.assign(new Error(`Request failed with status code ${statusCode}`), {
		name: 'AxiosError',
		response: { status: statusCode, headers: {}, data: body },
	});
	return { throws: new NodeApiError(node, axiosError as never) };
}

export function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
	const clock = {
		t: start,
		sleeps: [] as number[],
		now: () => clock.t,
		sleep: async (ms: number) => {
			clock.sleeps.push(ms);
			clock.t += ms;
		},
	};
	return clock;
}

export function fakeContext(
	replies: Array<Reply | ((options: IHttpRequestOptions) => Reply)>,
	creds: ICredentialDataDecryptedObject = credentials,
) {
	const calls: IHttpRequestOptions[] = [];
	const credentialTypes: string[] = [];
	const httpRequestWithAuthentication = jest.fn(
		async (type: string, options: IHttpRequestOptions) => {
			credentialTypes.push(type);
			calls.push(JSON.parse(JSON.stringify(options)) as IHttpRequestOptions);
			const next = replies.shift();
			if (!next) throw new Error('unexpected request: no scripted reply left');
			const reply = typeof next === 'function' ? next(options) : next;
			if ('throws' in reply) throw reply.throws;
			return { statusCode: reply.statusCode, headers: reply.headers ?? {}, body: reply.body };
		},
	);
	const getCredentials = jest.fn(async () => creds);
	const ctx = {
		getNode: () => node,
		getCredentials,
		helpers: { httpRequestWithAuthentication },
	} as unknown as RequestContext;
	return { ctx, calls, credentialTypes, getCredentials, httpRequestWithAuthentication };
}
