import { mkdirSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import type {
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

import { MspAiTriage } from '../../nodes/MspAiTriage/MspAiTriage.node';
import { OUTPUT_NAMES } from '../../nodes/MspAiTriage/actions/properties';
import { MspEdr } from '../../nodes/MspEdr/MspEdr.node';
import { MspEdrTrigger } from '../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { MspPsa } from '../../nodes/MspPsa/MspPsa.node';
import { MspReport } from '../../nodes/MspReport/MspReport.node';
import { MspRmm } from '../../nodes/MspRmm/MspRmm.node';
import { loadTemplate } from '../workflows/templates.expectations';
import {
	canvasNode,
	choose,
	credentialDisplayNames,
	launchChromium,
	openNode,
	openWorkflow,
	optionsOf,
	parameter,
	shownValue,
	signIn,
} from './helpers/editor';
import { n8nWithPackage, PACKAGE_NAME, REPO_ROOT, type N8nInstance } from './helpers/n8n';
import { N8nRest } from './helpers/rest';

// The docs' editor images are refreshed only on request, so a test run never changes the clone.
const IMAGES = process.env.UPDATE_DOC_IMAGES
	? join(REPO_ROOT, 'docs', 'images')
	: mkdtempSync(join(tmpdir(), 'msp-editor-'));

const NODES: INodeTypeDescription[] = [
	new MspPsa().description,
	new MspRmm().description,
	new MspEdr().description,
	new MspEdrTrigger().description,
	new MspReport().description,
	new MspAiTriage().description,
];

const labelsOf = (property: INodeProperties | undefined) =>
	((property?.options ?? []) as INodePropertyOptions[]).map((o) => o.name);
const propertyOf = (node: INodeTypeDescription, name: string) =>
	node.properties.find((p) => p.name === name);
/** The operations offered for a resource with a provider chosen (some exist for one vendor only). */
const operationsOf = (node: INodeTypeDescription, resource: string, provider: string) =>
	node.properties
		.filter((p) => {
			const show = p.displayOptions?.show ?? {};
			return (
				p.name === 'operation' &&
				(show.resource as string[] | undefined)?.includes(resource) &&
				((show.provider as string[] | undefined) ?? [provider]).includes(provider)
			);
		})
		.flatMap(labelsOf);
/** The credential the node asks for with this provider chosen (and every other condition met). */
const credentialFor = (node: INodeTypeDescription, provider: string) =>
	(node.credentials ?? []).find(
		(c: INodeCredentialDescription) =>
			!(c.displayOptions?.hide?.provider ?? []).includes(provider) &&
			(c.displayOptions?.show?.provider ?? [provider]).includes(provider),
	)!.name;

/** Every label the editor's dropdown offers starts with one we declared (name, then description). */
const expectOffers = (shown: string[], declared: string[]) =>
	expect(shown).toEqual(
		expect.arrayContaining(
			declared.map((label) =>
				expect.stringMatching(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
			),
		),
	);
/** The credential slot names the credential type without its " API" ending ("Connect to MSP Hudu"). */
const credentialShown = (displayName: string) => displayName.replace(/ API$/, '');
const imageName = (node: INodeTypeDescription) =>
	`editor-${node.name.replace(/^msp/, '').replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.png`;

/**
 * The package's nodes in the editor of a real n8n 2.41, in headless Chromium: what a user sees and
 * can switch in each node's panel, what the node creator lists, and the templates' canvases.
 */
describe('nodes in the n8n editor', () => {
	let n8n: N8nInstance;
	let baseUrl: string;
	let browser: Browser;
	let page: Page;
	const credentialNames = credentialDisplayNames();

	beforeAll(async () => {
		mkdirSync(IMAGES, { recursive: true });
		n8n = await n8nWithPackage();
		await n8n.importWorkflow({
			id: 'editorNodes0001',
			name: 'Every MSP node',
			nodes: NODES.map((node, i) => ({
				id: `node-${i}`,
				name: node.displayName,
				type: `${PACKAGE_NAME}.${node.name}`,
				typeVersion: 1,
				position: [i * 240, 0],
				parameters: {},
			})),
			connections: {},
			active: false,
			settings: {},
		});
		await n8n.importWorkflow({ ...loadTemplate('patch-remediation'), id: 'editorPatch0001' });
		await n8n.importWorkflow({ ...loadTemplate('threat-response'), id: 'editorThreat001' });
		const server = await n8n.start();
		baseUrl = server.baseUrl;
		await new N8nRest(() => baseUrl).setupOwner();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(15_000);
		await signIn(page, baseUrl);
	});
	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
	});

	describe.each(NODES.filter((n) => propertyOf(n, 'provider')).map((n) => [n.displayName, n]))(
		'%s panel',
		(_name, node) => {
			beforeAll(async () => {
				await openWorkflow(page, baseUrl, 'editorNodes0001');
				await openNode(page, node.displayName);
			});
			afterAll(async () => {
				await page.screenshot({ path: join(IMAGES, imageName(node)) });
			});

			it('shows the Provider and switches it, and the credential follows the provider', async () => {
				const providers = propertyOf(node, 'provider')!.options as INodePropertyOptions[];
				expect(await parameter(page, 'provider').isVisible()).toBe(true);
				expectOffers(
					await optionsOf(page, 'provider'),
					providers.map((p) => p.name),
				);
				// Last provider first, so the panel ends on the node's default for the screenshot.
				for (const provider of [...providers].reverse()) {
					await choose(page, 'provider', provider.name);
					expect(await shownValue(page, 'provider')).toBe(provider.name);
					const credential = credentialNames[credentialFor(node, String(provider.value))];
					if (node.name === 'mspReport') continue; // asked for by Publish only, below
					await expect(
						page.getByTestId('credentials-label').first().textContent(),
					).resolves.toContain(credentialShown(credential));
				}
			});

			const resource = propertyOf(node, 'resource');
			if (resource)
				it('shows Resource and Operation and switches between every resource', async () => {
					const provider = propertyOf(node, 'provider')!;
					const defaultProvider = (provider.options as INodePropertyOptions[]).find(
						(p) => p.value === provider.default,
					)!;
					await choose(page, 'provider', defaultProvider.name);
					const resources = resource!.options as INodePropertyOptions[];
					expectOffers(
						await optionsOf(page, 'resource'),
						resources.map((r) => r.name),
					);
					const ordered = [
						...resources.filter((r) => r.value !== resource!.default),
						resources.find((r) => r.value === resource!.default)!,
					];
					for (const option of ordered) {
						await choose(page, 'resource', option.name);
						expect(await shownValue(page, 'resource')).toBe(option.name);
						expect(await parameter(page, 'operation').isVisible()).toBe(true);
						const operations = operationsOf(
							node,
							String(option.value),
							String(defaultProvider.value),
						);
						expectOffers(await optionsOf(page, 'operation'), operations);
					}
				});
		},
	);

	it('MSP Report asks for the Hudu credential when Publish is chosen, and for none to build', async () => {
		await openWorkflow(page, baseUrl, 'editorNodes0001');
		await openNode(page, 'MSP Report');
		await choose(page, 'resource', 'Evidence');
		expect(await page.getByTestId('credentials-label').count()).toBe(0);
		await choose(page, 'resource', 'Report');
		await choose(page, 'operation', 'Publish');
		await expect(page.getByTestId('credentials-label').first().textContent()).resolves.toContain(
			credentialShown(credentialNames.mspHuduApi),
		);
	});

	it('MSP AI Triage: the model notice reads true with and without a model', async () => {
		const triage = NODES.find((n) => n.name === 'mspAiTriage')!;
		await openWorkflow(page, baseUrl, 'editorNodes0001');
		await openNode(page, triage.displayName);
		const notice = propertyOf(triage, 'modelNotice')!.displayName;
		expect(await page.getByText(notice).isVisible()).toBe(true);
		expect(notice).toMatch(/optional/i);
		await page.screenshot({ path: join(IMAGES, imageName(triage)) });
	});

	it('searching "OpenAI" in the node creator lists n8n\'s OpenAI Chat Model above MSP AI Triage', async () => {
		await openWorkflow(page, baseUrl, 'editorNodes0001');
		await page.getByTestId('node-creator-plus-button').click();
		await page.getByTestId('node-creator-search-bar').fill('OpenAI');
		const names = page.getByTestId('node-creator').getByTestId('node-creator-item-name');
		await names.filter({ hasText: /^OpenAI Chat Model$/ }).waitFor();
		const listed = (await names.allTextContents()).map((n) => n.trim());
		expect(listed).toContain('OpenAI Chat Model');
		const triage = listed.indexOf('MSP AI Triage');
		if (triage >= 0) expect(triage).toBeGreaterThan(listed.indexOf('OpenAI Chat Model'));
		await page.keyboard.press('Escape');
	});

	it.each([
		['patch-remediation', 'editorPatch0001'],
		['threat-response', 'editorThreat001'],
	])('the %s template draws on the canvas', async (template, id) => {
		const workflow = loadTemplate(template as 'patch-remediation' | 'threat-response');
		// Wide enough that a whole template reads as an overview.
		await page.setViewportSize({ width: 2400, height: 1300 });
		await openWorkflow(page, baseUrl, id);
		const drawn = await page
			.getByTestId('canvas-node')
			.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name')));
		expect(drawn.sort()).toEqual(
			(workflow.nodes as Array<{ name: string; type: string }>)
				.filter((n) => n.type !== 'n8n-nodes-base.stickyNote')
				.map((n) => n.name)
				.sort(),
		);
		if (template === 'threat-response') {
			// Every route label of MSP AI Triage is shown whole, not cut off with an ellipsis.
			const labels = page.locator(
				'[data-test-id="canvas-node-output-handle"][data-node-name="MSP AI Triage"] [class*="_label_"]',
			);
			const shown = await labels.evaluateAll((els) =>
				els.map((e) => ({ text: e.textContent?.trim(), cut: e.scrollWidth > e.clientWidth })),
			);
			expect(shown).toEqual(OUTPUT_NAMES.map((text) => ({ text, cut: false })));
			await canvasNode(page, 'MSP AI Triage').waitFor();
		}
		await page.screenshot({ path: join(IMAGES, `template-${template}.png`) });
	});
});
