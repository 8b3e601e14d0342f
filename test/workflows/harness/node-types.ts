import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { PackageDirectoryLoader } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { BUILT_IN_NODE_TYPES } from './built-in-nodes';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Node and credential types the harness runs with: this package as n8n loads it (package.json
 * `n8n.nodes`/`n8n.credentials` from the built dist/, registered as `<package name>.<node name>`),
 * a few n8n-nodes-base stand-ins (built-in-nodes.ts), and anything a test adds.
 */
export class NodeTypeRegistry implements INodeTypes {
	private readonly nodes = new Map<string, INodeType | IVersionedNodeType>();

	private readonly credentials = new Map<string, ICredentialType>();

	addNode(fullType: string, type: INodeType | IVersionedNodeType) {
		this.nodes.set(fullType, type);
	}

	addCredential(type: ICredentialType) {
		this.credentials.set(type.name, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.nodes.get(nodeType);
		if (!type) {
			throw new Error(
				`Node type "${nodeType}" is not available in the workflows harness (known: ${this.nodeTypeNames().join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	getCredentialType(name: string): ICredentialType | undefined {
		return this.credentials.get(name);
	}

	nodeTypeNames(): string[] {
		return [...this.nodes.keys()].sort();
	}

	credentialTypeNames(): string[] {
		return [...this.credentials.keys()].sort();
	}

	/** A registry that shares this one's types and can take test-only additions. */
	extend(): NodeTypeRegistry {
		const copy = new NodeTypeRegistry();
		for (const [k, v] of this.nodes) copy.addNode(k, v);
		for (const v of this.credentials.values()) copy.addCredential(v);
		return copy;
	}
}

let packageTypes: Promise<NodeTypeRegistry> | undefined;

/**
 * Loads the built package once per test file with n8n-core's PackageDirectoryLoader, exactly the
 * entry points package.json declares. Run `npm run build` first (`npm run test:workflows` does).
 */
export async function loadPackageTypes(packageDir = REPO_ROOT): Promise<NodeTypeRegistry> {
	packageTypes ??= (async () => {
		const registry = new NodeTypeRegistry();
		for (const [fullType, type] of Object.entries(BUILT_IN_NODE_TYPES))
			registry.addNode(fullType, type);
		if (!existsSync(join(packageDir, 'dist'))) {
			throw new Error(
				`${join(packageDir, 'dist')} does not exist: run \`npm run build\` before the workflows tier`,
			);
		}
		const { n8n } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
			n8n?: { nodes?: string[]; credentials?: string[] };
		};
		const missing = [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])].filter(
			(f) => !existsSync(join(packageDir, f)),
		);
		if (missing.length > 0) {
			throw new Error(
				`package.json lists files the build has not produced (${missing.join(', ')}): run \`npm run build\``,
			);
		}
		const loader = new PackageDirectoryLoader(packageDir);
		await loader.loadAll();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
			registry.addNode(`${loader.packageName}.${name}`, type);
		}
		for (const { type } of Object.values(loader.credentialTypes)) registry.addCredential(type);
		return registry;
	})();
	return await packageTypes;
}
