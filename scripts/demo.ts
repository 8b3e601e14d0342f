/**
 * `npm run demo`: the sandbox, a real n8n with this package installed as a community package,
 * the sandbox credentials and both templates imported (credentials bound by name), both run,
 * and a short summary of what they did.
 *
 *   npm run demo                        run both templates, print the summary, stop everything
 *   npm run demo -- --stack kaseya      the same on Autotask PSA, Datto RMM and IT Glue
 *                                       (SentinelOne stays the EDR)
 *   npm run demo -- --ui                the same, then leave n8n and the sandbox running for the editor
 *   npm run demo -- --screenshots       the same, then save canvas screenshots to docs/images/
 *                                       (default stack only: the images show the shipped templates)
 *   npm run demo -- --help              this text
 *
 * `--stack` picks the vendors: `default` (the templates as shipped: ConnectWise PSA, NinjaOne,
 * SentinelOne, Hudu) or `kaseya`. A non-default stack imports the templates with only each node's
 * provider and credential switched, as a builder does in the editor, and the summary reads that
 * stack's PSA, RMM, EDR and documentation platform. `--ui` works with either stack.
 *
 * `npm run demo` builds the package and installs n8n (scripts/setup-n8n.sh) first.
 *
 * Threat response runs with n8n's own OpenAI Chat Model connected to MSP AI Triage and pointed at
 * the sandbox's OpenAI-compatible model, so that every route shows: rules alone never dismiss.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { startSandbox } from '../sandbox';
import {
	n8nWithPackage,
	type ExecuteResult,
	type N8nInstance,
	type StartedN8n,
} from '../test/e2e/helpers/n8n';
import {
	DEFAULT_STACK,
	KASEYA_STACK,
	loadTemplate,
	onStack,
	withChatModel,
	type Stack,
	type Template,
} from '../test/workflows/templates.expectations';
import { summaryLines, type DemoRuns } from './lib/demo-summary';
import { createProgress } from './lib/progress';

const ROOT = resolve(__dirname, '..');
const REPORTS = join(ROOT, '.cache', 'demo', 'reports');
const OWNER = {
	email: 'demo@msp-orchestration.dev',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Demo-Password-1',
};
/** The shipped templates, imported as they are (the editor and the screenshots show these). */
const TEMPLATES = [
	{ id: 'msp-patch-remediation', file: 'patch-remediation', title: 'Patch remediation' },
	{ id: 'msp-threat-response', file: 'threat-response', title: 'Threat response' },
] as const;
/** The threat template with a chat model connected: the one the demo runs. */
const THREAT_WITH_MODEL = {
	id: 'msp-threat-response-model',
	title: 'Threat response with a model',
};

/** The vendor stacks `--stack` accepts. */
const STACKS: Record<string, Stack> = { default: DEFAULT_STACK, kaseya: KASEYA_STACK };

const argv = process.argv.slice(2);
const args = new Set(argv);
const print = (text: string) => process.stdout.write(`${text}\n`);
const progress = createProgress(print);

/** `--stack <name>` or `--stack=<name>`; the default stack when absent. */
function stackOption(): Stack {
	const at = argv.findIndex((a) => a === '--stack' || a.startsWith('--stack='));
	if (at < 0) return DEFAULT_STACK;
	const name = argv[at].startsWith('--stack=') ? argv[at].slice('--stack='.length) : argv[at + 1];
	const stack =
		name && Object.prototype.hasOwnProperty.call(STACKS, name) ? STACKS[name] : undefined;
	if (!stack)
		fail(
			`Unknown stack ${name ? `"${name}"` : '(none given)'} for --stack: choose one of ${Object.keys(STACKS).join(', ')}.`,
		);
	return stack;
}

function fail(message: string): never {
	process.stderr.write(`${message}\n`);
	process.exit(1);
}

/** The template as the demo imports it: as shipped on the default stack, else switched to the stack's vendors. */
function onDemoStack(template: Template, stack: Stack): Template {
	if (stack === DEFAULT_STACK) return template;
	return { ...onStack(template, stack), name: `${template.name} (${stack.label})` };
}

