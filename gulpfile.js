'use strict';
/**
 * Post-tsc build steps (package.json: `rimraf dist && tsc -p tsconfig.json && gulp build`):
 * copy icons, make sure codex files sit next to the compiled nodes, validate the templates.
 */
const fs = require('fs');
const path = require('path');
const { src, dest, series, parallel } = require('gulp');
const { validateTemplates } = require('./scripts/lib/validate-templates');

const ROOT = __dirname;
const DIST = path.join(ROOT, 'dist');

const existing = (dirs) => dirs.filter((d) => fs.existsSync(path.join(ROOT, d)));

/** nodes/, credentials/ and icons/ images keep their paths under dist/ (binary-safe: encoding off). */
function copyIcons() {
	// One pattern per folder: a brace pattern over the root would make the glob walk node_modules.
	const patterns = existing(['nodes', 'credentials', 'icons']).map((d) => `${d}/**/*.{svg,png}`);
	return src(patterns.length ? patterns : ['nodes/**/*.svg'], {
		cwd: ROOT,
		base: ROOT,
		encoding: false,
		allowEmpty: true,
	}).pipe(dest(DIST));
}

/** JSON schemas some nodes load at runtime, as `n8n-node build` copies them. */
function copySchemas() {
	const patterns = existing(['nodes', 'credentials']).map((d) => `${d}/**/__schema__/**/*.json`);
	return src(patterns.length ? patterns : ['nodes/**/__schema__/**/*.json'], {
		cwd: ROOT,
		base: ROOT,
		allowEmpty: true,
	}).pipe(dest(DIST));
}

function listFiles(dir, test, out = []) {
	if (!fs.existsSync(dir)) return out;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) listFiles(full, test, out);
		else if (test(entry.name)) out.push(full);
	}
	return out;
}

/** tsc emits nodes/**\/*.node.json (tsconfig includes them); copy any it did not. */
function ensureCodex(done) {
	let copied = 0;
	for (const file of listFiles(path.join(ROOT, 'nodes'), (n) => n.endsWith('.node.json'))) {
		const target = path.join(DIST, path.relative(ROOT, file));
		if (!fs.existsSync(target)) {
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.copyFileSync(file, target);
			copied++;
		}
		const compiled = target.replace(/\.node\.json$/, '.node.js');
		if (!fs.existsSync(compiled)) {
			return done(
				new Error(
					`codex ${path.relative(ROOT, file)} has no compiled node next to it (${path.relative(ROOT, compiled)})`,
				),
			);
		}
	}
	if (copied) console.log(`[build] copied ${copied} codex file(s) tsc did not emit`);
	done();
}

/** Every workflows/*.json must be importable into an n8n that has this package installed. */
function validateTemplatesTask(done) {
	const { files, errors, nodes } = validateTemplates(ROOT);
	if (errors.length > 0) {
		const err = new Error(`template validation failed:\n  - ${errors.join('\n  - ')}`);
		err.showStack = false;
		return done(err);
	}
	console.log(
		`[build] ${files.length} template(s) valid against nodes: ${nodes.join(', ') || 'none'}`,
	);
	done();
}

exports['build:icons'] = copyIcons;
exports['validate:templates'] = validateTemplatesTask;
exports.build = series(parallel(copyIcons, copySchemas), ensureCodex, validateTemplatesTask);
exports.default = exports.build;
