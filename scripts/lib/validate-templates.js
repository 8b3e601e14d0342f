'use strict';
/**
 * Checks the importable templates in workflows/*.json against the built package:
 * - the file parses and looks like a workflow (nodes array, connections object);
 * - every node type is `<this package>.<node>` for a node the built package registers
 *   (package.json n8n.nodes -> description.name, plus `<name>Tool` for usableAsTool nodes),
 *   or an `n8n-nodes-base.*` / `@n8n/n8n-nodes-langchain.*` type; never `CUSTOM.*`;
 * - our nodes carry a typeVersion that the node declares;
 * - connections name existing nodes;
 * - nothing instance-specific or secret is shipped: no credential ids, no pinData,
 *   no literal values under secret-looking keys (apiKey, password, secret, token, ...);
 * - the canvas reads cleanly when imported (see checkLayout): no node on a sticky note's
 *   heading, every node in at most one sticky, every numbered section sticky holding a node,
 *   no long loop-backs or lines across the canvas.
 */
const fs = require('fs');
const path = require('path');

const BUILT_IN_PREFIXES = ['n8n-nodes-base.', '@n8n/n8n-nodes-langchain.'];
const SECRET_KEY =
	/(api[-_]?key|password|passwd|secret|private[-_]?key|token|bearer|authorization)$/i;

/** Name, declared versions, tool use and canvas width of one node class instance (null without a name). */
function describeNode(instance) {
	const description = instance.description || {};
	if (!description.name) return null;
	let versions;
	let descriptions = [description];
	if (instance.nodeVersions) {
		versions = Object.keys(instance.nodeVersions).map(Number);
		descriptions = Object.values(instance.nodeVersions).map((n) => n.description || {});
	} else {
		versions = [].concat(description.version === undefined ? 1 : description.version).map(Number);
	}
	return {
		name: description.name,
		versions,
		usableAsTool: descriptions.some((d) => d.usableAsTool),
		wide: descriptions.some((d) => hasSubNodeInput(d.inputs)),
	};
}

/** Reads the node names and versions the built package registers. */
function loadPackageNodes(rootDir) {
	const pkg = JSON.parse(fs.readFileSync(path.join(rootDir, 'package.json'), 'utf8'));
	const nodes = new Map();
	const problems = [];
	for (const rel of (pkg.n8n && pkg.n8n.nodes) || []) {
		const file = path.join(rootDir, rel);
		if (!fs.existsSync(file)) {
			problems.push(`package.json n8n.nodes lists ${rel}, which the build did not produce`);
			continue;
		}
		let mod;
		try {
			mod = require(file);
		} catch (error) {
			problems.push(`cannot load ${rel}: ${error.message}`);
			continue;
		}
		const className = path.basename(rel).replace(/\.node\.js$/, '');
		const NodeClass = mod[className] || Object.values(mod).find((v) => typeof v === 'function');
		if (typeof NodeClass !== 'function') {
			problems.push(`${rel} exports no node class`);
			continue;
		}
		const info = describeNode(new NodeClass());
		if (!info) {
			problems.push(`${rel}: node description has no name`);
			continue;
		}
		nodes.set(info.name, { file: rel, versions: info.versions, wide: info.wide });
		if (info.usableAsTool)
			nodes.set(`${info.name}Tool`, { file: rel, versions: info.versions, wide: false });
	}
	return { packageName: pkg.name, nodes, problems };
}

/** A node with a sub-node input (e.g. a chat model) is drawn wide, with that input below it. */
function hasSubNodeInput(inputs) {
	if (typeof inputs === 'string') return true; // an expression: n8n draws it wide too
	return (inputs || []).some((i) => (typeof i === 'string' ? i : i && i.type) !== 'main');
}

// n8n's canvas draws a node as a box at its position (top-left): 96x96 in n8n 2.x
// (DEFAULT_NODE_SIZE), 100x100 in 1.x; the larger box holds in both. A node with a sub-node
// input is drawn 256 wide (CONFIGURABLE_NODE_SIZE). A sticky note is drawn at its position with
// parameters.width/height, which default to 240x160 (the stickyNote node's defaults).
const NODE_SIZE = 100;
const WIDE_NODE_WIDTH = 256;
const STICKY_DEFAULT = { width: 240, height: 160 };
// The sticky's first 80 px hold its "## heading" line: a node there hides the section's name.
const HEADING_BAND = 80;
// A section note (the numbered steps the templates are read by) starts "## <number>.".
const SECTION_HEADING = /^\s*##\s*\d+\./;
// At the editor's usual reading zoom (about 75%) a 1080p window shows roughly 2,400 x 1,200
// canvas px. A line longer than that in x or y cannot be followed on one screen: it crosses the
// canvas. A line running back more than half that width (1,200 px) is a loop-back that n8n
// routes under the nodes it skips, where it reads as part of another branch.
const MAX_EDGE_X = 2400;
const MAX_EDGE_Y = 1200;
const MAX_BACK_X = 1200;

