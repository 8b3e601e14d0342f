import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import { withoutFakeTime } from '../../unit/helpers/withoutFakeTime';
import { REPO_ROOT } from './n8n';
import { OWNER } from './rest';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's headless Chromium; n8n's editor marks its elements with data-test-id. */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium"`,
		);
	}
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		// faketime's preloaded library stalls Chromium: the browser runs on the real clock.
		env: withoutFakeTime(process.env),
	});
}

/** Signs the owner (set up through the REST API) in through the editor's sign-in form. */
export async function signIn(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(OWNER.email);
	await page.locator('input[name="password"]').fill(OWNER.password);
	await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 60_000 });
}

/** Opens a stored workflow on the canvas and waits until its nodes are drawn. */
export async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.getByTestId('canvas-node').first().waitFor({ timeout: 60_000 });
}

export const canvasNode = (page: Page, name: string): Locator =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

/** Opens a node's panel (NDV) by double-clicking it on the canvas. */
export async function openNode(page: Page, name: string): Promise<void> {
	await canvasNode(page, name).dblclick();
	await page.locator('[data-test-id="ndv"] [data-test-id^="parameter-input-"]').first().waitFor();
}

export const parameter = (page: Page, name: string): Locator =>
	page.getByTestId(`parameter-input-${name}`);

/** The value a dropdown parameter shows. */
export async function shownValue(page: Page, name: string): Promise<string> {
	return await parameter(page, name).locator('input').first().inputValue();
}

const openOptions = (page: Page) => page.locator('[role="option"]:visible');

/** The option labels a dropdown parameter offers (its open list), closing it again. */
export async function optionsOf(page: Page, name: string): Promise<string[]> {
	await parameter(page, name).click();
	await openOptions(page).first().waitFor();
	const labels = (await openOptions(page).allTextContents()).map((l) => l.trim());
	await page.keyboard.press('Escape');
	await openOptions(page).first().waitFor({ state: 'detached' });
	return labels;
}

/** Picks an option of a dropdown parameter by its label, as a user does. */
export async function choose(page: Page, name: string, label: string): Promise<void> {
	await parameter(page, name).click();
	await openOptions(page).filter({ hasText: label }).first().click();
	await openOptions(page).first().waitFor({ state: 'detached' });
}

/** Display names of this package's credential types, by type name (`mspHuduApi` -> `MSP Hudu API`). */
export function credentialDisplayNames(): Record<string, string> {
	const folder = join(REPO_ROOT, 'credentials');
	const names: Record<string, string> = {};
	for (const file of readdirSync(folder).filter((f) => f.endsWith('.credentials.ts'))) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(join(folder, file)) as Record<
			string,
			new () => { name: string; displayName: string }
		>;
		const Type = module[file.replace('.credentials.ts', '')];
		if (Type) {
			const credential = new Type();
			names[credential.name] = credential.displayName;
		}
	}
	return names;
}
