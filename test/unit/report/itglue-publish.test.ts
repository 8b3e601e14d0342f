import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspItGlueApi } from '../../../credentials/MspItGlueApi.credentials';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { itGlueErrorMessage } from '../../../nodes/MspReport/providers/itGlue/client';
import { buildReports } from '../../../nodes/MspReport/report/aggregate';
import { DEFAULT_SLA_HOURS } from '../../../nodes/MspReport/report/sla';
import { readEmbeddedEvidence } from '../../../nodes/MspReport/report/store';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { itGlue as itGlueVendor } from '../../../sandbox/vendors/itglue';
import { itGlueOrganizationId, type ItGlueSlice } from '../../../sandbox/vendors/itglue/store';
import { previousMonth } from '../../fixtures/period';
import { fakeExecuteContext } from '../helpers/fakeContext';

const PERIOD = previousMonth();

/** A Build Report item for `client`: one patch record per device, recorded `hour` hours before the period's end. */
function report(
	client: string,
	devices: Record<string, 'remediated' | 'failed'>,
	hour = 48,
): IDataObject {
	const at = PERIOD.beforeEnd(hour);
	const records = Object.entries(devices).map(([device, outcome]) => ({
		client,
		device,
		kind: 'patch',
		reference: 'KB5045935',
		severity: 'critical',
		detectedAt: PERIOD.beforeEnd(10 * 24),
		outcome,
		...(outcome === 'remediated' ? { remediatedAt: at, verifiedAt: at } : {}),
		actions: [
			{ at, action: 'install patch', result: outcome === 'remediated' ? 'installed' : 'error' },
		],
	}));
	const [built] = buildReports(records, {
		periodStart: PERIOD.start,
		periodEnd: PERIOD.end,
		now: new Date(PERIOD.end.getTime() + 1),
		slaHours: DEFAULT_SLA_HOURS,
		knownClients: [],
		titleTemplate: 'Compliance report {client} {period}',
		timeZone: 'UTC',
	});
	const { evidence: _evidence, itemIndexes: _indexes, ...item } = built;
	return item as unknown as IDataObject;
}

const FOUR = {
	'WS-1': 'remediated',
	'WS-2': 'remediated',
	'WS-3': 'failed',
	'WS-4': 'failed',
} as const;

