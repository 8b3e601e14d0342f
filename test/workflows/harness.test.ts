import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import { CredentialStore, runWorkflow, type WorkflowJson } from './harness';

/** Throwaway types that exist only in this test: they prove the harness, not our nodes. */
const API = 'https://api.harness.test';

class HarnessGenericApi implements ICredentialType {
	name = 'harnessGenericApi';
	displayName = 'Harness Generic API';
	properties: ICredentialType['properties'] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'acme' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
				'X-Tenant': '={{$credentials.tenant}}',
			},
			qs: { source: 'harness' },
		},
	};
}

class HarnessFunctionApi implements ICredentialType {
	name = 'harnessFunctionApi';
	displayName = 'Harness Function API';
	properties: ICredentialType['properties'] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];
	async authenticate(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) {
		return {
			...options,
			headers: { ...(options.headers ?? {}), 'X-Signed': `sig:${credentials.secret as string}` },
		};
	}
}

class HarnessSessionApi implements ICredentialType {
	name = 'harnessSessionApi';
	displayName = 'Harness Session API';
	properties: ICredentialType['properties'] = [
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${API}/session`,
			body: { secret: credentials.clientSecret },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { 'X-Session': '={{$credentials.sessionToken}}' } },
	};
}

const CREDENTIAL_TYPES = [
	new HarnessGenericApi(),
	new HarnessFunctionApi(),
	new HarnessSessionApi(),
];

/** Fetches /things/<id> for every input item with the credential named by the `auth` parameter. */
class HarnessFetch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Fetch',
		name: 'harnessFetch',
		group: ['transform'],
		version: [1, 2],
		description: 'test only',
		defaults: { name: 'Harness Fetch' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: CREDENTIAL_TYPES.map((c) => ({ name: c.name, required: false })),
		properties: [
			{ displayName: 'Auth', name: 'auth', type: 'string', default: 'harnessGenericApi' },
			{ displayName: 'ID', name: 'thingId', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const auth = this.getNodeParameter('auth', i) as string;
			const id = this.getNodeParameter('thingId', i) as string;
			try {
				const body = (await this.helpers.httpRequestWithAuthentication.call(this, auth, {
					method: 'GET',
					url: `${API}/things/${id}`,
					json: true,
				})) as Record<string, unknown>;
				out.push({ json: { ...body, input: items[i].json.n }, pairedItem: { item: i } });
			} catch (error) {
				throw new NodeApiError(this.getNode(), error as never, { itemIndex: i });
			}
		}
		return [out];
	}
}

const TYPE = 'harness-test.harnessFetch';
const nodeTypes = { [TYPE]: new HarnessFetch() };

function workflow(auth: string, extra: Partial<WorkflowJson> = {}): WorkflowJson {
	return {
		name: 'harness self-test',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'Fetch',
				type: TYPE,
				typeVersion: 2,
				position: [200, 0],
				parameters: { auth, thingId: '={{ $json.n }}' },
			},
			{
				id: '3',
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [400, 0],
				parameters: {},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Fetch', type: NodeConnectionTypes.Main, index: 0 }]] },
			Fetch: { main: [[{ node: 'Done', type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		...extra,
	};
}

describe('workflows harness', () => {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => nock.cleanAll());
	afterAll(() => nock.enableNetConnect());

	it('applies generic credential authentication (resolved expressions in headers and qs) and keeps pairedItem', async () => {
		const scope = nock(API)
			.matchHeader('authorization', 'Bearer k-123')
			.matchHeader('x-tenant', 'acme')
			.get('/things/7')
			.query({ source: 'harness' })
			.reply(200, { id: '7', name: 'seven' })
			.get('/things/9')
			.query({ source: 'harness' })
			.reply(200, { id: '9', name: 'nine' });

		const result = await runWorkflow(workflow('harnessGenericApi'), {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentials: { harnessGenericApi: { apiKey: 'k-123' } },
			input: [{ n: 7 }, { n: 9 }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Start', 'Fetch', 'Done']);
		expect(result.outputOf('Done')).toEqual([
			{ id: '7', name: 'seven', input: 7 },
			{ id: '9', name: 'nine', input: 9 },
		]);
		expect(result.itemsOf('Fetch').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.itemsOf('Done').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(scope.isDone()).toBe(true);
	});

	it('calls function authenticators', async () => {
		const scope = nock(API)
			.matchHeader('x-signed', 'sig:s3')
			.get('/things/1')
			.reply(200, { id: '1' });
		const result = await runWorkflow(workflow('harnessFunctionApi'), {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentials: { harnessFunctionApi: { secret: 's3' } },
			input: [{ n: 1 }],
		});
		expect(result.status).toBe('success');
		expect(result.outputOf('Fetch')).toEqual([{ id: '1', input: 1 }]);
		expect(scope.isDone()).toBe(true);
	});

	it('runs preAuthentication for an empty expirable property, caches it, and refreshes it on a 401', async () => {
		const scope = nock(API)
			.post('/session', { secret: 'cs' })
			.reply(200, { token: 'tok-1' })
			.get('/things/1')
			.matchHeader('x-session', 'tok-1')
			.reply(200, { id: '1' })
			.get('/things/2')
			.matchHeader('x-session', 'tok-1')
			.reply(401, { message: 'session expired' })
			.post('/session', { secret: 'cs' })
			.reply(200, { token: 'tok-2' })
			.get('/things/2')
			.matchHeader('x-session', 'tok-2')
			.reply(200, { id: '2' });

		const store = new CredentialStore({ harnessSessionApi: { clientSecret: 'cs' } });
		const result = await runWorkflow(workflow('harnessSessionApi'), {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentialStore: store,
			input: [{ n: 1 }, { n: 2 }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Fetch')).toEqual([
			{ id: '1', input: 1 },
			{ id: '2', input: 2 },
		]);
		expect(store.preAuthentications.harnessSessionApi).toBe(2);
		expect(store.get('harnessSessionApi')?.sessionToken).toBe('tok-2');
		expect(scope.isDone()).toBe(true);

		// A later run with the same store reuses the cached token without logging in again.
		const again = nock(API)
			.get('/things/3')
			.matchHeader('x-session', 'tok-2')
			.reply(200, { id: '3' });
		const second = await runWorkflow(workflow('harnessSessionApi'), {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentialStore: store,
			input: [{ n: 3 }],
		});
		expect(second.status).toBe('success');
		expect(store.preAuthentications.harnessSessionApi).toBe(2);
		expect(again.isDone()).toBe(true);
	});

	it('reports a failed run with the node error', async () => {
		nock(API).get('/things/5').query(true).reply(500, { message: 'boom' });
		const result = await runWorkflow(workflow('harnessGenericApi'), {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentials: { harnessGenericApi: { apiKey: 'k' } },
			input: [{ n: 5 }],
		});
		expect(result.status).toBe('error');
		expect((result.error as { node?: { name: string } } | undefined)?.node?.name).toBe('Fetch');
		expect(result.outputOf('Done')).toEqual([]);
	});

	it('names unknown node types and missing credential data clearly', async () => {
		await expect(
			runWorkflow(workflow('harnessGenericApi'), { credentialTypes: CREDENTIAL_TYPES }),
		).rejects.toThrow(/harness-test\.harnessFetch/);

		const wf = workflow('harnessGenericApi');
		wf.nodes[1].credentials = { harnessGenericApi: { id: null, name: 'Generic' } };
		const result = await runWorkflow(wf, {
			nodeTypes,
			credentialTypes: CREDENTIAL_TYPES,
			credentials: {},
			input: [{ n: 1 }],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/No credential data for "harnessGenericApi"/);
	});
});
