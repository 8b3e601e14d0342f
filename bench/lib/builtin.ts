import { existsSync } from 'fs';
import { join, resolve } from 'path';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

/** Repository root (bench/lib -> ..). */
export const ROOT = resolve(__dirname, '..', '..');

/** The real n8n that scripts/setup-n8n.sh installs; its n8n-nodes-base provides the alternatives. */
export function nodesBaseDir(): string {
	const cache = process.env.N8N_E2E_CACHE ?? join(ROOT, '.cache', 'n8n');
	return join(cache, 'n8n', 'node_modules', 'n8n-nodes-base');
}

/** Built-in nodes the benchmarks compare against, with the credential each one uses. */
export const BUILT_INS = {
	haloPSA: {
		node: ['nodes/HaloPSA/HaloPSA.node.js', 'HaloPSA'],
		credential: ['credentials/HaloPSAApi.credentials.js', 'HaloPSAApi'],
	},
	httpRequest: {
		node: ['nodes/HttpRequest/HttpRequest.node.js', 'HttpRequest'],
		credential: ['credentials/HttpHeaderAuth.credentials.js', 'HttpHeaderAuth'],
	},
} as const;

export type BuiltInName = keyof typeof BUILT_INS;

/** Why the built-in nodes cannot be loaded, or undefined when they can. */
export function builtInsMissing(): string | undefined {
	const dir = nodesBaseDir();
	if (!existsSync(join(dir, 'package.json')))
		return `n8n-nodes-base is not installed at ${dir}: run \`bash scripts/setup-n8n.sh\``;
	return undefined;
}

/** Loads built-in node and credential types from the installed n8n (their own n8n-workflow copy resolves there). */
export function loadBuiltIns(names: BuiltInName[]): {
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: ICredentialType[];
} {
	const dir = join(nodesBaseDir(), 'dist');
	const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {};
	const credentialTypes: ICredentialType[] = [];
	for (const name of names) {
		const { node, credential } = BUILT_INS[name];
		const NodeClass = require(join(dir, node[0]))[node[1]] as new () =>
			| INodeType
			| IVersionedNodeType;
		const CredentialClass = require(join(dir, credential[0]))[
			credential[1]
		] as new () => ICredentialType;
		nodeTypes[`n8n-nodes-base.${name}`] = new NodeClass();
		credentialTypes.push(new CredentialClass());
	}
	return { nodeTypes, credentialTypes };
}
