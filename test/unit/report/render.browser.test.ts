import { existsSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { chromium, type Browser } from 'playwright-core';

import { buildReports } from '../../../nodes/MspReport/report/aggregate';
import { renderHtml } from '../../../nodes/MspReport/report/render/html';
import {
	DEFAULT_SLA_HOURS,
	DEFAULT_THRESHOLDS,
} from '../../../nodes/MspReport/actions/report/settings';
import { previousMonth } from '../../fixtures/period';
import { demoEvidence } from './demoEvidence';
import { withoutFakeTime } from '../helpers/withoutFakeTime';

const CHROMIUM = '/usr/bin/chromium';
/** Last month's report, built the morning after the month ended. */
const PERIOD = previousMonth();
const AFTER_PERIOD = new Date(PERIOD.end.getTime() + 1 + 6 * 3_600_000);
// The README's example image is refreshed only on request, so a test run never changes the clone.
const SCREENSHOT = process.env.UPDATE_DOC_IMAGES
	? path.resolve(__dirname, '../../../docs/images/report-example.png')
	: path.join(tmpdir(), `msp-report-example-${process.pid}.png`);

/** Renders the report in Debian's headless chromium: what a client opens or prints. */
describe('HTML report in a real browser', () => {
	let browser: Browser;

	beforeAll(async () => {
		if (!existsSync(CHROMIUM)) {
			throw new Error(
				`Chromium is missing at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium"`,
			);
		}
		browser = await chromium.launch({
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
			// The browser only renders a finished page: it runs on the real clock even when the tests run under faketime,
			// whose preloaded library stalls Chromium's page loads.
			env: withoutFakeTime(process.env),
		});
	}, 60_000);
	afterAll(async () => browser?.close());

	const [report] = buildReports(demoEvidence(), {
		periodStart: PERIOD.start,
		periodEnd: PERIOD.end,
		now: AFTER_PERIOD,
		slaHours: DEFAULT_SLA_HOURS,
		knownClients: [],
		titleTemplate: 'Compliance report {client} {period}',
		timeZone: 'UTC',
	});

	it('renders without errors or network requests and shows the client, KPIs and charts', async () => {
		const page = await browser.newPage({ viewport: { width: 1040, height: 900 } });
		const problems: string[] = [];
		const requests: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error' || message.type() === 'warning')
				problems.push(`console ${message.type()}: ${message.text()}`);
		});
		page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
		page.on('request', (request) => {
			if (!request.url().startsWith('data:') && request.url() !== 'about:blank')
				requests.push(request.url());
		});
		await page.setContent(renderHtml(report, DEFAULT_THRESHOLDS), { waitUntil: 'load' });

		expect(await page.title()).toBe(`Compliance report Bright Smile Dental ${PERIOD.label}`);
		expect(await page.textContent('[data-client]')).toBe('Bright Smile Dental');
		expect(await page.textContent('[data-kpi="Compliance"] .value')).toBe(
			`${report.kpis.compliancePercent}%`,
		);
		expect(await page.textContent('[data-kpi="Within SLA"] .value')).toBe(
			`${report.kpis.withinSlaPercent}%`,
		);
		expect(await page.textContent('body')).toContain('90th percentile time to remediate');
		const ring = await page.$('svg[data-chart="compliance"]');
		const bars = await page.$('svg[data-chart="outcomes"]');
		expect(ring).not.toBeNull();
		expect(bars).not.toBeNull();
		const box = await ring!.boundingBox();
		expect(box!.width).toBeGreaterThan(100);
		expect(await page.$$eval('svg[data-chart="outcomes"] rect', (rects) => rects.length)).toBe(6);
		expect(problems).toEqual([]);
		expect(requests).toEqual([]);

		mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
		await page.screenshot({ path: SCREENSHOT, fullPage: true });
		expect(existsSync(SCREENSHOT)).toBe(true);
		await page.close();
	}, 60_000);

	it('prints: the print stylesheet applies and the report paginates into a PDF', async () => {
		const page = await browser.newPage();
		await page.setContent(renderHtml(report, DEFAULT_THRESHOLDS), { waitUntil: 'load' });
		await page.emulateMedia({ media: 'print' });
		// Runs in the page: the browser's getComputedStyle, not a Node global.
		const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
		expect(background).toBe('rgb(255, 255, 255)');
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
		await page.close();
	}, 60_000);

	it('an empty period renders the explicit no-activity notice', async () => {
		const [empty] = buildReports([], {
			...reportSettingsOf(),
			knownClients: ['Harper & Lowe LLP'],
		});
		const page = await browser.newPage();
		await page.setContent(renderHtml(empty, DEFAULT_THRESHOLDS), { waitUntil: 'load' });
		expect(await page.textContent('[data-no-activity]')).toContain('No activity in period.');
		expect(await page.textContent('[data-client]')).toBe('Harper & Lowe LLP');
		await page.close();
	}, 60_000);
});

function reportSettingsOf() {
	return {
		periodStart: PERIOD.start,
		periodEnd: PERIOD.end,
		now: AFTER_PERIOD,
		slaHours: DEFAULT_SLA_HOURS,
		knownClients: [] as string[],
		titleTemplate: 'Compliance report {client} {period}',
		timeZone: 'UTC',
	};
}