describe('MSP Report Publish to IT Glue', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setLatency(0);
		sandbox.setFaults({ profile: 'none' });
	});

	const itGlue = () => sandbox.world().vendors.itglue as ItGlueSlice;
	const client = (index = 0) => sandbox.world().clients[index];
	const organizationId = (index = 0) => itGlueOrganizationId(sandbox.world(), client(index));
	const reportType = () => itGlue().flexibleAssetTypes.filter((t) => t.name === 'MSP Report');
	const liveReports = (index: number, title: string) =>
		itGlue().flexibleAssets.filter(
			(a) => a['organization-id'] === organizationId(index) && a.name === title && !a.archived,
		);

	async function publish(
		items: IDataObject[],
		company?: (i: number) => IDataObject,
		continueOnFail = false,
	) {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspItGlueApi')!;
		const { ctx, requests } = fakeExecuteContext({
			items,
			parameters: (name, i) =>
				({
					resource: 'report',
					operation: 'publish',
					provider: 'itGlue',
					company: company?.(i) ?? { mode: 'name', value: items[i].client },
					articleTitle: items[i].title,
					tileTitle: 'Patch compliance',
					tileKpi: 'patchCompliance',
					publishOptions: { concurrency: 4 },
				})[name],
			credentials: { mspItGlueApi: { ...(entry.data as ICredentialDataDecryptedObject) } },
			credentialTypes: [new MspItGlueApi()],
			continueOnFail,
		});
		const [out] = await new MspReport().execute.call(ctx);
		return { out: out.map((o) => o.json), requests };
	}

	const noPasswordCalls = () =>
		expect(
			sandbox.requests.query({ vendor: 'itglue' }).filter((r) => /password/i.test(r.path)),
		).toEqual([]);

	it('publishing twice leaves one report asset per client, updated in place, with the evidence kept in it', async () => {
		const items = [report(client(0).name, FOUR), report(client(1).name, { 'WS-1': 'remediated' })];
		const first = await publish(items);
		expect(first.out.map((o) => (o.article as IDataObject).action)).toEqual(['created', 'created']);
		expect(reportType()).toHaveLength(1);
		expect(reportType()[0].fields.map((f) => f['name-key'])).toEqual(['title', 'report']);

		// The second run fixes WS-3 only; the asset's stored records still count the other three.
		const second = await publish([
			report(client(0).name, { 'WS-3': 'remediated' }, 24),
			report(client(1).name, { 'WS-1': 'remediated' }),
		]);
		expect(second.out.map((o) => (o.article as IDataObject).action)).toEqual([
			'updated',
			'updated',
		]);
		expect(second.out[0].kpis).toMatchObject({ devicesInScope: 4, compliancePercent: 75 });
		expect(reportType()).toHaveLength(1);
		for (const index of [0, 1]) {
			const title = String((second.out[index].article as IDataObject).title);
			const live = liveReports(index, title);
			expect(live).toHaveLength(1);
			expect(itGlue().flexibleAssets.filter((a) => a.name === title)).toHaveLength(1);
			expect((second.out[index].article as IDataObject).id).toBe(String(live[0].id));
		}
		const stored = readEmbeddedEvidence(
			String(liveReports(0, String((second.out[0].article as IDataObject).title))[0].traits.report),
		);
		expect(stored.records.map((r) => r.device).sort()).toEqual(['WS-1', 'WS-2', 'WS-3', 'WS-4']);
		// IT Glue has no status tile: the output says so instead of failing.
		expect(second.out[0].tile).toMatchObject({
			action: 'skipped',
			status: expect.any(String),
			reason: expect.stringContaining('IT Glue has no status tile'),
		});
		expect(second.out[0].article).toMatchObject({ url: expect.stringContaining('/records/') });
		noPasswordCalls();
	});

	it('two executions at the same moment leave one live report asset: the oldest, newer ones archived', async () => {
		// The type exists already, as after any first publish; the race is on the asset.
		await publish([report(client(1).name, { 'WS-1': 'remediated' })]);
		sandbox.setLatency(15);
		const name = client(0).name;
		const [first, second] = await Promise.all([
			publish([report(name, FOUR)]),
			publish([report(name, FOUR)]),
		]);
		sandbox.setLatency(0);
		const title = String((first.out[0].article as IDataObject).title);
		const all = itGlue().flexibleAssets.filter((a) => a.name === title);
		const live = liveReports(0, title);
		expect(live).toHaveLength(1);
		expect(all.every((a) => a.id >= live[0].id)).toBe(true);
		expect((first.out[0].article as IDataObject).id).toBe(String(live[0].id));
		expect((second.out[0].article as IDataObject).id).toBe(String(live[0].id));
		const archived = all.filter((a) => a.archived).map((a) => String(a.id));
		// The race did happen (both looked before either created), and the archive is reported.
		expect(archived.length).toBeGreaterThan(0);
		const reported = [first, second].flatMap(
			(run) => (run.out[0].article as IDataObject).duplicatesArchived as string[],
		);
		expect([...new Set(reported)].sort()).toEqual(archived.sort());
		const again = await publish([report(name, { 'WS-3': 'remediated' }, 24)]);
		expect(again.out[0].article).toMatchObject({ id: String(live[0].id), action: 'updated' });
		expect(liveReports(0, title)).toHaveLength(1);
		noPasswordCalls();
	});

	it('publishes to an organization picked by id', async () => {
		const { out } = await publish([report(client(2).name, FOUR)], () => ({
			mode: 'id',
			value: String(organizationId(2)),
		}));
		expect(out[0].company).toMatchObject({ id: String(organizationId(2)), name: client(2).name });
		expect(liveReports(2, String((out[0].article as IDataObject).title))).toHaveLength(1);
	});

	it('an organization name two organizations share is an error listing both', async () => {
		const twin = { ...itGlue().organizations[0], id: 2899001 };
		itGlue().organizations.push(twin);
		const { out } = await publish([report(client(0).name, FOUR)], undefined, true);
		expect(String(out[0].error)).toContain(
			`IT Glue has 2 companies named "${client(0).name}" (ids ${organizationId(0)}, 2899001)`,
		);
		expect(itGlue().flexibleAssets.filter((a) => a['organization-id'] === twin.id)).toEqual([]);
	});

	it("keeps IT Glue's JSON:API error in the node error", async () => {
		// An "MSP Report" type made by hand without the Report field: IT Glue refuses the trait.
		const at = itGlue().flexibleAssetTypes[0]['created-at'];
		itGlue().flexibleAssetTypes.push({
			...itGlue().flexibleAssetTypes[0],
			id: 150,
			name: 'MSP Report',
			'created-at': at,
			fields: [{ ...itGlue().flexibleAssetTypes[0].fields[0], name: 'Title', 'name-key': 'title' }],
		});
		await expect(publish([report(client(0).name, FOUR)])).rejects.toThrow(
			'Unprocessable Entity: report is not a field of MSP Report (/data/attributes/traits/report)',
		);
		expect(
			itGlueErrorMessage({
				errors: [
					{
						source: { pointer: '/data/attributes/configuration-type' },
						detail: 'must exist',
						title: 'Unprocessable Entity',
						status: 422,
					},
					{
						status: 422,
						title: 'Valid organization_id is required',
						source: { pointer: 'data/attributes/organization_id' },
					},
				],
			}),
		).toBe(
			'Unprocessable Entity: must exist (/data/attributes/configuration-type); Valid organization_id is required (data/attributes/organization_id)',
		);
	});

	it('refuses By Integration ID before any request', async () => {
		const { out, requests } = await publish(
			[report(client(0).name, FOUR)],
			() => ({ mode: 'integrationId', value: '250' }),
			true,
		);
		expect(String(out[0].error)).toContain('"By Integration ID" is not available for IT Glue');
		expect(requests).toEqual([]);
	});

	it('a 429 under the throttled profile is waited out: the publish still ends with one asset', async () => {
		// IT Glue's policy with a budget of four in a 0.6 s window, so the test meets a 429 at once.
		const small = await startSandbox({
			port: 0,
			vendors: [{ ...itGlueVendor, throttle: { ...itGlueVendor.throttle!, limit: 4 } }],
		});
		try {
			small.setFaults({ profile: 'throttled', throttleWindowScale: 0.002 });
			const entry = small.n8nCredentials().find((c) => c.type === 'mspItGlueApi')!;
			const item = report(small.world().clients[0].name, FOUR);
			const { ctx } = fakeExecuteContext({
				items: [item],
				parameters: {
					resource: 'report',
					operation: 'publish',
					provider: 'itGlue',
					company: { mode: 'name', value: item.client },
					articleTitle: item.title,
					tileTitle: 'Patch compliance',
					publishOptions: {},
				},
				credentials: { mspItGlueApi: { ...(entry.data as ICredentialDataDecryptedObject) } },
				credentialTypes: [new MspItGlueApi()],
			});
			const [out] = await new MspReport().execute.call(ctx);
			expect(out[0].json.article).toMatchObject({ action: 'created' });
			const log = small.requests.query({ vendor: 'itglue' });
			expect(log.some((r) => r.status === 429)).toBe(true);
			const slice = small.world().vendors.itglue as ItGlueSlice;
			expect(slice.flexibleAssets.filter((a) => a.name === item.title)).toHaveLength(1);
			expect(log.filter((r) => /password/i.test(r.path))).toEqual([]);
		} finally {
			await small.stop();
		}
	});
});
