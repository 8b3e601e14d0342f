import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { MspHuduApi } from '../../../credentials/MspHuduApi.credentials';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { HuduSlice } from '../../../sandbox/vendors/hudu/store';
import { previousMonth } from '../../fixtures/period';
import { fakeExecuteContext } from '../helpers/fakeContext';

const PERIOD = previousMonth();

/** A Build Report item reduced to what Publish reads. */
function report(client: string, compliancePercent: number): IDataObject {
	return {
		client,
		title: `Compliance report ${client} ${PERIOD.label}`,
		period: {
			start: PERIOD.start.toISOString(),
			end: PERIOD.end.toISOString(),
			label: PERIOD.label,
			timeZone: 'UTC',
		},
		generatedAt: PERIOD.end.toISOString(),
		noActivity: false,
		kpis: {
			devicesInScope: 4,
			compliantDevices: Math.round((4 * compliancePercent) / 100),
			compliancePercent,
			patchesInstalled: 3,
			patchesFailed: 1,
			patchesPending: 0,
			incidentsDetected: 0,
			incidentsContained: 0,
			incidentsResolved: 0,
			remediated: 3,
			meanHoursToRemediate: 20,
			p90HoursToRemediate: 30,
			slaMeasured: 3,
			withinSla: 3,
			withinSlaPercent: 100,
			incidentSlaMeasured: 0,
			incidentsWithinSla: 0,
			incidentsWithinSlaPercent: null,
			exceptions: 0,
		},
		exceptions: [],
	};
}

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
		const out = await publish([report(name, 50), report(name, 75), report(name, 100)]);
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
		// Items took turns in input order: the last one's report is what the tile shows.
		expect(tiles[0].message).toContain('100%');
	});

	it('two executions at the same moment leave one live article: the oldest, newer ones archived', async () => {
		sandbox.setLatency(15);
		const name = client().name;
		const [first, second] = await Promise.all([
			publish([report(name, 80)]),
			publish([report(name, 80)]),
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
		const again = await publish([report(name, 90)]);
		expect(again[0].article).toMatchObject({ id: String(kept.id), action: 'updated' });
		expect(liveArticles(title)).toHaveLength(1);
	});
});
