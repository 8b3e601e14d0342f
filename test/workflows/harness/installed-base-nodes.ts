import { existsSync, readFileSync } from 'fs';
import { basename, join } from 'path';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { REPO_ROOT } from './node-types';

const PREFIX = 'n8n-nodes-base.';

/**
 * n8n-nodes-base as installed by `bash scripts/setup-n8n.sh` (the real n8n the e2e tier runs):
 * templates use Set, IF, Filter, Merge, Wait, Split Out... and the workflows tier runs those
 * real implementations instead of stand-ins. Only the types a workflow names are loaded.
 */
export function installedBaseDir(): string {
	const cache = process.env.N8N_E2E_CACHE ?? join(REPO_ROOT, '.cache', 'n8n');
	return join(cache, 'n8n', 'node_modules', 'n8n-nodes-base');
}

/**
 * Node's own require, outside Jest's module registry: some base nodes (Wait) depend on ES-module
 * packages that Node loads with require(esm) but Jest's CommonJS runtime cannot parse.
 */
function nativeRequire(file: string): unknown {
	const builtin = (
		process as unknown as { getBuiltinModule?: (id: string) => typeof import('module') }
	).getBuiltinModule;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const moduleApi = builtin ? builtin('module') : (require('module') as typeof import('module'));
	return moduleApi.createRequire(file)(file);
}

let entryPoints: string[] | undefined;
const loaded = new Map<string, INodeType | IVersionedNodeType>();

/** The node type `n8n-nodes-base.<name>` from the installed n8n, or undefined when it is not one. */
export function loadInstalledBaseNode(
	fullType: string,
): INodeType | IVersionedNodeType | undefined {
	if (!fullType.startsWith(PREFIX)) return undefined;
	const cached = loaded.get(fullType);
	if (cached) return cached;
	const dir = installedBaseDir();
	if (!existsSync(join(dir, 'package.json'))) {
		throw new Error(
			`${fullType} comes from n8n-nodes-base, which is not installed at ${dir}: run \`bash scripts/setup-n8n.sh\` (npm run test:workflows does)`,
		);
	}
	entryPoints ??= (
		JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } }
	).n8n.nodes;
	const name = fullType.slice(PREFIX.length);
	const file = `${name.charAt(0).toUpperCase()}${name.slice(1)}.node.js`;
	for (const entry of entryPoints.filter((e) => basename(e) === file)) {
		const mod = nativeRequire(join(dir, entry)) as Record<
			string,
			new () => INodeType | IVersionedNodeType
		>;
		for (const NodeClass of Object.values(mod)) {
			if (typeof NodeClass !== 'function') continue;
			const instance = new NodeClass();
			if (instance.description?.name === name) {
				loaded.set(fullType, instance);
				return instance;
			}
		}
	}
	return undefined;
}
