import axios, { type Method } from 'axios';
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * A small stand-in for n8n's execute context: parameters and items are given, and
 * `httpRequestWithAuthentication` sends real HTTP (axios) after applying the credential class's
 * `authenticate` (generic `={{$credentials.x}}` headers/qs, or a function), so provider code runs
 * against the sandbox the way it runs in n8n.
 */
export interface FakeContextOptions {
	node?: Partial<INode>;
	items?: Array<IDataObject | INodeExecutionData>;
	/** Parameter values as n8n would hand them over (expressions already resolved). */
	parameters: Record<string, unknown> | ((name: string, itemIndex: number) => unknown);
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	continueOnFail?: boolean;
}

export interface SentRequest {
	credentialType: string;
	method: string;
	url: string;
	qs?: IDataObject;
	body?: unknown;
	status: number;
}

function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
			String(credentials[key] ?? ''),
		);
}

async function authenticate(
	type: ICredentialType | undefined,
	credentials: ICredentialDataDecryptedObject,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const auth = type?.authenticate;
	if (!auth) return options;
	if (typeof auth === 'function') return await auth(credentials, options);
	const generic = auth as IAuthenticateGeneric;
	const out: IHttpRequestOptions = {
		...options,
		headers: { ...options.headers },
		qs: { ...options.qs },
	};
	for (const [key, value] of Object.entries(generic.properties.headers ?? {}))
		out.headers![key] = resolveCredentialExpression(value, credentials) as string;
	for (const [key, value] of Object.entries(generic.properties.qs ?? {}))
		out.qs![key] = resolveCredentialExpression(value, credentials) as string;
	return out;
}

function ignored(options: IHttpRequestOptions, status: number): boolean {
	const setting = (
		options as { ignoreHttpStatusErrors?: boolean | { ignore: boolean; except?: number[] } }
	).ignoreHttpStatusErrors;
	if (setting === true) return true;
	if (setting && typeof setting === 'object')
		return setting.ignore && !(setting.except ?? []).includes(status);
	return false;
}

/** `this` of a credential's preAuthentication: n8n's plain `helpers.httpRequest`. */
const preAuthHelper = {
	helpers: {
		httpRequest: async (options: IHttpRequestOptions) => {
			const response = await axios.request({
				method: (options.method ?? 'GET') as Method,
				url: options.url,
				params: options.qs,
				headers: options.headers as Record<string, string>,
				data: options.body,
				validateStatus: () => true,
				...(options.json === false ? { transformResponse: (data: unknown) => data } : {}),
			});
			if (response.status >= 400 && !ignored(options, response.status))
				throw new Error(`Request failed with status code ${response.status}`);
			const full = {
				statusCode: response.status,
				headers: response.headers,
				body: response.data as unknown,
			};
			return options.returnFullResponse ? full : full.body;
		},
	},
};

export function fakeExecuteContext(opts: FakeContextOptions) {
	const node: INode = {
		id: 'node-1',
		name: 'Node',
		type: 'test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...opts.node,
	};
	const items: INodeExecutionData[] = (opts.items ?? [{}]).map((item) =>
		'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
	const requests: SentRequest[] = [];
	const parameter = (name: string, itemIndex: number) =>
		typeof opts.parameters === 'function'
			? opts.parameters(name, itemIndex)
			: opts.parameters[name];

	const sendOnce = async (credentialType: string, request: IHttpRequestOptions) => {
		const credentials = opts.credentials?.[credentialType];
		if (!credentials) throw new Error(`No credentials of type ${credentialType}`);
		const type = opts.credentialTypes?.find((t) => t.name === credentialType);
		const options = await authenticate(type, credentials, request);
		const response = await axios.request({
			method: options.method as Method,
			url: options.url,
			params: options.qs,
			// n8n sends `ids=a&ids=b` for arrayFormat 'repeat'; axios would send `ids[]=a`.
			paramsSerializer: options.arrayFormat === 'repeat' ? { indexes: null } : undefined,
			headers: options.headers as Record<string, string>,
			data: options.body,
			timeout: options.timeout,
			validateStatus: () => true,
		});
		requests.push({
			credentialType,
			method: String(options.method),
			url: options.url,
			qs: options.qs,
			body: options.body,
			status: response.status,
		});
		if (response.status >= 400 && !ignored(options, response.status)) {
			const error = Object.assign(new Error(`Request failed with status code ${response.status}`), {
				name: 'AxiosError',
				response: { status: response.status, headers: response.headers, data: response.data },
			});
			throw new NodeApiError(node, error as never);
		}
		const full = {
			statusCode: response.status,
			headers: response.headers as IDataObject,
			body: response.data as unknown,
		};
		return options.returnFullResponse ? full : full.body;
	};

	/**
	 * Like n8n: a credential with `preAuthentication` gets its token when the expirable field is
	 * empty, the result is stored in the credential, and after a 401 the token is fetched again
	 * and the request sent once more.
	 */
	const httpRequestWithAuthentication = async (
		credentialType: string,
		request: IHttpRequestOptions,
	) => {
		const type = opts.credentialTypes?.find((t) => t.name === credentialType);
		const credentials = opts.credentials?.[credentialType];
		if (!type?.preAuthentication || !credentials) return await sendOnce(credentialType, request);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable,
		)?.name;
		const refresh = async () =>
			Object.assign(
				credentials,
				await type.preAuthentication!.call(preAuthHelper as never, credentials),
			);
		if (expirable && !credentials[expirable]) await refresh();
		try {
			return await sendOnce(credentialType, request);
		} catch (error) {
			if ((error as { httpCode?: string }).httpCode !== '401') throw error;
			await refresh();
			return await sendOnce(credentialType, request);
		}
	};

	const ctx = {
		getNode: () => node,
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = parameter(name, itemIndex);
			return value === undefined ? fallback : value;
		},
		getCredentials: async (type: string) => {
			const credentials = opts.credentials?.[type];
			if (!credentials) throw new Error(`No credentials of type ${type}`);
			return credentials;
		},
		continueOnFail: () => opts.continueOnFail === true,
		helpers: {
			httpRequestWithAuthentication,
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileExtension: fileName?.split('.').pop(),
				fileSize: `${data.length} B`,
			}),
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, requests };
}
