import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import {
	N8nInstance,
	PACKAGE_JSON,
	PACKAGE_NAME,
	REPO_ROOT,
	n8nWithPackage,
	type StartedN8n,
} from './helpers/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadPackageNodes } = require('../../scripts/lib/validate-templates') as {
	loadPackageNodes(root: string): { nodes: Map<string, { file: string }>; problems: string[] };
};

/** Credential type names the built package declares, read from package.json n8n.credentials. */
function packageCredentialNames(): string[] {
	return PACKAGE_JSON.n8n.credentials.map((rel) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(join(REPO_ROOT, rel)) as Record<string, new () => { name: string }>;
		const className = rel
			.split('/')
			.pop()!
			.replace(/\.credentials\.js$/, '');
		const Credential = mod[className] ?? Object.values(mod)[0];
		return new Credential().name;
	});
}

describe('package installed into a real n8n the way n8n installs community packages', () => {
	let n8n: N8nInstance;
	let exported: Array<{ name: string }>;
	let server: StartedN8n;

	beforeAll(async () => {
		n8n = await n8nWithPackage();
		exported = await n8n.exportNodes();
		server = await n8n.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('unpacks the tarball into .n8n/nodes/node_modules without dev or peer dependencies', () => {
		const installed = JSON.parse(readFileSync(join(n8n.packageFolder, 'package.json'), 'utf8'));
		expect(installed.name).toBe(PACKAGE_NAME);
		expect(installed.devDependencies).toBeUndefined();
		expect(installed.peerDependencies).toBeUndefined();
		expect(installed.dependencies ?? {}).toEqual({});
		for (const rel of [...PACKAGE_JSON.n8n.nodes, ...PACKAGE_JSON.n8n.credentials]) {
			expect(existsSync(join(n8n.packageFolder, rel))).toBe(true);
		}
		// Only the published files: no sources, tests or sandbox.
		for (const absent of ['nodes', 'credentials', 'sandbox', 'test', 'src']) {
			expect(existsSync(join(n8n.packageFolder, absent))).toBe(false);
		}
	});

	it('n8n export:nodes lists its own base nodes and no dev-mode CUSTOM. types', () => {
		const names = exported.map((n) => n.name);
		expect(names).toEqual(
			expect.arrayContaining(['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.httpRequest']),
		);
		expect(names.filter((n) => n.startsWith('CUSTOM.'))).toEqual([]);
	});

	it('loads every node in package.json n8n.nodes under the package prefix', () => {
		const { nodes, problems } = loadPackageNodes(REPO_ROOT);
		expect(problems).toEqual([]);
		const declared = [...new Set([...nodes.values()].map((n) => n.file))];
		expect(declared.sort()).toEqual([...PACKAGE_JSON.n8n.nodes].sort());
		const names = new Set(exported.map((n) => n.name));
		const missing = [...nodes.keys()]
			.filter((name) => !name.endsWith('Tool') || !nodes.has(name.slice(0, -4)))
			.map((name) => `${PACKAGE_NAME}.${name}`)
			.filter((type) => !names.has(type));
		expect(missing).toEqual([]);
		const ours = [...names].filter((n) => n.startsWith(`${PACKAGE_NAME}.`));
		expect(ours.length).toBeGreaterThanOrEqual(PACKAGE_JSON.n8n.nodes.length);
	});

	it('serves a running n8n with every credential in package.json n8n.credentials', async () => {
		const health = await fetch(`${server.baseUrl}/healthz`);
		expect(health.status).toBe(200);
		const nodeTypes = n8n.staticTypes('nodes').map((n) => n.name);
		expect(nodeTypes).toContain('n8n-nodes-base.manualTrigger');
		const credentialTypes = new Set(n8n.staticTypes('credentials').map((c) => c.name));
		expect(credentialTypes.has('httpBasicAuth')).toBe(true);
		const missing = packageCredentialNames().filter((name) => !credentialTypes.has(name));
		expect(missing).toEqual([]);
		for (const { name } of [...loadPackageNodes(REPO_ROOT).nodes.keys()].map((name) => ({
			name,
		}))) {
			if (!name.endsWith('Tool')) expect(nodeTypes).toContain(`${PACKAGE_NAME}.${name}`);
		}
	});
});
