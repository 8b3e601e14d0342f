/**
 * `npm run demo`: the sandbox, a real n8n with this package installed as a community package,
 * the sandbox credentials and both templates imported (credentials bound by name), both run,
 * and a short summary of what they did.
 *
 *   npm run demo                    run both templates, print the summary, stop everything
 *   npm run demo -- --ui            the same, then leave n8n and the sandbox running for the editor
 *   npm run demo -- --screenshots   the same, then save canvas screenshots to docs/images/
 *
 * `npm run demo` builds the package and installs n8n (scripts/setup-n8n.sh) first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { startSandbox, type Sandbox, type World } from '../sandbox';
import type { CwSlice } from '../sandbox/vendors/connectwise-psa/data';
import type { HuduSlice } from '../sandbox/vendors/hudu/store';
import { n8nWithPackage, type ExecuteResult, type N8nInstance, type StartedN8n } from '../test/e2e/helpers/n8n';

const ROOT = resolve(__dirname, '..');
const REPORTS = join(ROOT, '.cache', 'demo', 'reports');
const OWNER = { email: 'demo@msp-orchestration.dev', firstName: 'Demo', lastName: 'Owner', password: 'Demo-Password-1' };
const TEMPLATES = [
	{ id: 'msp-patch-remediation', file: 'patch-remediation' },
	{ id: 'msp-threat-response', file: 'threat-response' },
] as const;

const args = new Set(process.argv.slice(2));
const log = (text: string) => process.stdout.write(`${text}\n`);

async function main() {
	log('Starting the sandbox (simulated ConnectWise, Halo, NinjaOne, Automate, SentinelOne, Defender, Hudu, OpenAI)...');
	const sandbox = await startSandbox({ port: 0 });
	// Operations finish on their first status read, so the templates' waits do not sleep.
	sandbox.setTiming({ readsToFinish: 1, msToFinish: 500 });
	log('Installing the package into a fresh n8n (npm pack, community package folder)...');
	const n8n = await n8nWithPackage();
	await n8n.importCredentials(sandbox.n8nCredentials() as never);
	for (const t of TEMPLATES) {
		const workflow = JSON.parse(readFileSync(join(ROOT, 'workflows', `${t.file}.json`), 'utf8')) as Record<string, unknown>;
		await n8n.importWorkflow({ ...workflow, id: t.id });
	}
	log('Starting n8n...');
	const server = await n8n.start({ env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
	await setupOwner(server);

	const runs: Record<string, ExecuteResult> = {};
	for (const t of TEMPLATES) {
		log(`Running ${t.file}...`);
		runs[t.file] = await n8n.execute(t.id, { env: { WEBHOOK_URL: `${server.baseUrl}/`, N8N_DEFAULT_BINARY_DATA_MODE: 'default' } });
		if (!['success', 'waiting'].includes(String(runs[t.file].status))) {
			throw new Error(`${t.file} ended with ${runs[t.file].status}: ${JSON.stringify(runs[t.file].error)}\n${runs[t.file].stderr.slice(-2000)}`);
		}
	}
	const reports = writeReports(runs);
	printSummary(sandbox.world(), runs, reports);

	if (args.has('--screenshots')) await screenshots(server);
	if (args.has('--ui')) {
		log('');
		log(`n8n is running at ${server.baseUrl}  (sign in: ${OWNER.email} / ${OWNER.password})`);
		log(`  Patch remediation: ${server.baseUrl}/workflow/${TEMPLATES[0].id}`);
		log(`  Threat response:   ${server.baseUrl}/workflow/${TEMPLATES[1].id}`);
		log(`Sandbox: ${sandbox.baseUrl}/_sandbox/state   n8n user folder: ${n8n.userFolder}`);
		log('Press Ctrl+C to stop.');
		const stop = async () => {
			await n8n.dispose();
			await sandbox.stop();
			process.exit(0);
		};
		process.on('SIGINT', () => void stop());
		process.on('SIGTERM', () => void stop());
		return;
	}
	await n8n.dispose();
	await sandbox.stop();
}

/** A fresh n8n asks for an owner account; the REST endpoint the setup screen uses creates it. */
async function setupOwner(server: StartedN8n) {
	const response = await fetch(`${server.baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!response.ok) throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
}

/** The HTML reports the Compliance/Incident Report nodes attached, written to .cache/demo/reports. */
function writeReports(runs: Record<string, ExecuteResult>): string[] {
	mkdirSync(REPORTS, { recursive: true });
	const written: string[] = [];
	for (const [template, node] of [['patch-remediation', 'Compliance Report'], ['threat-response', 'Incident Report']] as const) {
		const items = runs[template].run?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? [];
		for (const item of items as Array<{ json: { client: string }; binary?: { html?: { data?: string; fileName?: string } } }>) {
			const data = item.binary?.html?.data;
			if (!data || data === 'filesystem-v2') continue;
			const file = join(REPORTS, `${template}-${item.json.client.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}.html`);
			writeFileSync(file, Buffer.from(data, 'base64'));
			written.push(file);
		}
	}
	return written;
}

function printSummary(world: World, runs: Record<string, ExecuteResult>, reports: string[]) {
	const cw = world.vendors['connectwise-psa'] as CwSlice;
	const hudu = world.vendors.hudu as HuduSlice;
	const patchTickets = cw.tickets.filter((t) => t.externalXRef?.startsWith('patch:'));
	const threatTickets = cw.tickets.filter((t) => t.externalXRef?.startsWith('edr-threat:'));
	const contained = world.threats.filter((t) => t.mitigationStatus === 'mitigated');
	const waiting = runs['threat-response'].status === 'waiting' ? runs['threat-response'].outputOf('Awaiting Approval') : [];
	log('');
	log('Summary');
	log('=======');
	log(`Tickets: ${patchTickets.length + threatTickets.length} created, ${[...patchTickets, ...threatTickets].filter((t) => t.closedFlag).length} closed`);
	log(`Patching: ${patchTickets.filter((t) => t.closedFlag).length} devices patched and verified, ${patchTickets.filter((t) => !t.closedFlag).length} escalated (failed install, offline after reboot, or updates not approved)`);
	log(`Threats: ${contained.length} contained and cleaned (${contained.map((t) => world.devices.find((d) => d.key === t.deviceKey)?.hostname).join(', ')}), ${world.threats.filter((t) => t.verdict === 'falsePositive').length} dismissed, ${threatTickets.filter((t) => !t.closedFlag).length} tickets open for a technician`);
	log(`Approvals pending: ${waiting.length}${waiting.map((w) => ` ${String(w.device)} (ticket ${String(w.ticketReference)})`).join(',')}; the approve/reject link is in the ticket note`);
	log('Compliance per client (Hudu tiles):');
	for (const client of world.clients) {
		const tiles = hudu.magicDash.filter((m) => m.company_id === client.ids.huduCompanyId);
		log(`  ${client.name}: ${tiles.map((t) => `${t.title}: ${t.message}`).join(' | ') || 'no tile'}`);
	}
	log(reports.length ? `HTML reports: ${REPORTS}${'\n'}${reports.map((r) => `  ${r}`).join('\n')}` : 'HTML reports: none were attached to the run output');
}

/** Canvas screenshots of both templates in n8n's editor, headless chromium, into docs/images/. */
async function screenshots(server: StartedN8n) {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { chromium } = require('playwright-core') as typeof import('playwright-core');
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 2400, height: 1000 }, deviceScaleFactor: 1.5 });
		await page.goto(`${server.baseUrl}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
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
			await page.locator('.vue-flow__pane, #canvas').first().click({ position: { x: 10, y: 10 }, force: true }).catch(() => undefined);
			await page.keyboard.press('1');
			await page.waitForTimeout(1500);
			const file = join(dir, `template-${t.file}.png`);
			await page.screenshot({ path: file });
			log(`Screenshot: ${file}`);
		}
	} finally {
		await browser.close();
	}
}

if (!existsSync(join(ROOT, 'dist')) || readdirSync(join(ROOT, 'dist')).length === 0) {
	log('dist/ is missing: run `npm run build` first (npm run demo does).');
	process.exit(1);
}
main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
