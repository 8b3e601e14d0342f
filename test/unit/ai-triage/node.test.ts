import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
} from 'n8n-workflow';

import { MspAiTriage } from '../../../nodes/MspAiTriage/MspAiTriage.node';

import { triageContext } from './fakeContext';
import {
	ADMIN_TOOL,
	answer,
	fakeModel,
	PLAIN_SUSPICIOUS,
	PUP,
	RANSOMWARE,
	SERVER_THEFT,
} from './fixtures';

const node = new MspAiTriage();
const names = (output: INodeExecutionData[]) => output.map((item) => item.json.id);

describe('MSP AI Triage node', () => {
	it('declares an optional model input, four named outputs and tool use', () => {
		const { description } = node;
		expect(description.inputs).toEqual([
			NodeConnectionTypes.Main,
			expect.objectContaining({
				type: NodeConnectionTypes.AiLanguageModel,
				required: false,
				maxConnections: 1,
			}),
		]);
		expect(description.outputs).toHaveLength(4);
		expect(description.outputNames).toEqual(['Contain', 'Approval', 'Investigate', 'Dismiss']);
		expect(description.usableAsTool).toBe(true);
	});

	it('rules-only mode: routes each alert to its output, keeps the item and pairs it', async () => {
		const items = [
			RANSOMWARE,
			SERVER_THEFT,
			PUP,
			{ ...PLAIN_SUSPICIOUS, id: 'fp', verdict: 'falsePositive' },
		] as IDataObject[];
		const { ctx } = triageContext(items);
		const [contain, approval, investigate, dismiss] = await node.execute.call(ctx);
		expect([names(contain), names(approval), names(investigate), names(dismiss)]).toEqual([
			[RANSOMWARE.id],
			[SERVER_THEFT.id],
			[PUP.id],
			['fp'],
		]);
		expect(contain[0].json).toMatchObject({
			hostname: 'BSD-WS02',
			triage: { route: 'contain', severity: 'critical', source: 'rules', category: 'ransomware' },
		});
		expect(contain[0].json.triage).not.toHaveProperty('model');
		expect(approval[0].pairedItem).toEqual({ item: 1 });
		expect(dismiss[0].pairedItem).toEqual({ item: 3 });
	});

	it('with a model: the model decides within the guardrails and its name is recorded', async () => {
		const model = fakeModel(
			() => answer({ route: 'dismiss', severity: 'low', category: 'admin-tool', confidence: 0.9 }),
			'gpt-5-mini',
		);
		const { ctx, getInputConnectionData } = triageContext(
			[ADMIN_TOOL, RANSOMWARE] as IDataObject[],
			{ model, params: { allowListedTools: 'PsExec64.exe | Microsoft Corporation' } },
		);
		const [contain, , , dismiss] = await node.execute.call(ctx);
		expect(getInputConnectionData).toHaveBeenCalledWith(NodeConnectionTypes.AiLanguageModel, 0);
		expect(dismiss[0].json.triage).toMatchObject({
			source: 'model',
			model: 'gpt-5-mini',
			route: 'dismiss',
		});
		expect(contain[0].json.triage).toMatchObject({
			source: 'model',
			route: 'contain',
			disagreements: expect.arrayContaining([
				expect.objectContaining({ field: 'route', proposed: 'dismiss' }),
			]),
		});
	});

	it('accepts an array of models as n8n may supply, using the first', async () => {
		const model = fakeModel(() => answer({}));
		const { ctx } = triageContext([PUP] as IDataObject[], { model: [model] });
		await node.execute.call(ctx);
		expect(model.calls).toHaveLength(1);
	});

	it('never fails on a junk model: falls back per item and adds a warning hint', async () => {
		const model = fakeModel(() => 'no idea');
		const { ctx, hints } = triageContext([RANSOMWARE, PUP] as IDataObject[], { model });
		const [contain, , investigate] = await node.execute.call(ctx);
		expect(contain[0].json.triage).toMatchObject({
			source: 'rules-fallback',
			hint: expect.stringContaining('unusable after one repair attempt'),
		});
		expect(investigate[0].json.triage).toMatchObject({ source: 'rules-fallback' });
		expect(hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(/^2 of 2 alerts were decided by the rules/),
			}),
		]);
	});

	it('keeps at most Concurrency model calls in flight', async () => {
		const model = fakeModel(() => answer({}));
		const items = Array.from({ length: 12 }, (_, i) => ({
			...PLAIN_SUSPICIOUS,
			id: `a${i}`,
			sha256: String(i).padStart(64, '0'),
		}));
		const { ctx } = triageContext(items, { model, params: { options: { concurrency: 3 } } });
		await node.execute.call(ctx);
		expect(model.calls).toHaveLength(12);
		expect(model.maxInFlight).toBeLessThanOrEqual(3);
		expect(model.maxInFlight).toBeGreaterThan(1);
	});

	it('as an agent tool: no model lookup, every verdict on the first output', async () => {
		const { ctx, getInputConnectionData } = triageContext([RANSOMWARE, PUP] as IDataObject[], {
			tool: true,
		});
		const result = await node.execute.call(ctx);
		expect(getInputConnectionData).not.toHaveBeenCalled();
		expect(result).toHaveLength(1);
		expect(result[0].map((item) => (item.json.triage as IDataObject).route)).toEqual([
			'contain',
			'investigate',
		]);
	});

	it('writes the verdict under the configured output field', async () => {
		const { ctx } = triageContext([PUP] as IDataObject[], {
			params: { options: { outputField: 'verdict' } },
		});
		const [, , investigate] = await node.execute.call(ctx);
		expect(investigate[0].json).toHaveProperty('verdict.route', 'investigate');
		expect(investigate[0].json).not.toHaveProperty('triage');
	});

	it('reads every rule setting per item: one client allow-lists the tool, the next does not', async () => {
		const model = fakeModel(() => answer({ route: 'dismiss', severity: 'low', confidence: 0.9 }));
		const { ctx } = triageContext(
			[ADMIN_TOOL, { ...ADMIN_TOOL, id: 't-admin-2' }] as IDataObject[],
			{
				model,
				params: {
					allowListedTools: ((i: number) =>
						i === 0 ? 'PsExec64.exe | Microsoft Corporation' : '') as unknown as string,
					options: ((i: number) => ({
						outputField: i === 0 ? 'triage' : 'verdict',
					})) as unknown as IDataObject,
				},
			},
		);
		const [, , investigate, dismiss] = await node.execute.call(ctx);
		expect(names(dismiss)).toEqual(['t-admin']);
		expect(dismiss[0].json).toHaveProperty('triage.route', 'dismiss');
		expect(names(investigate)).toEqual(['t-admin-2']);
		expect(investigate[0].json).toHaveProperty('verdict.route', 'investigate');
	});

	it('rejects an alert that is not an object, naming the field', async () => {
		const { ctx } = triageContext([PUP] as IDataObject[], { alert: () => 'not json' });
		await expect(node.execute.call(ctx)).rejects.toThrow(NodeOperationError);
		await expect(node.execute.call(ctx)).rejects.toThrow('Alert must be a JSON object');
	});

	it('with Continue On Fail, a bad item becomes an error item on Investigate and the rest go on', async () => {
		const { ctx } = triageContext([PUP, RANSOMWARE] as IDataObject[], {
			alert: (item, i) => (i === 0 ? [1, 2] : item),
			continueOnFail: true,
		});
		const [contain, , investigate] = await node.execute.call(ctx);
		expect(investigate).toEqual([
			{
				json: {
					error: 'Alert must be a JSON object',
					description: expect.stringContaining('an array'),
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(names(contain)).toEqual([RANSOMWARE.id]);
	});

	it('rejects invalid rule settings before triaging anything', async () => {
		const model = fakeModel(() => answer({}));
		const { ctx } = triageContext([PUP] as IDataObject[], {
			model,
			params: { knownBadHashes: 'zzz' },
		});
		await expect(node.execute.call(ctx)).rejects.toThrow(
			'Invalid "knownBadHashes": Not an MD5, SHA-1 or SHA-256 hash: zzz',
		);
		expect(model.calls).toHaveLength(0);
	});

	it('refuses a connected sub-node that is not a chat model', async () => {
		const { ctx } = triageContext([PUP] as IDataObject[], { model: { embedQuery: () => [] } });
		await expect(node.execute.call(ctx)).rejects.toThrow('The connected model cannot be called');
	});
});
