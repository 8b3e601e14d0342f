import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspHuduApi } from '../../../credentials/MspHuduApi.credentials';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { HuduSlice } from '../../../sandbox/vendors/hudu/store';
import { buildReports } from '../../../nodes/MspReport/report/aggregate';
import { DEFAULT_SLA_HOURS } from '../../../nodes/MspReport/report/sla';
import { previousMonth } from '../../fixtures/period';
import { fakeExecuteContext } from '../helpers/fakeContext';

const PERIOD = previousMonth();

/**
 * A Build Report item for `client`: one patch record per device, remediated or failed, recorded `hour` hours before
 * the period's end (a later run passes a smaller `hour`, so its records are newer).
 */
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
			{
				at,
				action: 'install patch',
				result: outcome === 'remediated' ? 'installed' : 'error 0x80070643',
			},
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
const FIVE = { ...FOUR, 'WS-4': 'remediated', 'WS-5': 'remediated' } as const;

describe('MSP Report Publish to Hudu under concurrency', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setLatency(0);
	});

	const hudu = () => sandbox.world().vendors.hudu as HuduSlice;
	const client = () => sandbox.world().clients[0];

	async function publish(items: IDataObject[]) {
		const entry = sandbox.n8nCredentials().find((c) => c.type === 'mspHuduApi')!;
		const { ctx } = fakeExecuteContext({
			items,
			parameters: (name, i) =>
				({
					resource: 'report',
					operation: 'publish',
					provider: 'hudu',
					company: { mode: 'name', value: items[i].client },
					articleTitle: items[i].title,
					tileTitle: 'Patch compliance',
					tileKpi: 'patchCompliance',
					publishOptions: { concurrency: 4 },
				})[name],
			credentials: { mspHuduApi: { ...(entry.data as ICredentialDataDecryptedObject) } },
			credentialTypes: [new MspHuduApi()],
		});
		const [out] = await new MspReport().execute.call(ctx);
		return out.map((o) => o.json);
	}

	const liveArticles = (title: string) =>
		hudu().articles.filter(
			(a) => a.company_id === client().ids.huduCompanyId && a.name === title && !a.archived,
		);

	it('three items for one client and title in one execution make one article and one tile', async () => {
		const name = client().name;
		// Three runs: the first patches half the devices, each later one fixes one more (it covers only that device).
		const out = await publish([
			report(name, FOUR, 72),
			report(name, { 'WS-3': 'remediated' }, 48),
			report(name, { 'WS-4': 'remediated' }, 24),
		]);
		const title = String(out[0].article && (out[0].article as IDataObject).title);
		expect(liveArticles(title)).toHaveLength(1);
		expect(hudu().articles.filter((a) => a.name === title)).toHaveLength(1);
		expect(out.map((o) => (o.article as IDataObject).action)).toEqual([
			'created',
			'updated',
			'updated',
		]);
		const tiles = hudu().magicDash.filter(
			(m) => m.company_id === client().ids.huduCompanyId && m.title === 'Patch compliance',
		);
		expect(tiles).toHaveLength(1);
		// Items took turns in input order, each merged into what the one before wrote: all four devices are patched.
		expect(tiles[0].message).toContain('100%');
		expect(out.map((o) => (o.kpis as IDataObject).compliancePercent)).toEqual([50, 75, 100]);
		expect(out.map((o) => (o.kpis as IDataObject).devicesInScope)).toEqual([4, 4, 4]);
	});

	it('two executions at the same moment leave one live article: the oldest, newer ones archived', async () => {
		sandbox.setLatency(15);
		const name = client().name;
		const [first, second] = await Promise.all([
			publish([report(name, FIVE)]),
			publish([report(name, FIVE)]),
		]);
		sandbox.setLatency(0);
		const title = String((first[0].article as IDataObject).title);
		const all = hudu().articles.filter((a) => a.name === title);
		const live = liveArticles(title);
		expect(live).toHaveLength(1);
		const kept = live[0];
		expect(all.every((a) => a.id >= kept.id)).toBe(true);
		// Both executions return the kept article; an archived duplicate is reported by the one that archived it.
		expect((first[0].article as IDataObject).id).toBe(String(kept.id));
		expect((second[0].article as IDataObject).id).toBe(String(kept.id));
		const archived = all.filter((a) => a.archived).map((a) => String(a.id));
		const reported = [first, second].flatMap(
			(out) => (out[0].article as IDataObject).duplicatesArchived as string[],
		);
		expect([...new Set(reported)].sort()).toEqual(archived.sort());
		// The race did happen (both looked before either created).
		expect(archived.length).toBeGreaterThan(0);
		expect(kept.content).toContain('80%');
		// A later publish finds and updates the kept article.
		const again = await publish([report(name, { 'WS-3': 'remediated' }, 24)]);
		expect(again[0].article).toMatchObject({ id: String(kept.id), action: 'updated' });
		// It read the kept article's records back: the fix of WS-3 completes the five devices.
		expect(again[0].kpis).toMatchObject({ devicesInScope: 5, compliancePercent: 100 });
		expect(liveArticles(title)).toHaveLength(1);
	});
});
