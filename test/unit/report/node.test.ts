import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspHuduApi } from '../../../credentials/MspHuduApi.credentials';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { documentationProvider } from '../../../nodes/MspReport/providers';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { HuduSlice } from '../../../sandbox/vendors/hudu/store';
import { previousMonth } from '../../fixtures/period';
import { fakeExecuteContext } from '../helpers/fakeContext';

/** Fixtures live in the previous calendar month, so SLA deadlines are judged at the period's end on any day. */
const PERIOD = previousMonth();
const { day, beforeEnd, label: LABEL } = PERIOD;

const EVIDENCE = (client: string) => [
	// Critical, installed 40 h after release against a 14-day SLA.
	{
		client,
		device: 'WS01',
		kind: 'patch',
		reference: 'KB5045935',
		severity: 'critical',
		detectedAt: day(10, '17:00'),
		remediatedAt: day(12, '09:00'),
		verifiedAt: day(12, '10:00'),
		verifiedHow: 'Patch re-scan',
		outcome: 'remediated',
		actions: [],
	},
	// Critical, install failed; its SLA ends after the period, so the failure is the only exception.
	{
		client,
		device: 'WS03',
		kind: 'patch',
		reference: 'KB5045935',
		severity: 'critical',
		detectedAt: beforeEnd(5 * 24),
		outcome: 'failed',
		actions: [{ at: beforeEnd(4 * 24), action: 'install patch', result: 'error 0x80070643' }],
	},
];

const INCIDENTS = (client: string) => [
	// Critical, isolated and resolved in 2 h against a 4 h SLA.
	{
		client,
		device: 'WS01',
		kind: 'incident',
		reference: 'T-1',
		severity: 'critical',
		detectedAt: day(10),
		remediatedAt: day(10, '02:00'),
		verifiedAt: day(10, '03:00'),
		verifiedHow: 'EDR scan',
		outcome: 'remediated',
		actions: [{ at: day(10, '00:05'), action: 'isolate device' }],
	},
	// High, process killed, resolved in 30 h against a 24 h SLA: late.
	{
		client,
		device: 'WS02',
		kind: 'incident',
		reference: 'T-2',
		severity: 'high',
		detectedAt: day(12),
		remediatedAt: day(13, '06:00'),
		verifiedAt: day(13, '07:00'),
		verifiedHow: 'EDR scan',
		outcome: 'remediated',
		actions: [{ at: day(12, '01:00'), action: 'kill process' }],
	},
	// Medium, still open and not due before the period ends: not measured.
	{
		client,
		device: 'WS03',
		kind: 'incident',
		reference: 'T-3',
		severity: 'medium',
		detectedAt: beforeEnd(36),
		outcome: 'pending',
		actions: [],
	},
];

const buildParams = {
	resource: 'report',
	operation: 'build',
	provider: 'hudu',
	period: 'custom',
	periodStart: PERIOD.startDay,
	periodEnd: PERIOD.endDay,
	reportOptions: {},
};

async function build(items: IDataObject[], reportOptions: IDataObject = {}) {
	const { ctx } = fakeExecuteContext({ items, parameters: { ...buildParams, reportOptions } });
	const [out] = await new MspReport().execute.call(ctx);
	return out;
}

