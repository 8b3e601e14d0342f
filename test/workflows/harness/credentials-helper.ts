import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import { Credentials } from 'n8n-core';

import type { NodeTypeRegistry } from './node-types';

/**
 * Credential data by credential type name. The harness keeps one store per run; preAuthentication
 * results (an OAuth or session token in an `expirable` hidden property) are written back into it,
 * as n8n's CredentialsHelper writes them back to the database.
 */
export class CredentialStore {
	readonly data: Record<string, ICredentialDataDecryptedObject>;

	/** How many times preAuthentication ran per credential type. */
	readonly preAuthentications: Record<string, number> = {};

	constructor(initial: Record<string, ICredentialDataDecryptedObject> = {}) {
		this.data = Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, { ...v }]));
	}

	get(type: string): ICredentialDataDecryptedObject | undefined {
		return this.data[type];
	}

	update(type: string, values: ICredentialDataDecryptedObject) {
		this.data[type] = { ...(this.data[type] ?? {}), ...values };
	}
}

/**
 * The credentials half of n8n's CredentialsHelper (packages/cli/src/credentials-helper.ts), backed
 * by an in-memory store instead of the database:
 * - getDecrypted returns the store's data with the credential type's defaults applied;
 * - authenticate resolves generic `={{$credentials.x}}` expressions into headers, qs, body and auth,
 *   and calls function authenticators;
 * - preAuthentication runs when the type has a hidden `expirable` property that is empty, or when
 *   n8n-core retries a request after a 401 (credentialsExpired), and caches the result in the store.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly store: CredentialStore,
		private readonly types: NodeTypeRegistry,
	) {
		super();
	}

	private credentialType(name: string): ICredentialType {
		const type = this.types.getCredentialType(name);
		if (!type) {
			throw new Error(
				`Credential type "${name}" is not known to the harness (loaded: ${this.types.credentialTypeNames().join(', ') || 'none'})`,
			);
		}
		return type;
	}

	getParentTypes(name: string): string[] {
		const type = this.types.getCredentialType(name);
		const parents = type?.extends ?? [];
		return parents.flatMap((p) => [p, ...this.getParentTypes(p)]);
	}

	isCredentialUsableByNode(_credentialType: string, _nodeType: string): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const own = this.credentialType(type).properties ?? [];
		const inherited = (this.credentialType(type).extends ?? []).flatMap((p) =>
			this.getCredentialsProperties(p),
		);
		const names = new Set(own.map((p) => p.name));
		return [...inherited.filter((p) => !names.has(p.name)), ...own];
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.decrypted(type));
		return credentials;
	}

	private decrypted(type: string): ICredentialDataDecryptedObject {
		const data = this.store.get(type);
		if (!data) {
			throw new Error(
				`No credential data for "${type}" given to runWorkflow (given: ${Object.keys(this.store.data).join(', ') || 'none'})`,
			);
		}
		const withDefaults: ICredentialDataDecryptedObject = {};
		if (this.types.getCredentialType(type)) {
			for (const property of this.getCredentialsProperties(type)) {
				if (property.default !== undefined && typeof property.default !== 'object') {
					withDefaults[property.name] = property.default as string | number | boolean;
				}
			}
		}
		return { ...withDefaults, ...data };
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
	): Promise<ICredentialDataDecryptedObject> {
		return this.decrypted(type);
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.store.update(type, data);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.store.update(type, data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions & Record<string, unknown>;
		const { authenticate } = this.credentialType(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (authenticate.type !== 'generic') return requestOptions;

		const context = this.expressionContext(workflow, node);
		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			const resolved = context.workflow.expression.getSimpleParameterValue(
				context.node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved === undefined || resolved === null || resolved === '' ? '' : String(resolved);
		};
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				const target = (requestOptions[outerKey] ??= {}) as Record<string, unknown>;
				target[String(resolve(key))] = resolve(value);
			}
		}
		return requestOptions;
	}

	/** Expressions need a workflow and a node; credential tests call authenticate without them. */
	private expressionContext(
		workflow?: Workflow,
		node?: INode,
	): { workflow: Workflow; node: INode } {
		if (workflow && node) return { workflow, node };
		const placeholder: INode = {
			id: 'credential-test',
			name: 'Credential test',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		return {
			node: node ?? placeholder,
			workflow:
				workflow ??
				new Workflow({
					id: 'credential-test',
					nodes: [node ?? placeholder],
					connections: {},
					active: false,
					nodeTypes: this.types,
				}),
		};
	}

	private expirableProperty(typeName: string): string | undefined {
		return this.getCredentialsProperties(typeName).find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		)?.name;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialType(typeName);
		const expirable = this.expirableProperty(typeName);
		if (expirable === undefined || typeof credentialType.preAuthentication !== 'function')
			return undefined;
		const current = credentials[expirable];
		if (!(current === '' || current === undefined || credentialsExpired)) return undefined;
		const output = (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output?.[expirable] === undefined) return undefined;
		this.store.preAuthentications[typeName] = (this.store.preAuthentications[typeName] ?? 0) + 1;
		const merged = Object.assign(credentials, output);
		await this.updateCredentials(
			node.credentials?.[typeName] ?? { id: null, name: typeName },
			typeName,
			output,
		);
		return merged;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
	}
}
