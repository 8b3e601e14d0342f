#!/usr/bin/env node
/**
 * Runs n8n's community-package scanner (the verification gate) on this repository.
 *
 *   node scripts/scan-package.mjs source                 package.json + {nodes,credentials}/** of the repo
 *   node scripts/scan-package.mjs dist                   `npm pack` (needs a build), unpack, scan **\/*.js + package.json
 *   node scripts/scan-package.mjs dist --tarball <tgz>   scan an existing tarball instead of packing
 *
 * The scanner lints with `allowInlineConfig: false`: eslint-disable comments do not count.
 * Exit code 1 on any error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_FILE_PATTERNS = ['**/*.js', 'package.json'];

const [mode, ...rest] = process.argv.slice(2);
const tarballFlag = rest.indexOf('--tarball');
const givenTarball = tarballFlag >= 0 ? resolve(rest[tarballFlag + 1] ?? '') : undefined;

function fail(message) {
	console.error(`[scan] ${message}`);
	process.exit(1);
}

async function scan(label, dir, patterns) {
	console.log(`[scan] ${label}: ${dir} (${patterns.join(', ')})`);
	const result = await analyzePackage(dir, patterns);
	if (result.details) console.log(result.details);
	if (!result.passed) {
		console.error(`[scan] ${label}: FAILED: ${result.message}`);
		return false;
	}
	console.log(`[scan] ${label}: passed${result.message ? ` (${result.message})` : ''}`);
	return true;
}

function packAndUnpack(work) {
	let tarball = givenTarball;
	if (!tarball) {
		if (!existsSync(join(ROOT, 'dist'))) fail('dist/ is missing: run `npm run build` first');
		const out = execFileSync(
			'npm',
			['pack', '--pack-destination', work, '--json', '--ignore-scripts'],
			{
				cwd: ROOT,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		const [info] = JSON.parse(out);
		tarball = join(work, info.filename);
		console.log(`[scan] packed ${info.filename}: ${info.entryCount} files, ${info.size} bytes`);
	}
	if (!existsSync(tarball)) fail(`tarball not found: ${tarball}`);
	const unpacked = join(work, 'unpacked');
	execFileSync('mkdir', ['-p', unpacked]);
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
	const [top] = readdirSync(unpacked);
	return join(unpacked, top);
}

let passed;
if (mode === 'source') {
	passed = await scan('source', ROOT, SOURCE_FILE_PATTERNS);
} else if (mode === 'dist') {
	const work = mkdtempSync(join(tmpdir(), 'msp-scan-'));
	try {
		passed = await scan('tarball', packAndUnpack(work), DIST_FILE_PATTERNS);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
} else {
	fail('usage: scan-package.mjs <source|dist> [--tarball <file.tgz>]');
}
process.exit(passed ? 0 : 1);
