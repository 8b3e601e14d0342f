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
 *   no literal values under secret-looking keys (apiKey, password, secret, token, ...).
 */
const fs = require('fs');
const path = require('path');

const BUILT_IN_PREFIXES = ['n8n-nodes-base.', '@n8n/n8n-nodes-langchain.'];
const SECRET_KEY =
	/(api[-_]?key|password|passwd|secret|private[-_]?key|token|bearer|authorization)$/i;

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
		const instance = new NodeClass();
		const description = instance.description || {};
		if (!description.name) {
			problems.push(`${rel}: node description has no name`);
			continue;
		}
		let versions;
		let usableAsTool = false;
		if (instance.nodeVersions) {
			versions = Object.keys(instance.nodeVersions).map(Number);
			usableAsTool = Object.values(instance.nodeVersions).some(
				(n) => n.description && n.description.usableAsTool,
			);
		} else {
			versions = [].concat(description.version === undefined ? 1 : description.version).map(Number);
			usableAsTool = Boolean(description.usableAsTool);
		}
		nodes.set(description.name, { file: rel, versions });
		if (usableAsTool) nodes.set(`${description.name}Tool`, { file: rel, versions });
	}
	return { packageName: pkg.name, nodes, problems };
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
	for (const [source, byType] of Object.entries(workflow.connections || {})) {
		if (!names.has(source)) say(`connections: source "${source}" is not a node`);
		for (const outputs of Object.values(byType || {})) {
			for (const targets of outputs || []) {
				for (const t of targets || []) {
					if (t && !names.has(t.node))
						say(`connections: "${source}" -> "${t.node}", which is not a node`);
				}
			}
		}
	}
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

module.exports = { validateTemplates, validateTemplate, loadPackageNodes };