async function main() {
	const stack = stackOption();
	if (args.has('--screenshots') && stack !== DEFAULT_STACK)
		fail(
			'--screenshots is for the default stack only: it saves the shipped templates for docs/images/.',
		);
	const vendors = stack.label.includes(stack.report.label)
		? stack.label
		: `${stack.label}, ${stack.report.label}`;
	const sandbox = await progress.phase(
		`Starting the sandbox (simulated vendor APIs; this run uses ${vendors} and OpenAI)`,
		() => startSandbox({ port: 0 }),
	);
	// Operations finish on their first status read, so the templates' waits do not sleep.
	sandbox.setTiming({ readsToFinish: 1, msToFinish: 500 });
	const n8n = await progress.phase(
		'Packing this package and installing it into a fresh n8n user folder (npm pack, community package folder)',
		() => n8nWithPackage(),
	);
	await progress.phase('Importing the sandbox credentials and the templates into n8n', async () => {
		await n8n.importCredentials(sandbox.n8nCredentials() as never);
		for (const t of TEMPLATES)
			await n8n.importWorkflow({
				...onDemoStack(loadTemplate(t.file), stack),
				id: t.id,
			});
		await n8n.importWorkflow({
			...withChatModel(onDemoStack(loadTemplate('threat-response'), stack)),
			id: THREAT_WITH_MODEL.id,
		});
	});
	const server = await progress.phase('Starting n8n (serves the approval links)', async () => {
		const started = await n8n.start({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
		await setupOwner(started);
		return started;
	});
	progress.log(`  n8n is listening at ${server.baseUrl}`);

	const runs: DemoRuns<ExecuteResult> = {
		patch: await progress.phase(
			'Running patch remediation (find missing updates, ticket, install, verify, close or escalate, report)',
			() => runTemplate(n8n, server, TEMPLATES[0].id),
		),
		threat: await progress.phase(
			'Running threat response (triage every open threat, contain, ask for approval, ticket, dismiss, report)',
			() => runTemplate(n8n, server, THREAT_WITH_MODEL.id),
		),
	};
	progress.log(
		`  patch remediation ended ${runs.patch.status}; threat response ended ${runs.threat.status}${runs.threat.status === 'waiting' ? ' (it waits for the approval link)' : ''}`,
	);
	const reports = writeReports(runs);
	for (const line of summaryLines(sandbox.world(), runs, reports, REPORTS, stack)) print(line);

	if (args.has('--screenshots'))
		await progress.phase('Saving canvas screenshots', () => screenshots(server));
	if (args.has('--ui')) {
		print('');
		print(`n8n is running at ${server.baseUrl}  (sign in: ${OWNER.email} / ${OWNER.password})`);
		print(`Templates on ${vendors}:`);
		for (const t of [...TEMPLATES, THREAT_WITH_MODEL])
			print(`  ${`${t.title}:`.padEnd(30)} ${server.baseUrl}/workflow/${t.id}`);
		print(`Sandbox: ${sandbox.baseUrl}/_sandbox/state   n8n user folder: ${n8n.userFolder}`);
		print('Press Ctrl+C to stop.');
		const stop = async () => {
			await n8n.dispose();
			await sandbox.stop();
			process.exit(0);
		};
		process.on('SIGINT', () => void stop());
		process.on('SIGTERM', () => void stop());
		return;
	}
	await progress.phase('Stopping n8n and the sandbox', async () => {
		await n8n.dispose();
		await sandbox.stop();
	});
}

/** `n8n execute` with resume URLs pointing at the running server, which serves /webhook-waiting. */
async function runTemplate(
	n8n: N8nInstance,
	server: StartedN8n,
	id: string,
): Promise<ExecuteResult> {
	const run = await n8n.execute(id, {
		env: { WEBHOOK_URL: `${server.baseUrl}/`, N8N_DEFAULT_BINARY_DATA_MODE: 'default' },
	});
	if (!['success', 'waiting'].includes(String(run.status))) {
		throw new Error(
			`${id} ended with ${run.status}: ${JSON.stringify(run.error)}\n${run.stderr.slice(-2000)}`,
		);
	}
	return run;
}

/** A fresh n8n asks for an owner account; the REST endpoint the setup screen uses creates it. */
async function setupOwner(server: StartedN8n) {
	const response = await fetch(`${server.baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!response.ok)
		throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
}

/** The HTML reports the Compliance/Incident Report nodes attached, written to .cache/demo/reports. */
function writeReports(runs: DemoRuns): string[] {
	mkdirSync(REPORTS, { recursive: true });
	const written: string[] = [];
	for (const [template, run, node] of [
		['patch-remediation', runs.patch, 'Compliance Report'],
		['threat-response', runs.threat, 'Incident Report'],
	] as const) {
		const items = run.run?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? [];
		for (const item of items as Array<{
			json: { client: string };
			binary?: { html?: { data?: string; fileName?: string } };
		}>) {
			const data = item.binary?.html?.data;
			if (!data || data === 'filesystem-v2') continue;
			const file = join(
				REPORTS,
				`${template}-${item.json.client.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}.html`,
			);
			writeFileSync(file, Buffer.from(data, 'base64'));
			written.push(file);
		}
	}
	return written;
}

/** Canvas screenshots of both templates in n8n's editor, headless chromium, into docs/images/. */
async function screenshots(server: StartedN8n) {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { chromium } = require('playwright-core') as typeof import('playwright-core');
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		const page = await browser.newPage({
			viewport: { width: 2400, height: 1000 },
			deviceScaleFactor: 1.5,
		});
		await page.goto(`${server.baseUrl}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]')
			.first()
			.fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 60000 });
		const dir = join(ROOT, 'docs', 'images');
		mkdirSync(dir, { recursive: true });
		for (const t of TEMPLATES) {
			await page.goto(`${server.baseUrl}/workflow/${t.id}`);
			await page.locator('.vue-flow__node').first().waitFor({ timeout: 60000 });
			await page.waitForTimeout(2500);
			// Fit the whole workflow into view ("1" is n8n's zoom-to-fit shortcut), close any dialog first.
			await page.keyboard.press('Escape');
			await page
				.locator('.vue-flow__pane, #canvas')
				.first()
				.click({ position: { x: 10, y: 10 }, force: true })
				.catch(() => undefined);
			await page.keyboard.press('1');
			await page.waitForTimeout(1500);
			const file = join(dir, `template-${t.file}.png`);
			await page.screenshot({ path: file });
			progress.log(`  screenshot: ${file}`);
		}
	} finally {
		await browser.close();
	}
}

if (args.has('--help')) {
	print(
		[
			'Usage: npm run demo [-- [--stack default|kaseya] [--ui] [--screenshots]]',
			'  --stack kaseya  run the templates on Autotask PSA, Datto RMM and IT Glue (SentinelOne stays the EDR);',
			'                  default: the templates as shipped (ConnectWise PSA, NinjaOne, SentinelOne, Hudu)',
			'  --ui            leave n8n and the sandbox running afterwards, with links to the workflows',
			'  --screenshots   save canvas screenshots of the shipped templates to docs/images/ (default stack only)',
		].join('\n'),
	);
	process.exit(0);
}
if (!existsSync(join(ROOT, 'dist')) || readdirSync(join(ROOT, 'dist')).length === 0) {
	print('dist/ is missing: run `npm run build` first (npm run demo does).');
	process.exit(1);
}
main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