describe('MSP Report node', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => sandbox.reset());

	const huduCredentials = () => {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspHuduApi')!;
		return { mspHuduApi: entry.data as ICredentialDataDecryptedObject };
	};

	const publish = async (items: IDataObject[], extra: IDataObject = {}, continueOnFail = false) => {
		const { ctx, requests } = fakeExecuteContext({
			items,
			parameters: (name, i) =>
				({
					resource: 'report',
					operation: 'publish',
					provider: 'hudu',
					company: { mode: 'name', value: items[i].client },
					articleTitle: items[i].title,
					tileTitle: 'Patch compliance',
					publishOptions: { concurrency: 2 },
					...extra,
				})[name],
			credentials: huduCredentials(),
			credentialTypes: [new MspHuduApi()],
			continueOnFail,
		});
		const [out] = await new MspReport().execute.call(ctx);
		return { out, requests };
	};

	describe('build evidence record', () => {
		it('outputs validated records and rejects incomplete ones naming the fields', async () => {
			const params = {
				resource: 'evidence',
				operation: 'build',
				client: 'Acme',
				device: 'WS01',
				kind: 'patch',
				severity: 'high',
				detectedAt: day(1),
				outcome: 'installed',
				reference: 'KB1',
				remediatedAt: '',
				verifiedAt: '',
				verifiedHow: '',
				ticketReference: '#42',
				actions: [],
				evidenceOptions: {},
			};
			const { ctx } = fakeExecuteContext({ items: [{}], parameters: params });
			const [[item]] = await new MspReport().execute.call(ctx);
			expect(item.json).toMatchObject({
				client: 'Acme',
				outcome: 'remediated',
				ticketReference: '#42',
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			const broken = fakeExecuteContext({
				items: [{}],
				parameters: { ...params, client: '', detectedAt: 'soon' },
			});
			await expect(new MspReport().execute.call(broken.ctx)).rejects.toThrow(
				/client: is required.*detectedAt: "soon" is not a valid ISO 8601 date/,
			);
			const lenient = fakeExecuteContext({
				items: [{}],
				parameters: { ...params, client: '' },
				continueOnFail: true,
			});
			const [[errorItem]] = await new MspReport().execute.call(lenient.ctx);
			expect(errorItem.json.error).toMatch(/client: is required/);
		});
	});

	describe('build report', () => {
		it('one item per client with KPIs, HTML, Markdown and CSV binaries paired to its evidence', async () => {
			const out = await build([
				...EVIDENCE('Bright Smile Dental'),
				...EVIDENCE('Northwind Logistics'),
			]);
			expect(out.map((i) => i.json.client)).toEqual(['Bright Smile Dental', 'Northwind Logistics']);
			const [first] = out;
			expect(first.json.kpis).toMatchObject({
				devicesInScope: 2,
				compliancePercent: 50,
				patchesInstalled: 1,
				patchesFailed: 1,
			});
			expect(first.json.evidence).toBeUndefined();
			expect(first.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
			expect(out[1].pairedItem).toEqual([{ item: 2 }, { item: 3 }]);
			expect(Object.keys(first.binary!)).toEqual(['html', 'markdown', 'csv']);
			expect(first.binary!.html).toMatchObject({
				mimeType: 'text/html',
				fileName: `compliance-report-bright-smile-dental-${PERIOD.startDay}-${PERIOD.endDay}.html`,
			});
			const html = Buffer.from(first.binary!.html.data, 'base64').toString('utf8');
			expect(html).toContain('<svg class="chart" data-chart="compliance"');
			expect(html).not.toMatch(/<link|<script|src="http/);
			const csv = Buffer.from(first.binary!.csv.data, 'base64').toString('utf8').split('\r\n');
			expect(csv[0]).toBe(
				'client,device,kind,reference,severity,outcome,detectedAt,slaDueAt,remediatedAt,verifiedAt,verifiedHow,ticketReference,hoursToRemediate,withinSla,counted',
			);
			expect(csv[1]).toBe(
				`Bright Smile Dental,WS01,patch,KB5045935,critical,remediated,${day(10, '17:00')},${day(24, '17:00').replace('Z', '.000Z')},${day(12, '09:00')},${day(12, '10:00')},Patch re-scan,,40,true,true`,
			);
			const md = Buffer.from(first.binary!.markdown.data, 'base64').toString('utf8');
			expect(md).toContain('| Compliant devices | 1 (50%) |');
		});

		it('includes evidence rows with Include Raw, and escapes what could inject', async () => {
			const hostile = {
				...EVIDENCE('Acme <script>alert(1)</script>')[0],
				device: '=HYPERLINK("x")',
			};
			const [item] = await build([hostile], { includeRaw: true });
			expect((item.json.evidence as IDataObject[]).length).toBe(1);
			const html = Buffer.from(item.binary!.html.data, 'base64').toString('utf8');
			expect(html).not.toContain('<script>alert(1)');
			expect(html).toContain('&lt;script&gt;');
			const csv = Buffer.from(item.binary!.csv.data, 'base64').toString('utf8');
			expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
		});

		it("follows the workflow's time zone, or the Time Zone option, and says which", async () => {
			const { ctx } = fakeExecuteContext({
				items: EVIDENCE('Bright Smile Dental'),
				parameters: { ...buildParams, reportOptions: {} },
			});
			(ctx as { getTimezone?: () => string }).getTimezone = () => 'America/New_York';
			const [[inZone]] = await new MspReport().execute.call(ctx);
			const period = inZone.json.period as { start: string; timeZone: string; label: string };
			expect(period.timeZone).toBe('America/New_York');
			// The custom days are whole New York days: midnight there is 04:00 or 05:00 UTC.
			expect(Date.parse(period.start) - PERIOD.start.getTime()).toBeGreaterThanOrEqual(
				4 * 3_600_000,
			);
			expect(period.label).toBe(LABEL);
			const html = Buffer.from(inZone.binary!.html.data, 'base64').toString('utf8');
			expect(html).toContain(`Period: ${LABEL} (America/New_York)`);
			expect(inZone.binary!.html.fileName).toContain(`${PERIOD.startDay}-${PERIOD.endDay}`);

			const [option] = await build(EVIDENCE('Bright Smile Dental'), { timeZone: 'Asia/Tokyo' });
			expect((option.json.period as { timeZone: string }).timeZone).toBe('Asia/Tokyo');
		});

		it('refuses a time zone it does not know, naming the option', async () => {
			await expect(build([{}], { timeZone: 'Mars/Olympus_Mons' })).rejects.toThrow(
				'Time Zone "Mars/Olympus_Mons" is not a known time zone',
			);
		});

		it('rejects a custom period that ends before it starts', async () => {
			const { ctx } = fakeExecuteContext({
				items: [{}],
				parameters: {
					...buildParams,
					periodStart: new Date(PERIOD.end.getTime() + 1).toISOString().slice(0, 10),
					periodEnd: PERIOD.startDay,
				},
			});
			await expect(new MspReport().execute.call(ctx)).rejects.toThrow(
				'Period Start and Period End must be valid dates with the start before the end',
			);
		});
	});

	describe('publish to Hudu (sandbox)', () => {
		it('is idempotent: twice leaves one article and one tile per client, updated', async () => {
			const clients = sandbox
				.world()
				.clients.slice(0, 2)
				.map((c) => c.name);
			const reports = (await build(clients.flatMap(EVIDENCE))).map((i) => i.json);
			const hudu = () => sandbox.world().vendors.hudu as HuduSlice;
			const articlesBefore = hudu().articles.length;

			const first = await publish(reports);
			expect(
				first.out.map((i) => [
					i.json.client,
					(i.json.article as IDataObject).action,
					(i.json.tile as IDataObject).action,
				]),
			).toEqual([
				[clients[0], 'created', 'created'],
				[clients[1], 'created', 'created'],
			]);
			expect(first.out[0].json.tile).toMatchObject({
				message: `50% compliant (${LABEL}) · 1 exception`,
				status: 'bad',
			});

			// The second run reinstalls on WS03 alone and succeeds: the period now counts both devices as patched.
			const rerun = (
				await build(
					clients.map((client) => ({
						...EVIDENCE(client)[1],
						outcome: 'remediated',
						remediatedAt: beforeEnd(2 * 24),
						verifiedAt: beforeEnd(2 * 24 - 1),
						verifiedHow: 'Patch re-scan',
						actions: [{ at: beforeEnd(2 * 24), action: 'install patch', result: 'installed' }],
					})),
				)
			).map((i) => i.json);
			expect(rerun[0].kpis).toMatchObject({ devicesInScope: 1 });
			const improved = rerun;
			const second = await publish(improved);
			expect(
				second.out.map((i) => [
					(i.json.article as IDataObject).action,
					(i.json.tile as IDataObject).action,
				]),
			).toEqual([
				['updated', 'updated'],
				['updated', 'updated'],
			]);
			expect(hudu().articles.length).toBe(articlesBefore + 2);
			for (const [index, name] of clients.entries()) {
				const companyId = sandbox.world().clients[index].ids.huduCompanyId;
				const articles = hudu().articles.filter(
					(a) => a.company_id === companyId && a.name === `Compliance report ${name} ${LABEL}`,
				);
				expect(articles).toHaveLength(1);
				expect(articles[0].content).toContain('100%');
				const tiles = hudu().magicDash.filter(
					(m) => m.company_id === companyId && m.title === 'Patch compliance',
				);
				expect(tiles).toHaveLength(1);
				expect(tiles[0]).toMatchObject({
					shade: 'success',
					message: `100% compliant (${LABEL})`,
					content_link: (second.out[index].json.article as IDataObject).url,
				});
			}
			expect(second.out[0].json.company).toEqual({
				id: String(sandbox.world().clients[0].ids.huduCompanyId),
				name: clients[0],
				url: expect.stringContaining('/c/'),
			});
			// Every request carried the key in x-api-key and went to Hudu's /api/v1 paths.
			expect(
				new Set(
					second.requests.map(
						(r) => `${r.method} ${new URL(r.url).pathname.replace(/\d+$/, ':id')}`,
					),
				),
			).toEqual(
				new Set([
					'GET /hudu/api/v1/companies',
					'GET /hudu/api/v1/articles',
					'PUT /hudu/api/v1/articles/:id',
					'GET /hudu/api/v1/magic_dash',
					'POST /hudu/api/v1/magic_dash',
				]),
			);
		});

		it('an incident report gets an incident tile (share resolved within SLA), published idempotently', async () => {
			const client = sandbox.world().clients[1];
			const [report] = (await build(INCIDENTS(client.name))).map((i) => i.json);
			const tiles = () =>
				(sandbox.world().vendors.hudu as HuduSlice).magicDash.filter(
					(m) => m.company_id === client.ids.huduCompanyId && m.title === 'Security incidents',
				);
			const first = await publish([report], { tileTitle: 'Security incidents' });
			expect(first.out[0].json.tile).toMatchObject({
				message: `3 incidents, 2 contained, 50% resolved within SLA (${LABEL}) · 1 exception`,
				status: 'bad',
				action: 'created',
			});
			const second = await publish([report], { tileTitle: 'Security incidents' });
			expect(second.out[0].json.tile).toMatchObject({
				message: (first.out[0].json.tile as IDataObject).message,
				action: 'updated',
			});
			expect(tiles()).toHaveLength(1);
			expect(tiles()[0]).toMatchObject({
				shade: 'danger',
				message: `3 incidents, 2 contained, 50% resolved within SLA (${LABEL}) · 1 exception`,
			});
			// Chosen explicitly, a patch report can still get an incident tile and an incident report a compliance tile.
			const forced = await publish([report], {
				tileTitle: 'Security incidents',
				tileKpi: 'patchCompliance',
			});
			expect((forced.out[0].json.tile as IDataObject).message).toBe(
				`100% compliant (${LABEL}) · 1 exception`,
			);
			const [patchReport] = (await build(EVIDENCE(client.name))).map((i) => i.json);
			const none = await publish([patchReport], {
				articleTitle: `Patch report ${client.name}`,
				tileTitle: 'Security incidents',
				tileKpi: 'incidents',
			});
			expect(none.out[0].json.tile).toMatchObject({
				message: `No incidents in ${LABEL} · 1 exception`,
				status: 'good',
			});
			expect(tiles()).toHaveLength(1);
		});

		it('refuses an unknown Tile Shows value before any request', async () => {
			const [report] = (await build(INCIDENTS(sandbox.world().clients[0].name))).map((i) => i.json);
			const { out, requests } = await publish([report], { tileKpi: 'uptime' }, true);
			expect(out[0].json.error).toBe('Tile Shows "uptime" is not supported');
			expect(requests).toHaveLength(0);
		});

		it('finds the company by PSA integration id', async () => {
			const client = sandbox.world().clients[2];
			const [report] = (await build(EVIDENCE(client.name))).map((i) => i.json);
			const { out } = await publish([report], {
				company: { mode: 'integrationId', value: String(client.ids.connectwiseCompanyId) },
			});
			expect((out[0].json.company as IDataObject).id).toBe(String(client.ids.huduCompanyId));
		});

		it('an unknown company is a clear error; continue-on-fail gives an error item and goes on', async () => {
			const [ghost] = (await build(EVIDENCE('Ghost Holdings'))).map((i) => i.json);
			await expect(publish([ghost])).rejects.toThrow('Hudu has no company named "Ghost Holdings"');
			const [real] = (await build(EVIDENCE(sandbox.world().clients[0].name))).map((i) => i.json);
			const { out } = await publish([ghost, real], {}, true);
			expect(out[0].json.error).toBe('Hudu has no company named "Ghost Holdings"');
			expect(out[0].pairedItem).toEqual({ item: 0 });
			expect((out[1].json.article as IDataObject).action).toBe('created');
		});

		it("keeps Hudu's 422 message and details", async () => {
			const [report] = (await build(EVIDENCE(sandbox.world().clients[0].name))).map((i) => i.json);
			const { out } = await publish([report], { company: { mode: 'id', value: '999' } }, true);
			expect(out[0].json.error).toBe('Hudu has no company with id "999"');
			const { ctx } = fakeExecuteContext({
				parameters: {},
				credentials: huduCredentials(),
				credentialTypes: [new MspHuduApi()],
			});
			const provider = documentationProvider(ctx, 'hudu');
			const error = await provider
				.upsertArticle({
					company: { id: '999', name: 'Gone Ltd' },
					title: 'Report',
					html: '<p>x</p>',
				})
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toContain('Unable to process request: Company must exist');
			expect(JSON.stringify(error)).not.toContain('sandbox-hudu-key');
		});

		it('refuses items that are not reports before any request', async () => {
			const { out, requests } = await publish([{ client: 'Acme', title: 'x' }], {}, true);
			expect(out[0].json.error).toBe('Publish expects the items of a Build Report operation');
			expect(requests).toHaveLength(0);
		});

		it('dry run looks the company up and returns the first write instead of sending it', async () => {
			const [report] = (await build(EVIDENCE(sandbox.world().clients[0].name))).map((i) => i.json);
			const { out } = await publish([report], { publishOptions: { dryRun: true } });
			expect(out[0].json).toMatchObject({
				dryRun: true,
				operation: 'create report article',
				request: { method: 'POST' },
			});
			expect(JSON.stringify(out[0].json)).not.toContain('sandbox-hudu-key');
			expect(
				(sandbox.world().vendors.hudu as HuduSlice).articles.some((a) =>
					a.name.startsWith('Compliance report'),
				),
			).toBe(false);
		});
	});
});