function isSticky(node) {
	return node.type === 'n8n-nodes-base.stickyNote';
}

function boxOf(node, pkgInfo) {
	const [x, y] = Array.isArray(node.position) ? node.position.map(Number) : [NaN, NaN];
	if (isSticky(node)) {
		const p = node.parameters || {};
		return {
			x,
			y,
			w: Number(p.width) || STICKY_DEFAULT.width,
			h: Number(p.height) || STICKY_DEFAULT.height,
		};
	}
	const prefix = `${pkgInfo.packageName}.`;
	const known = node.type.startsWith(prefix) && pkgInfo.nodes.get(node.type.slice(prefix.length));
	return { x, y, w: known && known.wide ? WIDE_NODE_WIDTH : NODE_SIZE, h: NODE_SIZE };
}

/** Open boxes: touching edges do not overlap. */
function overlaps(a, b) {
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function contains(outer, inner) {
	return (
		inner.x >= outer.x &&
		inner.y >= outer.y &&
		inner.x + inner.w <= outer.x + outer.w &&
		inner.y + inner.h <= outer.y + outer.h
	);
}

/** Layout rules for how the template reads on n8n's canvas; `say` gets one message per problem. */
function checkLayout(workflow, pkgInfo, say) {
	const boxes = new Map();
	for (const node of workflow.nodes) {
		if (!node || typeof node.name !== 'string' || typeof node.type !== 'string') continue;
		const box = boxOf(node, pkgInfo);
		if (![box.x, box.y, box.w, box.h].every(Number.isFinite)) {
			say(`node "${node.name}": "position" must be [x, y] numbers`);
			continue;
		}
		boxes.set(node.name, { node, box });
	}
	const stickies = [...boxes.values()].filter((e) => isSticky(e.node));
	const nodes = [...boxes.values()].filter((e) => !isSticky(e.node));
	for (const { node, box } of nodes) {
		const on = stickies.filter((s) => overlaps(box, s.box));
		for (const s of on) {
			if (overlaps(box, { ...s.box, h: Math.min(HEADING_BAND, s.box.h) })) {
				say(
					`node "${node.name}" covers the heading of sticky "${s.node.name}"; move it below the top ${HEADING_BAND} px`,
				);
			}
		}
		if (on.length > 1) {
			say(
				`node "${node.name}" lies in ${on.length} stickies (${on.map((s) => `"${s.node.name}"`).join(', ')}); a node belongs to one section`,
			);
		}
	}
	for (const s of stickies) {
		const content = String((s.node.parameters || {}).content || '');
		if (SECTION_HEADING.test(content) && !nodes.some((n) => contains(s.box, n.box))) {
			say(
				`sticky "${s.node.name}" names a section but holds no node; place that section's nodes inside it`,
			);
		}
	}
	forEachConnection(workflow, (source, target) => {
		const a = boxes.get(source);
		const b = boxes.get(target);
		if (!a || !b) return;
		const dx = b.box.x - a.box.x;
		const dy = b.box.y - a.box.y;
		const edge = `connection "${source}" -> "${target}"`;
		if (dx < -MAX_BACK_X) {
			say(
				`${edge} runs ${-dx} px back to the left (at most ${MAX_BACK_X}); place the target nearer`,
			);
		}
		if (Math.abs(dx) > MAX_EDGE_X || Math.abs(dy) > MAX_EDGE_Y) {
			say(
				`${edge} spans ${Math.abs(dx)} x ${Math.abs(dy)} px (at most ${MAX_EDGE_X} x ${MAX_EDGE_Y}); place the nodes nearer`,
			);
		}
	});
}

function forEachConnection(workflow, visit) {
	for (const [source, byType] of Object.entries(workflow.connections || {})) {
		for (const outputs of Object.values(byType || {})) {
			for (const targets of outputs || []) {
				for (const t of targets || []) if (t) visit(source, t.node);
			}
		}
	}
}

function findSecrets(value, trail, out) {
	if (Array.isArray(value)) {
		value.forEach((v, i) => findSecrets(v, `${trail}[${i}]`, out));
	} else if (value && typeof value === 'object') {
		for (const [key, v] of Object.entries(value)) {
			const here = trail ? `${trail}.${key}` : key;
			if (SECRET_KEY.test(key) && typeof v === 'string' && v.trim() !== '' && !v.startsWith('=')) {
				out.push(here);
			}
			findSecrets(v, here, out);
		}
	}
	return out;
}

function validateTemplate(file, workflow, pkgInfo) {
	const errors = [];
	const name = path.basename(file);
	const say = (msg) => errors.push(`${name}: ${msg}`);
	if (!workflow || typeof workflow !== 'object' || !Array.isArray(workflow.nodes)) {
		say('not a workflow (no "nodes" array)');
		return errors;
	}
	if (
		workflow.connections !== undefined &&
		(typeof workflow.connections !== 'object' || Array.isArray(workflow.connections))
	) {
		say('"connections" must be an object');
	}
	if (workflow.pinData && Object.keys(workflow.pinData).length > 0) {
		say(
			`carries pinData for ${Object.keys(workflow.pinData).join(', ')}; remove it before shipping`,
		);
	}
	const prefix = `${pkgInfo.packageName}.`;
	const names = new Set();
	for (const node of workflow.nodes) {
		const label = `node "${node && node.name}"`;
		if (!node || typeof node.name !== 'string' || typeof node.type !== 'string') {
			say(`${label}: every node needs a string "name" and "type"`);
			continue;
		}
		if (names.has(node.name)) say(`${label}: duplicate node name`);
		names.add(node.name);
		const type = node.type;
		if (type.startsWith('CUSTOM.')) {
			say(
				`${label}: type "${type}" is a dev-mode (custom folder) type; use "${prefix}${type.slice(7)}"`,
			);
		} else if (type.startsWith(prefix)) {
			const short = type.slice(prefix.length);
			const known = pkgInfo.nodes.get(short);
			if (!known) {
				const list = [...pkgInfo.nodes.keys()].join(', ') || 'none';
				say(`${label}: type "${type}" is not a node this package registers (registered: ${list})`);
			} else if (node.typeVersion === undefined) {
				say(`${label}: missing typeVersion (declared: ${known.versions.join(', ')})`);
			} else if (!known.versions.includes(Number(node.typeVersion))) {
				say(
					`${label}: typeVersion ${node.typeVersion} is not declared by ${short} (declared: ${known.versions.join(', ')})`,
				);
			}
		} else if (!BUILT_IN_PREFIXES.some((p) => type.startsWith(p))) {
			say(
				`${label}: type "${type}" is neither "${prefix}*" nor a built-in n8n node (${BUILT_IN_PREFIXES.join(', ')}*)`,
			);
		}
		if (node.typeVersion !== undefined && typeof node.typeVersion !== 'number') {
			say(`${label}: typeVersion must be a number`);
		}
		for (const [credType, ref] of Object.entries(node.credentials || {})) {
			if (
				ref &&
				typeof ref === 'object' &&
				ref.id !== undefined &&
				ref.id !== null &&
				ref.id !== ''
			) {
				say(
					`${label}: credential "${credType}" carries an instance-specific id; keep only its name`,
				);
			}
		}
		for (const where of findSecrets(node.parameters || {}, 'parameters', [])) {
			say(
				`${label}: ${where} holds a literal secret-looking value; use a credential or an expression`,
			);
		}
	}
	for (const source of Object.keys(workflow.connections || {})) {
		if (!names.has(source)) say(`connections: source "${source}" is not a node`);
	}
	forEachConnection(workflow, (source, target) => {
		if (!names.has(target)) say(`connections: "${source}" -> "${target}", which is not a node`);
	});
	checkLayout(workflow, pkgInfo, say);
	for (const where of findSecrets({ settings: workflow.settings, meta: workflow.meta }, '', [])) {
		say(`${where} holds a literal secret-looking value`);
	}
	return errors;
}

/** Validates every workflows/*.json; returns { files, errors }. */
function validateTemplates(rootDir) {
	const dir = path.join(rootDir, 'workflows');
	const files = fs.existsSync(dir)
		? fs
				.readdirSync(dir)
				.filter((f) => f.endsWith('.json'))
				.sort()
				.map((f) => path.join(dir, f))
		: [];
	const pkgInfo = loadPackageNodes(rootDir);
	const errors = [];
	if (files.length > 0) errors.push(...pkgInfo.problems);
	for (const file of files) {
		let workflow;
		try {
			workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch (error) {
			errors.push(`${path.basename(file)}: does not parse as JSON: ${error.message}`);
			continue;
		}
		errors.push(...validateTemplate(file, workflow, pkgInfo));
	}
	return { files, errors, nodes: [...pkgInfo.nodes.keys()] };
}

module.exports = {
	validateTemplates,
	validateTemplate,
	loadPackageNodes,
	describeNode,
	checkLayout,
};
