import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shipped templates are read on n8n's canvas: section notes with their nodes inside, no node
 * on a note's heading, no lines running back or across the canvas. These checks run in the build
 * (scripts/lib/validate-templates.js); here each rule is shown to pass and to fail on a small
 * workflow, and both shipped templates are held to them.
 */

const ROOT = join(__dirname, '..', '..', '..');

interface NodeInfo {
	name: string;
	versions: number[];
	usableAsTool: boolean;
	wide: boolean;
}
interface PackageInfo {
	packageName: string;
	nodes: Map<string, { file: string; versions: number[]; wide: boolean }>;
}
interface Workflow {
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkLayout, describeNode } = require('../../../scripts/lib/validate-templates') as {
	checkLayout(workflow: Workflow, pkgInfo: PackageInfo, say: (msg: string) => void): void;
	describeNode(instance: object): NodeInfo | null;
};

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[] };
};

/** The package's nodes as the build registers them, read from the TypeScript sources. */
function packageInfo(): PackageInfo {
	const nodes: PackageInfo['nodes'] = new Map();
	for (const rel of PACKAGE.n8n.nodes) {
		const source = rel.replace(/^dist\//, '').replace(/\.js$/, '.ts');
		const className = source
			.split('/')
			.pop()!
			.replace(/\.node\.ts$/, '');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = (require(join(ROOT, source)) as Record<string, new () => object>)[className];
		const info = describeNode(new NodeClass())!;
		nodes.set(info.name, { file: rel, versions: info.versions, wide: info.wide });
	}
	return { packageName: PACKAGE.name, nodes };
}

const PKG = packageInfo();

function problems(workflow: Workflow): string[] {
	const out: string[] = [];
	checkLayout(workflow, PKG, (msg) => out.push(msg));
	return out;
}

function node(name: string, x: number, y: number, type = 'n8n-nodes-base.set') {
	return { name, type, typeVersion: 1, position: [x, y], parameters: {} };
}

function sticky(
	name: string,
	x: number,
	y: number,
	width: number,
	height: number,
	content: string,
) {
	return {
		name,
		type: 'n8n-nodes-base.stickyNote',
		typeVersion: 1,
		position: [x, y],
		parameters: { content, width, height },
	};
}

function link(...names: string[]): Workflow['connections'] {
	const connections: Workflow['connections'] = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

const SECTION = '## 1. Find\nWhat this step does.';

describe('template layout: sticky headings', () => {
	it('accepts a node below the heading band', () => {
		const wf = {
			nodes: [sticky('Note', 0, 0, 400, 300, SECTION), node('A', 40, 80)],
			connections: {},
		};
		expect(problems(wf)).toEqual([]);
	});

	it('rejects a node on the heading band', () => {
		const wf = {
			nodes: [sticky('Note', 0, 0, 400, 300, SECTION), node('A', 40, 60)],
			connections: {},
		};
		expect(problems(wf)).toEqual([
			'node "A" covers the heading of sticky "Note"; move it below the top 80 px',
		]);
	});

	it('draws a node with a model input 256 wide, so it can reach a heading a plain node would not', () => {
		const triage = `${PACKAGE.name}.mspAiTriage`;
		const nodes = [sticky('Note', 300, 0, 400, 300, SECTION), node('B', 340, 100)];
		expect(problems({ nodes: [...nodes, node('A', 100, 40)], connections: {} })).toEqual([]);
		expect(problems({ nodes: [...nodes, node('A', 100, 40, triage)], connections: {} })).toEqual([
			'node "A" covers the heading of sticky "Note"; move it below the top 80 px',
		]);
	});

	it('uses the sticky note defaults (240 x 160) when the size is not set', () => {
		const bare = sticky('Note', 0, 0, 0, 0, SECTION);
		bare.parameters = { content: SECTION } as typeof bare.parameters;
		expect(problems({ nodes: [bare, node('A', 250, 20)], connections: {} })).toEqual([
			'sticky "Note" names a section but holds no node; place that section\'s nodes inside it',
		]);
		expect(problems({ nodes: [bare, node('A', 100, 20)], connections: {} })).toContain(
			'node "A" covers the heading of sticky "Note"; move it below the top 80 px',
		);
	});
});

describe('template layout: sections', () => {
	it('accepts each node in one section sticky', () => {
		const wf = {
			nodes: [
				sticky('One', 0, 0, 300, 300, SECTION),
				sticky('Two', 340, 0, 300, 300, '## 2. Act'),
				node('A', 40, 120),
				node('B', 380, 120),
			],
			connections: link('A', 'B'),
		};
		expect(problems(wf)).toEqual([]);
	});

	it('rejects a node lying in two stickies', () => {
		const wf = {
			nodes: [
				sticky('One', 0, 0, 300, 300, SECTION),
				sticky('Two', 260, 0, 300, 300, '## 2. Act'),
				node('A', 40, 120),
				node('B', 240, 120),
				node('C', 400, 120),
			],
			connections: {},
		};
		expect(problems(wf)).toEqual([
			'node "B" lies in 2 stickies ("One", "Two"); a node belongs to one section',
		]);
	});

	it('rejects a section sticky holding no node, but not a note without a number', () => {
		const wf = {
			nodes: [
				sticky('Overview', 0, 0, 300, 200, '## Patch remediation\nWhat the workflow does.'),
				sticky('One', 0, 240, 300, 300, SECTION),
				node('A', 400, 300),
			],
			connections: {},
		};
		expect(problems(wf)).toEqual([
			'sticky "One" names a section but holds no node; place that section\'s nodes inside it',
		]);
	});
});

describe('template layout: connections', () => {
	it('accepts a short loop-back and lines within one screen', () => {
		const wf = {
			nodes: [node('A', 0, 0), node('B', 2400, 1200), node('C', 1200, 0)],
			connections: link('A', 'B', 'C'),
		};
		expect(problems(wf)).toEqual([]);
	});

	it('rejects a loop-back of more than 1,200 px', () => {
		const wf = { nodes: [node('A', 1220, 0), node('B', 0, 0)], connections: link('A', 'B') };
		expect(problems(wf)).toEqual([
			'connection "A" -> "B" runs 1220 px back to the left (at most 1200); place the target nearer',
		]);
	});

	it('rejects a line longer than 2,400 px across or 1,200 px down', () => {
		const wide = { nodes: [node('A', 0, 0), node('B', 2420, 0)], connections: link('A', 'B') };
		const tall = { nodes: [node('A', 0, 0), node('B', 200, -1220)], connections: link('A', 'B') };
		expect(problems(wide)).toEqual([
			'connection "A" -> "B" spans 2420 x 0 px (at most 2400 x 1200); place the nodes nearer',
		]);
		expect(problems(tall)).toEqual([
			'connection "A" -> "B" spans 200 x 1220 px (at most 2400 x 1200); place the nodes nearer',
		]);
	});
});

describe('shipped templates', () => {
	it.each(['threat-response.json', 'patch-remediation.json'])(
		'%s reads cleanly on the canvas',
		(file) => {
			const wf = JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')) as Workflow;
			expect(problems(wf)).toEqual([]);
		},
	);

	it('knows MSP AI Triage is drawn wide (it has a model input)', () => {
		expect(PKG.nodes.get('mspAiTriage')?.wide).toBe(true);
		expect(PKG.nodes.get('mspEdr')?.wide).toBe(false);
	});
});
