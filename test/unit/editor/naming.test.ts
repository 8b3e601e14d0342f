import type {
	INode,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import { MspAiTriage } from '../../../nodes/MspAiTriage/MspAiTriage.node';
import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';
import { AlertSchema } from '../../../nodes/shared/domain/rmm';
import { ThreatSchema } from '../../../nodes/shared/domain/edr';

/**
 * What the editor shows, read from the node descriptions the way n8n reads them: one naming scheme
 * for operations (n8n's own: Get, Get Many, Search), subtitles in display names, options shown only
 * where they apply, and codex aliases that name only the node's own vendors.
 */
const nodes: Record<string, INodeType> = {
	mspPsa: new MspPsa(),
	mspRmm: new MspRmm(),
	mspEdr: new MspEdr(),
	mspEdrTrigger: new MspEdrTrigger(),
	mspReport: new MspReport(),
	mspAiTriage: new MspAiTriage(),
};
const actionNodes = ['mspPsa', 'mspRmm', 'mspEdr', 'mspReport'];

function node(name: string, parameters: INodeParameters): INode {
	return {
		id: '1',
		name: 'Step',
		type: `n8n-nodes-msp-orchestration.${name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

interface Operation {
	node: string;
	resource: string;
	option: INodePropertyOptions;
}

/** Every operation option of a node, per resource it is shown for (RMM has one list per provider). */
function operations(name: string): Operation[] {
	const found = new Map<string, Operation>();
	for (const property of nodes[name].description.properties.filter((p) => p.name === 'operation')) {
		for (const resource of (property.displayOptions?.show?.resource ?? []) as string[])
			for (const option of property.options as INodePropertyOptions[])
				found.set(`${resource}:${String(option.value)}`, { node: name, resource, option });
	}
	return [...found.values()];
}

const all = actionNodes.flatMap(operations);
const find = (name: string, resource: string, value: string) =>
	all.find((o) => o.node === name && o.resource === resource && o.option.value === value)?.option;

/** The list operations, by their stored values: these values never change (saved workflows use them). */
const LIST_OPERATIONS: Array<[string, string, string, string]> = [
	['mspPsa', 'ticket', 'search', 'Get many tickets'],
	['mspPsa', 'company', 'search', 'Get many companies'],
	['mspPsa', 'configuration', 'find', 'Get many configurations'],
	['mspRmm', 'device', 'search', 'Get many devices'],
	['mspRmm', 'patch', 'list', 'Get many patches of a device'],
	['mspRmm', 'patch', 'listFleet', 'Get many patches across the fleet'],
	['mspRmm', 'script', 'list', 'Get many scripts'],
	['mspRmm', 'alert', 'list', 'Get many active alerts'],
	['mspEdr', 'threat', 'getMany', 'Get many threats'],
];

describe('operation names', () => {
	it.each(LIST_OPERATIONS)(
		'%s %s "%s" is a Get Many with the action "%s"',
		(name, resource, value, action) => {
			const option = find(name, resource, value);
			expect(option).toBeDefined();
			expect(option?.name).toMatch(/^Get Many( |$)/);
			expect(option?.action).toBe(action);
		},
	);

	it('uses none of the old list names (Search, List, List Active, Find) anywhere', () => {
		// Search is kept for a vendor's own search; no operation today is one.
		const old = all.filter((o) =>
			/^(Search|List|List Active|List Across Fleet|Find)$/.test(o.option.name),
		);
		expect(old.map((o) => `${o.node} ${o.resource} ${o.option.name}`)).toEqual([]);
		// Every operation that returns many items is named and described as one.
		const many = all.filter((o) => /^get many /i.test(o.option.action ?? ''));
		expect(many.map((o) => [o.node, o.resource, o.option.value]).sort()).toEqual(
			LIST_OPERATIONS.map(([n, r, v]) => [n, r, v]).sort(),
		);
	});

	it('gives every operation an action, in the sentence case n8n uses', () => {
		for (const { node: name, resource, option } of all) {
			expect({ name, resource, value: option.value, action: option.action }).toEqual(
				expect.objectContaining({ action: expect.stringMatching(/^[A-Z][a-z]/) }),
			);
		}
	});

	it('keeps one Get by ID and one Get by Hostname for RMM devices, each saying what it looks up', () => {
		expect(find('mspRmm', 'device', 'get')?.description).toMatch(/Get by Hostname/);
		expect(find('mspRmm', 'device', 'getByHostname')?.description).toMatch(/exact hostname/);
	});

	it('still offers every operation the shipped templates use', () => {
		const dir = join(__dirname, '../../../workflows');
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
			const workflow = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
				nodes: Array<{ type: string; parameters: INodeParameters }>;
			};
			for (const step of workflow.nodes) {
				const name = step.type.replace('n8n-nodes-msp-orchestration.', '');
				if (!actionNodes.includes(name) || step.parameters.operation === undefined) continue;
				const resource = String(step.parameters.resource);
				const offered = find(name, resource, String(step.parameters.operation)) !== undefined;
				expect({ file, name, resource, op: step.parameters.operation, offered }).toMatchObject({
					offered: true,
				});
			}
		}
	});
});

describe('subtitles', () => {
	const nodeTypes = {
		getByName: (type: string) => nodes[type.split('.').pop()!],
		getByNameAndVersion: (type: string) => nodes[type.split('.').pop()!],
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;

	/** The subtitle as the editor evaluates it for a node with these parameters. */
	function subtitle(name: string, parameters: INodeParameters): unknown {
		const step = node(name, parameters);
		const workflow = new Workflow({ nodes: [step], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(
			step,
			nodes[name].description.subtitle,
			'internal',
			{},
		);
	}

	it('names the trigger’s EDR by its display name', () => {
		expect(subtitle('mspEdrTrigger', { provider: 'sentinelOne' })).toBe(
			'New threats in SentinelOne',
		);
		expect(subtitle('mspEdrTrigger', { provider: 'microsoftDefender' })).toBe(
			'New threats in Microsoft Defender for Endpoint',
		);
	});

	it('names operation and resource as the editor lists them, not by their stored values', () => {
		expect(subtitle('mspPsa', { resource: 'ticket', operation: 'search' })).toBe(
			'Get Many: Ticket',
		);
		expect(subtitle('mspPsa', { resource: 'configuration', operation: 'find' })).toBe(
			'Get Many: Configuration',
		);
		expect(
			subtitle('mspRmm', { provider: 'ninjaOne', resource: 'patch', operation: 'listFleet' }),
		).toBe('Get Many Across Fleet: Patch');
		expect(subtitle('mspRmm', { resource: 'device', operation: 'getByHostname' })).toBe(
			'Get by Hostname: Device',
		);
		expect(subtitle('mspEdr', { resource: 'containment', operation: 'isolate' })).toBe(
			'Isolate: Containment',
		);
		expect(subtitle('mspReport', { resource: 'report', operation: 'publish' })).toBe(
			'Publish: Report',
		);
	});

	it('falls back to the stored values for an operation it does not know', () => {
		expect(subtitle('mspPsa', { resource: 'ticket', operation: 'someday' })).toBe(
			'someday: ticket',
		);
	});

	it('names every operation of every action node', () => {
		for (const { node: name, resource, option } of all) {
			expect(subtitle(name, { resource, operation: option.value })).toBe(
				`${option.name}: ${
					(
						nodes[name].description.properties.find((p) => p.name === 'resource')
							?.options as INodePropertyOptions[]
					).find((r) => r.value === resource)?.name
				}`,
			);
		}
	});
});

describe('options shown only when they apply', () => {
	/** Whether the editor offers this field of the Options collection for these node values. */
	function offered(
		description: INodeTypeDescription,
		name: string,
		values: INodeParameters,
		field: string,
	): boolean {
		const step = node(name, values);
		const collections = description.properties.filter(
			(p) =>
				p.name === 'options' && NodeHelpers.displayParameter(values, p, step, description, values),
		);
		expect(collections).toHaveLength(1);
		const child = (collections[0].options as INodeProperties[]).find((o) => o.name === field);
		if (!child) return false;
		const inside = (values.options ?? {}) as INodeParameters;
		return NodeHelpers.displayParameter(inside, child, step, description, values);
	}

	const waiting: Array<[string, INodeParameters]> = [
		['mspEdr', { provider: 'sentinelOne', resource: 'containment', operation: 'isolate' }],
		['mspEdr', { provider: 'sentinelOne', resource: 'containment', operation: 'release' }],
		['mspEdr', { provider: 'microsoftDefender', resource: 'mitigation', operation: 'run' }],
		['mspRmm', { provider: 'ninjaOne', resource: 'patch', operation: 'apply' }],
		['mspRmm', { provider: 'ninjaOne', resource: 'script', operation: 'run' }],
	];

	it.each(waiting)(
		'%s %j shows Wait Timeout and Poll Interval only while Wait for Completion is on',
		(name, values) => {
			const { description } = nodes[name];
			for (const field of ['waitTimeout', 'pollInterval']) {
				expect(offered(description, name, { ...values, waitForCompletion: false }, field)).toBe(
					false,
				);
				expect(offered(description, name, { ...values }, field)).toBe(false);
				expect(offered(description, name, { ...values, waitForCompletion: true }, field)).toBe(
					true,
				);
				// A switch set by expression may be on at run time.
				expect(
					offered(description, name, { ...values, waitForCompletion: '={{ true }}' }, field),
				).toBe(true);
			}
			// The other options do not depend on the switch.
			expect(offered(description, name, { ...values }, 'includeRaw')).toBe(true);
		},
	);

	it('shows the wait fields always where the operation itself waits', () => {
		const { description } = nodes.mspRmm;
		for (const values of [
			{ provider: 'ninjaOne', resource: 'patch', operation: 'waitForCompletion' },
			{ provider: 'ninjaOne', resource: 'script', operation: 'waitForCompletion' },
		])
			expect(offered(description, 'mspRmm', values, 'waitTimeout')).toBe(true);
	});

	it('keeps the wait options a saved step set while Wait for Completion is on', () => {
		const { description } = nodes.mspEdr;
		const values = {
			provider: 'sentinelOne',
			resource: 'containment',
			operation: 'isolate',
			waitForCompletion: true,
			options: { waitTimeout: 120, pollInterval: 15 },
		};
		const kept = NodeHelpers.getNodeParameters(
			description.properties,
			values,
			true,
			false,
			node('mspEdr', values),
			description,
		);
		expect(kept?.options).toMatchObject({ waitTimeout: 120, pollInterval: 15 });
	});
});

describe('placeholders name fields the nodes output', () => {
	/** The keys of an output schema, refined or not. */
	function fieldsOf(schema: unknown): string[] {
		const s = schema as { shape?: object; innerType?: () => { shape: object } };
		return Object.keys(s.shape ?? s.innerType?.().shape ?? {});
	}

	it('External Reference suggests a field the EDR and RMM outputs carry, not one no node outputs', () => {
		const field = nodes.mspPsa.description.properties.find((p) => p.name === 'externalReference');
		expect(field?.placeholder).toContain('$json.deviceId');
		expect(field?.placeholder).not.toContain('alertId');
		// Threats (MSP EDR) and alerts (MSP RMM) both carry deviceId.
		expect(fieldsOf(ThreatSchema)).toContain('deviceId');
		expect(fieldsOf(AlertSchema)).toContain('deviceId');
	});

	it('Known Device Role suggests the RMM device’s type', () => {
		const options = nodes.mspEdr.description.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes('containment'),
		);
		const role = (options?.options as INodeProperties[]).find((o) => o.name === 'deviceRole');
		expect(role?.placeholder).toContain('.json.type');
	});
});

describe('codex aliases', () => {
	/** Vendor and product names a user may type, and the node each belongs to. */
	const VENDORS: Record<string, RegExp> = {
		mspPsa:
			/^(ConnectWise|ConnectWise PSA|ConnectWise Manage|Manage|Halo|HaloPSA|Halo PSA|Autotask|Autotask PSA|Datto Autotask|Kaseya Autotask)$/i,
		mspRmm:
			/^(NinjaOne|NinjaRMM|Ninja|ConnectWise|ConnectWise Automate|Automate|LabTech|Datto|Datto RMM|CentraStage)$/i,
		mspEdr:
			/^(SentinelOne|S1|Microsoft Defender|Defender for Endpoint|MDE|Huntress|CrowdStrike|Falcon)$/i,
		mspEdrTrigger:
			/^(SentinelOne|S1|Microsoft Defender|Defender for Endpoint|MDE|Huntress|CrowdStrike|Falcon)$/i,
		mspReport: /^(Hudu|IT Glue|ITGlue)$/i,
		mspAiTriage: /^$/,
	};
	const ANY_VENDOR =
		/connectwise|halo|ninja|automate|labtech|sentinel|^s1$|defender|^mde$|hudu|openai|gpt|claude|anthropic|ollama|gemini|mistral|crowdstrike|huntress|datto|autotask|it glue/i;

	it.each(Object.keys(VENDORS))('%s names only its own vendors', (name) => {
		const folder = name.charAt(0).toUpperCase() + name.slice(1);
		const codex = JSON.parse(
			readFileSync(join(__dirname, `../../../nodes/${folder}/${folder}.node.json`), 'utf8'),
		) as { node: string; alias: string[] };
		expect(codex.node).toBe(`n8n-nodes-msp-orchestration.${name}`);
		const vendors = codex.alias.filter((a) => ANY_VENDOR.test(a));
		expect(vendors.filter((a) => !VENDORS[name].test(a))).toEqual([]);
	});

	it('has no codex inside the node descriptions to drift from the codex files', () => {
		for (const type of Object.values(nodes))
			expect((type.description as unknown as Record<string, unknown>).codex).toBeUndefined();
	});
});
